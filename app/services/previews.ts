// Previews of images, PDFs and text, bounded in size and never written to disk: 'objects.preview' checks the object
// (HEAD: type, size, encryption; an SSE-C object with the vault's key that opens it) and answers a one-time ticket;
// the bytes are then streamed from the server through this process once — to the browser-mode page as
// `GET /preview/<id>` (app/host/preview-route.ts), to the desktop window as 'objects.previewBytes'. A ticket is good
// for one read within two minutes, and the read is pinned to the version checked (If-Match).
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PREVIEW_MAX_BYTES, PREVIEW_TEXT_BYTES, type PreviewKind } from '../../shared/contract/channels-details';
import type { CosClient } from '../cos/client';
import { ServiceError } from './errors';
import { headObjectWithKeys, previewKindOf, previewTypeOf, type ObjectTarget, type SseCKeySource } from './object-details';

const TICKET_MS = 2 * 60_000;
const MAX_TICKETS = 32;

interface Ticket {
  client: CosClient;
  target: ObjectTarget;
  etag: string;
  sseCustomerKey?: Buffer;
  contentType: string;
  /** Bytes to send: the whole object, or a text file's first PREVIEW_TEXT_BYTES. */
  size: number;
  expires: number;
}

export interface PreviewTicket {
  previewId: string;
  kind: PreviewKind;
  contentType: string;
  size: number;
  truncated: boolean;
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export class PreviewRegistry {
  private readonly tickets = new Map<string, Ticket>();

  constructor(private readonly now: () => number = Date.now) {}

  async open(client: CosClient, t: ObjectTarget, keys: SseCKeySource): Promise<PreviewTicket> {
    const headed = await headObjectWithKeys(client, t, keys);
    if (!headed.info) {
      throw new ServiceError('access', 'SseCKeyNeeded', `cos://${t.bucket}/${t.key} is encrypted with a customer key (SSE-C) that is not in this vault, so it cannot be previewed; add that key to the vault to open it.`, { bucket: t.bucket, key: t.key });
    }
    const info = headed.info;
    const type = previewTypeOf(info.contentType, t.key);
    const kind = previewKindOf(type);
    if (!kind) throw new ServiceError('usage', 'NoPreview', `Coffer shows previews of images, PDFs and text; ${t.key.split('/').pop()} is ${type || 'of an unknown type'}. Download it to open it.`, { bucket: t.bucket, key: t.key });
    if (kind !== 'text' && info.size > PREVIEW_MAX_BYTES) {
      const values = { name: t.key.split('/').pop() ?? t.key, size: mb(info.size), max: mb(PREVIEW_MAX_BYTES) };
      throw ServiceError.phrased('usage', 'PreviewTooLarge', 'previewTooLarge', values, { bucket: t.bucket, key: t.key });
    }
    const size = kind === 'text' ? Math.min(info.size, PREVIEW_TEXT_BYTES) : info.size;
    // Text is always sent as plain text (an HTML file is shown as its source, never run); images and PDFs as what they are.
    const contentType = kind === 'text' ? 'text/plain; charset=utf-8' : type;
    this.sweep();
    const previewId = randomUUID();
    this.tickets.set(previewId, { client, target: t, etag: info.etag, sseCustomerKey: headed.sseC?.key, contentType, size, expires: this.now() + TICKET_MS });
    return { previewId, kind, contentType, size, truncated: size < info.size };
  }

  /** The bytes of a ticket, as a stream (the ticket is used up). */
  async stream(previewId: string, signal?: AbortSignal): Promise<{ contentType: string; size: number; body: Readable }> {
    const ticket = this.take(previewId);
    const { bucket, key, region } = ticket.target;
    const res = await ticket.client.getObject(bucket, key, {
      region,
      ifMatch: ticket.etag || undefined,
      sseCustomerKey: ticket.sseCustomerKey,
      // A whole object is checked against its CRC64; a text file's first part cannot be.
      ...(ticket.size > 0 ? { range: { start: 0, end: ticket.size - 1 } } : {}),
      verifyCrc64: false,
      signal,
    });
    return { contentType: ticket.contentType, size: ticket.size, body: res.body };
  }

  /** The bytes of a ticket, whole (at most PREVIEW_MAX_BYTES), for the desktop window's channel. */
  async bytes(previewId: string): Promise<{ contentType: string; data: Buffer }> {
    const { contentType, size, body } = await this.stream(previewId);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of body) {
      total += (chunk as Buffer).length;
      if (total > size) break;
      chunks.push(chunk as Buffer);
    }
    return { contentType, data: Buffer.concat(chunks).subarray(0, size) };
  }

  private take(previewId: string): Ticket {
    this.sweep();
    const ticket = this.tickets.get(previewId);
    this.tickets.delete(previewId);
    if (!ticket) throw new ServiceError('not-found', 'NoSuchPreview', 'This preview is no longer available; select the file again to preview it.');
    return ticket;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, t] of this.tickets) if (t.expires <= now) this.tickets.delete(id);
    // A page asking for previews it never reads cannot make this grow without bound.
    while (this.tickets.size >= MAX_TICKETS) this.tickets.delete(this.tickets.keys().next().value!);
  }
}

const registries = new WeakMap<object, PreviewRegistry>();

/** The one registry of a core (the handlers and the browser host's route share it). */
export function previewsOf(core: object): PreviewRegistry {
  let r = registries.get(core);
  if (!r) registries.set(core, (r = new PreviewRegistry()));
  return r;
}

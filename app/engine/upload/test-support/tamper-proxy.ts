// A small recording proxy for engine tests: forwards every request to the store byte for byte, except that a
// rule can flip one byte of a request body (a corruption in transit that TCP did not catch) or hold a request
// back for a while (to make an upload slow enough to interrupt). Request bodies are buffered, so keep them small.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TamperRule {
  match: (method: string, url: string) => boolean;
  /** Flip the bits of the body byte at this offset. */
  flipByteAt?: number;
  delayMs?: number;
  /** Change the store's answer headers (e.g. drop the SSE echo, as a server that ignored the request would). */
  rewriteResponse?: (headers: Record<string, string | string[] | undefined>) => void;
  /** How many matching requests the rule applies to (default: all). */
  times?: number;
}

export class TamperProxy {
  readonly requests: Array<{ method: string; url: string; tampered: boolean }> = [];
  private rules: Array<TamperRule & { left: number }> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TamperProxy> {
    const holder: { p?: TamperProxy } = {};
    const server = createServer((req, res) => {
      void holder.p!.handle(req, targetPort).then(
        ({ up, rule }) => {
          const headers = { ...up.headers };
          rule?.rewriteResponse?.(headers);
          res.writeHead(up.statusCode ?? 502, headers);
          up.pipe(res);
        },
        () => res.socket?.destroy(),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    holder.p = new TamperProxy(server, (server.address() as AddressInfo).port);
    return holder.p;
  }

  add(rule: TamperRule): void {
    this.rules.push({ ...rule, left: rule.times ?? Infinity });
  }

  reset(): void {
    this.rules = [];
    this.requests.length = 0;
  }

  count(method: string, pred: (url: string) => boolean): number {
    return this.requests.filter((r) => r.method === method && pred(r.url)).length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, targetPort: number): Promise<{ up: IncomingMessage; rule?: TamperRule }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? '';
    const url = req.url ?? '';
    const rule = this.rules.find((r) => r.left > 0 && r.match(method, url));
    // Recorded on arrival, so a request held back by a delay belongs to the moment it was sent.
    const rec = { method, url, tampered: false };
    this.requests.push(rec);
    if (rule) {
      rule.left--;
      if (rule.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
      if (rule.flipByteAt !== undefined && body.length > rule.flipByteAt) {
        body[rule.flipByteAt] ^= 0xff;
        rec.tampered = true;
      }
    }
    return new Promise((resolve, reject) => {
      const up = request({ host: '127.0.0.1', port: targetPort, method, path: url, headers: req.headers }, (r) => resolve({ up: r, rule }));
      up.on('error', reject);
      up.end(body);
    });
  }
}

/** Upload Part requests: `PUT ...?partNumber=N&uploadId=...`. */
export const isUploadPart = (method: string, url: string) => method === 'PUT' && /[?&]partNumber=/.test(url);

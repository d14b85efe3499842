// The HTTP layer: one undici Agent (keep-alive connection pools per origin) with streaming request and response
// bodies. It knows nothing of COS; it turns transport failures into CosNetworkError and aborts into CosAbortError
// so the layers above can decide about retries by type alone.
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { CosAbortError, CosNetworkError, type CosErrorContext } from './errors';

export interface TransportOptions {
  /** Connections per origin (default 16). */
  connections?: number;
  /** Time to wait for response headers (default 60 s). */
  headersTimeoutMs?: number;
  /** Longest silence while reading a body (default 60 s). */
  bodyTimeoutMs?: number;
  /** Extra CA certificates (PEM), e.g. for a store with its own certificate. Verification stays on. */
  ca?: string | string[];
}

export interface HttpRequest {
  origin: string;
  method: string;
  /** Encoded path + query. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer | Readable;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lowercase names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Readable;
}

export class HttpTransport {
  private readonly agent: Agent;

  constructor(opts: TransportOptions = {}) {
    this.agent = new Agent({
      connections: opts.connections ?? 16,
      headersTimeout: opts.headersTimeoutMs ?? 60_000,
      bodyTimeout: opts.bodyTimeoutMs ?? 60_000,
      connect: opts.ca ? { ca: opts.ca } : undefined,
    });
  }

  async send(req: HttpRequest, context: CosErrorContext): Promise<HttpResponse> {
    try {
      const res = await this.agent.request({
        origin: req.origin,
        method: req.method as 'GET',
        path: req.path,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined) continue;
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: res.statusCode, headers, body: res.body as unknown as Readable };
    } catch (err) {
      throw transportError(err, req.signal, context);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/**
 * Maps what undici or a socket threw to our error types. The message names the failure kind only: undici's own
 * messages are safe, but keeping ours fixed means no request detail can ever leak through them.
 */
export function transportError(err: unknown, signal: AbortSignal | undefined, context: CosErrorContext): Error {
  if (err instanceof CosNetworkError || err instanceof CosAbortError) return err;
  const e = err as { name?: string; code?: string; message?: string };
  if (signal?.aborted || e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED') {
    return new CosAbortError('The operation was aborted');
  }
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const what = [context.method, [context.bucket, context.key].filter(Boolean).join('/')].filter(Boolean).join(' ');
  return new CosNetworkError(`network error${what ? ` during ${what}` : ''}: ${code ?? e?.name ?? 'unknown'}`, code, context);
}

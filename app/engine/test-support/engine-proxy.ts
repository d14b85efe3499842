// A test proxy for engine tests, between a CosClient and the store on 127.0.0.1: records every request with its
// headers, counts requests in flight (and the most ever in flight), and by rule delays an answer, flips a byte
// of a response body, cuts a response after some bytes, rewrites a whole body (a hostile listing) or the response
// headers. Request headers pass through untouched, so signatures still verify at the store.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyRule {
  match?: (req: IncomingMessage) => boolean;
  /** How many matching requests the rule applies to (default: all). */
  times?: number;
  delayMs?: number;
  /** XOR this body offset with 0xff. */
  flipByteAt?: number;
  /** Send this many body bytes, then destroy the connection. */
  cutAfterBytes?: number;
  rewriteBody?: (body: Buffer) => Buffer;
  /** With rewriteBody: the status to answer with instead of the store's. */
  status?: number;
  /** Edits the response headers in place (e.g. an encryption header this client does not know). */
  rewriteHeaders?: (headers: Record<string, string | string[] | undefined>) => void;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export class EngineProxy {
  readonly requests: SeenRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private rules: Array<ProxyRule & { left: number }> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<EngineProxy> {
    const holder: { proxy?: EngineProxy } = {};
    const server = createServer((req, res) => holder.proxy!.handle(req, res, targetPort));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    holder.proxy = new EngineProxy(server, (server.address() as AddressInfo).port);
    return holder.proxy;
  }

  use(rule: ProxyRule): void {
    this.rules.push({ ...rule, left: rule.times ?? Infinity });
  }

  reset(): void {
    this.rules = [];
    this.requests.length = 0;
    this.maxInFlight = this.inFlight;
  }

  /** Requests of one method whose path (without query) is `/<key>` in URL form. */
  requestsFor(method: string, key?: string): SeenRequest[] {
    return this.requests.filter((r) => r.method === method && (key === undefined || decodeURIComponent(r.url.split('?')[0]) === `/${key}`));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse, targetPort: number): void {
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let counted = true;
    const done = () => {
      if (counted) this.inFlight--;
      counted = false;
    };
    res.on('close', done);
    const rule = this.rules.find((r) => r.left > 0 && (!r.match || r.match(req)));
    if (rule) rule.left--;
    const forward = () => {
      const upstream = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
        if (rule?.rewriteBody) {
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            const body = rule.rewriteBody!(Buffer.concat(chunks));
            res.writeHead(rule.status ?? up.statusCode ?? 502, { ...up.headers, 'content-length': String(body.length) });
            res.end(body);
          });
          return;
        }
        const headers = { ...up.headers };
        rule?.rewriteHeaders?.(headers);
        res.writeHead(up.statusCode ?? 502, headers);
        let offset = 0;
        up.on('data', (chunk: Buffer) => {
          let out = chunk;
          if (rule?.flipByteAt !== undefined && rule.flipByteAt >= offset && rule.flipByteAt < offset + chunk.length) {
            out = Buffer.from(chunk);
            out[rule.flipByteAt - offset] ^= 0xff;
          }
          if (rule?.cutAfterBytes !== undefined) {
            const room = rule.cutAfterBytes - offset;
            if (room <= 0) return;
            if (out.length >= room) {
              res.write(out.subarray(0, room));
              offset += out.length;
              up.destroy();
              setTimeout(() => res.socket?.destroy(), 20);
              return;
            }
          }
          offset += chunk.length;
          res.write(out);
        });
        up.on('end', () => {
          if (rule?.cutAfterBytes === undefined || offset < rule.cutAfterBytes) res.end();
        });
      });
      upstream.on('error', () => res.socket?.destroy());
      req.pipe(upstream);
    };
    if (rule?.delayMs) setTimeout(forward, rule.delayMs);
    else forward();
  }
}

// A tiny HTTP proxy for tests: sits between the client and the store on 127.0.0.1, records every request, and
// injects faults by rule — an error status (503 SlowDown, 403 …) without reaching the store, a connection reset,
// or a response cut off after some body bytes. Everything else is forwarded byte for byte, Host included, so
// signatures still verify at the store.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** `echoHeaders` puts every request header in the message: a hostile server, for secret-scrubbing tests. */
  | { kind: 'status'; status: number; code: string; message?: string; echoHeaders?: boolean }
  | { kind: 'reset' }
  | { kind: 'cut-response'; afterBytes: number };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  fault?: Fault['kind'];
}

export interface FaultRule {
  match?: (req: IncomingMessage) => boolean;
  fault: Fault;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

export class FaultProxy {
  readonly requests: RecordedRequest[] = [];
  private rules: Array<FaultRule & { left: number }> = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<FaultProxy> {
    const holder: { proxy?: FaultProxy } = {};
    const server = createServer((req, res) => holder.proxy!.handle(req, res, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new FaultProxy(server, (server.address() as AddressInfo).port);
    return holder.proxy;
  }

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  reset(): void {
    this.rules = [];
    this.requests.length = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private take(req: IncomingMessage): Fault | undefined {
    const rule = this.rules.find((r) => r.left > 0 && (!r.match || r.match(req)));
    if (!rule) return undefined;
    rule.left--;
    return rule.fault;
  }

  private handle(req: IncomingMessage, res: ServerResponse, targetPort: number): void {
    const fault = this.take(req);
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, fault: fault?.kind });
    if (fault?.kind === 'status') {
      // Drain the body first so the client sees the answer, not a broken pipe.
      req.resume();
      req.on('end', () => {
        const echoed = fault.echoHeaders ? ` ${JSON.stringify(req.headers)}` : '';
        const message = `${fault.message ?? 'injected'}${echoed}`.replace(/&/g, '&amp;').replace(/</g, '&lt;');
        const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>${message}</Message><RequestId>proxy-${this.requests.length}</RequestId></Error>`;
        res.writeHead(fault.status, {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(body),
          'x-cos-request-id': `proxy-${this.requests.length}`,
          date: new Date().toUTCString(),
        });
        res.end(body);
      });
      return;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (fault?.kind !== 'cut-response') {
          up.pipe(res);
          return;
        }
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          if (sent >= fault.afterBytes) return;
          const room = fault.afterBytes - sent;
          res.write(chunk.subarray(0, room));
          sent += Math.min(room, chunk.length);
          if (sent >= fault.afterBytes) {
            // Let the bytes reach the client, then cut the connection without ending the response.
            setTimeout(() => res.socket?.destroy(), 20);
            up.destroy();
          }
        });
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  }
}

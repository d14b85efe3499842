// Writing responses: the headers every COS response carries, XML bodies and the error document.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytesPooled } from '../sse/random-pool';
import { buildXml } from './xml';
import type { CosError } from './cos-error';

export function newRequestId(): string {
  return randomBytesPooled(18).toString('base64url');
}

/** Headers on every response; `Date` matters on errors (SDKs use it to recover from clock skew). */
export function baseHeaders(requestId: string): Record<string, string> {
  return {
    'x-cos-request-id': requestId,
    Date: new Date().toUTCString(),
    Server: 'coffer-store',
  };
}

export function sendXml(res: ServerResponse, status: number, root: string, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const text = buildXml(root, body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Length': '0' });
  res.end();
}

export function sendError(req: IncomingMessage, res: ServerResponse, err: CosError, requestId: string, resource: string): void {
  const headers: Record<string, string> = { ...baseHeaders(requestId), 'x-cos-trace-id': requestId, ...err.headers };
  if (res.headersSent) {
    res.destroy(err);
    return;
  }
  if (req.method === 'HEAD') {
    // HEAD errors carry no body; clients derive the code from the status.
    res.writeHead(err.status, { ...headers, 'Content-Length': '0' });
    res.end();
    return;
  }
  sendXml(res, err.status, 'Error', { Code: err.code, Message: err.message, Resource: resource, RequestId: requestId, TraceId: requestId }, headers);
}

// What a real browser does with the host's guards: a page on another origin cannot open Coffer's WebSocket even
// with the token (the browser sets Origin, the host refuses it), the page's own origin cannot without the token,
// and the served window carries its strict Content-Security-Policy.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

let other: Server;
let otherOrigin: string;

test.beforeAll(async () => {
  other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => other.close(() => resolve()));
});

const tryWebSocket = (url: string) =>
  new Promise<string>((resolve) => {
    const ws = new WebSocket(url);
    ws.onopen = () => resolve('open');
    ws.onerror = () => resolve('refused');
  });

test('a page on another origin cannot open the WebSocket, even with the token', async ({ page, coffer }) => {
  await page.goto(`${otherOrigin}/`);
  const wsUrl = `${coffer.origin.replace('http', 'ws')}/ws?token=${coffer.token}`;
  expect(await page.evaluate(tryWebSocket, wsUrl)).toBe('refused');
  expect(coffer.log()).not.toContain('unhandled');
});

test('the page itself cannot open the WebSocket without the token, and is served with its CSP', async ({ page, coffer }) => {
  const response = await page.goto(`${coffer.origin}/`);
  expect(response!.headers()['content-security-policy']).toContain("default-src 'none'");
  expect(response!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(await page.evaluate(tryWebSocket, `${coffer.origin.replace('http', 'ws')}/ws`)).toBe('refused');
  expect(await page.evaluate(tryWebSocket, `${coffer.origin.replace('http', 'ws')}/ws?token=${coffer.token}`)).toBe('open');
});

// Floor: what Chromium itself costs to hand a page 10,000 dropped files and send their bytes to a server that
// only reads them: sizes, blobs of 100, POSTs of 1000 (one in flight), as Coffer's page does.
import { chromium } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
const mode = process.argv[2] ?? 'post';
const paths = readdirSync('/tmp/exp/files').map((f) => `/tmp/exp/files/${f}`);
let received = 0;
const server = createServer((req, res) => {
  if (req.method === 'POST') { req.on('data', (c) => (received += c.length)); req.on('end', () => res.writeHead(204).end()); return; }
  res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><div id="z" style="position:fixed;inset:0"></div></body></html>');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
const page = await browser.newPage();
await page.addInitScript(() => { (globalThis as any).__name = (f: unknown) => f; });
await page.goto(`http://127.0.0.1:${port}/`);
function cpuOfChromium(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd = '';
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (!cmd.includes('chromium')) continue;
    const k = cmd.includes('--type=renderer') ? 'renderer' : cmd.includes('network.mojom') ? 'network' : cmd.includes('--type=') ? 'other' : 'browser';
    try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); out[k] = (out[k] ?? 0) + Number(f[11]) + Number(f[12]); } catch { /* gone */ }
  }
  return out;
}
await page.evaluate((mode) => {
  const w = window as any;
  const z = document.getElementById('z')!;
  z.addEventListener('dragover', (e) => e.preventDefault());
  z.addEventListener('drop', (e: any) => {
    e.preventDefault();
    w.dropAt = Date.now();
    const files: File[] = [];
    for (const item of e.dataTransfer.items) { const f = item.getAsFile(); if (f) files.push(f); }
    (async () => {
      const yieldNow = () => new Promise((r) => setTimeout(r, 0));
      let t = performance.now();
      for (let i = 0; i < files.length; i++) { void (files[i]!.size + files[i]!.lastModified); if (performance.now() - t > 8) { await yieldNow(); t = performance.now(); } }
      w.sizesAt = Date.now();
      if (mode === 'sizes') { w.doneAt = Date.now(); return; }
      for (let b = 0; b < files.length; b += 1000) {
        const parts: Blob[] = [];
        for (let i = b; i < Math.min(b + 1000, files.length); i += 100) { parts.push(new Blob(files.slice(i, i + 100))); await yieldNow(); }
        const body = new Blob(['manifest\n', ...parts]);
        if (mode === 'post') await fetch('/sink', { method: 'POST', body });
        if (mode === 'buf') await fetch('/sink', { method: 'POST', body: await body.arrayBuffer() });
        if (mode === 'stream') { const rd = body.stream().getReader(); const chunks: Uint8Array[] = []; for (;;) { const { done, value } = await rd.read(); if (done) break; chunks.push(value); } await fetch('/sink', { method: 'POST', body: new Blob(chunks) }); }
      }
      w.doneAt = Date.now();
    })();
  });
}, mode);
const cdp = await page.context().newCDPSession(page);
const data = { items: [], files: paths, dragOperationsMask: 1 };
for (const type of ['dragEnter', 'dragOver'] as const) await cdp.send('Input.dispatchDragEvent', { type, x: 400, y: 300, data });
await new Promise((r) => setTimeout(r, 1000));
const before = cpuOfChromium();
await cdp.send('Input.dispatchDragEvent', { type: 'drop', x: 400, y: 300, data });
await page.waitForFunction(() => (window as any).doneAt, null, { timeout: 120000 });
const after = cpuOfChromium();
const r = await page.evaluate(() => ({ dropAt: (window as any).dropAt, sizesAt: (window as any).sizesAt, doneAt: (window as any).doneAt }));
const cpu = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k]! - (before[k] ?? 0)) / 100]));
console.log(mode, `sizes ${r.sizesAt - r.dropAt} ms, done ${r.doneAt - r.dropAt} ms, received ${received} B`, 'CPU-s incl. hand-over:', JSON.stringify(cpu), 'total', Object.values(cpu).reduce((a, b) => a + b, 0).toFixed(2));
await browser.close();
server.close();

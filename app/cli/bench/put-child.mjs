// A contender of `npm run bench:cli`: the smallest Node process that does on the wire what a 4 KiB `coffer cp`
// does. It starts Node, reads the file, sends one PUT with SSE-COS over a fresh connection, checks the answer and
// exits: Node's built-ins only, no package, no TypeScript, no checksum. The parent signs the request (three HMACs,
// microseconds) and hands over the headers, so this process has nothing to load but node:http.
//
//   node put-child.mjs <url> <file> <headers as JSON>
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

const [url, file, headersJson] = process.argv.slice(2);
if (!url || !file || !headersJson) throw new Error('usage: put-child.mjs <url> <file> <headers as JSON>');
const body = readFileSync(file);
const req = request(url, { method: 'PUT', headers: { ...JSON.parse(headersJson), 'content-length': String(body.length) } }, (res) => {
  let text = '';
  res.on('data', (d) => (text += d));
  res.on('end', () => {
    if (res.statusCode !== 200) {
      process.stderr.write(`PUT answered ${res.statusCode}: ${text}\n`);
      process.exitCode = 1;
    }
  });
});
req.on('error', (err) => {
  process.stderr.write(`PUT failed: ${err.message}\n`);
  process.exitCode = 1;
});
req.end(body);

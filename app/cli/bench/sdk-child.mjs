// Contenders of `npm run bench:cli`: a Node process that uploads one file with the official COS SDK, as a script
// using the SDK would, with SSE-COS (ServerSideEncryption AES256):
//   uploadFile  the SDK's file upload: 8 MiB parts, 4 in flight
//   putObject   one PUT of the file's bytes (the 4 KiB reference)
//
//   node sdk-child.mjs uploadFile|putObject <port> <bucket> <region> <key> <file>
//   env: COFFER_BENCH_SECRET_ID, COFFER_BENCH_SECRET_KEY
import { readFileSync } from 'node:fs';
import COS from 'cos-nodejs-sdk-v5';

const MiB = 1024 * 1024;
const PART = 8 * MiB;
const PARALLEL = 4;
const [method, port, bucket, region, key, file] = process.argv.slice(2);
if (!['uploadFile', 'putObject'].includes(method) || !port || !bucket || !region || !key || !file) {
  throw new Error('usage: sdk-child.mjs uploadFile|putObject <port> <bucket> <region> <key> <file>');
}
const cos = new COS({
  SecretId: process.env.COFFER_BENCH_SECRET_ID,
  SecretKey: process.env.COFFER_BENCH_SECRET_KEY,
  // The store on loopback, keeping the virtual-host Host header (how the store finds the bucket).
  Ip: `127.0.0.1:${port}`,
  Protocol: 'http:',
  ChunkSize: PART,
  ChunkParallelLimit: PARALLEL,
});
const params = { Bucket: bucket, Region: region, Key: key, ServerSideEncryption: 'AES256' };
const done = (err) => {
  if (err) {
    process.stderr.write(`SDK ${method} failed: ${err.code ?? ''} ${err.message ?? JSON.stringify(err)}\n`);
    process.exitCode = 1;
  }
};
if (method === 'uploadFile') cos.uploadFile({ ...params, FilePath: file, SliceSize: PART, ChunkSize: PART, AsyncLimit: PARALLEL }, done);
else cos.putObject({ ...params, Body: readFileSync(file) }, done);

// Helpers shared by this folder's tests: temp data directories, record builders, and child processes that hold
// the store (for lock and crash tests). Not used by the store itself.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BucketRecord, ObjectRecord, UploadRecord } from './meta-types';

const here = path.dirname(fileURLToPath(import.meta.url));

export function tempDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'coffer-meta-'));
}

export function randomDataId(): string {
  return randomBytes(16).toString('hex');
}

export function bucketRecord(name: string, patch: Partial<BucketRecord> = {}): BucketRecord {
  return { name, region: 'ap-guangzhou', created: 1_700_000_000_000, acl: 'private', encryption: null, ...patch };
}

/** A single-part object of `size` bytes with a fresh data id (override anything with `patch`). */
export function objectRecord(bucket: string, key: string, patch: Partial<ObjectRecord> = {}): ObjectRecord {
  const size = patch.size ?? 10;
  const etag = randomBytes(16).toString('hex');
  return {
    bucket,
    key,
    size,
    etag,
    crc64: '1234567890',
    lastModified: 1_700_000_000_000,
    contentType: 'application/octet-stream',
    headers: {},
    acl: 'default',
    storageClass: 'STANDARD',
    parts: [{ partNumber: 0, size, dataId: randomDataId(), etag, crc64: '1234567890' }],
    sse: null,
    sseKid: null,
    ...patch,
  };
}

export function uploadRecord(bucket: string, key: string, patch: Partial<UploadRecord> = {}): UploadRecord {
  return {
    uploadId: randomBytes(8).toString('hex'),
    bucket,
    key,
    initiated: 1_700_000_000_000,
    contentType: 'application/octet-stream',
    headers: {},
    acl: 'default',
    storageClass: 'STANDARD',
    sse: null,
    sseKid: null,
    ...patch,
  };
}

export interface Child {
  proc: ChildProcess;
  /** Resolves when the child prints a line equal to `line`; rejects if it exits first. */
  waitFor(line: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Runs fixtures/store-child.ts in a new Node process (see there for the modes). */
export function spawnStoreChild(mode: string, dataDir: string): Child {
  const script = path.join(here, 'fixtures', 'store-child.ts');
  const proc = spawn(process.execPath, ['--import', 'tsx', script, mode, dataDir], {
    cwd: path.resolve(here, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const lines = out.split('\n');
    for (const w of [...waiters]) {
      if (lines.includes(w.line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    exited,
    stderr: () => err,
    waitFor: (line) =>
      new Promise<void>((resolve, reject) => {
        if (out.split('\n').includes(line)) return resolve();
        waiters.push({ line, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`child exited (${code ?? signal}) before printing ${line}; stderr: ${err}`)),
        );
      }),
  };
}

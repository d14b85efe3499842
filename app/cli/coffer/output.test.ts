// What `coffer` shows of progress: on a terminal the bar with rate and time left, elsewhere an occasional plain
// line, nothing with --json, and never a secret.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, Output, type Streams } from './output';

function streams(tty: boolean): Streams & { err: () => string; out: () => string } {
  let err = '';
  let out = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const stderr = Object.assign(sink((s) => (err += s)), { isTTY: tty, columns: 140 });
  const stdout = Object.assign(sink((s) => (out += s)), { isTTY: tty });
  return { stdout, stderr, err: () => err, out: () => out };
}

/** The bar as last drawn (after the final carriage return, without the erase-line escape). */
const lastBar = (text: string) => text.slice(text.lastIndexOf('\r') + 1).replace('\x1b[K', '');

describe('the progress bar', () => {
  it('shows percent, bytes, the rate and the time left from the caller (the upload engine)', () => {
    const s = streams(true);
    const out = new Output(false, s);
    out.progress('→ cos://b/k', 30 * 1024 * 1024, 100 * 1024 * 1024, { rate: 10 * 1024 * 1024, etaSeconds: 187 });
    expect(lastBar(s.err())).toMatch(/^\[#{9}-{21}\] {2}30% 30 MiB\/100 MiB 10 MiB\/s 3:07 left → cos:\/\/b\/k$/);
  });

  it('measures the average rate itself when the caller has none (downloads), from the first bar of a label', () => {
    const s = streams(true);
    let now = 1_000_000;
    const out = new Output(false, s, () => now);
    out.progress('← cos://b/k', 50 * 1024 * 1024, 150 * 1024 * 1024); // resumed at 50 MiB: not counted as speed
    expect(lastBar(s.err())).not.toMatch(/\/s/);
    now += 4000;
    out.progress('← cos://b/k', 90 * 1024 * 1024, 150 * 1024 * 1024);
    expect(lastBar(s.err())).toMatch(/ 60% 90 MiB\/150 MiB 10 MiB\/s 6s left ← cos:\/\/b\/k$/);
    out.clearBar();
    expect(s.err().endsWith('\r\x1b[K')).toBe(true);
  });

  it('is a plain line now and then when stderr is not a terminal (none for a short step), nothing with --json', () => {
    const plain = streams(false);
    let now = 1_000_000;
    const out = new Output(false, plain, () => now);
    const MiB = 1024 * 1024;
    out.progress('→ cos://b/k', 1 * MiB, 100 * MiB, { rate: 10 * MiB, etaSeconds: 10 });
    now += 4_000;
    out.progress('→ cos://b/k', 40 * MiB, 100 * MiB, { rate: 10 * MiB, etaSeconds: 6 });
    out.line('uploaded');
    expect(plain.err()).toBe(''); // a step shorter than 5 s shows no progress at all
    expect(plain.out()).toBe('uploaded\n');
    now += 1_000;
    out.progress('→ cos://b/k', 50 * MiB, 100 * MiB, { rate: 10 * MiB, etaSeconds: 5 });
    expect(plain.err()).toBe('coffer: 50% 50 MiB/100 MiB 10 MiB/s 5s left → cos://b/k\n');
    now += 9_000;
    out.progress('→ cos://b/k', 60 * MiB, 100 * MiB, { rate: 10 * MiB, etaSeconds: 4 });
    expect(plain.err().split('\n')).toHaveLength(2); // still one line: the next comes 10 s after it
    now += 1_000;
    out.progress('→ cos://b/k', 70 * MiB, 100 * MiB, { rate: 10 * MiB, etaSeconds: 3 });
    expect(plain.err().split('\n')[1]).toBe('coffer: 70% 70 MiB/100 MiB 10 MiB/s 3s left → cos://b/k');
    // No carriage returns or escape sequences in a log.
    expect(plain.err()).not.toContain('\r');
    expect(plain.err()).not.toContain('\x1b');
    // A detail that changes (files done) neither restarts the rate nor the interval.
    const many = streams(false);
    const mout = new Output(false, many, () => now);
    for (let i = 0; i <= 12; i++) {
      mout.progress('← cos://b/p/', i * 10 * MiB, undefined, undefined, ` (${i} files done)`);
      now += 1_000;
    }
    expect(many.err()).toBe('coffer: ? 50 MiB 10 MiB/s ← cos://b/p/ (5 files done)\n');

    const json = streams(true);
    const jout = new Output(true, json, () => now);
    jout.progress('x', 1, 2);
    now += 60_000;
    jout.progress('x', 2, 2);
    jout.line('uploaded');
    expect(json.err()).toBe('');
    expect(json.out()).toBe('');
  });

  it('never shows a registered secret, even inside a label', () => {
    const s = streams(true);
    const out = new Output(false, s);
    out.addSecrets('SuperSecretValue123');
    out.progress('→ cos://b/SuperSecretValue123', 1, 2);
    out.note('note SuperSecretValue123');
    expect(s.err()).not.toContain('SuperSecretValue123');
  });
});

describe('formatDuration', () => {
  it('reads like a clock', () => {
    expect([0, 42.4, 60, 187, 3600, 3723].map(formatDuration)).toEqual(['0s', '42s', '1:00', '3:07', '1:00:00', '1:02:03']);
  });
});

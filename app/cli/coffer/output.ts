// Everything `coffer` writes goes through here: result lines on stdout (or one JSON document with --json),
// progress on stderr (a redrawn bar on a TTY, an occasional plain line otherwise), and errors on stderr. Every
// text is passed through a redactor that knows the secrets this run has seen, so a secret cannot reach the
// terminal even if some message below happened to carry one.
import { buildRedactor } from '../../vault/redact';

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** Without a terminal, progress is a plain line: the first once a step has run this long, then at this interval. */
const PLAIN_FIRST_MS = 5_000;
const PLAIN_EVERY_MS = 10_000;

export class Output {
  private readonly secrets: Array<string | Buffer> = [];
  private redact: (text: string) => string = (t) => t;
  private barShown = false;
  /** Where the average rate is measured from (reset when the bar's label changes). */
  private meter?: { label: string; since: number; from: number; lastPlain: number };

  constructor(
    readonly json: boolean,
    private readonly streams: Streams = { stdout: process.stdout, stderr: process.stderr },
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers values that must never be printed (secret keys, tokens, SSE-C keys). */
  addSecrets(...values: Array<string | Buffer | undefined>): void {
    for (const v of values) if (v !== undefined && v.length > 0) this.secrets.push(v);
    this.redact = buildRedactor(this.secrets);
  }

  /** A result line for people; suppressed with --json (the document carries the same facts). */
  line(text: string): void {
    if (this.json) return;
    this.clearBar();
    this.streams.stdout.write(this.redact(text) + '\n');
  }

  /** The one JSON document of a --json run. */
  document(value: unknown): void {
    if (!this.json) return;
    this.streams.stdout.write(this.redact(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)) + '\n');
  }

  /** A note for people that is not a result (warnings, what is happening). Always stderr. */
  note(text: string): void {
    this.clearBar();
    this.streams.stderr.write(this.redact(text) + '\n');
  }

  error(text: string): void {
    this.note(`coffer: ${text}`);
  }

  /**
   * Progress of a long step. On a terminal: a redrawn bar with the rate and time left, the caller's when it has them
   * (the upload engine measures over the last seconds), else the average since this label's first bar. Elsewhere
   * (a log, a pipe): the same facts as a plain line, the first after PLAIN_FIRST_MS and then every PLAIN_EVERY_MS,
   * so a short command prints none. Nothing with --json. The rate is measured per label; `detail` is shown after it
   * and may change (a file count) without restarting the measurement.
   */
  progress(label: string, done: number, total: number | undefined, speed?: { rate: number; etaSeconds?: number }, detail = ''): void {
    if (this.json) return;
    const now = this.now();
    if (this.meter?.label !== label) this.meter = { label, since: now, from: done, lastPlain: now - PLAIN_EVERY_MS + PLAIN_FIRST_MS };
    const elapsed = (now - this.meter.since) / 1000;
    const rate = speed?.rate ?? (elapsed >= 0.5 ? (done - this.meter.from) / elapsed : 0);
    const eta = speed ? speed.etaSeconds : total !== undefined && rate > 0 ? (total - done) / rate : undefined;
    const frac = total && total > 0 ? Math.min(1, done / total) : 0;
    const pct = total ? `${String(Math.floor(frac * 100)).padStart(3)}%` : '   ?';
    const pace = rate > 0 ? ` ${formatBytes(rate)}/s${eta !== undefined && total !== undefined && done < total ? ` ${formatDuration(eta)} left` : ''}` : '';
    const facts = `${pct} ${formatBytes(done)}${total ? `/${formatBytes(total)}` : ''}${pace} ${label}${detail}`;
    if (!this.streams.stderr.isTTY) {
      if (now - this.meter.lastPlain < PLAIN_EVERY_MS) return;
      this.meter.lastPlain = now;
      this.streams.stderr.write(this.redact(`coffer: ${facts.trimStart()}`) + '\n');
      return;
    }
    const width = Math.max(10, Math.min(30, (this.streams.stderr.columns ?? 80) - 70));
    const filled = Math.round(frac * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const text = `\r${bar} ${facts}`.slice(0, (this.streams.stderr.columns ?? 120) - 1);
    this.streams.stderr.write(this.redact(text) + '\x1b[K');
    this.barShown = true;
  }

  clearBar(): void {
    if (!this.barShown) return;
    this.streams.stderr.write('\r\x1b[K');
    this.barShown = false;
  }

  /** Applies the redactor to a text built elsewhere (e.g. an error message). */
  scrub(text: string): string {
    return this.redact(text);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** `42s`, `3:07`, `1:02:03`: how long, for a progress bar. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

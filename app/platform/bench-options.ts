// Command-line options of the benchmark scripts (`npm run bench:store|bench:engine -- …`): a bad flag ends the
// script with one line saying what was wrong and exit code 2, instead of a stack trace or a run on NaN sizes.

/** A flag's value is not acceptable; the message names the flag and the value. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--name` as a whole number ≥ 1 (the fallback when the flag is absent). */
export function wholeNumberOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a whole number of at least 1, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * Runs `read` (parseArgs and the number checks); an unknown flag, a missing value or a bad number prints
 * `script: message` and exits with code 2.
 */
export function readBenchOptions<T>(script: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`${script}: ${(err as Error).message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

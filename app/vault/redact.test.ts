import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRedactor, redactingLogger, redactSecrets, type Logger } from './redact';

const KEY = 'Zk3PqW8xR2mN5tY7vB1cD4fG6hJ9kL0s';

describe('redactSecrets', () => {
  it('replaces raw, base64 (padded and not), base64url, hex and URL-encoded forms', () => {
    const s = 'a+b/c=d?&sEcReT~~';
    const b64 = Buffer.from(s).toString('base64');
    const line = [s, b64, b64.replace(/=+$/, ''), Buffer.from(s).toString('base64url'), Buffer.from(s).toString('hex'), Buffer.from(s).toString('hex').toUpperCase(), encodeURIComponent(s)].join(' | ');
    expect(redactSecrets(line, [s])).toBe(Array(7).fill('****').join(' | '));
  });

  it('redacts binary secrets (SSE-C keys) by their base64 and hex forms', () => {
    const key = randomBytes(32);
    const out = redactSecrets(`x-cos-server-side-encryption-customer-key: ${key.toString('base64')}; hex ${key.toString('hex')}`, [key]);
    expect(out).toBe('x-cos-server-side-encryption-customer-key: ****; hex ****');
  });

  it('leaves other text alone, ignores too-short secrets and handles regex metacharacters', () => {
    expect(redactSecrets('nothing to see', [KEY])).toBe('nothing to see');
    expect(redactSecrets('a b c', ['a', ''])).toBe('a b c');
    expect(redactSecrets('p=(.*)+$x end', ['(.*)+$x'])).toBe('p=**** end');
  });

  it('prefers the longest match so no fragment of a longer secret survives', () => {
    const short = 'abcdefgh';
    const long = 'abcdefgh-and-more-secret';
    expect(redactSecrets(`${long} ${short}`, [short, long])).toBe('**** ****');
  });
});

describe('redactingLogger', () => {
  it('formats objects and errors, then redacts, before the base logger sees anything', () => {
    const lines: string[] = [];
    const base: Logger = { debug: (m) => lines.push(`D ${m}`), info: (m) => lines.push(`I ${m}`), warn: (m) => lines.push(`W ${m}`), error: (m) => lines.push(`E ${m}`) };
    const token = Buffer.from('token-value-123456');
    const log = redactingLogger(base, buildRedactor([KEY, token]));
    log.info('signing with %s', KEY);
    log.debug({ headers: { authorization: `q-sign-algorithm=sha1&q-key=${KEY}`, nested: { t: token.toString('base64') } } });
    log.error(new Error(`request failed for key ${KEY}`, { cause: new Error(`inner ${token.toString('hex')}`) }));
    log.warn('plain', 42);
    const all = lines.join('\n');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(token.toString('base64'));
    expect(all).not.toContain(token.toString('hex'));
    expect(lines[0]).toBe('I signing with ****');
    expect(lines[1]).toContain('q-key=****');
    expect(lines[2]).toContain('request failed for key ****');
    expect(lines[3]).toBe('W plain 42');
    // A list of secrets works as well as a redactor.
    const l2: string[] = [];
    redactingLogger({ ...base, info: (m) => l2.push(String(m)) }, [KEY]).info(KEY);
    expect(l2).toEqual(['****']);
  });
});

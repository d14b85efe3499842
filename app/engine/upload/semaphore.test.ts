// Semaphore: never more than the limit at once, arrival order, and a failing task still frees its slot. boundedAll:
// results in order, the bound, and stopping after a failure.
import { describe, expect, it } from 'vitest';
import { boundedAll, Semaphore } from './semaphore';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('runs at most `limit` tasks at once, in arrival order, and frees the slot of a task that throws', async () => {
  const s = new Semaphore(2);
  let active = 0;
  let peak = 0;
  const started: number[] = [];
  const results = await Promise.allSettled(
    Array.from({ length: 7 }, (_, i) =>
      s.run(async () => {
        started.push(i);
        active++;
        peak = Math.max(peak, active);
        await tick(5);
        active--;
        if (i === 1) throw new Error('task 1 failed');
        return i;
      }),
    ),
  );
  expect(peak).toBe(2);
  expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  // Everything was released: a new task starts at once.
  expect(await s.run(async () => 'free')).toBe('free');
});

it('refuses a limit that is not a positive integer', () => {
  expect(() => new Semaphore(0)).toThrow(/positive integer/);
});

describe('boundedAll', () => {
  it('returns results in item order with at most n running', async () => {
    let running = 0;
    let peak = 0;
    const out = await boundedAll([5, 1, 4, 2, 3], 2, async (ms) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('stops taking items after the first failure and throws it once the ones in flight are done', async () => {
    const started: number[] = [];
    let inFlight = 0;
    await expect(
      boundedAll([1, 2, 3, 4, 5, 6], 2, async (i) => {
        started.push(i);
        inFlight++;
        await new Promise((r) => setTimeout(r, i === 2 ? 1 : 20));
        inFlight--;
        if (i === 2) throw new Error('item 2 failed');
      }),
    ).rejects.toThrow('item 2 failed');
    expect(inFlight).toBe(0);
    expect(started).toEqual([1, 2]);
  });
});

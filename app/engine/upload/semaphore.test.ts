// Semaphore: never more than the limit at once, arrival order, and a failing task still frees its slot.
import { expect, it } from 'vitest';
import { Semaphore } from './semaphore';

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

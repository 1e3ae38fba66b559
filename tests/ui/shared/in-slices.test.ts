import { describe, expect, it } from 'vitest';
import { inSlices, nextMacrotask } from '@/ui/shared/in-slices';

/** A clock that moves only when told. */
function fakeClock() {
  let time = 0;
  return { now: () => time, spend: (ms: number) => (time += ms) };
}

describe('inSlices', () => {
  it('hands out every index once, in order, in chunks', async () => {
    const chunks: (readonly [number, number])[] = [];
    for await (const chunk of inSlices(10, { chunkSize: 4 })) chunks.push(chunk);
    expect(chunks).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
    for await (const chunk of inSlices(0)) chunks.push(chunk);
    expect(chunks.length).toBe(3);
  });

  it('gives the main thread back once the budget is spent, and only then', async () => {
    const clock = fakeClock();
    const events: string[] = [];
    const options = {
      chunkSize: 10,
      budgetMs: 8,
      now: clock.now,
      yieldToBrowser: async () => {
        events.push('yield');
      },
    };
    for await (const [start, end] of inSlices(100, options)) {
      events.push(`${start}-${end}`);
      clock.spend((end - start) * 0.3); // 3 ms a chunk: a yield every third chunk
    }
    expect(events).toEqual([
      '0-10',
      '10-20',
      '20-30',
      'yield',
      '30-40',
      '40-50',
      '50-60',
      'yield',
      '60-70',
      '70-80',
      '80-90',
      'yield',
      '90-100',
    ]);
  });

  it('stops with the reason once the signal aborts, between chunks', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const work = async () => {
      for await (const [start] of inSlices(10, { chunkSize: 2, signal: controller.signal })) {
        seen.push(start);
        if (start === 4) controller.abort(new Error('The sheet changed'));
      }
    };
    await expect(work()).rejects.toThrow('The sheet changed');
    expect(seen).toEqual([0, 2, 4]);

    const aborted = inSlices(10, { signal: AbortSignal.abort(new Error('Too late')) });
    await expect(aborted.next()).rejects.toThrow('Too late');
  });

  it('refuses a chunk size that is not a positive integer', async () => {
    await expect(inSlices(10, { chunkSize: 0 }).next()).rejects.toThrow(
      'inSlices: chunkSize must be a positive integer, not 0',
    );
  });
});

describe('nextMacrotask', () => {
  it('resolves in a later task: every microtask of this one runs first, even those queued after', async () => {
    const order: string[] = [];
    const next = nextMacrotask().then(() => order.push('next task'));
    queueMicrotask(() => queueMicrotask(() => order.push('microtask')));
    await next;
    expect(order).toEqual(['microtask', 'next task']);
  });
});

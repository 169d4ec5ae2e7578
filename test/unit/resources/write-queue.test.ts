// The per-resource write queue: tasks for one key run one after another, in arrival order, a failed
// task does not stop the ones behind it, different keys do not wait for each other, and the map
// forgets a key once its last task has settled.
import { describe, expect, it } from 'vitest';
import { WriteQueue } from '../../../src/resources/write-queue.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('WriteQueue', () => {
  it('runs the tasks of one key one at a time, in order', async () => {
    const queue = new WriteQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running += 1;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running -= 1;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((n) => queue.run('g1', task(n))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('a failing task rejects its own caller only', async () => {
    const queue = new WriteQueue();
    const first = queue.run('g', async () => {
      throw new Error('boom');
    });
    const second = queue.run('g', async () => 'fine');
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe('fine');
  });

  it('keys are independent, and settled keys are forgotten', async () => {
    const queue = new WriteQueue();
    let release!: () => void;
    const blocked = queue.run('x', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(queue.run('y', async () => 'y ran')).resolves.toBe('y ran');
    release();
    await blocked;
    await tick();
    expect((queue as unknown as { tails: Map<string, unknown> }).tails.size).toBe(0);
  });
});

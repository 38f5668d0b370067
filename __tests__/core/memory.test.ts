// core/memory.ts: a full collection on request, without leaving the collector exposed to scripts.
import { runInNewContext } from 'node:vm';
import { collectGarbage } from '../../src/core/memory.js';

const nextJob = () => new Promise<void>((done) => setImmediate(done));

describe('collectGarbage', () => {
  it('collects what nothing references any more', async () => {
    let held: object | undefined = { big: new Array(100_000).fill(0).map((_, i) => ({ i })) };
    const ref = new WeakRef(held);
    held = undefined;
    // A WeakRef's target stays for the rest of the job that made it; a full collection run from a
    // later job frees it (a scavenge alone does not: 100,000 objects that lived this long).
    await nextJob();
    expect(collectGarbage()).toBe(true);
    expect(ref.deref()).toBeUndefined();
  });

  it('leaves the collector unexposed to contexts made afterwards', () => {
    const exposedHere = typeof (globalThis as { gc?: unknown }).gc === 'function';
    expect(collectGarbage()).toBe(true);
    // The flag was set to take the function, then put back: a new context has no gc (unless this
    // process was started with --expose-gc, in which case the flag was never touched).
    expect(runInNewContext('typeof gc')).toBe(exposedHere ? 'function' : 'undefined');
  });
});

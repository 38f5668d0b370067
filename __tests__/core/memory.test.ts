// core/memory.ts: a full collection on request, without leaving the collector exposed to scripts.
import { collectGarbage } from '../../src/core/memory.js';

describe('collectGarbage', () => {
  it('collects what nothing references any more, and leaves gc as it was', () => {
    const exposedBefore = typeof (globalThis as { gc?: unknown }).gc;
    let held: object | undefined = { big: new Array(100_000).fill(0).map((_, i) => ({ i })) };
    const ref = new WeakRef(held);
    held = undefined;
    expect(collectGarbage()).toBe(true);
    // A WeakRef's target stays for the rest of the job that read it; a full collection run from a
    // later job frees it.
    return new Promise<void>((done) => {
      setImmediate(() => {
        expect(collectGarbage()).toBe(true);
        expect(ref.deref()).toBeUndefined();
        expect(typeof (globalThis as { gc?: unknown }).gc).toBe(exposedBefore);
        done();
      });
    });
  });

  it('can be called again (the collector is obtained once)', () => {
    expect(collectGarbage()).toBe(true);
    expect(collectGarbage()).toBe(true);
  });
});

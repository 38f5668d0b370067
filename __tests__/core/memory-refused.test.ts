// core/memory.ts where the runtime refuses to change V8 flags: no collection, and no error (the
// audit goes on as without it).
import { jest } from '@jest/globals';

jest.unstable_mockModule('node:v8', () => ({
  setFlagsFromString: () => {
    throw new Error('refused');
  },
}));

const { collectGarbage } = await import('../../src/core/memory.js');

describe('collectGarbage, flags refused', () => {
  it('returns false, every time, without throwing', () => {
    const exposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
    // With --expose-gc given to the process, the flag is never touched and the collection runs.
    expect(collectGarbage()).toBe(exposed);
    expect(collectGarbage()).toBe(exposed);
  });
});

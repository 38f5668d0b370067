// A full garbage collection on request, for the moments an audit of a large input lets go of most of
// what it held: the files' texts and Terraform's JSON trees once the policy documents are parsed.
// V8 sizes the old generation from the heap it saw live at its last full collection; when that
// happened while a plan of 100 MB was being parsed, the dead tree stays counted, and resident, until
// the next full collection, which may not come before the report is written. Collecting at that
// moment keeps the peak to what is live. The collector is not exposed to scripts by default: the
// flag is set, the function taken from a new context, and the flag put back (as jest's leak detector
// does). Where that is refused, nothing happens.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null | undefined;

function obtain(): (() => void) | null {
  if (collector === undefined) {
    const exposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
    try {
      if (exposed) collector = (globalThis as unknown as { gc: () => void }).gc;
      else {
        setFlagsFromString('--expose-gc');
        const gc: unknown = runInNewContext('gc');
        collector = typeof gc === 'function' ? (gc as () => void) : null;
      }
    } catch {
      collector = null;
    } finally {
      try {
        if (!exposed) setFlagsFromString('--no-expose-gc');
      } catch {
        // The flag stays; contexts made later may see gc. Nothing of the audit depends on it.
      }
    }
  }
  return collector;
}

/** Runs a full garbage collection; false when the runtime does not allow it. */
export function collectGarbage(): boolean {
  const gc = obtain();
  if (!gc) return false;
  gc();
  return true;
}

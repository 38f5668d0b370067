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

/**
 * `text` as one flat string. A string joined from pieces (`${a}#${b}`, `out += part`) is kept by
 * V8 as a tree of them, each node an object and each short piece a copy of its own; reading a
 * character copies the whole into one flat string and lets the tree go (the collector then points
 * every holder at the flat string). For strings held to the end of the run: a finding's message, a
 * policy's id.
 */
export function flatString(text: string): string {
  // Kept in an object, so that an optimising compiler cannot drop the read as unused.
  if (text.length > 0) flatRead.last = text.charCodeAt(0);
  return text;
}

const flatRead = { last: 0 };

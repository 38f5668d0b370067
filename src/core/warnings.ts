// Node's warnings (process.emitWarning: Node's own, or a library's) reach standard error through
// Node's default listener, as they are: a library that quotes its input there (the yaml library
// quotes a map key that is itself a list or a map) would let the repository write `##[...]` or a
// line starting with `::` into the Actions log, where the runner reads it as a workflow command.
// guardWarnings() puts that listener behind the log boundary (escape.ts), like every other message.
import { escapeLogMessage } from './escape.js';

/**
 * Replaces Node's default printing of warnings with the same text through escapeLogMessage. Left
 * alone when nothing prints warnings (`node --no-warnings`: Node installs no listener).
 */
export function guardWarnings(
  write: (text: string) => void = (t) => process.stderr.write(t),
  emitter: NodeJS.EventEmitter = process,
): void {
  if (emitter.listenerCount('warning') === 0) return;
  emitter.removeAllListeners('warning');
  emitter.on('warning', (w: Error) => {
    write(`${escapeLogMessage(`(node:${process.pid}) ${w.name}: ${w.message}`)}\n`);
  });
}

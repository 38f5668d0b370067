// The action's entry point: only run(). Everything else is in main.ts.
// Start-up: the first line of the log (the tool and its version, which a log should say anyway)
// is written before anything else is loaded; main.ts and what it needs (@actions/core and
// @actions/github with their HTTP client, the audit, the catalog, ajv, yaml) come through
// import(), which the bundle keeps in chunks of its own (scripts/bundle.mjs), so Node reads and
// compiles them after that line, not before it. A static import would be evaluated first.
import { EOL } from 'node:os';
import { TOOL_NAME, TOOL_VERSION } from './core/version.js';
import { tuneCompiler } from './core/compiler-tuning.js';

// What core.info writes; @actions/core is not loaded yet.
process.stdout.write(`${TOOL_NAME} ${TOOL_VERSION}${EOL}`);

try {
  // Before the audit's code is loaded (see core/compiler-tuning.ts).
  tuneCompiler();
  const { run } = await import('./main.js');
  await run();
} catch (err) {
  // Through the log boundary: an unexpected error's message may quote the repository.
  const { log } = await import('./github/log.js');
  log.fail(`Internal error: ${err instanceof Error ? err.message : String(err)}`);
}

// The action's entry point: only run(). Everything else is in main.ts.
import * as core from '@actions/core';
import { run } from './main.js';

try {
  await run();
} catch (err) {
  core.setFailed(err instanceof Error ? err.message : String(err));
}

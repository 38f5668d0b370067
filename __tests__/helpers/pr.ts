// A pull request on disk for runAudit: the head's files written to a fresh directory, the base's
// read back from memory (BaseRead), with no renames, and the base's files the head lacks deleted.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BaseRead } from '../../src/audit/run.js';

export function pullRequest(
  prefix: string,
  base: Record<string, string>,
  head: Record<string, string>,
): { root: string; readBase: BaseRead } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, text] of Object.entries(head)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const readBase: BaseRead = Object.assign(async (p: string) => base[p], {
    renamedFrom: async () => undefined,
    deleted: async () => Object.keys(base).filter((p) => !(p in head)),
  });
  return { root, readBase };
}

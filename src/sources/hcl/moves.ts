// Terraform `moved` blocks: the object Terraform keeps under a new address (a resource or module
// call renamed, an instance key changed, a resource moved into a module it calls). Each policy and
// principal a root module evaluates gets the places it had before its root's blocks
// (PolicyRecord.movedFrom), so that a pull request compares it with its base there (run.ts).
// The blocks of one root never move another root's objects.
import type { MovedFrom } from '../../core/types.js';

/** A `moved` block as written in a module: addresses relative to it, spaces taken out. */
export interface Move {
  from: string;
  to: string;
}

/** A block of a module instance, its addresses made whole (the instance's prefix added). */
export interface WholeMove {
  from: string;
  to: string;
  /** The directory of the module that declares it. */
  dir: string;
  /** Its `from` is in a module that module calls (`module.a…`): where that module's files are is not known here. */
  fromChild: boolean;
}

/** Moves read back at the most for one address (a chain of blocks; a block whose `from` holds its `to` grows it). */
export const MAX_MOVE_STEPS = 8;

/** The resource or module call an address names, its instance key taken off (`aws_x.p[0]` → `aws_x.p`). */
function declaredName(address: string): string {
  return address.replace(/\[[^\]]*\]$/, '');
}

/**
 * Whether Terraform would apply a module's block: not for data sources, and not when its `from`,
 * a resource or module call of this module, is still declared there under another name
 * ("Moved object still exists": Terraform refuses the configuration, so the block renames
 * nothing; honoured, it would hide a new policy behind one that is still there).
 */
export function validMove(m: Move, declared: ReadonlyMap<string, unknown>): boolean {
  if (m.from.startsWith('data.') || m.to.startsWith('data.')) return false;
  const from = declaredName(m.from);
  // (a resource or a module call of this module, not something inside a module it calls)
  const own = from.startsWith('module.') ? !from.slice('module.'.length).includes('.') : true;
  return !(own && declared.has(from) && declaredName(m.to) !== from);
}

/**
 * The blocks of one root's module instances that Terraform would apply: not one whose `from` is
 * still there (an object or instance evaluated at it or under it: `aws_x.p[0]` moved to
 * `aws_x.p[1]` while `count = 2` keeps it), and not those that share a `from` or a `to` with
 * another block ("Ambiguous move statements"); the same block written twice is one.
 */
export function appliedMoves(moves: readonly WholeMove[], evaluated: readonly string[]): WholeMove[] {
  if (moves.length === 0) return [];
  // Every evaluated address and each address that holds one (cut at its `.` and `[` steps).
  const present = new Set<string>();
  for (const a of evaluated) {
    present.add(a);
    for (let i = a.length - 1; i > 0; i--) {
      const c = a.charCodeAt(i);
      if (c === 46 /* . */ || c === 91 /* [ */) present.add(a.slice(0, i));
    }
  }
  const unique = new Map<string, WholeMove>();
  for (const m of moves) unique.set(`${m.from}\u0000${m.to}`, m);
  const froms = new Map<string, number>();
  const tos = new Map<string, number>();
  for (const m of unique.values()) {
    froms.set(m.from, (froms.get(m.from) ?? 0) + 1);
    tos.set(m.to, (tos.get(m.to) ?? 0) + 1);
  }
  return [...unique.values()].filter(
    (m) => !present.has(m.from) && froms.get(m.from) === 1 && tos.get(m.to) === 1,
  );
}

/** The blocks of one root's module instances, by their `to` (the first of each). */
export function moveIndex(moves: readonly WholeMove[]): Map<string, WholeMove> {
  const byTo = new Map<string, WholeMove>();
  for (const m of moves) if (!byTo.has(m.to)) byTo.set(m.to, m);
  return byTo;
}

/**
 * The places an object at `address` (its files in `dir`) had before the moves, nearest first: each
 * step reads back the block whose `to` is the address or holds it (a module call or a whole
 * resource: `module.a` holds `module.a["x"].aws_iam_policy.p`), the longest such `to` first; a
 * chain is followed, at most MAX_MOVE_STEPS steps.
 */
export function movedFrom(address: string, dir: string, moves: ReadonlyMap<string, WholeMove>): MovedFrom[] {
  const out: MovedFrom[] = [];
  if (moves.size === 0) return out;
  let a = address;
  let at = dir;
  for (let step = 0; step < MAX_MOVE_STEPS; step++) {
    let m = moves.get(a);
    let cut = a.length;
    for (let i = a.length - 1; !m && i > 0; i--) {
      const c = a.charCodeAt(i);
      if (c !== 46 /* . */ && c !== 91 /* [ */) continue;
      m = moves.get(a.slice(0, i));
      cut = i;
    }
    if (!m) break;
    a = m.from + a.slice(cut);
    // (moved from a resource of the declaring module: its files are that module's)
    if (!m.fromChild) at = m.dir;
    if (a === address || out.some((o) => o.address === a)) break;
    out.push({ address: a, dir: at });
  }
  return out;
}

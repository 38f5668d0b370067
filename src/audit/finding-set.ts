// A finding about a large set of actions (a NotAction statement grants some 22,000) keeps the set,
// not its names: its `actions` is then an accessor that lists the names (sorted, code-unit order)
// each time it is read, and keeps none of them. Readers that need only the count, the shortest
// description or a comparison read the set (findingActionSet, actionCount). A reader of `actions`
// gets the same list as before, so nothing that reads it can tell the difference but its cost.
import type { Finding } from '../core/types.js';
import type { ActionSet } from '../policy/action-set.js';

const SETS = new WeakMap<Finding, ActionSet>();

/** Gives `f` the actions of `set`, listed by `names(set)` when read (defined where `actions` is set). */
export function keepActionSet(f: Finding, set: ActionSet, names: (set: ActionSet) => string[]): void {
  Object.defineProperty(f, 'actions', {
    enumerable: true,
    configurable: true,
    get: () => names(set),
    set(this: Finding, list: string[]) {
      SETS.delete(this);
      Object.defineProperty(this, 'actions', {
        value: list,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    },
  });
  SETS.set(f, set);
}

/** The set a finding's actions are kept as (see keepActionSet), or undefined when they are listed. */
export function findingActionSet(f: Finding): ActionSet | undefined {
  return SETS.get(f);
}

/** How many actions a finding lists, without listing a kept set. */
export function actionCount(f: Finding): number {
  const set = SETS.get(f);
  return set ? set.size : f.actions.length;
}

/**
 * A shallow copy of a finding (`{ ...f, ...changes }`) that keeps a kept set as a set (a spread
 * would read `actions` and list it).
 */
export function copyFinding(f: Finding, changes: Partial<Finding> = {}): Finding {
  const set = SETS.get(f);
  if (!set) return { ...f, ...changes };
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(f)) as Finding;
  SETS.set(copy, set);
  Object.assign(copy, changes);
  return copy;
}

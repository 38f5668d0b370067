// A unified line diff, byte for byte the one `diff` (jsdiff 9) makes with
// createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, { context }), in a
// fraction of the time: the same Myers search (jsdiff's variant, step by step: the same choice
// between an insertion and a deletion on each diagonal, the same pruning at the edges of the edit
// graph, the same reuse of a diagonal's path from an earlier round), but over lines interned as
// integers, with the paths' components in typed arrays instead of one object per step. The hunks
// are built as jsdiff builds them and written by jsdiff's own formatPatch (headers, file-name
// quoting). A search that would outgrow its arrays (a pathological pair of long texts) is left to
// jsdiff itself. __tests__/core/unified-diff.test.ts compares the two on random texts. Pure.
import { createTwoFilesPatch, formatPatch, type StructuredPatch, type StructuredPatchHunk } from 'diff';

/** jsdiff's line tokens: each line with its `\n` or `\r\n`; the last without when the text has none. */
export function lineTokens(text: string): string[] {
  const parts = text.split(/(\n|\r\n)/);
  if (!parts[parts.length - 1]) parts.pop();
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2) out[out.length - 1] += parts[i]!;
    else out.push(parts[i]!);
  }
  return out.filter((t) => t !== '');
}

const COMMON = 0;
const ADDED = 1;
const REMOVED = 2;
/** No path on a diagonal (jsdiff's `undefined`); an old position is never below -1. */
const NONE = -2;
/** Components kept at most (12 bytes each) before the search is left to jsdiff. */
const MAX_COMPONENTS = 8_000_000;

/** A run of common, added or removed lines, in order. */
interface Run {
  type: number;
  count: number;
}

/**
 * The runs jsdiff's diffLines gives for the two token lists (its change objects, in order), or
 * undefined when the search would take more than MAX_COMPONENTS components.
 */
function lineRuns(oldTokens: readonly string[], newTokens: readonly string[]): Run[] | undefined {
  // Tokens as integers: equal lines, equal ids.
  const ids = new Map<string, number>();
  const intern = (tokens: readonly string[]) => {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let id = ids.get(tokens[i]!);
      if (id === undefined) ids.set(tokens[i]!, (id = ids.size));
      out[i] = id;
    }
    return out;
  };
  const a = intern(oldTokens);
  const b = intern(newTokens);
  const oldLen = a.length;
  const newLen = b.length;

  // Components: jsdiff's {count, added, removed, previousComponent} objects, by index (-1: none).
  let size = 1024;
  let cCount = new Int32Array(size);
  let cType = new Uint8Array(size);
  let cPrev = new Int32Array(size);
  let used = 0;
  const component = (count: number, type: number, prev: number): number => {
    if (used === size) {
      size *= 2;
      const count2 = new Int32Array(size);
      count2.set(cCount);
      cCount = count2;
      const type2 = new Uint8Array(size);
      type2.set(cType);
      cType = type2;
      const prev2 = new Int32Array(size);
      prev2.set(cPrev);
      cPrev = prev2;
    }
    cCount[used] = count;
    cType[used] = type;
    cPrev[used] = prev;
    return used++;
  };

  // bestPath by diagonal (oldPos - newPos), offset: each path's old position and last component.
  const maxEditLength = newLen + oldLen;
  const offset = maxEditLength + 2;
  const pathOld = new Int32Array(2 * offset + 1).fill(NONE);
  const pathLast = new Int32Array(2 * offset + 1).fill(-1);

  // The path under construction (jsdiff's basePath).
  let baseOld = -1;
  let baseLast = -1;
  /** jsdiff's extractCommon: follows the diagonal while lines are equal; returns the new position. */
  const extractCommon = (diagonal: number): number => {
    let oldPos = baseOld;
    let newPos = oldPos - diagonal;
    let common = 0;
    while (newPos + 1 < newLen && oldPos + 1 < oldLen && a[oldPos + 1] === b[newPos + 1]) {
      newPos++;
      oldPos++;
      common++;
    }
    if (common) baseLast = component(common, COMMON, baseLast);
    baseOld = oldPos;
    return newPos;
  };
  /** jsdiff's addToPath: one more line added or removed after the path's last component. */
  const addToPath = (fromOld: number, fromLast: number, type: number, oldPosInc: number) => {
    if (fromLast >= 0 && cType[fromLast] === type)
      baseLast = component(cCount[fromLast]! + 1, type, cPrev[fromLast]!);
    else baseLast = component(1, type, fromLast);
    baseOld = fromOld + oldPosInc;
  };

  let newPos = extractCommon(0);
  let last = -2; // the finished path's last component; -2 while searching
  if (baseOld + 1 >= oldLen && newPos + 1 >= newLen) last = baseLast;
  else {
    pathOld[offset] = baseOld;
    pathLast[offset] = baseLast;
  }
  let minDiagonal = -Infinity;
  let maxDiagonal = Infinity;
  for (let editLength = 1; last === -2 && editLength <= maxEditLength; editLength++) {
    // The upper bound is read on every step, as jsdiff does (a path can lower it during the round).
    for (
      let diagonal = Math.max(minDiagonal, -editLength);
      diagonal <= Math.min(maxDiagonal, editLength);
      diagonal += 2
    ) {
      const d = diagonal + offset;
      const removeOld = pathOld[d - 1]!;
      const removeLast = pathLast[d - 1]!;
      const addOld = pathOld[d + 1]!;
      if (removeOld !== NONE) pathOld[d - 1] = NONE;
      let canAdd = false;
      if (addOld !== NONE) {
        const addNewPos = addOld - diagonal;
        canAdd = 0 <= addNewPos && addNewPos < newLen;
      }
      const canRemove = removeOld !== NONE && removeOld + 1 < oldLen;
      if (!canAdd && !canRemove) {
        pathOld[d] = NONE;
        continue;
      }
      if (!canRemove || (canAdd && removeOld < addOld)) addToPath(addOld, pathLast[d + 1]!, ADDED, 0);
      else addToPath(removeOld, removeLast, REMOVED, 1);
      if (used > MAX_COMPONENTS) return undefined;
      newPos = extractCommon(diagonal);
      if (baseOld + 1 >= oldLen && newPos + 1 >= newLen) {
        last = baseLast;
        break;
      }
      pathOld[d] = baseOld;
      pathLast[d] = baseLast;
      if (baseOld + 1 >= oldLen) maxDiagonal = Math.min(maxDiagonal, diagonal - 1);
      if (newPos + 1 >= newLen) minDiagonal = Math.max(minDiagonal, diagonal + 1);
    }
  }
  if (last === -2) return undefined; // not reached: a path ends within newLen + oldLen edits
  const runs: Run[] = [];
  for (let c = last; c >= 0; c = cPrev[c]!) runs.push({ type: cType[c]!, count: cCount[c]! });
  return runs.reverse();
}

/** jsdiff's diffLinesResultToPatch (structuredPatch), from the runs and the two token lists. */
function hunksOf(
  runs: readonly Run[],
  oldTokens: readonly string[],
  newTokens: readonly string[],
  context: number,
) {
  // Each run's lines (jsdiff's change values split again into lines: the tokens themselves).
  const diff: { added: boolean; removed: boolean; lines: string[] }[] = [];
  let oldPos = 0;
  let newPos = 0;
  for (const run of runs) {
    if (run.type === REMOVED) {
      diff.push({ added: false, removed: true, lines: oldTokens.slice(oldPos, oldPos + run.count) });
      oldPos += run.count;
    } else {
      diff.push({
        added: run.type === ADDED,
        removed: false,
        lines: newTokens.slice(newPos, newPos + run.count),
      });
      newPos += run.count;
      if (run.type === COMMON) oldPos += run.count;
    }
  }
  diff.push({ added: false, removed: false, lines: [] });
  const contextLines = (lines: readonly string[]) => lines.map((entry) => ' ' + entry);
  const hunks: StructuredPatchHunk[] = [];
  let oldRangeStart = 0;
  let newRangeStart = 0;
  let curRange: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (let i = 0; i < diff.length; i++) {
    const current = diff[i]!;
    const lines = current.lines;
    if (current.added || current.removed) {
      if (!oldRangeStart) {
        const prev = diff[i - 1];
        oldRangeStart = oldLine;
        newRangeStart = newLine;
        if (prev) {
          curRange = context > 0 ? contextLines(prev.lines.slice(-context)) : [];
          oldRangeStart -= curRange.length;
          newRangeStart -= curRange.length;
        }
      }
      for (const line of lines) curRange.push((current.added ? '+' : '-') + line);
      if (current.added) newLine += lines.length;
      else oldLine += lines.length;
    } else {
      if (oldRangeStart) {
        if (lines.length <= context * 2 && i < diff.length - 2) {
          for (const line of contextLines(lines)) curRange.push(line);
        } else {
          const contextSize = Math.min(lines.length, context);
          for (const line of contextLines(lines.slice(0, contextSize))) curRange.push(line);
          hunks.push({
            oldStart: oldRangeStart,
            oldLines: oldLine - oldRangeStart + contextSize,
            newStart: newRangeStart,
            newLines: newLine - newRangeStart + contextSize,
            lines: curRange,
          });
          oldRangeStart = 0;
          newRangeStart = 0;
          curRange = [];
        }
      }
      oldLine += lines.length;
      newLine += lines.length;
    }
  }
  for (const hunk of hunks) {
    for (let i = 0; i < hunk.lines.length; i++) {
      if (hunk.lines[i]!.endsWith('\n')) hunk.lines[i] = hunk.lines[i]!.slice(0, -1);
      else {
        hunk.lines.splice(i + 1, 0, '\\ No newline at end of file');
        i++;
      }
    }
  }
  return hunks;
}

/**
 * createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, { context }) of
 * jsdiff 9, byte for byte (see the header).
 */
export function unifiedDiff(
  oldName: string,
  newName: string,
  oldText: string,
  newText: string,
  context = 4,
): string {
  const oldTokens = lineTokens(oldText);
  const newTokens = lineTokens(newText);
  const runs = lineRuns(oldTokens, newTokens);
  if (!runs)
    return createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, { context });
  const patch: StructuredPatch = {
    oldFileName: oldName,
    newFileName: newName,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: hunksOf(runs, oldTokens, newTokens, context),
  };
  return formatPatch(patch);
}

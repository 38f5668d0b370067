// From a file's fix (its text before and after) to GitHub review comments: the changed regions,
// each anchored on lines of the pull request's head (RIGHT side) that lie inside one hunk of the
// pull request's diff, close regions grouped, and the comment's body: a ```suggestion block that
// replaces exactly lines `start`..`end` with the fixed text (or, for `review: comment`, a diff of
// the change). Pure: no I/O.
import { diffArrays } from 'diff';
import { fencedBlock, fencedBlockNote, hasHiddenCharacters, longestBacktickRun } from '../core/escape.js';
import type { LineRange } from './pr-diff.js';

/**
 * One change of the file: old lines `oldStart`..`oldStart + oldCount - 1` (1-based) become
 * `lines`. An insertion has `oldCount` 0 and goes before old line `oldStart`.
 */
export interface Region {
  oldStart: number;
  oldCount: number;
  lines: string[];
}

/** A text's lines, without their `\n`; a final newline makes no empty last line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The changed regions from `before` to `after`, in order; none overlap or touch. */
export function changedRegions(before: string, after: string): Region[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const regions: Region[] = [];
  let oldLine = 1;
  let open: Region | undefined;
  for (const change of diffArrays(a, b)) {
    const count = change.value.length;
    if (!change.added && !change.removed) {
      open = undefined;
      oldLine += count;
      continue;
    }
    if (!open) {
      open = { oldStart: oldLine, oldCount: 0, lines: [] };
      regions.push(open);
    }
    if (change.removed) {
      open.oldCount += count;
      oldLine += count;
    } else open.lines.push(...change.value);
  }
  return regions;
}

/** A review comment's lines: old lines `start`..`end` (the head's numbering) and the regions it applies. */
export interface PlannedSuggestion {
  start: number;
  end: number;
  regions: Region[];
  /** Inside one hunk of the pull request's diff: GitHub accepts a comment on these lines. */
  postable: boolean;
}

function inHunk(hunks: readonly LineRange[], start: number, end: number): boolean {
  return hunks.some((h) => h.start <= start && end <= h.end);
}

/** The lines a region's comment covers: the replaced lines, or for an insertion an adjacent line. */
function anchor(
  r: Region,
  lineCount: number,
  hunks: readonly LineRange[],
): { start: number; end: number; postable: boolean } {
  if (r.oldCount > 0) {
    const end = r.oldStart + r.oldCount - 1;
    return { start: r.oldStart, end, postable: inHunk(hunks, r.oldStart, end) };
  }
  // An insertion before old line `oldStart`: replace the line before it with itself and the new
  // lines, or the line after it with the new lines and itself.
  const candidates = [r.oldStart - 1, r.oldStart].filter((l) => l >= 1 && l <= lineCount);
  for (const l of candidates) if (inHunk(hunks, l, l)) return { start: l, end: l, postable: true };
  const l = candidates[0] ?? 1;
  return { start: l, end: l, postable: false };
}

/**
 * The comments for a file's regions: each region on its own lines (an insertion on an adjacent
 * line inside the diff), then neighbours merged when at most `gap` unchanged lines part them and
 * the merged lines stay inside one hunk. Comments that would overlap are always merged (postable
 * only if the merged lines stay inside one hunk).
 */
export function planSuggestions(
  lineCount: number,
  regions: readonly Region[],
  hunks: readonly LineRange[],
  gap = 3,
): PlannedSuggestion[] {
  const single = regions
    .map((r) => ({ ...anchor(r, lineCount, hunks), regions: [r] }))
    .sort((x, y) => x.start - y.start || x.end - y.end);
  const out: PlannedSuggestion[] = [];
  for (const s of single) {
    const prev = out[out.length - 1];
    if (prev) {
      const start = prev.start;
      const end = Math.max(prev.end, s.end);
      const overlap = s.start <= prev.end;
      const near = s.start - prev.end - 1 <= gap;
      const fits = inHunk(hunks, start, end);
      if (overlap || (near && prev.postable && s.postable && fits)) {
        out[out.length - 1] = {
          start,
          end,
          regions: [...prev.regions, ...s.regions],
          postable: prev.postable && s.postable && fits,
        };
        continue;
      }
    }
    out.push({ ...s });
  }
  return out;
}

/** The text that replaces lines `start`..`end` once the suggestion's regions are applied. */
export function replacementLines(
  oldLines: readonly string[],
  s: Pick<PlannedSuggestion, 'start' | 'end' | 'regions'>,
): string[] {
  const out: string[] = [];
  let next = s.start;
  for (const r of [...s.regions].sort((x, y) => x.oldStart - y.oldStart || x.oldCount - y.oldCount)) {
    for (; next < r.oldStart; next++) out.push(oldLines[next - 1]!);
    out.push(...r.lines);
    next = Math.max(next, r.oldStart + r.oldCount);
  }
  for (; next <= s.end; next++) out.push(oldLines[next - 1]!);
  return out;
}

/** Applies suggestions to a file's lines as GitHub does (each replaces its lines with its block). */
export function applySuggestions(
  text: string,
  suggestions: readonly { start: number; end: number; replacement: readonly string[] }[],
): string {
  const lines = splitLines(text);
  const sorted = [...suggestions].sort((a, b) => b.start - a.start);
  for (const s of sorted) lines.splice(s.start - 1, s.end - s.start + 1, ...s.replacement);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** A line as it goes into a block: without the `\r` of a CRLF file. */
function bare(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Whether lines replacing `start`… hold a character a reviewer cannot see (hasHiddenCharacters),
 * the line ends (`\r` of a CRLF file) and the byte-order mark of the file's first line aside.
 */
export function hidesText(replacement: readonly string[], start: number): boolean {
  return replacement.some((line, i) => {
    const b = bare(line);
    return hasHiddenCharacters(start + i === 1 && b.startsWith('\uFEFF') ? b.slice(1) : b);
  });
}

/**
 * A ```suggestion block with exactly these lines: the fence is longer than any backtick run in
 * them, so no line can close it (GitHub reads a longer fence the same way). No line is escaped:
 * the block is the file's text, applied as it is.
 */
export function suggestionBlock(replacement: readonly string[]): string {
  const lines = replacement.map(bare);
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(lines.join('\n')) + 1));
  return lines.length === 0
    ? `${fence}suggestion\n${fence}`
    : `${fence}suggestion\n${lines.join('\n')}\n${fence}`;
}

/** For `review: comment`: the change as a diff (shown, not applied: escaped as any text we do not control). */
export function changeBlock(original: readonly string[], replacement: readonly string[]): string {
  const diff = [...original.map((l) => `-${bare(l)}`), ...replacement.map((l) => `+${bare(l)}`)].join('\n');
  const note = fencedBlockNote(diff);
  return fencedBlock(diff, 'diff') + (note === undefined ? '' : `\n\n${note}`);
}

// Text order in which numbers read as numbers: `Policies[2]` before `Policies[10]`, `p[9]` before
// `p[10]` (report ids hold list indexes, `count` and `for_each` instances). Pure.

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Compares two strings by code unit, except where they first differ inside a run of digits that
 * both have there: the shorter run is the smaller number. (Leading zeros are not read as such: an
 * index never has them.) A total order, and the plain order on strings without such runs.
 */
export function naturalCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(i);
  // The digit run each is in at i: from where the shared digits before i start.
  let start = i;
  while (start > 0 && isDigit(a.charCodeAt(start - 1))) start--;
  let endA = i;
  while (endA < a.length && isDigit(a.charCodeAt(endA))) endA++;
  let endB = i;
  while (endB < b.length && isDigit(b.charCodeAt(endB))) endB++;
  const lengthA = endA - start;
  const lengthB = endB - start;
  if (lengthA > 0 && lengthB > 0 && lengthA !== lengthB) return lengthA - lengthB;
  return ca - cb;
}

/** Whether `a` and `b` differ by at most one edit: a letter replaced, added or left out (`Efect`, `cooled`). */
export function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  // (past the first difference: one letter replaced, one more in `a`, or one more in `b`)
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i) || a.slice(i) === b.slice(i + 1);
}

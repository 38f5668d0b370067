// `${...}` templates in Terraform values: scanning them, and reading unknown parts as wildcards.

export interface TemplatePart {
  literal?: string;
  /** The expression inside `${...}` or `%{...}`, trimmed (strip markers `~` removed). */
  expr?: string;
  /** The interpolation as written, `${...}`. */
  raw?: string;
  directive?: boolean;
}

/** A template's literal text with its escapes read: `$${` is `${`, `%%{` is `%{`. */
export function unescapeTemplate(s: string): string {
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/** Splits an HCL template string into literal text and `${...}` / `%{...}` parts. */
export function scanTemplate(s: string): { parts: TemplatePart[]; error?: string } {
  const parts: TemplatePart[] = [];
  // Literal text is collected as slices (never one character at a time: a huge literal would
  // otherwise become millions of string nodes).
  const lit: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    // The next `$` or `%` that may start an escape or an interpolation.
    let j = i;
    while (j < n) {
      const c = s.charCodeAt(j);
      if ((c === 36 || c === 37) && (s[j + 1] === '{' || s[j + 1] === s[j])) break;
      j++;
    }
    if (j > i) lit.push(s.slice(i, j));
    i = j;
    if (i >= n) break;
    if (s.startsWith('$${', i)) {
      lit.push('${');
      i += 3;
      continue;
    }
    if (s.startsWith('%%{', i)) {
      lit.push('%{');
      i += 3;
      continue;
    }
    if (s.startsWith('${', i) || s.startsWith('%{', i)) {
      const end = templateEnd(s, i + 2);
      if (end < 0) return { parts, error: `unterminated ${s.slice(i, i + 2)} in a template` };
      if (lit.length > 0) parts.push({ literal: lit.join('') });
      lit.length = 0;
      const expr = s
        .slice(i + 2, end)
        .replace(/^~/, '')
        .replace(/~$/, '')
        .trim();
      parts.push({ expr, raw: s.slice(i, end + 1), directive: s[i] === '%' });
      i = end + 1;
      continue;
    }
    // `$$` or `%%` not followed by `{`: literal.
    lit.push(s[i]!);
    i++;
  }
  if (lit.length > 0) parts.push({ literal: lit.join('') });
  return { parts };
}

/** Index of the `}` closing an interpolation whose expression starts at `i`, or -1. Iterative. */
export function templateEnd(s: string, i: number): number {
  // A stack of modes: a number is an expression's open-brace depth; -1 is a quoted string.
  const stack: number[] = [0];
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    const top = stack[stack.length - 1]!;
    if (top === -1) {
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '"') stack.pop();
      else if ((c === '$' || c === '%') && s[i + 1] === '{') {
        stack.push(0);
        i += 2;
        continue;
      }
      i++;
      continue;
    }
    if (c === '"') stack.push(-1);
    else if (c === '{') stack[stack.length - 1] = top + 1;
    else if (c === '}') {
      if (top === 0) {
        stack.pop();
        if (stack.length === 0) return i;
      } else stack[stack.length - 1] = top - 1;
    }
    i++;
  }
  return -1;
}

export function hasTemplate(s: string): boolean {
  return s.includes('${') || s.includes('%{');
}

export const PURE_INTERPOLATION = /^\$\{[^}]*\}$/;

export const PURE_REFERENCE = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*$/;

/** Reads a template as a literal with each interpolation replaced by `*` (undefined with directives). */
export function templateAsWildcards(
  s: string,
  /** What each interpolation is written as (or a function of its index in `interpolations`). */
  mark: string | ((i: number) => string) = '*',
): { text: string; interpolations: string[] } | { error: string } {
  const t = scanTemplate(s);
  if (t.error) return { error: t.error };
  let text = '';
  const interpolations: string[] = [];
  for (const p of t.parts) {
    if (p.literal !== undefined) text += p.literal;
    else if (p.directive) return { error: `template directive ${p.raw} (not evaluated)` };
    else {
      text += typeof mark === 'string' ? mark : mark(interpolations.length);
      interpolations.push(p.raw!);
    }
  }
  return { text, interpolations };
}

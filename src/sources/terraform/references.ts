// References between Terraform resources (`aws_iam_role.x.arn`, `data.aws_iam_policy_document.y.json`).
import { isObject } from '../parser.js';
import { pushAll } from '../records.js';
import { scanTemplate, hasTemplate } from './evaluator.js';

export const NOT_RESOURCES = new Set([
  'var',
  'local',
  'each',
  'count',
  'path',
  'terraform',
  'self',
  'module',
  'data',
]);

export const REF =
  /(?:^|[^\w.\]-])((?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)(\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?/g;

export interface Ref {
  /** `aws_iam_role.x` or `data.aws_iam_policy_document.y`, relative to the referring module. */
  base: string;
  attr?: string;
  text: string;
  /** The instance key written after the name (`1`, `"a"`), when it is a literal. */
  index?: string | number;
}

/** A literal instance key (`1`, `"a"`, `'a'` as the `.tf` reader writes it), or undefined. */
function literalIndex(inside: string): string | number | undefined {
  const t = inside.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const q = /^"([^"\\]*)"$|^'([^'\\]*)'$/.exec(t);
  return q ? (q[1] ?? q[2]) : undefined;
}

/** A resource reference in a configuration `references` entry (`aws_iam_role.x.name`). */
export function parseReference(text: string): Ref | undefined {
  const m = /^((?:data\.)?([A-Za-z_][\w-]*)\.[A-Za-z_][\w-]*)(\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?/.exec(
    text,
  );
  if (!m) return undefined;
  const isData = m[1]!.startsWith('data.');
  const type = isData ? m[1]!.split('.')[1]! : m[2]!;
  if (!isData && NOT_RESOURCES.has(type)) return undefined;
  if (!type.includes('_')) return undefined;
  const ref: Ref = { base: m[1]!, attr: m[4], text };
  const index = m[3] === undefined ? undefined : literalIndex(m[3].slice(1, -1));
  if (index !== undefined) ref.index = index;
  return ref;
}

/**
 * A configuration's `references` without the prefixes Terraform lists beside each reference
 * (`aws_iam_role.r["a"].name` comes with `aws_iam_role.r["a"]` and `aws_iam_role.r`): a bare
 * `aws_iam_role.r` there is the prefix of the instance it names, not every instance. (A bare one
 * of its own, `aws_iam_role.r[count.index]`, beside `r["a"]` in one expression cannot be told
 * from it; the known value, where there is one, still says which.)
 */
export function withoutPrefixes(refs: Ref[]): Ref[] {
  // The prefixes of each (the text starts with its base): `base` before a key or an attribute,
  // `base[key]` before an attribute.
  const prefixes = new Set<string>();
  for (const { text, base } of refs) {
    const after = text[base.length];
    if (after === '.' || after === '[') prefixes.add(base);
    const close = after === '[' ? text.indexOf(']', base.length) : -1;
    if (close >= 0 && text[close + 1] === '.') prefixes.add(text.slice(0, close + 1));
  }
  return refs.filter((r) => !prefixes.has(r.text));
}

/** How a reference's resource (and instance key) reads in a message: `aws_iam_policy.p[1]`. */
export function refTarget(r: Ref): string {
  return r.index === undefined ? r.base : `${r.base}[${JSON.stringify(r.index)}]`;
}

/** Every resource reference inside an HCL expression (`trim(aws_sfn_state_machine.x.arn, ":")`). */
export function referencesIn(expr: string): Ref[] {
  const out: Ref[] = [];
  REF.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REF.exec(expr)) !== null) {
    const r = parseReference(m[1]! + (m[2] ?? '') + (m[3] ? `.${m[3]}` : ''));
    if (r) out.push(r);
  }
  return out;
}

export function refsInValue(value: unknown, out: Ref[]): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!hasTemplate(v)) continue;
      for (const p of scanTemplate(v).parts) if (p.expr) pushAll(out, referencesIn(p.expr));
    } else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) if (!k.startsWith('//')) stack.push(x);
  }
}

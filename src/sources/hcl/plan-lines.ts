// `terraform show -json` prints a plan on one line, so every plan finding would say `plan.json:1`.
// When the repository holds the configuration's `.tf` files, a plan's policy is pointed at the
// block (and its statements at their lines) in the `.tf` file that declares it, matched by address:
// exactly, else without instance keys (`aws_iam_policy.x["a"]` -> `aws_iam_policy.x`).
import type { InputResult, PolicyRecord } from '../../core/types.js';

function withoutKeys(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '');
}

/** Points plan records at the `.tf` lines of the same addresses; returns how many were moved. */
export function pointPlansAtTf(plans: InputResult[], hcl: InputResult[]): number {
  const exact = new Map<string, PolicyRecord>();
  const loose = new Map<string, PolicyRecord | null>();
  for (const r of hcl)
    for (const p of r.policies) {
      if (!p.address || p.line === undefined) continue;
      const key = `${p.address}\u0000${p.kind}`;
      if (!exact.has(key)) exact.set(key, p);
      const l = `${withoutKeys(p.address)}\u0000${p.kind}`;
      // Two blocks under one address without keys (modules called twice...): ambiguous.
      const had = loose.get(l);
      loose.set(l, had === undefined || had?.path === p.path ? p : null);
    }
  let moved = 0;
  for (const r of plans) {
    if (r.kind !== 'terraform-plan') continue;
    for (const p of r.policies) {
      if (!p.address) continue;
      const tf =
        exact.get(`${p.address}\u0000${p.kind}`) ??
        loose.get(`${withoutKeys(p.address)}\u0000${p.kind}`) ??
        undefined;
      if (!tf || tf.line === undefined) continue;
      p.path = tf.path;
      p.line = tf.line;
      const doc = p.document as { Statement?: unknown } | undefined;
      const st = doc && typeof doc === 'object' ? doc.Statement : undefined;
      const n = p.statementLines?.length ?? (Array.isArray(st) ? st.length : st ? 1 : undefined);
      if (n !== undefined) {
        const same = tf.statementLines && tf.statementLines.length === n;
        p.statementLines = same ? [...tf.statementLines!] : new Array<number>(n).fill(tf.line);
        // The statements' own files come with their lines (a document in another file).
        if (same && tf.statementFiles) p.statementFiles = [...tf.statementFiles];
      }
      moved++;
    }
  }
  return moved;
}

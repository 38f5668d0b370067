// terraform.tfvars / *.auto.tfvars (HCL) and their .json forms: the root module's variable values.
import { HclEvalError, evaluate, type Scope } from './evaluator.js';
import { kids, parseHcl } from './parse.js';
import { fromPlain, isObj, Unknown, type Value } from './values.js';
import type { ModuleProblem } from './module-def.js';

/** terraform.tfvars / *.auto.tfvars (HCL) or their .json forms: the root module's variable values. */
export function readTfvars(
  files: { path: string; text: string }[],
  problems: ModuleProblem[],
): Map<string, Value> {
  const out = new Map<string, Value>();
  const sorted = [...files].sort((a, b) => {
    // terraform.tfvars first, then *.auto.tfvars in lexical order (later ones win).
    const ra = /(^|\/)terraform\.tfvars(\.json)?$/.test(a.path) ? 0 : 1;
    const rb = /(^|\/)terraform\.tfvars(\.json)?$/.test(b.path) ? 0 : 1;
    return ra - rb || (a.path < b.path ? -1 : 1);
  });
  for (const f of sorted) {
    if (f.path.endsWith('.json')) {
      try {
        const j = JSON.parse(f.text) as unknown;
        if (isObj(fromPlain(j))) for (const [k, v] of Object.entries(j as object)) out.set(k, fromPlain(v));
      } catch (e) {
        problems.push({ file: f.path, message: `not valid JSON: ${(e as Error).message}` });
      }
      continue;
    }
    const parsed = parseHcl(f.path, f.text);
    for (const p of parsed.problems)
      problems.push({
        file: f.path,
        line: p.line,
        message: `not valid HCL at line ${p.line}, column ${p.column}: ${p.message}`,
      });
    if (parsed.problems.length) continue;
    const scope: Scope = {
      file: parsed,
      fn: { moduleDir: '.', readFile: () => undefined, renderTemplate: () => new Unknown('templatefile') },
      iter: new Map(),
      resolve: (_r, _s, t) => ({ value: new Unknown(t), used: _s.length }),
    };
    const body = kids(parsed.root).find((k) => k.type === 'body');
    for (const a of body ? kids(body) : []) {
      if (a.type !== 'attribute') continue;
      const [id, expr] = kids(a);
      if (!id || !expr) continue;
      try {
        out.set(id.text, evaluate(expr, scope));
      } catch (e) {
        if (!(e instanceof HclEvalError)) throw e;
        out.set(id.text, new Unknown(`var.${id.text}`));
      }
    }
  }
  return out;
}

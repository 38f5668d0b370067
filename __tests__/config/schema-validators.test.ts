// The validators compiled at build time (src/generated/schema-validators.ts) against ajv compiling
// the same schemas at run time, as src/config/yaml-schema.ts did before: the same answer and the
// same errors (which the error messages are made from) on valid files and on files mutated at
// random.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import AjvModule, { type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { SchemaValidator } from '../../src/config/yaml-schema.js';
import { validateBaseline, validateConfig } from '../../src/generated/schema-validators.js';

const ROOT = process.cwd();
type AjvClass = typeof AjvModule.default;
const Ajv: AjvClass =
  (AjvModule as unknown as { default?: AjvClass }).default ?? (AjvModule as unknown as AjvClass);

async function options(): Promise<Record<string, unknown>> {
  const script = pathToFileURL(join(ROOT, 'scripts/build-schema-validators.mjs')).href;
  return ((await import(script)) as { AJV_OPTIONS: Record<string, unknown> }).AJV_OPTIONS;
}

function compiled(file: string, opts: Record<string, unknown>): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', file), 'utf8')) as Record<string, unknown>;
  return new Ajv(opts).compile(schema);
}

const CONFIG = {
  version: 1,
  'account-id': '123456789012',
  audits: [
    { baseline: 'coiled', sets: ['ongoing'], policies: ['infra/coiled/*.json'] },
    { baseline: './iam/baselines/my-vendor.yml', policies: ['infra/vendor/*.json'] },
  ],
  baselines: ['./iam/baselines/my-vendor.yml'],
  ignore: [
    { action: 'ec2:DescribeRegions', policies: ['infra/coiled/*'], reason: 'ours', expires: '2027-03-01' },
  ],
};

const BASELINES = readdirSync(join(ROOT, 'baselines'))
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => parse(readFileSync(join(ROOT, 'baselines', f), 'utf8')) as unknown);

/** A copy of `doc` with the value at one path (chosen by `pick`) replaced by `value`. */
function mutate(doc: unknown, pick: number, value: unknown, drop: boolean): unknown {
  const copy = structuredClone(doc);
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v))
      v.forEach((x, k) => {
        slots.push([v, k]);
        walk(x);
      });
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        slots.push([v as Record<string, unknown>, k]);
        walk(x);
      }
  };
  walk(copy);
  if (!slots.length) return value;
  const [parent, key] = slots[pick % slots.length]!;
  if (drop && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
  else (parent as Record<string | number, unknown>)[key] = value;
  return copy;
}

describe('the validators compiled at build time', () => {
  let runtime: { config: ValidateFunction; baseline: ValidateFunction };
  beforeAll(async () => {
    const opts = await options();
    runtime = {
      config: compiled('config.schema.json', opts),
      baseline: compiled('baseline.schema.json', opts),
    };
  });

  const same = (generated: SchemaValidator, reference: ValidateFunction, doc: unknown) => {
    const ok = reference(doc);
    expect(generated(doc)).toBe(ok);
    expect(generated.errors ?? null).toEqual(reference.errors ?? null);
    return ok;
  };

  it('accept the valid configuration and every built-in baseline, as ajv does', () => {
    expect(same(validateConfig, runtime.config, CONFIG)).toBe(true);
    expect(BASELINES.length).toBeGreaterThan(10);
    for (const b of BASELINES) expect(same(validateBaseline, runtime.baseline, b)).toBe(true);
  });

  it('give ajv’s answer and errors on configurations and baselines changed at random', () => {
    let invalid = 0;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.jsonValue({ maxDepth: 3 }),
        fc.boolean(),
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        (which, pick, value, drop, pick2, value2) => {
          const base = which % 4 === 0 ? CONFIG : BASELINES[which % BASELINES.length]!;
          const doc = mutate(mutate(base, pick, value, drop), pick2, value2, false);
          const ok =
            base === CONFIG
              ? same(validateConfig, runtime.config, doc)
              : same(validateBaseline, runtime.baseline, doc);
          if (!ok) invalid++;
        },
      ),
      { numRuns: 1500 },
    );
    // Most mutations make a document invalid: the errors were compared, not only the answers.
    expect(invalid).toBeGreaterThan(500);
  });

  it('give ajv’s answer and errors on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => {
        same(validateConfig, runtime.config, doc);
        same(validateBaseline, runtime.baseline, doc);
      }),
      { numRuns: 500 },
    );
  });
});

// Property-based fuzzing of every parser: parseSource on hostile policies, plans, state, *.tf.json
// and authorization-details texts; parsePolicyDocument on hostile values; loadConfig and the
// baseline loaders on hostile YAML and JSON. Properties: nothing throws (except a ConfigError for
// configuration and baselines, which names the file and the line), and each result accounts for
// what it read (statuses, reasons, ids), with nothing in it too deep to serialise.
import fc from 'fast-check';
import { preparePolicies } from '../../src/audit/audit.js';
import { ConfigError } from '../../src/core/errors.js';
import { baselineFromPolicyJson, parseBaselineYaml } from '../../src/baselines/load.js';
import { loadBaselineFile } from '../../src/baselines/resolve.js';
import { loadConfig } from '../../src/config/config.js';
import { MAX_ACTION_LENGTH, MAX_RESOURCE_LENGTH, parsePolicyDocument } from '../../src/policy/document.js';
import { parseSource } from '../../src/sources/index.js';
import { expectAccounted, expectNoPollution } from '../hardening/inert.js';
import {
  anyJson,
  check,
  counted,
  fileText,
  hostileBaselineYaml,
  hostileString,
  hostileYaml,
  timeoutFor,
  wrappedPolicy,
  type Kind,
} from './support.js';

const PATHS: Record<Kind, string> = {
  policy: 'iam/policy.json',
  plan: 'plans/plan.json',
  state: 'state/terraform.tfstate',
  tfjson: 'infra/main.tf.json',
  auth: 'exports/authorization-details.json',
  any: 'misc/anything.json',
};

const CI_RUNS: Record<Kind, number> = {
  policy: 1500,
  plan: 1500,
  state: 800,
  tfjson: 1500,
  auth: 1200,
  any: 500,
};

afterAll(() => {
  if (process.env.FUZZ_VERBOSE) console.log(`parsers: ${counted.cases} fuzz cases`);
});

describe('parseSource on hostile texts', () => {
  for (const kind of Object.keys(CI_RUNS) as Kind[]) {
    it(
      `${kind}: never throws, and the result accounts for every policy`,
      () => {
        check(
          `parseSource ${kind}`,
          fc.property(fileText[kind], fc.boolean(), (text, explicit) => {
            const loaded = parseSource({ path: PATHS[kind], text }, explicit);
            expectAccounted(PATHS[kind], loaded);
            // The next stage reads every resolved document without throwing either.
            for (const p of preparePolicies([loaded]).values()) {
              for (const f of p.problems)
                if (!f.message.trim()) throw new Error('a problem without a message');
            }
          }),
          CI_RUNS[kind],
        );
      },
      timeoutFor(CI_RUNS[kind], 5),
    );
  }
});

describe('the generators reach deep into each parser', () => {
  // A generator so hostile that nothing parses would test little: most cases must get through.
  it('each kind yields resolved policies (and principals where the kind has them) in a good share of cases', () => {
    for (const kind of ['policy', 'plan', 'state', 'tfjson', 'auth'] as Kind[]) {
      const samples = fc.sample(fileText[kind], { numRuns: 300, seed: 7 });
      let resolved = 0;
      let principals = 0;
      for (const text of samples) {
        const r = parseSource({ path: PATHS[kind], text }).result;
        if (r.policies.some((p) => p.status === 'resolved')) resolved++;
        if ((r.principals ?? []).some((p) => p.policyIds.length > 0)) principals++;
      }
      expect([kind, resolved >= 300 * 0.1]).toEqual([kind, true]);
      if (kind === 'plan' || kind === 'auth') expect([kind, principals > 0]).toEqual([kind, true]);
    }
  });
});

describe('parsePolicyDocument on hostile values', () => {
  const accounted = (raw: unknown) => {
    const parsed = parsePolicyDocument(raw);
    expectNoPollution();
    for (const pr of parsed.problems) {
      if (!Array.isArray(pr.path) || !pr.message.trim()) throw new Error(`bad problem ${JSON.stringify(pr)}`);
    }
    if (parsed.doc) {
      for (const s of parsed.doc.statements) {
        if (s.effect !== 'Allow' && s.effect !== 'Deny') throw new Error(`effect ${String(s.effect)}`);
        for (const a of [...(s.actions ?? []), ...(s.notActions ?? [])])
          if (typeof a !== 'string' || a.length > MAX_ACTION_LENGTH) throw new Error(`action ${a.length}`);
        for (const r of [...(s.resources ?? []), ...(s.notResources ?? [])])
          if (typeof r !== 'string' || r.length > MAX_RESOURCE_LENGTH)
            throw new Error(`resource ${r.length}`);
      }
      if (!parsed.raw) throw new Error('a document without its raw object');
      JSON.stringify(parsed.raw);
    }
  };

  it(
    'policies in their wrappers and encodings, hostile in every field',
    () => {
      check('parsePolicyDocument wrapped', fc.property(wrappedPolicy, accounted), 2000);
    },
    timeoutFor(2000, 2),
  );

  it('any value at all', () => {
    check('parsePolicyDocument anything', fc.property(fc.oneof(fc.anything(), anyJson), accounted), 500);
  });

  it('documents held as strings, broken ones included, never quote the text in a problem', () => {
    check(
      'parsePolicyDocument strings',
      fc.property(fc.tuple(hostileString, wrappedPolicy), ([secret, doc]) => {
        const text = `${(JSON.stringify(doc) ?? '').slice(0, 10)}hunter2${secret}`;
        const parsed = parsePolicyDocument(text);
        for (const pr of parsed.problems) if (pr.message.includes('hunter2')) throw new Error(pr.message);
      }),
      300,
    );
  });
});

describe('configuration and baselines on hostile YAML', () => {
  const configErrorOnly = (f: () => unknown, file: string) => {
    try {
      f();
      expectNoPollution();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const line of e.message.split('\n')) {
        if (/^\(\d+ more\)$/.test(line)) continue;
        if (!line.startsWith(`${file}, line `) && !line.startsWith(`${file}: `))
          throw new Error(`a ConfigError line that does not name the file and the line: ${line}`);
      }
    }
  };

  it(
    'loadConfig returns a configuration or throws a ConfigError naming the file and the line',
    () => {
      check(
        'loadConfig',
        fc.property(hostileYaml, (text) =>
          configErrorOnly(
            () => loadConfig(text, '.github/iam-baseline-audit.yml'),
            '.github/iam-baseline-audit.yml',
          ),
        ),
        600,
      );
    },
    timeoutFor(600, 20),
  );

  it(
    'parseBaselineYaml likewise, on hostile YAML and on valid baselines with hostile statements',
    () => {
      check(
        'parseBaselineYaml',
        fc.property(fc.oneof(hostileYaml, hostileBaselineYaml), (text) =>
          configErrorOnly(() => parseBaselineYaml(text, 'iam/vendor.yml'), 'iam/vendor.yml'),
        ),
        400,
      );
    },
    timeoutFor(400, 20),
  );

  it(
    'a policy JSON file given as a baseline likewise',
    () => {
      check(
        'baselineFromPolicyJson',
        fc.property(fileText.policy, (text) => {
          configErrorOnly(() => baselineFromPolicyJson(text, 'b/min.json'), 'b/min.json');
          configErrorOnly(() => loadBaselineFile(text, 'b/min.json'), 'b/min.json');
        }),
        300,
      );
    },
    timeoutFor(300, 20),
  );
});

// The repository's GitHub Actions files checked against SchemaStore's JSON schemas (actionlint does
// not run here, see org-audit.test.ts): every .github/workflows/*.yml and every workflow example of
// the README (a ```yaml block with a top-level `jobs:`) against github-workflow.json, and action.yml
// against github-action.json. Both schemas are byte-for-byte copies, see __tests__/fixtures/README.md.
// A failure lists each error as `<file>: <JSON path> <message> <params>`.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const SCHEMAS = join(ROOT, '__tests__/fixtures/schemas');

type Json = Record<string, unknown>;
const readJson = (file: string) => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as Json;
const readYaml = (text: string) => parse(text, { strict: true, uniqueKeys: true }) as unknown;

// Both schemas declare "$schema": "http://json-schema.org/draft-07/schema": Ajv's default class.
const workflowSchema = readJson('github-workflow.json');
const actionSchema = readJson('github-action.json');

/**
 * Documented exception. The newest github-action.json the project could copy (SchemaStore commit
 * ae5a68b2…, the newer of the two versions stored) knows `runs.using: node12 | node16` only; GitHub
 * has since added `node20` and `node24`, and action.yml runs on node24. The schema is extended here
 * with exactly those two runtimes and nothing else; the tests below prove that the stored schema
 * still lacks them and that, without this extension, `/runs/using` is the only thing it finds wrong
 * in action.yml. Drop this when the fixture is refreshed from a version that knows them.
 */
const NEWER_NODE_RUNTIMES = ['node20', 'node24'];

function usingEnum(schema: Json): string[] {
  const defs = schema.definitions as Record<string, { properties: Record<string, { enum: string[] }> }>;
  return defs['runs-javascript']!.properties.using!.enum;
}

function withNewerNodeRuntimes(schema: Json): Json {
  const copy = structuredClone(schema);
  const using = usingEnum(copy);
  using.push(...NEWER_NODE_RUNTIMES.filter((r) => !using.includes(r)));
  return copy;
}

const ajv = new Ajv({ strict: false, allErrors: true });
const validateWorkflow = ajv.compile(workflowSchema);
const validateActionAsStored = ajv.compile(actionSchema);
const validateAction = ajv.compile(withNewerNodeRuntimes(actionSchema));

const describeError = (file: string, e: ErrorObject) =>
  `${file}: ${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`;

/** Every schema error of `doc`, one line each; [] when it is valid. */
function errorsOf(validate: ValidateFunction, doc: unknown, file: string): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => describeError(file, e));
}

const workflowFiles = readdirSync(join(ROOT, '.github/workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => `.github/workflows/${f}`);

interface Block {
  line: number;
  text: string;
}

/** The fenced ```yaml / ```yml blocks of a Markdown text, with the line of their opening fence. */
function yamlBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```ya?ml[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown))
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, text: m[1]! });
  return blocks;
}

const readmeBlocks = yamlBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const readmeWorkflows = readmeBlocks.filter((b) => /^jobs:/m.test(b.text));

describe('the schemas (fixtures)', () => {
  it('github-workflow.json is a draft-07 schema that knows reusable workflows and OIDC permissions', () => {
    expect(workflowSchema.$schema).toBe('http://json-schema.org/draft-07/schema');
    const defs = workflowSchema.definitions as Record<string, Json>;
    expect(defs.event!.enum).toContain('workflow_call');
    expect(Object.keys(defs['permissions-event']!.properties as Json)).toContain('id-token');
    expect(defs.reusableWorkflowCallJob).toBeDefined();
  });

  it('github-action.json is a draft-07 schema, and the stored copy does not know node20 or node24', () => {
    expect(actionSchema.$schema).toBe('http://json-schema.org/draft-07/schema');
    // Why NEWER_NODE_RUNTIMES exists; when this fails, the fixture was refreshed: drop the exception.
    expect(usingEnum(actionSchema)).toEqual(['node12', 'node16']);
    expect(usingEnum(withNewerNodeRuntimes(actionSchema))).toEqual(['node12', 'node16', 'node20', 'node24']);
  });
});

describe('.github/workflows', () => {
  it('has the reusable organisation workflow and the baselines check', () => {
    expect(workflowFiles).toEqual(
      expect.arrayContaining(['.github/workflows/org-audit.yml', '.github/workflows/baselines-check.yml']),
    );
  });

  it.each(workflowFiles)('%s is valid against github-workflow.json', (file) => {
    const doc = readYaml(readFileSync(join(ROOT, file), 'utf8'));
    expect(errorsOf(validateWorkflow, doc, file)).toEqual([]);
  });
});

describe('README workflow examples', () => {
  it('has workflow examples to check (```yaml blocks with a top-level jobs:)', () => {
    expect(readmeWorkflows.length).toBeGreaterThan(0);
  });

  it.each(readmeWorkflows.map((b) => [`README.md:${b.line}`, b] as const))(
    '%s is valid against github-workflow.json',
    (where, block) => {
      expect(errorsOf(validateWorkflow, readYaml(block.text), where)).toEqual([]);
    },
  );
});

describe('action.yml', () => {
  const doc = readYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8'));

  it('is valid against github-action.json (with node20/node24 added, the documented exception)', () => {
    expect(errorsOf(validateAction, doc, 'action.yml')).toEqual([]);
  });

  it('against the stored schema alone, the only complaint is runs.using (a runtime newer than the schema)', () => {
    expect(validateActionAsStored(doc)).toBe(false);
    const errors = validateActionAsStored.errors ?? [];
    // Everything wrong is under /runs (the javascript, composite and docker branches of its oneOf) ...
    expect(errors.every((e) => e.instancePath.startsWith('/runs'))).toBe(true);
    // ... and against the branch action.yml belongs to (a JavaScript action), only `using` is wrong.
    const runsJavascript = ajv.compile({
      definitions: actionSchema.definitions,
      $ref: '#/definitions/runs-javascript',
    });
    const runs = (doc as { runs: unknown }).runs;
    expect(runsJavascript(runs)).toBe(false);
    expect((runsJavascript.errors ?? []).map((e) => [e.instancePath, e.keyword])).toEqual([
      ['/using', 'enum'],
    ]);
    expect((doc as { runs: { using: string } }).runs.using).toMatch(/^node(20|24)$/);
  });
});

describe('the validation catches mistakes (negative cases)', () => {
  const valid = `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm test
`;

  it('accepts the base workflow the negative cases are made from', () => {
    expect(errorsOf(validateWorkflow, readYaml(valid), 'base.yml')).toEqual([]);
  });

  it('rejects `job:` instead of `jobs:`, naming the file, the path and the problem', () => {
    const errors = errorsOf(validateWorkflow, readYaml(valid.replace('jobs:', 'job:')), 'typo.yml');
    expect(errors).toContain(`typo.yml: / must have required property 'jobs' {"missingProperty":"jobs"}`);
    expect(errors).toContain(`typo.yml: / must NOT have additional properties {"additionalProperty":"job"}`);
  });

  it('rejects a job without runs-on', () => {
    const errors = errorsOf(
      validateWorkflow,
      readYaml(valid.replace(/^ {4}runs-on:.*\n/m, '')),
      'no-runner.yml',
    );
    expect(errors).toContain(
      `no-runner.yml: /jobs/build must have required property 'runs-on' {"missingProperty":"runs-on"}`,
    );
  });

  it('rejects a misspelt step key and an unknown permission', () => {
    const step = valid.replace('- run: npm test', '- runn: npm test');
    expect(errorsOf(validateWorkflow, readYaml(step), 'step.yml')).toContain(
      `step.yml: /jobs/build/steps/1 must NOT have additional properties {"additionalProperty":"runn"}`,
    );
    const permission = `permissions:\n  id_token: write\n${valid}`;
    expect(errorsOf(validateWorkflow, readYaml(permission), 'perm.yml')).toContain(
      `perm.yml: /permissions must NOT have additional properties {"additionalProperty":"id_token"}`,
    );
  });

  it('rejects a reusable-workflow caller with a malformed `uses`', () => {
    const caller = `on: push\njobs:\n  org:\n    uses: OWNER/repo@v1\n`;
    expect(validateWorkflow(readYaml(caller))).toBe(false);
    const good = `on: push\njobs:\n  org:\n    uses: OWNER/repo/.github/workflows/org-audit.yml@v1\n`;
    expect(errorsOf(validateWorkflow, readYaml(good), 'caller.yml')).toEqual([]);
  });

  it('rejects an action.yml with a misspelt top-level key or a runtime GitHub never had', () => {
    const action = readYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Json;
    const { description, ...rest } = action;
    expect(errorsOf(validateAction, { ...rest, descripton: description }, 'action.yml')).toEqual(
      expect.arrayContaining([
        `action.yml: / must have required property 'description' {"missingProperty":"description"}`,
        `action.yml: / must NOT have additional properties {"additionalProperty":"descripton"}`,
      ]),
    );
    const runs = action.runs as Json;
    expect(validateAction({ ...action, runs: { ...runs, using: 'node22' } })).toBe(false);
  });
});

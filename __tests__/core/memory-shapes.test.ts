// What the memory work at 20,000 policies changed must not change an answer: a one-line plan's
// text let go once parsed (its lines read off the parsed value), findings sorted without joining
// their lists, access-level lists shared, action names shared with the raw document.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { cmpJoined } from '../../src/audit/report-model.js';
import { runAudit } from '../../src/audit/run.js';
import { locateLines, type JsonPath } from '../../src/core/json-lines.js';
import { collectGarbage } from '../../src/core/memory.js';
import { parsePolicyDocument } from '../../src/policy/document.js';
import { parseSource } from '../../src/sources/index.js';
import type { SourceFile } from '../../src/core/types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Every plan, state and authorization-details fixture, as read. */
function inputFiles(): { path: string; text: string }[] {
  return ['tf-plan', 'tf-state', 'auth-details'].flatMap((dir) =>
    readdirSync(join(FIXTURES, dir))
      .filter((n) => n.endsWith('.json'))
      .map((n) => ({ path: `${dir}/${n}`, text: readFileSync(join(FIXTURES, dir, n), 'utf8') })),
  );
}

describe('a one-line plan, state or export whose text is let go once parsed', () => {
  const cases = inputFiles().flatMap((f) => {
    // Each fixture as written and on one line (as `terraform show -json` prints a plan).
    const oneLine = JSON.stringify(JSON.parse(f.text) as unknown);
    return f.text.trim().includes('\n') ? [f, { path: f.path + ' (one line)', text: oneLine }] : [f];
  });

  it('covers fixtures with policies and lines', () => {
    const read = cases.map((c) => parseSource({ ...c }, false, true).result);
    expect(read.filter((r) => r.policies.some((p) => p.line !== undefined)).length).toBeGreaterThan(5);
  });

  it.each(cases.map((c) => [c.path, c] as const))('%s: the same result, lines included', (_, c) => {
    const kept = parseSource({ ...c }, false, false);
    const handed: SourceFile = { ...c };
    const released = parseSource(handed, false, true);
    expect(released).toEqual(kept);
    const oneLine = !c.text.trim().includes('\n');
    // Let go only where the text is on one line, and only when handed over.
    expect(handed.text).toBe(oneLine ? '' : c.text);
    expect(handed.oneLine).toBe(oneLine ? true : undefined);
    expect(['terraform-plan', 'terraform-state', 'authorization-details']).toContain(kept.result.kind);
  });

  it('leaves the file as it was when it is not handed over', () => {
    const text = JSON.stringify(
      JSON.parse(readFileSync(join(FIXTURES, 'tf-plan', 'written__changes.json'), 'utf8')),
    );
    const file: SourceFile = { path: 'plan.json', text };
    parseSource(file);
    expect(file).toEqual({ path: 'plan.json', text });
  });

  // Inputs where some path asked for is not in the parsed value: lines must then still come from it.
  const damaged: [string, string, (j: Record<string, unknown>) => void][] = [
    [
      'a plan whose change has no actions',
      'tf-plan/written__changes.json',
      (j) => {
        const c = (j.resource_changes as { change: Record<string, unknown> }[])[2]!;
        delete c.change.actions;
      },
    ],
    [
      'an export whose inline policy has no document',
      'auth-details/written__authorization-details.json',
      (j) => {
        const r = (j.RoleDetailList as { RolePolicyList: Record<string, unknown>[] }[])[0]!;
        delete r.RolePolicyList[0]!.PolicyDocument;
      },
    ],
  ];

  it.each(damaged)('%s: the same lines, kept or let go', (_, fixture, damage) => {
    const json = JSON.parse(readFileSync(join(FIXTURES, fixture), 'utf8')) as Record<string, unknown>;
    damage(json);
    const text = JSON.stringify(json);
    const kept = parseSource({ path: 'in.json', text });
    const released = parseSource({ path: 'in.json', text }, false, true);
    expect(released).toEqual(kept);
    const lines = [...kept.result.policies.map((p) => p.line), ...kept.result.errors.map((e) => e.line)];
    expect(lines.filter((l) => l === 1).length).toBeGreaterThan(1);
    expect(
      kept.result.errors.length + kept.result.policies.filter((p) => p.status === 'unresolved').length,
    ).toBeGreaterThan(0);
  });

  it('keeps the text of a standalone policy file (its statements are located in it later)', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    });
    const file = { path: 'p.json', text };
    const loaded = parseSource(file, false, true);
    expect(loaded.result.kind).toBe('policy');
    expect(file.text).toBe(text);
    expect(loaded.text).toBe(text);
  });
});

describe('locateLines of a one-line text that is gone', () => {
  it('answers as the walk of the text does: line 1 where the value has the path, none elsewhere', () => {
    const value = { a: [1, { b: 'x' }], c: { d: null }, '0': 2 };
    const text = JSON.stringify(value);
    const paths: JsonPath[] = [['a'], ['a', 1, 'b'], ['c', 'd'], ['c', 'e'], ['a', 5], ['0'], [], ['a', 'b']];
    const walked = locateLines(text, paths, value);
    expect(locateLines('', paths, value, true)).toEqual(walked);
    expect(walked).toEqual([1, 1, 1, undefined, undefined, 1, 1, undefined]);
  });

  it('gives no line to a path only the first of two equal keys held (the walk gave line 1)', () => {
    const text = '{"a":{"b":1},"a":2}';
    const value = JSON.parse(text) as unknown;
    expect(locateLines(text, [['a', 'b'], ['a']], value)).toEqual([1, 1]);
    expect(locateLines('', [['a', 'b'], ['a']], value, true)).toEqual([undefined, 1]);
  });
});

describe('cmpJoined', () => {
  const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
  const joinedOrder = (a: string[], b: string[]) => {
    const x = a.join(',');
    const y = b.join(',');
    return x < y ? -1 : x > y ? 1 : 0;
  };

  it('orders two lists as their joined strings compare, commas and prefixes included', () => {
    // A small alphabet with the comma and the characters on either side of it, and empty entries.
    const entry = fc
      .array(fc.constantFrom('a', 'b', ',', '*', '-', 's3:Get', ''), { maxLength: 3 })
      .map((p) => p.join(''));
    const list = fc.array(entry, { maxLength: 4 });
    fc.assert(
      fc.property(list, list, (a, b) => {
        expect(sign(cmpJoined(a, b))).toBe(joinedOrder(a, b));
        expect(sign(cmpJoined(b, a))).toBe(joinedOrder(b, a));
        expect(cmpJoined(a, [...a])).toBe(0);
      }),
      { numRuns: 3000, seed: 20261203 },
    );
  });

  it('on the cases a comparison entry by entry gets wrong', () => {
    expect(sign(cmpJoined(['s3:Get', 'x'], ['s3:Get*']))).toBe(1); // ',' sorts after '*'
    expect(sign(cmpJoined(['a,b'], ['a', 'b']))).toBe(0);
    expect(sign(cmpJoined([], ['']))).toBe(0);
    expect(sign(cmpJoined(['a'], ['a', '']))).toBe(-1);
  });
});

describe('findings of one audit', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'memory-shapes-'));
    const policy = (actions: string[], resource: string) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }],
    });
    writeFileSync(join(dir, 'a.json'), JSON.stringify(policy(['iam:CreateUser', 'iam:TagUser'], '*')));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(policy(['iam:DeleteUser', 'iam:UntagUser'], '*')));
    writeFileSync(join(dir, 'c.json'), JSON.stringify(policy(['sqs:SendMessage'], '*')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('share one frozen list per combination of access levels', async () => {
    const report = await runAudit({ root: dir, paths: ['.'], baseline: 'skypilot:minimal' });
    const excess = report.findings.filter((f) => f.kind === 'excess-action' && f.path !== 'c.json');
    expect(excess.map((f) => f.path)).toEqual(['a.json', 'b.json']);
    const [a, b] = excess.map((f) => f.accessLevels!);
    expect(a).toEqual(['Tagging', 'Write']);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    const other = report.findings.find((f) => f.path === 'c.json' && f.kind === 'excess-action')!;
    expect(other.accessLevels).toEqual(['Write']);
  });
});

describe('action names shared with the raw document', () => {
  it('leave the document as it was, and read a frozen one without writing to it', () => {
    const raw = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' },
        { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' },
      ],
    };
    const before = JSON.stringify(raw);
    const parsed = parsePolicyDocument(JSON.parse(before));
    expect(JSON.stringify(parsed.raw)).toBe(before);
    const frozen = JSON.parse(before) as typeof raw;
    const freeze = (v: unknown): void => {
      if (v && typeof v === 'object') {
        Object.values(v).forEach(freeze);
        Object.freeze(v);
      }
    };
    freeze(frozen);
    const read = parsePolicyDocument(frozen);
    expect(read.doc?.statements.map((s) => s.actions ?? s.notActions)).toEqual([
      ['s3:GetObject', 's3:PutObject'],
      ['s3:GetObject'],
    ]);
    expect(read.doc).toEqual(parsed.doc);
  });

  it("hold the document's own arrays (no copy per statement), equal to what they were", () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'],
        },
        { Effect: 'Deny', NotAction: ['iam:*'], NotResource: ['arn:aws:iam::123456789012:role/x'] },
      ],
    });
    const raw = JSON.parse(text) as { Statement: Record<string, unknown>[] };
    const read = parsePolicyDocument(raw);
    const [allow, deny] = read.doc!.statements;
    expect(allow!.actions).toBe(raw.Statement[0]!.Action);
    expect(allow!.resources).toBe(raw.Statement[0]!.Resource);
    expect(deny!.notActions).toBe(raw.Statement[1]!.NotAction);
    expect(deny!.notResources).toBe(raw.Statement[1]!.NotResource);
    expect(JSON.stringify(raw)).toBe(text);
    // A sealed (or frozen) array is read through a copy, and left as it was.
    const sealed = JSON.parse(text) as { Statement: Record<string, unknown>[] };
    for (const st of sealed.Statement)
      for (const v of Object.values(st)) if (Array.isArray(v)) Object.seal(v);
    const again = parsePolicyDocument(sealed);
    expect(again.doc!.statements[0]!.actions).not.toBe(sealed.Statement[0]!.Action);
    expect(again.doc).toEqual(read.doc);
    expect(JSON.stringify(sealed)).toBe(text);
  });

  it('hold one string per action name, however many documents name it', () => {
    // Identity of strings cannot be seen from JavaScript (`===` compares characters), so it is
    // measured. Documents naming the same ten actions, each parsed from its own text (its names
    // new strings): held as parsed, they keep 40,000 names; read, their statements (objects,
    // lists) cost more than the names, which are let go for the ten shared ones. So the read
    // documents hold less than the same documents merely parsed (measured: about 0.7 of them;
    // 1.4 when the names are not shared).
    const NAMES = 10;
    const DOCS = 4000;
    const texts = Array.from({ length: DOCS }, () =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: Array.from({ length: NAMES }, (_, i) => `ec2:DescribeSomethingOfSomeLength${i}`),
            Resource: '*',
          },
        ],
      }),
    );
    // What the documents hold: the heap with them, less the heap once they are let go, each after
    // a full collection (garbage of other code that dies in between is in neither). The median of
    // three, against the rest of a loaded machine.
    // (The documents are made and measured in a function of their own: once it returns, nothing
    // of its frame can hold them.)
    const withThem = (read: (doc: unknown) => unknown): number => {
      const held = texts.map((t) => read(JSON.parse(t)));
      expect(collectGarbage()).toBe(true);
      const used = process.memoryUsage().heapUsed;
      if (held.length !== DOCS) throw new Error('documents not read');
      return used;
    };
    const heldOnce = (read: (doc: unknown) => unknown): number => {
      const used = withThem(read);
      collectGarbage();
      return used - process.memoryUsage().heapUsed;
    };
    const heldBy = (read: (doc: unknown) => unknown): number =>
      [heldOnce(read), heldOnce(read), heldOnce(read)].sort((a, b) => a - b)[1]!;
    heldOnce(parsePolicyDocument); // the shared names made once, before measuring
    const parsed = heldBy((doc) => doc);
    const read = heldBy(parsePolicyDocument);
    expect(parsed).toBeGreaterThan(0);
    expect(read).toBeLessThan(parsed);
  });

  it('read a statement whose Action cannot be written', () => {
    const statement: Record<string, unknown> = { Effect: 'Allow', Resource: '*' };
    Object.defineProperty(statement, 'Action', { value: 's3:GetObject', enumerable: true, writable: false });
    const list = ['s3:PutObject'];
    Object.defineProperty(list, 0, { value: 's3:PutObject', enumerable: true, writable: false });
    const other = { Effect: 'Allow', Action: list, Resource: '*' };
    const read = parsePolicyDocument({ Version: '2012-10-17', Statement: [statement, other] });
    expect(read.problems).toEqual([]);
    expect(read.doc?.statements.map((s) => s.actions)).toEqual([['s3:GetObject'], ['s3:PutObject']]);
  });
});

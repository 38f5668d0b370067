// A finding about a large set of actions keeps the set, not its names (src/audit/finding-set.ts).
// Whatever reads it must see the same finding as when the names were listed: the same `actions`,
// the same JSON, the same text, the same fingerprint and order. Checked on findings of a real audit
// (a NotAction statement and a `*` one) against copies of them whose names are listed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionSet } from '../../src/policy/action-set.js';
import { loadCatalog } from '../../src/policy/catalog.js';
import { actionCount, copyFinding, findingActionSet, keepActionSet } from '../../src/audit/finding-set.js';
import { sortFindings } from '../../src/audit/report-model.js';
import { runAudit } from '../../src/audit/run.js';
import { shownActions, storedFinding } from '../../src/report/actions.js';
import { findingFingerprint } from '../../src/report/fingerprint.js';
import { renderText } from '../../src/report/text.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderJson } from '../../src/report/json.js';
import { groupFindings } from '../../src/report/group.js';
import type { Finding, Report } from '../../src/core/types.js';

const catalog = loadCatalog();
const namesOf = (set: ActionSet) =>
  set
    .actions()
    .map((a) => a.full)
    .sort();

/** A copy of the finding whose actions are listed (a spread reads `actions`). */
const listed = (f: Finding): Finding => ({ ...f });

describe('a finding that keeps its action set', () => {
  const set = ActionSet.fromActions([...catalog.expand('s3:*'), ...catalog.expand('ec2:Describe*')]);
  const make = (): Finding => {
    const f = { kind: 'excess-action', severity: 'high', policy: 'p', statement: 'S1' } as Finding;
    keepActionSet(f, set, namesOf);
    f.resources = ['*'];
    f.path = 'policy.json';
    f.message = 'm';
    return f;
  };

  it('lists the names when read, in the place of `actions`, without keeping them', () => {
    const f = make();
    expect(f.actions).toEqual(namesOf(set));
    expect(f.actions).not.toBe(f.actions); // made on each read, kept by no one
    expect(Object.keys(f)).toEqual([
      'kind',
      'severity',
      'policy',
      'statement',
      'actions',
      'resources',
      'path',
      'message',
    ]);
    expect(findingActionSet(f)).toBe(set);
    expect(actionCount(f)).toBe(set.size);
    expect(JSON.stringify(f)).toBe(JSON.stringify({ ...f }));
  });

  it('is copied as a set by copyFinding, and as a list by a spread', () => {
    const f = make();
    const copy = copyFinding(f, { policy: 'q' });
    expect(findingActionSet(copy)).toBe(set);
    expect(copy.policy).toBe('q');
    expect(f.policy).toBe('p');
    expect(Object.keys(copy)).toEqual(Object.keys(f));
    expect(copy.actions).toEqual(f.actions);
    const spread = { ...f };
    expect(findingActionSet(spread)).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(spread, 'actions')!.value).toEqual(f.actions);
  });

  it('becomes a list when `actions` is assigned', () => {
    const f = make();
    f.actions = ['s3:GetObject'];
    expect(f.actions).toEqual(['s3:GetObject']);
    expect(findingActionSet(f)).toBeUndefined();
    expect(actionCount(f)).toBe(1);
  });
});

describe('findings of a real audit that keep their sets', () => {
  let dir: string;
  let report: Report;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iba-finding-set-'));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Most', Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
        { Sid: 'Every', Effect: 'Allow', Action: '*', Resource: '*' },
        { Sid: 'Objects', Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/*' },
        { Sid: 'Few', Effect: 'Allow', Action: ['ec2:Describe*'], Resource: '*' },
      ],
    };
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    report = await runAudit({
      root: dir,
      paths: ['.'],
      baseline: 'skypilot:minimal',
      now: new Date('2026-06-01T00:00:00Z'),
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keep a set only for large findings, and read the same as listed copies everywhere', () => {
    const kept = report.findings.filter((f) => findingActionSet(f));
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(report.findings.some((f) => !findingActionSet(f))).toBe(true);
    for (const f of kept) {
      const set = findingActionSet(f)!;
      const l = listed(f);
      expect(f.actions).toEqual(namesOf(set));
      expect(actionCount(f)).toBe(l.actions.length);
      expect(storedFinding(f, report.catalog)).toEqual(storedFinding(l, report.catalog));
      expect(shownActions(f)).toEqual(shownActions(l));
      expect(findingFingerprint(f)).toBe(findingFingerprint(l));
    }
  });

  it('sort, group and render as the listed copies do', () => {
    const copies = report.findings.map(listed);
    expect(copies.some((f) => findingActionSet(f))).toBe(false);
    const a = sortFindings(report.findings);
    const b = sortFindings(copies);
    expect(a.map((f) => f.message)).toEqual(b.map((f) => f.message));
    expect(a.filter((f) => findingActionSet(f)).length).toBe(
      report.findings.filter((f) => findingActionSet(f)).length,
    );
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const groups = (list: Finding[]) =>
      groupFindings(list, report).map((g) => g.kinds.map((k) => k.findings.map((f) => f.message)));
    expect(groups(a)).toEqual(groups(b));
    const withA = { ...report, findings: a };
    const withB = { ...report, findings: b };
    expect(renderText(withA)).toBe(renderText(withB));
    expect(renderMarkdown(withA)).toBe(renderMarkdown(withB));
    expect(renderJson(withA)).toBe(renderJson(withB));
    expect(JSON.stringify(renderSarif(withA))).toBe(JSON.stringify(renderSarif(withB)));
  });
});

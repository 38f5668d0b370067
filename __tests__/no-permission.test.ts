// Actions that AWS documents as needing no IAM permission (src/policy/no-permission.ts):
// sts:GetCallerIdentity and sts:GetSessionToken. Granting one changes nothing, so it is never a
// finding (excess, leftover, broader resource, missing condition), on both engine paths; leaving
// one out breaks nothing, so it is never a missing permission; a policy that grants one beyond its
// baseline is told once in the report's notes, never dropped silently.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import { loadCatalog } from '../src/policy/catalog.js';
import { NO_PERMISSION_ACTIONS, noPermissionSet } from '../src/policy/no-permission.js';
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';

const describeInstances = { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' };
const baseline = oneSetBaseline([describeInstances]);
const free = (out: ReturnType<typeof auditDocument>) =>
  Object.fromEntries([...out.free].map(([a, ids]) => [a, [...ids]]));

describe('actions that need no permission', () => {
  it('are all in the catalog', () => {
    expect(noPermissionSet(loadCatalog()).size).toBe(NO_PERMISSION_ACTIONS.length);
  });

  describe.each([true, false])('memo %s', (memo) => {
    it('are not excess; the outcome names them with the policy', () => {
      const out = auditDocument(
        doc({
          Effect: 'Allow',
          Action: ['ec2:DescribeInstances', 'sts:GetCallerIdentity', 'sts:GetSessionToken'],
          Resource: '*',
        }),
        baseline,
        { memo },
      );
      expect(out.findings).toEqual([]);
      expect(free(out)).toEqual({ 'sts:GetCallerIdentity': ['p'], 'sts:GetSessionToken': ['p'] });
    });

    it('are left out of a wildcard excess finding, and told', () => {
      const out = auditDocument(
        doc(describeInstances, { Effect: 'Allow', Action: 'sts:*', Resource: '*' }),
        baseline,
        {
          memo,
        },
      );
      const excess = out.findings.filter((f) => f.kind === 'excess-action');
      expect(excess).toHaveLength(1);
      const actions = excess[0]!.actions.map((a) => a.toLowerCase());
      expect(actions).toContain('sts:assumerole');
      expect(actions).not.toContain('sts:getcalleridentity');
      expect(actions).not.toContain('sts:getsessiontoken');
      expect(Object.keys(free(out)).sort()).toEqual(['sts:GetCallerIdentity', 'sts:GetSessionToken']);
    });

    it('are neither broader-resource nor missing-condition where the baseline narrows them', () => {
      const narrow = oneSetBaseline([
        describeInstances,
        {
          Effect: 'Allow',
          Action: 'sts:GetCallerIdentity',
          Resource: 'arn:aws:iam::*:role/vendor-*',
          Condition: { StringEquals: { 'aws:ResourceTag/owner': 'vendor' } },
        },
      ]);
      const broad = auditDocument(
        doc(describeInstances, { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }),
        narrow,
        { memo },
      );
      expect(broad.findings).toEqual([]);
      expect(free(broad)).toEqual({ 'sts:GetCallerIdentity': ['p'] });
      const unconditioned = auditDocument(
        doc(describeInstances, {
          Effect: 'Allow',
          Action: 'sts:GetCallerIdentity',
          Resource: 'arn:aws:iam::*:role/vendor-*',
        }),
        narrow,
        { memo },
      );
      expect(unconditioned.findings).toEqual([]);
    });

    it('are not told where the baseline allows them, nor missing where it lists them', () => {
      const listed = oneSetBaseline([
        { Effect: 'Allow', Action: ['ec2:DescribeInstances', 'sts:GetCallerIdentity'], Resource: '*' },
      ]);
      const granted = auditDocument(
        doc({ Effect: 'Allow', Action: ['ec2:DescribeInstances', 'sts:GetCallerIdentity'], Resource: '*' }),
        listed,
        { memo },
      );
      expect(granted.findings).toEqual([]);
      expect(granted.free.size).toBe(0);
      const without = auditDocument(doc(describeInstances), listed, { memo });
      expect(without.findings).toEqual([]);
    });

    it('are left out of the minimal policy, like all the baseline does not allow', () => {
      const out = auditDocument(
        doc({
          Effect: 'Allow',
          Action: ['ec2:DescribeInstances', 'sts:GetCallerIdentity', 's3:GetObject'],
          Resource: '*',
        }),
        baseline,
        { memo },
      );
      expect(out.findings.map((f) => [f.kind, f.actions])).toEqual([['excess-action', ['s3:GetObject']]]);
      const minimal = out.suggestions[0]!.minimal as { Statement: { Action: unknown }[] };
      expect(minimal.Statement.map((s) => s.Action)).toEqual([['ec2:DescribeInstances']]);
    });
  });

  it('are said once in the report notes, with the document and the places', async () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-free-'));
    try {
      const policy = doc({
        Effect: 'Allow',
        Action: ['ec2:RunInstances', 'sts:GetCallerIdentity'],
        Resource: '*',
      });
      writeFileSync(join(root, 'a.json'), JSON.stringify(policy));
      writeFileSync(join(root, 'b.json'), JSON.stringify(policy));
      const report = await runAudit({
        root,
        paths: ['.'],
        baseline: 'skypilot',
        now: new Date('2026-06-01'),
      });
      expect(report.findings.flatMap((f) => f.actions)).not.toContain('sts:GetCallerIdentity');
      expect(report.notes).toContain(
        'sts:GetCallerIdentity needs no IAM permission (AWS STS API reference, GetCallerIdentity): granting it changes nothing, so it is not reported, in a.json; b.json.',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

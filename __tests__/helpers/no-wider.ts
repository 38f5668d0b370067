// The one rule of a fix, checked with an independent evaluator: the rewritten policy allows no
// request the original did not. Each probe (action, concrete resource, context) is evaluated on
// both documents by @cloud-copilot/iam-simulate (a dev-only test dependency, see
// __tests__/differential/README.md); the probes the fixed policy allows and the original does not
// are returned.
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

export const ACCOUNT = '123456789012';

export interface Probe {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/** Whether `policy` allows the probe; undefined when the action has no such resource type (not a request). */
async function allowed(policy: unknown, probe: Probe): Promise<boolean | undefined> {
  const simulation: Simulation = {
    identityPolicies: [{ name: 'policy', policy: policy as Record<string, unknown> }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
      action: probe.action,
      resource: { resource: probe.resource, accountId: ACCOUNT },
      contextVariables: probe.context ?? {},
    },
  };
  const res = await runSimulation(simulation, {});
  if (res.resultType === 'error') {
    if (res.errors.message === 'no.resource.types') return undefined;
    throw new Error(`simulation failed: ${JSON.stringify(res.errors)}`);
  }
  return res.overallResult === 'Allowed';
}

/** Every combination of the actions, resources and contexts. */
export function probes(
  actions: readonly string[],
  resources: readonly string[],
  contexts: readonly Record<string, string | string[]>[] = [{}],
): Probe[] {
  return actions.flatMap((action) =>
    resources.flatMap((resource) => contexts.map((context) => ({ action, resource, context }))),
  );
}

/** The probes `fixed` allows and `original` does not (`a b on r` each). */
export async function widened(original: unknown, fixed: unknown, list: readonly Probe[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of list)
    if ((await allowed(fixed, p)) === true && (await allowed(original, p)) !== true)
      out.push(
        `${p.action} on ${p.resource}${p.context && Object.keys(p.context).length ? ` ${JSON.stringify(p.context)}` : ''}`,
      );
  return out;
}

/** The probes `policy` allows (to check that a probe list reaches what the fix keeps). */
export async function allowedOf(policy: unknown, list: readonly Probe[]): Promise<Probe[]> {
  const out: Probe[] = [];
  for (const p of list) if ((await allowed(policy, p)) === true) out.push(p);
  return out;
}

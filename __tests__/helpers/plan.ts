// A `terraform show -json` plan of one managed resource that an update changes: its values before
// and after (planned_values holds the after), as Terraform writes it.
export function updatePlan(
  type: string,
  name: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  terraformVersion = '1.9.0',
): Record<string, unknown> {
  const address = `${type}.${name}`;
  return {
    format_version: '1.2',
    terraform_version: terraformVersion,
    planned_values: { root_module: { resources: [{ address, mode: 'managed', type, name, values: after }] } },
    resource_changes: [
      { address, mode: 'managed', type, name, change: { actions: ['update'], before, after } },
    ],
  };
}

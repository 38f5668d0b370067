// A REST API's resource policy given in its OpenAPI definition (the x-amazon-apigateway-policy
// extension: API Gateway developer guide, "x-amazon-apigateway-policy"), in a RestApi's Body or a
// SAM API's DefinitionBody, is read as the API's resource policy (execute-api actions). Before, it
// was not read and the file said it held no IAM policy.
import { readFileSync } from 'node:fs';
import { parseSource } from '../../src/sources/index.js';

const TEMPLATE = readFileSync(
  new URL('../fixtures/cloudformation/written__openapi-policy.yaml', import.meta.url),
  'utf8',
);

test("the extension in a RestApi's Body and a SAM API's DefinitionBody is each API's resource policy", () => {
  const r = parseSource({ path: 'template.yaml', text: TEMPLATE }).result;
  const byAddress = new Map(r.policies.map((p) => [p.address, p]));
  for (const [address, action] of [
    ['Rest.Body.x-amazon-apigateway-policy', 'execute-api:*'],
    ['Sam.DefinitionBody.x-amazon-apigateway-policy', 'execute-api:Invoke'],
  ] as const) {
    const p = byAddress.get(address);
    expect(p).toMatchObject({
      kind: 'resource',
      status: 'resolved',
      grantScope: { services: ['execute-api'] },
      document: { Statement: [expect.objectContaining({ Action: action })] },
    });
  }
});

test('an OpenAPI definition without the extension holds no policy', () => {
  const text = TEMPLATE.replace(/^ {8}x-amazon-apigateway-policy:[^]*?(?=^ {2}Sam:)/m, '');
  const r = parseSource({ path: 'template.yaml', text }).result;
  expect(r.policies.map((p) => p.address)).toEqual(['Sam.DefinitionBody.x-amazon-apigateway-policy']);
});

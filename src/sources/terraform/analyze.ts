// The entry point: makes the records of one Terraform input.
import type { InputResult } from '../../core/types.js';
import { MAX_ADDRESS_LENGTH, boundedName, boundDocuments } from '../records.js';
import type { TfResource, TfInput } from './model.js';

import { Analyzer } from './principals.js';

/** Makes the records of one Terraform input. Never throws on bad values: they become errors and reasons. */
export function analyzeTerraform(input: TfInput): InputResult {
  // Ids and messages are built from addresses: a hostile one is shortened (uniquely) first.
  for (const r of input.resources)
    if (r.address.length > MAX_ADDRESS_LENGTH) r.address = boundedName(r.address);
  const a = new Analyzer(input);
  for (const e of input.errors) a.error(e);
  // aws_iam_policy records first: attachments and principals refer to them.
  const order = [...input.resources].sort((x, y) => rank(x) - rank(y));
  for (const r of order) a.policiesOf(r);
  a.orphanDocuments();
  a.linkPrincipals();
  return boundDocuments(a.finish());
}

export function rank(r: TfResource): number {
  return r.type === 'aws_iam_policy' ? 0 : 1;
}

// What Terraform inputs (plans, state, *.tf.json) have in common: which resource types hold which
// policy attribute, decoding policy values (JSON strings inside JSON, `${...}` templates, unknown
// values rebuilt from `aws_iam_policy_document` data sources), and linking roles, users and groups
// to their inline and attached policies.
//
// Each parser turns its file into a flat list of TfResource (one per address) and hands it to
// analyzeTerraform, which makes the PolicyRecords and PrincipalRecords and finds every line in one
// pass over the file.

export { MAX_ADDRESS_LENGTH, boundedName, pushAll, boundDocuments } from '../records.js';
export {
  MAX_DYNAMIC_EXPANSION,
  MAX_MODULE_DEPTH,
  EMPTY_DOCUMENT_VERSION,
  type ChangeKind,
  type TfResource,
  type TfInput,
  type PendingError,
  changeKind,
  deposedAddress,
} from './model.js';
export { TERRAFORM_POLICY_ATTRIBUTES, POLICY_DOCUMENT_DATA_SOURCE } from './resource-types.js';
export { type Ref, parseReference, referencesIn } from './references.js';
export { type TemplatePart, scanTemplate } from './evaluator.js';
export { REDACTED, redactDocument, clip } from './values.js';
export { substituteIterator } from './statements.js';
export { analyzeTerraform } from './analyze.js';
export { crossModuleKey } from './model.js';
export { walkModules, moduleOfAddress, moduleConfigPath, indexConfiguration, configFor } from './modules.js';

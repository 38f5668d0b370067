// CloudFormation, SAM and CDK (`cdk.out/*.template.json`) templates: every IAM policy they hold,
// evaluated offline (src/sources/cloudformation/intrinsics.ts), with its file, line and logical id,
// and the roles, users and groups that hold them.
//
// Addresses: the logical id of a policy resource (`DatadogIntegrationRoleManagedPolicy1`), or the
// logical id and property of a policy held inside another resource (`MyRole.Policies[0]`,
// `MyRole.AssumeRolePolicyDocument`, `MyKey.KeyPolicy`). Principal ids are `<path>#<logical id>`
// (logical ids repeat across templates).
import type { InputResult, SourceFile } from '../../core/types.js';
import { parseJson } from '../../core/json-lines.js';
import { isObject, type SourceParser, type TextSourceParser } from '../parser.js';
import { isTemplate, jsonTemplate, yamlTemplate, type Template } from './template.js';
import { Analyzer } from './principals.js';
export { MAX_LOGICAL_ID, RESOURCE_POLICY_PROPERTIES } from './types.js';

/** Reads one template (already parsed) into records. */
export function analyzeTemplate(file: SourceFile, tpl: Template): InputResult {
  if (!isObject(tpl.value))
    return {
      path: file.path,
      kind: 'cloudformation',
      status: 'skipped',
      reason: 'not a template',
      policies: [],
      errors: [],
    };
  return new Analyzer(file, tpl, tpl.value).run();
}

/** CloudFormation templates in JSON (and CDK's `cdk.out/*.template.json`). */
export const cloudFormationJsonParser: SourceParser = {
  kind: 'cloudformation',
  detect: (json) => isTemplate(json),
  parse: (file, json) => analyzeTemplate(file, jsonTemplate(file.text, json)),
};

const YAML_PATH = /\.(ya?ml|template)$/i;

/** CloudFormation and SAM templates in YAML; any other YAML file is skipped. */
export const cloudFormationYamlParser: TextSourceParser = {
  kind: 'cloudformation',
  claims(file) {
    if (!YAML_PATH.test(file.path)) return false;
    // A `.template` (or `.yaml`) file in JSON goes the JSON way, and so does one that is neither
    // JSON nor YAML (its JSON error says where); a flow-style YAML template
    // (`{Resources: {P: {Type: AWS::IAM::ManagedPolicy, ...}}}`), not JSON, is YAML.
    const first = /^\uFEFF?\s*(\S)/.exec(file.text)?.[1];
    if (first !== '{' && first !== '[') return true;
    return !parseJson(file.text).ok && yamlTemplate(file.text, file.path).ok;
  },
  parse(file) {
    const skipped = (reason: string): InputResult => ({
      path: file.path,
      kind: 'unknown',
      status: 'skipped',
      reason,
      policies: [],
      errors: [],
    });
    // A Serverless Framework configuration (serverless.yml): its IAM statements are not a template's,
    // and what it deploys is the template it packages (a review: it was "not a CloudFormation
    // template", as if it held no policy).
    if (/^service\s*:/m.test(file.text) && /^provider\s*:/m.test(file.text))
      return skipped(
        'a Serverless Framework configuration, not read here: the template it packages holds its IAM statements (provider.iam, iamRoleStatements) and resources: run `serverless package` and audit .serverless/cloudformation-template-update-stack.json (name it: .serverless is usually git-ignored)',
      );
    // Cheap test first: a template has a top-level Resources or AWSTemplateFormatVersion key (at
    // the start of a line, or after `{` or `,` in flow style).
    if (!/(?:^|[{,])\s*["']?(AWSTemplateFormatVersion|Resources)["']?\s*:/m.test(file.text))
      return skipped('a YAML file that is not a CloudFormation template');
    const read = yamlTemplate(file.text, file.path);
    if (!read.ok) {
      // Only what looks like a template is an error: other YAML (several documents, Helm templates) is skipped.
      const looksLikeTemplate =
        /(?:^|[{,])\s*["']?AWSTemplateFormatVersion["']?\s*:/m.test(file.text) ||
        /\bType["']?\s*:\s*["']?AWS::\w+::\w+/.test(file.text);
      if (!looksLikeTemplate)
        return skipped(
          `a YAML file that is not a CloudFormation template (it does not read as one: ${read.message})`,
        );
      // A template of a template (Python's string.Template, envsubst, Jinja): YAML once its slots
      // are filled. Not a template as written: skipped with what to audit, never an error.
      const slots = templateSlots(file.text);
      if (
        slots.length > 0 &&
        (slotOnLine(file.text, read.line) || yamlTemplate(withoutSlots(file.text), file.path).ok)
      )
        return skipped(
          `a template (${slots
            .slice(0, 3)
            .map((x) => (x.length > 40 ? `${x.slice(0, 40)}…` : x))
            .join(
              ', ',
            )}${slots.length > 3 ? `, and ${slots.length - 3} more` : ''}), not a CloudFormation template as written (not valid YAML at line ${read.line} until rendered): audit what it renders`,
        );
      const message = `not valid YAML at line ${read.line}: ${read.message}`;
      return {
        path: file.path,
        kind: 'cloudformation',
        status: 'error',
        reason: `${message}; expected a CloudFormation or SAM template: fix the syntax there`,
        policies: [],
        errors: [{ path: file.path, line: read.line, message }],
      };
    }
    if (!isTemplate(read.template.value)) return skipped('a YAML file that is not a CloudFormation template');
    return analyzeTemplate(file, read.template);
  },
};

/**
 * A slot of a text template: a line that is wholly `$NAME` or `${NAME}` (Python's string.Template,
 * envsubst: anyscale's cloud-setup template holds `$ANYSCALE_CROSS_ACCOUNT_IAM_POLICY_PARAMETERS`
 * where it inserts resources), a Jinja `{% … %}` line, or a Jinja `{{ … }}` anywhere.
 */
const WHOLE_LINE_SLOT =
  /^[ \t]*(\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\{%[^\n]*%\})[ \t]*$/gm;
// (not CloudFormation's own dynamic references, `{{resolve:ssm:/name}}`)
const INLINE_SLOT = /\{\{(?!resolve:)[^{}\n]*\}\}/g;

/** The distinct slots of a text, in their order (WHOLE_LINE_SLOT, INLINE_SLOT). */
function templateSlots(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(WHOLE_LINE_SLOT)) out.add(m[1]!);
  for (const m of text.matchAll(INLINE_SLOT)) out.add(m[0]);
  return [...out];
}

/** Whether the text's line (1-based) holds a slot: where YAML stops reading a template of a template. */
function slotOnLine(text: string, line: number | undefined): boolean {
  if (line === undefined) return false;
  const at = text.split('\n', line)[line - 1];
  return at !== undefined && templateSlots(at).length > 0;
}

/** The text with its slots filled: whole-line slots as empty lines, inline ones as a word. */
function withoutSlots(text: string): string {
  return text.replace(WHOLE_LINE_SLOT, '').replace(INLINE_SLOT, 'slot');
}

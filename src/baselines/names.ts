// A vendor's names (`detect.names` of a baseline): case-insensitive globs on the names a policy
// carries (policy, role, bucket names, Terraform address parts, path segments, Sids), and the
// exclusions written with a leading `!`. Spot's `*spotinst*` (Spotinst, the company's old name)
// would name every `SpotInstances` Sid of an EC2 policy; `!*spotinstance*` takes those out.
import { compileGlob, type Glob } from '../policy/glob.js';

export interface VendorNames {
  /** The glob (as written) that names `text` as the vendor's, unless an exclusion matches it. */
  match(text: string): string | undefined;
  readonly size: number;
}

export function vendorNames(globs: readonly string[]): VendorNames {
  const include: { glob: string; m: Glob }[] = [];
  const exclude: Glob[] = [];
  for (const g of globs) {
    if (g.startsWith('!')) {
      if (g.length > 1) exclude.push(compileGlob(g.slice(1), { caseInsensitive: true }));
    } else include.push({ glob: g, m: compileGlob(g, { caseInsensitive: true }) });
  }
  return {
    size: include.length,
    match(text) {
      const hit = include.find((x) => x.m.matches(text));
      return hit && !exclude.some((x) => x.matches(text)) ? hit.glob : undefined;
    },
  };
}

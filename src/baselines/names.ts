// A vendor's names (`detect.names` of a baseline): case-insensitive globs on the names a policy
// carries (policy, role, bucket names, Terraform address parts, path segments, Sids), and the
// exclusions written with a leading `!`. Spot's `*spotinst*` (Spotinst, the company's old name)
// would name every `SpotInstances` Sid of an EC2 policy; `!*spotinstance*` takes those out.
import { compileGlob, type Glob } from '../policy/glob.js';

export interface VendorNames {
  /** The glob (as written) that names `text` as the vendor's, unless an exclusion matches it. */
  match(text: string): string | undefined;
  /** The same for a text already in lower case. */
  matchLower(lower: string): string | undefined;
  readonly size: number;
}

/** One object per list of globs: a vendor's versions write the same names. */
const made = new Map<string, VendorNames>();

export function vendorNames(globs: readonly string[]): VendorNames {
  const key = JSON.stringify(globs);
  let names = made.get(key);
  if (!names) made.set(key, (names = compile(globs)));
  return names;
}

function compile(globs: readonly string[]): VendorNames {
  // Compiled on lower-cased globs and matched on lower-cased text: the same as case-insensitive
  // globs, which lower the text once per glob.
  const include: { glob: string; m: Glob }[] = [];
  const exclude: Glob[] = [];
  for (const g of globs) {
    if (g.startsWith('!')) {
      if (g.length > 1) exclude.push(compileGlob(g.slice(1).toLowerCase()));
    } else include.push({ glob: g, m: compileGlob(g.toLowerCase()) });
  }
  const matchLower = (lower: string): string | undefined => {
    const g = include.find((x) => x.m.matches(lower));
    return g && !exclude.some((x) => x.matches(lower)) ? g.glob : undefined;
  };
  return { size: include.length, match: (text) => matchLower(text.toLowerCase()), matchLower };
}

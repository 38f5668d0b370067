// `--baseline SPEC`: a built-in id, a baseline file (YAML or JSON with named sets) or a plain
// policy JSON file, optionally followed by `:set,set` to choose the active sets.
//   coiled   coiled@2022:setup,ongoing   ./iam/my-vendor.yml:ongoing   ./policies/minimal.json
import { oneEditApart } from '../core/natural.js';
import { ConfigError } from '../core/errors.js';
import type { Baseline } from '../core/types.js';
import { bare, shown } from '../config/yaml-schema.js';
import { baselineFromPolicyJson, findBaseline, parseBaselineYaml } from './load.js';

export interface ResolvedBaseline {
  baseline: Baseline;
  /** Active sets: the ones asked for, else the baseline's default-sets, else all of its sets. */
  sets: string[];
}

const SET_LIST = /^[A-Za-z0-9_-]+(\s*,\s*[A-Za-z0-9_-]+)*$/;

/** Splits `base:set,set` (the last `:` followed only by set names), leaving paths and ids intact. */
export function splitSpec(spec: string): { base: string; sets?: string[] } {
  const s = spec.trim();
  const colon = s.lastIndexOf(':');
  if (colon > 0) {
    const tail = s.slice(colon + 1);
    if (tail === '' || SET_LIST.test(tail)) {
      const sets = tail === '' ? [] : tail.split(',').map((x) => x.trim());
      return { base: s.slice(0, colon), sets };
    }
  }
  return { base: s };
}

export function looksLikePath(base: string): boolean {
  return base.includes('/') || /\.(ya?ml|json)$/i.test(base);
}

/** Reads a baseline file: a policy JSON (has `Statement`) or a baseline with named sets. */
export function loadBaselineFile(text: string, path: string): Baseline {
  if (/\.json$/i.test(path)) {
    let json: unknown;
    try {
      json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      return baselineFromPolicyJson(text, path); // reports the syntax error with its line
    }
    if (json && typeof json === 'object' && !Array.isArray(json) && 'Statement' in json) {
      return baselineFromPolicyJson(text, path);
    }
  }
  return parseBaselineYaml(text, path);
}

/** Validates the chosen sets against the baseline, or picks the defaults. */
export function activeSets(baseline: Baseline, wanted: string[] | undefined, where = ''): string[] {
  const names = baseline.sets.map((s) => s.name);
  if (wanted === undefined) return baseline.defaultSets.length > 0 ? baseline.defaultSets.slice() : names;
  if (wanted.length === 0)
    throw new ConfigError(
      `${where}no sets after ":" for baseline ${bare(baseline.id)} (its sets: ${names.map(bare).join(', ')}): name at least one, or leave out the ":"`,
    );
  const out: string[] = [];
  for (const w of wanted) {
    const hit = names.find((n) => n.toLowerCase() === w.toLowerCase());
    if (!hit)
      throw new ConfigError(
        `${where}baseline ${bare(baseline.id)} has no set "${bare(w)}"; its sets are: ${names.map(bare).join(', ')} (expected one of them)`,
      );
    if (!out.includes(hit)) out.push(hit);
  }
  return out;
}

/**
 * Resolves `--baseline`: a built-in id (case-insensitive), a path to a YAML/JSON baseline or a
 * policy JSON, each optionally followed by `:set,set`. Unknown ids, unreadable files and unknown
 * sets throw ConfigError listing the valid choices.
 */
export function resolveBaselineSpec(
  spec: string,
  readFile: (p: string) => string | undefined,
  builtins: Baseline[],
): ResolvedBaseline {
  if (spec.trim() === '')
    throw new ConfigError(`--baseline needs a value: ${builtins.map((b) => b.id).join(', ')}, or a file`);
  // A whole spec that names a built-in or an existing file wins over a `:sets` reading.
  let { base, sets } = splitSpec(spec);
  if (
    sets !== undefined &&
    (findBaseline(spec, builtins) || (looksLikePath(spec) && readFile(spec.trim()) !== undefined))
  ) {
    base = spec.trim();
    sets = undefined;
  }
  let baseline = findBaseline(base, builtins);
  if (!baseline) {
    if (!looksLikePath(base)) {
      // A bare name may still be a file in the current directory.
      const text = readFile(base);
      if (text === undefined) {
        const near = builtins.filter((b) => oneEditApart(b.id, base.trim().toLowerCase())).map((b) => b.id);
        throw new ConfigError(
          `unknown baseline ${shown(base)}${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}: built-in baselines are ${builtins.map((b) => b.id).join(', ')}; or give a path to a baseline YAML or policy JSON file`,
        );
      }
      baseline = loadBaselineFile(text, base);
    } else {
      const text = readFile(base);
      if (text === undefined) {
        throw new ConfigError(
          `baseline file ${bare(base)} not found (expected a baseline YAML or policy JSON file relative to the repository root, or a built-in baseline: ${builtins.map((b) => b.id).join(', ')})`,
        );
      }
      baseline = loadBaselineFile(text, base);
    }
  }
  return { baseline, sets: activeSets(baseline, sets) };
}

// Walking `terraform show -json` module trees (planned_values, prior_state, state values) and configuration.
import type { JsonPath } from '../../core/json-lines.js';
import { typeName } from '../../policy/document.js';
import { isObject } from '../parser.js';
import { MAX_MODULE_DEPTH, type PendingError } from './model.js';

/** Calls `visit` for each resource of a module tree (`root_module` and its `child_modules`), iteratively. */
export function walkModules(
  root: unknown,
  rootPath: JsonPath,
  visit: (res: Record<string, unknown>, path: JsonPath, moduleAddress: string) => void,
  onError: (e: PendingError) => void,
): void {
  const stack: [unknown, JsonPath, string, number][] = [[root, rootPath, '', 0]];
  while (stack.length > 0) {
    const [mod, path, parent, depth] = stack.pop()!;
    if (!isObject(mod)) {
      onError({
        jsonPath: path,
        message: `module is not an object, got ${typeName(mod)}; expected {"resources": [...], "child_modules": [...]} as \`terraform show -json\` writes it: regenerate the file`,
      });
      continue;
    }
    // Real module trees are a few levels deep; a hostile one must not cost depth² in paths.
    if (depth > MAX_MODULE_DEPTH) {
      onError({
        jsonPath: path,
        message: `modules are nested more than ${MAX_MODULE_DEPTH} levels deep; expected the module tree \`terraform show -json\` writes: regenerate the file (the modules below are not read)`,
      });
      continue;
    }
    const address = typeof mod.address === 'string' ? mod.address : parent;
    if (mod.resources !== undefined) {
      if (!Array.isArray(mod.resources))
        onError({
          jsonPath: [...path, 'resources'],
          message: `resources is not an array, got ${typeName(mod.resources)}; expected a list of resources as \`terraform show -json\` writes it: regenerate the file`,
        });
      else
        mod.resources.forEach((r, i) => {
          if (isObject(r)) visit(r, [...path, 'resources', i], address);
          else onError({ jsonPath: [...path, 'resources', i], message: 'resource is not an object' });
        });
    }
    if (mod.child_modules !== undefined) {
      if (!Array.isArray(mod.child_modules))
        onError({ jsonPath: [...path, 'child_modules'], message: 'child_modules is not an array' });
      else
        for (let i = mod.child_modules.length - 1; i >= 0; i--)
          stack.push([mod.child_modules[i], [...path, 'child_modules', i], address, depth + 1]);
    }
  }
}

/** The module part of a full address: `module.a["x"].module.b.aws_iam_role.r[0]` -> `module.a["x"].module.b`. */
export function moduleOfAddress(address: string): string {
  const segs = splitAddress(address);
  const mods: string[] = [];
  for (let i = 0; i + 1 < segs.length && segs[i] === 'module'; i += 2) mods.push(`module.${segs[i + 1]}`);
  return mods.join('.');
}

/** Splits an address at dots outside brackets and quotes (`module.a["x.y"].b` -> module, a["x.y"], b). */
export function splitAddress(address: string): string[] {
  // Segments are slices of the address (never built one character at a time).
  const out: string[] = [];
  let start = 0;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (quoted) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) quoted = false;
      continue;
    }
    if (c === 34) quoted = true;
    else if (c === 91 /* [ */) depth++;
    else if (c === 93 /* ] */) depth--;
    else if (c === 46 /* . */ && depth === 0) {
      out.push(address.slice(start, i));
      start = i + 1;
    }
  }
  out.push(address.slice(start));
  return out;
}

/** Module instance path without instance keys (`module.a["x"].module.b` -> `module.a.module.b`), for configuration. */
export function moduleConfigPath(module: string): string {
  return module.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '');
}

/** Indexes a plan's `configuration` blocks by `module.a.module.b` + local address, following module_calls. */
export function indexConfiguration(configuration: unknown): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!isObject(configuration)) return out;
  const stack: [unknown, string, number][] = [[configuration.root_module, '', 0]];
  while (stack.length > 0) {
    const [mod, prefix, depth] = stack.pop()!;
    if (!isObject(mod) || depth > MAX_MODULE_DEPTH) continue;
    if (Array.isArray(mod.resources)) {
      for (const r of mod.resources) {
        if (!isObject(r) || typeof r.address !== 'string') continue;
        out.set(prefix ? `${prefix}.${r.address}` : r.address, r);
      }
    }
    if (isObject(mod.module_calls)) {
      for (const [name, call] of Object.entries(mod.module_calls)) {
        if (isObject(call))
          stack.push([call.module, prefix ? `${prefix}.module.${name}` : `module.${name}`, depth + 1]);
      }
    }
  }
  return out;
}

/** The configuration block of a resource instance. */
export function configFor(
  config: Map<string, Record<string, unknown>>,
  module: string,
  mode: string,
  type: string,
  name: string,
): Record<string, unknown> | undefined {
  const local = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
  const mp = moduleConfigPath(module);
  return config.get(mp ? `${mp}.${local}` : local);
}

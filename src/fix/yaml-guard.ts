// Guards for the JSON/YAML editor: an edit must change the policy and nothing else. YAML anchors
// and aliases share one value between places (`Action: &acts [...]` reused with `*acts` in a tag
// or an output): an edit of an anchored value used elsewhere, or of an alias (whose value is the
// anchor's, elsewhere), is refused with the anchor named. And, whatever the edit, the file read
// back must be the same outside the policies fixed (the parsed documents compared with the
// policies' values masked).
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { formatJsonPath, type JsonPath } from '../core/json-lines.js';
import { endOf, parseNodes, Unfixable, type Edit } from './edit.js';

function lineOf(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

interface Place {
  node: Node;
  name: string;
  path: JsonPath;
  start: number;
  end: number;
  /** Where its `&name` or `*name` is written. */
  at: number;
}

/** Every anchored node and every alias of the document, with its path, in document order. */
function anchorsAndAliases(doc: Document, text: string): { anchors: Place[]; aliases: Place[] } {
  const anchors: Place[] = [];
  const aliases: Place[] = [];
  const walk = (n: unknown, path: JsonPath) => {
    if (!n || typeof n !== 'object') return;
    const node = n as Node;
    if (isAlias(node)) {
      if (node.range)
        aliases.push({
          node,
          name: node.source,
          path,
          start: node.range[0],
          end: node.range[1],
          at: node.range[0],
        });
      return;
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor && node.range)
      anchors.push({
        node,
        name: node.anchor,
        path,
        start: node.range[0],
        end: endOf(node),
        at: Math.max(0, text.lastIndexOf(`&${node.anchor}`, node.range[0])),
      });
    if (isMap(node))
      for (const p of node.items) {
        const key = isScalar(p.key) ? String(p.key.value) : '?';
        walk(p.key, path);
        walk(p.value, [...path, key]);
      }
    else if (isSeq(node)) node.items.forEach((x, i) => walk(isPair(x) ? x.value : x, [...path, i]));
  };
  walk(doc.contents, []);
  return { anchors, aliases };
}

function touches(e: Edit, p: Place): boolean {
  return e.start === e.end ? e.start > p.start && e.start < p.end : e.start < p.end && e.end > p.start;
}

/** `Resources.Topic.Properties.Tags[0].Value` (the path of a place, for a message). */
function where(text: string, p: Place): string {
  const path = formatJsonPath(p.path).replace(/^\$\.?/, '');
  return `${path || 'the document'} (line ${lineOf(text, p.at)})`;
}

/**
 * Throws Unfixable when an edit changes an alias (its value is an anchor's, written elsewhere) or
 * an anchored value that an alias uses elsewhere: the edit would change the other uses too.
 */
export function checkAnchors(doc: Document, text: string, edits: Edit[]): void {
  const { anchors, aliases } = anchorsAndAliases(doc, text);
  if (!aliases.length) return;
  /** The anchor an alias refers to: the last of its name before it. */
  const anchorOf = (a: Place) => [...anchors].reverse().find((x) => x.name === a.name && x.start < a.start);
  for (const e of edits) {
    const alias = aliases.find((a) => touches(e, a));
    if (alias) {
      const anchor = anchorOf(alias);
      throw new Unfixable(
        `the value to change at ${where(text, alias)} is the alias *${alias.name}${anchor ? ` of the anchor &${anchor.name} at ${where(text, anchor)}` : ''}: rewriting it would change the anchor and every other use of it; edit it by hand`,
      );
    }
    for (const anchor of anchors) {
      if (!touches(e, anchor)) continue;
      const uses = aliases.filter((a) => anchorOf(a) === anchor && !(a.start >= e.start && a.end <= e.end));
      if (uses.length)
        throw new Unfixable(
          `the value to change is the anchor &${anchor.name} at ${where(text, anchor)}, also used as *${anchor.name} at ${uses.map((u) => where(text, u)).join(', ')}: rewriting it would change ${uses.length === 1 ? 'that use' : 'those uses'} too; edit it by hand (or write the policy's value without the anchor)`,
        );
    }
  }
}

/** A copy without shared objects (aliases read as copies, so masking one place masks no other). */
function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
  return v;
}

const MASK = Symbol('policy');

/** The alias uses (weighted by what they hold) checkOutside expands, as the yaml library counts them. */
const MAX_ALIAS_EXPANSION = 1000;

/** Replaces the value at `path` with MASK (in place); false when there is none. */
function mask(root: { v: unknown }, path: JsonPath): boolean {
  let parent: unknown = root;
  let key: string | number = 'v';
  for (const seg of path) {
    const cur = (parent as Record<string | number, unknown>)[key];
    if (!cur || typeof cur !== 'object') return false;
    if (typeof seg === 'number' ? !Array.isArray(cur) : Array.isArray(cur)) return false;
    if (!(seg in cur)) return false;
    parent = cur;
    key = seg;
  }
  (parent as Record<string | number, unknown>)[key] = MASK;
  return true;
}

/** The first path where two values differ. */
function firstDifference(a: unknown, b: unknown, path: JsonPath = []): JsonPath {
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    for (const k of ka) {
      const seg = Array.isArray(a) ? Number(k) : k;
      if (!(k in b)) return [...path, seg];
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, [...path, seg]);
    }
    const extra = kb.find((k) => !(k in a));
    if (extra !== undefined) return [...path, Array.isArray(b) ? Number(extra) : extra];
  }
  return path;
}

/**
 * Throws Unfixable unless `after` reads (as JSON or YAML, aliases resolved) as `before` everywhere
 * but at `paths` (the fixed policies' values).
 */
export function checkOutside(before: string, after: string, paths: JsonPath[]): void {
  const read = (t: string) => {
    const doc = parseNodes(t);
    if (doc.errors.length) throw new Unfixable('the rewritten file could not be read');
    let js: unknown;
    try {
      // (bounded: each alias is expanded into a copy, and aliases of aliases double at each level,
      // so an 800-byte template could otherwise take gigabytes)
      js = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (e) {
      if (/alias count/i.test((e as Error).message))
        throw new Unfixable(
          `its YAML aliases (*name) expand to too many values (over ${MAX_ALIAS_EXPANSION}) to check the rewrite`,
        );
      throw e;
    }
    return { v: copy(js) };
  };
  const a = read(before);
  const b = read(after);
  for (const p of paths)
    if (mask(a, p) !== mask(b, p))
      throw new Unfixable('the rewritten file does not have the policy where it was');
  if (isDeepStrictEqual(a, b)) return;
  const at = formatJsonPath(firstDifference(a.v, b.v)).replace(/^\$\.?/, '');
  throw new Unfixable(
    `the rewrite would change the file outside the policy (at ${at || 'the document'}): it is not written`,
  );
}

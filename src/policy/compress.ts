// The shortest exact description of a set of concrete actions in IAM wildcard patterns: `s3:*`,
// `ec2:Describe*`, "`s3:*` except 6 actions", "every action (`*`) except `iam:*`". Used to show
// and store the action sets of findings (a `NotAction` statement grants some 22,000 actions).
//
// What a description means: ActionSetDescription {patterns, except, count} stands for
//   (⋃ expand(p) for p in patterns) − (⋃ expand(e) for e in except)
// expanded against the catalog the description was made with (Catalog.expand: case-insensitive,
// `*` any run). It is exact: that expansion is the input set, nothing more, nothing less
// (__tests__/policy/compress.test.ts checks it on random sets, whole services, complements, prefix
// families, single actions and the empty set, with the catalog's own expand).
//
// Patterns used (all with a literal service part, so each touches one service):
//   `*`                 every action of the catalog (only as the single pattern of a description)
//   `svc:*`             every action of a service
//   `svc:Prefix*`       the actions whose name starts with Prefix, case-insensitively, where Prefix
//                       is made of whole CamelCase words of some action name (`Describe`,
//                       `DescribeInstance`, `GetObject`): readable prefixes, never `DescribeI*`
//   `svc:Action`        one action (canonical spelling)
//
// Algorithm. A service's actions sorted by lower-cased key make prefix patterns contiguous ranges,
// and the ranges of prefixes nest or are disjoint: the candidate prefixes of a service form a tree
// (the service's `svc:*` at the root, a range per distinct word prefix, single actions as leaves;
// a prefix with the same range as a shorter one, or matching one action, is dropped). On that tree
// an exact dynamic programme finds, for each node v with range R(v) and the input set S:
//   inc(v) = cheapest description of S ∩ R(v) by patterns inside R(v) =
//            0 if S ∩ R(v) = ∅;  w(v) if R(v) ⊆ S;  else min(Σ inc(children), w(v) + exc(v))
//   exc(v) = cheapest cover of R(v) − S by exception patterns inside R(v) − S =
//            0 if R(v) ⊆ S;  w(v) if S ∩ R(v) = ∅;  else Σ exc(children)
// (one level of exceptions: an exception is never re-included, which is what a flat
// {patterns, except} can say). Across services: either each service's inc(root), or `*` with each
// service's exc(root) (`svc:*` for a service with none of the set). The cost of a pattern is one
// unit (the number of patterns is what is minimised), then its length, then a small penalty for an
// exception (a plain list reads better at the same size). Work: a lookup per input action, then
// the nodes of the services the set has only in part (a service it has whole, or not at all, needs
// only its root); the `*` form is only tried when it can win (for a set that leaves most services
// untouched it cannot). A service's sorted actions are made on first use, its tree on first need.
// A 22,000-action complement takes a few milliseconds (the first call, which sorts every service,
// about 100 ms); __tests__/policy/compress.test.ts also checks, by brute force on small services,
// that no description of this form has fewer patterns.
//
// Results are cached per catalog by the array's identity (a finding's list) and by content: short
// lists by their whole text (the same dozen actions found in many policies), large ones by a sample
// then compared in full (the same `NotAction` complement). A set of more than half the catalog is
// described from the few actions it leaves out (computeComplement): every service it has whole
// costs nothing.
import { ActionSet } from './action-set.js';
import { actionOfOrdinal, actionOrdinal, type ActionInfo, type Catalog } from './catalog.js';

/** An exact description of a set of concrete actions: see the header. */
export interface ActionSetDescription {
  /** `*`, `svc:*`, `svc:Prefix*` or `svc:Action`, in catalog order. */
  patterns: string[];
  /** Patterns whose actions are taken out of those of `patterns` (empty when none), in catalog order. */
  except: string[];
  /** The number of distinct actions described. */
  count: number;
}

/** One unit per pattern dominates; then characters; then a nudge against exceptions. */
const UNIT = 1e7;
const weight = (pattern: string) => UNIT + pattern.length;
const exceptWeight = (pattern: string) => UNIT + pattern.length + 4;

interface Node {
  lo: number;
  hi: number;
  pattern: string;
  /** Children in order: node ids (>= 0) and leaves as -(position + 1). */
  children: number[];
}

interface ServiceTree {
  service: string;
  /** The service's actions sorted by key. */
  actions: ActionInfo[];
  /** nodes[0] is the root (`svc:*`); made on first need (a set with all or none of a service needs none). */
  nodes?: Node[];
  /** The root alone, for a set with all or none of the service (made once, shared). */
  root?: Node[];
  /** Scratch for one call: which actions are in the set, and how many. */
  inSet: Uint8Array;
  count: number;
  /** Scratch of the solver on `nodes` (ServiceSolver), made on first need. */
  scratch?: { cum: Int32Array; inc: Float64Array; exc: Float64Array; whole: Uint8Array };
}

interface CatalogIndex {
  trees: Map<string, ServiceTree>;
  /** Each built action, by canonical name: its service's tree and its position there. */
  byName: Map<string, { tree: ServiceTree; at: number }>;
  /** Each built action: its position in its service's sorted actions. */
  position: Map<ActionInfo, number>;
  byArray: WeakMap<readonly string[], ActionSetDescription | null>;
  /** compressSet's results, by the set's identity. */
  bySet: WeakMap<ActionSet, ActionSetDescription | null>;
  /** Each built action, by actionOrdinal: its service's tree (undefined until the service is built). */
  treeByOrdinal: (ServiceTree | undefined)[];
  /** Each built action's position in its service's sorted actions, by actionOrdinal. */
  positionByOrdinal: number[];
  byContent: Map<string, { list: string[]; result: ActionSetDescription | null }>;
  /**
   * Lists shorter than CONTENT_CACHE_MIN by their names joined with newlines (a hit is compared in
   * full: a name could hold a newline), keys of SMALL_CACHE_CHARS at most, oldest out first.
   */
  bySmallContent: Map<string, { list: readonly string[]; result: ActionSetDescription | null }>;
  smallChars: number;
  expanded: Map<string, string[]>;
}

const indexes = new WeakMap<Catalog, CatalogIndex>();

function indexOf(catalog: Catalog): CatalogIndex {
  let index = indexes.get(catalog);
  if (!index) {
    index = {
      trees: new Map(),
      byName: new Map(),
      position: new Map(),
      byArray: new WeakMap(),
      bySet: new WeakMap(),
      treeByOrdinal: [],
      positionByOrdinal: [],
      byContent: new Map(),
      bySmallContent: new Map(),
      smallChars: 0,
      expanded: new Map(),
    };
    indexes.set(catalog, index);
  }
  return index;
}

const isUpper = (c: string) => c >= 'A' && c <= 'Z';
const isLower = (c: string) => c >= 'a' && c <= 'z';
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Where CamelCase words start in an action name (`GetACLPolicy`: 3 and 6), and after `-`/`_`. */
export function wordStarts(name: string): number[] {
  const out: number[] = [];
  for (let i = 1; i < name.length; i++) {
    const c = name[i]!;
    const prev = name[i - 1]!;
    const next = name[i + 1];
    if (prev === '-' || prev === '_') out.push(i);
    else if (isUpper(c) && (isLower(prev) || isDigit(prev))) out.push(i);
    else if (isUpper(c) && isUpper(prev) && next !== undefined && isLower(next)) out.push(i);
  }
  return out;
}

/** First index in sorted `keys` whose value is >= `s`. */
function lowerBound(keys: readonly string[], s: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function buildTree(catalog: Catalog, index: CatalogIndex, service: string): ServiceTree {
  const listed = catalog.actionsOf(service);
  // The catalog lists a service's actions in key order already: sorted only when they are not.
  let sorted = true;
  for (let i = 1; i < listed.length && sorted; i++) if (listed[i - 1]!.key > listed[i]!.key) sorted = false;
  const actions = sorted
    ? [...listed]
    : [...listed].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const tree: ServiceTree = { service, actions, inSet: new Uint8Array(actions.length), count: 0 };
  actions.forEach((a, at) => {
    index.position.set(a, at);
    index.byName.set(a.full, { tree, at });
    const o = actionOrdinal(a);
    if (o !== undefined) {
      index.treeByOrdinal[o] = tree;
      index.positionByOrdinal[o] = at;
    }
  });
  return tree;
}

/** The service's prefix tree (see the header), made once. */
function nodesOf(tree: ServiceTree): Node[] {
  if (tree.nodes) return tree.nodes;
  const { service, actions } = tree;
  const n = actions.length;
  const colon = service.length + 1;
  const names = actions.map((a) => a.key.slice(colon));
  // Common prefix lengths of neighbours: the names that start with a prefix of names[i] of length
  // L are the run around i whose neighbours share at least L characters.
  const lcp = new Int32Array(n + 1);
  for (let j = 1; j < n; j++) {
    const x = names[j - 1]!;
    const y = names[j]!;
    const m = Math.min(x.length, y.length);
    let k = 0;
    while (k < m && x.charCodeAt(k) === y.charCodeAt(k)) k++;
    lcp[j] = k;
  }
  // Candidate prefixes (lower-cased -> as first spelt, and a name that has it), each a range of
  // the sorted names.
  const prefixes = new Map<string, { prefix: string; at: number }>();
  const add = (name: string, length: number, at: number) => {
    const p = name.slice(0, length);
    const lower = p.toLowerCase();
    if (!prefixes.has(lower)) prefixes.set(lower, { prefix: p, at });
  };
  actions.forEach((a, at) => {
    for (const length of wordStarts(a.name)) add(a.name, length, at);
    add(a.name, a.name.length, at);
  });
  const byRange = new Map<number, { lo: number; hi: number; prefix: string }>();
  for (const [lower, { prefix, at }] of prefixes) {
    let lo: number;
    let hi: number;
    const len = lower.length;
    if (names[at]!.startsWith(lower)) {
      for (lo = at; lo > 0 && lcp[lo]! >= len; lo--);
      for (hi = at + 1; hi < n && lcp[hi]! >= len; hi++);
    } else {
      // Names are [a-z0-9_-] once lower-cased: '\x7f' sorts after every one of them.
      lo = lowerBound(names, lower);
      hi = lowerBound(names, `${lower}\x7f`);
    }
    if (hi - lo <= 1 || (lo === 0 && hi === n)) continue;
    const key = lo * (n + 1) + hi;
    const had = byRange.get(key);
    if (!had || prefix.length < had.prefix.length) byRange.set(key, { lo, hi, prefix });
  }
  const ranges = [...byRange.values()].sort((a, b) => a.lo - b.lo || b.hi - a.hi);
  const nodes: Node[] = [{ lo: 0, hi: n, pattern: `${service}:*`, children: [] }];
  // Nest the ranges (they are laminar): a stack of open nodes, leaves filled in afterwards.
  const stack = [0];
  const sub: number[][] = [[]];
  for (const r of ranges) {
    while (nodes[stack[stack.length - 1]!]!.hi <= r.lo) stack.pop();
    const id = nodes.length;
    nodes.push({ lo: r.lo, hi: r.hi, pattern: `${service}:${r.prefix}*`, children: [] });
    sub.push([]);
    sub[stack[stack.length - 1]!]!.push(id);
    stack.push(id);
  }
  for (let id = 0; id < nodes.length; id++) {
    const node = nodes[id]!;
    let at = node.lo;
    for (const child of sub[id]!) {
      for (; at < nodes[child]!.lo; at++) node.children.push(-(at + 1));
      node.children.push(child);
      at = nodes[child]!.hi;
    }
    for (; at < node.hi; at++) node.children.push(-(at + 1));
  }
  return (tree.nodes = nodes);
}

function treeOf(catalog: Catalog, index: CatalogIndex, service: string): ServiceTree {
  let tree = index.trees.get(service);
  if (!tree) index.trees.set(service, (tree = buildTree(catalog, index, service)));
  return tree;
}

/** The dynamic programme of the header on one service, for the set's members `inSet`. */
class ServiceSolver {
  /** Members before each position (a partial set only; with all or none, `whole` is the count). */
  private readonly cum: Int32Array | undefined;
  private readonly whole: number;
  private readonly nodes: Node[];
  private readonly incCost: Float64Array;
  private readonly excCost: Float64Array;
  /** inc(v) uses v's pattern and exceptions (1) or its children (0). */
  private readonly incWhole: Uint8Array;

  constructor(
    private readonly tree: ServiceTree,
    private readonly inSet: Uint8Array,
  ) {
    const n = tree.actions.length;
    this.whole = tree.count;
    // A set with all or none of the service needs only the root (whose count is the set's).
    const partial = tree.count > 0 && tree.count < n;
    if (partial) {
      this.nodes = nodesOf(tree);
      // The tree's own scratch, reused by every call (one solver per tree at a time).
      const m = this.nodes.length;
      const scratch = (tree.scratch ??= {
        cum: new Int32Array(n + 1),
        inc: new Float64Array(m),
        exc: new Float64Array(m),
        whole: new Uint8Array(m),
      });
      const cum = scratch.cum;
      for (let i = 0; i < n; i++) cum[i + 1] = cum[i]! + inSet[i]!;
      this.cum = cum;
      this.incCost = scratch.inc.fill(-1);
      this.excCost = scratch.exc.fill(-1);
      this.incWhole = scratch.whole.fill(0);
    } else {
      this.nodes = tree.root ??= [{ lo: 0, hi: n, pattern: `${tree.service}:*`, children: [] }];
      this.cum = undefined;
      this.incCost = new Float64Array(1).fill(-1);
      this.excCost = new Float64Array(1).fill(-1);
      this.incWhole = new Uint8Array(1);
    }
  }

  private countIn(node: Node): number {
    return this.cum ? this.cum[node.hi]! - this.cum[node.lo]! : this.whole;
  }

  private leafName(child: number): string {
    return this.tree.actions[-child - 1]!.full;
  }

  inc(id: number): number {
    const cached = this.incCost[id]!;
    if (cached >= 0) return cached;
    const node = this.nodes[id]!;
    const c = this.countIn(node);
    let cost: number;
    if (c === 0) cost = 0;
    else if (c === node.hi - node.lo) {
      cost = weight(node.pattern);
      this.incWhole[id] = 1;
    } else {
      let parts = 0;
      for (const child of node.children) {
        if (child >= 0) parts += this.inc(child);
        else if (this.inSet[-child - 1]) parts += weight(this.leafName(child));
      }
      const whole = weight(node.pattern) + this.exc(id);
      cost = whole < parts ? whole : parts;
      this.incWhole[id] = whole < parts ? 1 : 0;
    }
    this.incCost[id] = cost;
    return cost;
  }

  exc(id: number): number {
    const cached = this.excCost[id]!;
    if (cached >= 0) return cached;
    const node = this.nodes[id]!;
    const c = this.countIn(node);
    let cost = 0;
    if (c === 0) cost = exceptWeight(node.pattern);
    else if (c < node.hi - node.lo) {
      for (const child of node.children) {
        if (child >= 0) cost += this.exc(child);
        else if (!this.inSet[-child - 1]) cost += exceptWeight(this.leafName(child));
      }
    }
    this.excCost[id] = cost;
    return cost;
  }

  emitInc(id: number, patterns: string[], except: string[]): void {
    const node = this.nodes[id]!;
    if (this.inc(id) === 0) return;
    if (this.incWhole[id]) {
      patterns.push(node.pattern);
      this.emitExc(id, except);
      return;
    }
    for (const child of node.children) {
      if (child >= 0) this.emitInc(child, patterns, except);
      else if (this.inSet[-child - 1]) patterns.push(this.leafName(child));
    }
  }

  emitExc(id: number, except: string[]): void {
    const node = this.nodes[id]!;
    const c = this.countIn(node);
    if (c === node.hi - node.lo) return;
    if (c === 0) {
      except.push(node.pattern);
      return;
    }
    for (const child of node.children) {
      if (child >= 0) this.emitExc(child, except);
      else if (!this.inSet[-child - 1]) except.push(this.leafName(child));
    }
  }
}

function compute(
  catalog: Catalog,
  index: CatalogIndex,
  actions: Iterable<string>,
): ActionSetDescription | null {
  // The set's members, marked in each touched service's scratch (cleared before returning).
  const touched: ServiceTree[] = [];
  let count = 0;
  let unknown = false;
  for (const name of actions) {
    let hit = index.byName.get(name);
    if (!hit) {
      // Not in canonical spelling, or its service is not built yet.
      const info = catalog.lookup(name);
      if (!info) {
        unknown = true;
        break;
      }
      const tree = treeOf(catalog, index, info.service);
      hit = { tree, at: index.position.get(info)! };
    }
    const tree = hit.tree;
    if (tree.count === 0) touched.push(tree);
    if (!tree.inSet[hit.at]) {
      tree.inSet[hit.at] = 1;
      tree.count++;
      count++;
    }
  }
  try {
    return unknown ? null : describe(catalog, touched, count);
  } finally {
    for (const tree of touched) {
      tree.inSet.fill(0);
      tree.count = 0;
    }
  }
}

/** The tree of an action of `catalog` by ordinal, its service's tree made on first need (undefined: not the catalog's). */
function treeOfOrdinal(catalog: Catalog, index: CatalogIndex, o: number): ServiceTree | undefined {
  const tree = index.treeByOrdinal[o];
  if (tree) return tree;
  // Its service's tree holds it when it is an action of this catalog.
  const info = actionOfOrdinal(o);
  if (info) treeOf(catalog, index, info.service);
  return index.treeByOrdinal[o];
}

/** Sets of at least this many actions are described through their complement (see computeFromSet). */
const COMPLEMENT_FROM = 4096;

/**
 * compute() for a list made from `set` (its members' canonical names): the same marks, made from
 * the ordinals (no lookup by name). A set of more than half the catalog (a `NotAction` statement's
 * 22,000 actions) is marked through its complement, the few hundred actions it leaves out: the
 * services it has whole need no mark and no solver (see describeComplement).
 */
function computeFromSet(catalog: Catalog, index: CatalogIndex, set: ActionSet): ActionSetDescription | null {
  if (set.size >= COMPLEMENT_FROM) {
    const universe = universeOf(catalog);
    if (2 * set.size > universe.all.size) {
      // A member that is not an action of this catalog: no description (as compute() says).
      if (!set.minus(universe.all).isEmpty()) return null;
      return computeComplement(catalog, index, universe, universe.all.minus(set), set.size);
    }
  }
  const touched: ServiceTree[] = [];
  let count = 0;
  let unknown = false;
  const { positionByOrdinal } = index;
  set.forEach((o) => {
    if (unknown) return;
    const tree = treeOfOrdinal(catalog, index, o);
    if (!tree) {
      unknown = true;
      return;
    }
    const at = positionByOrdinal[o]!;
    if (tree.count === 0) touched.push(tree);
    if (!tree.inSet[at]) {
      tree.inSet[at] = 1;
      tree.count++;
      count++;
    }
  });
  try {
    return unknown ? null : describe(catalog, touched, count);
  } finally {
    for (const tree of touched) {
      tree.inSet.fill(0);
      tree.count = 0;
    }
  }
}

/** A catalog's actions as one set, and the sums describeComplement starts from. Made once. */
interface Universe {
  all: ActionSet;
  /** Catalog.services(), sorted. */
  services: readonly string[];
  /** Each service's action count. */
  sizes: Map<string, number>;
  /** Services with at least one action. */
  withActions: number;
  /** Σ weight(`svc:*`) over the services with at least one action. */
  wholeSum: number;
}

const universes = new WeakMap<Catalog, Universe>();

function universeOf(catalog: Catalog): Universe {
  let u = universes.get(catalog);
  if (!u) {
    const services = servicesOf(catalog);
    const sizes = new Map<string, number>();
    let withActions = 0;
    let wholeSum = 0;
    for (const s of services) {
      const n = catalog.actionsOf(s).length;
      sizes.set(s, n);
      if (n > 0) {
        withActions++;
        wholeSum += weight(`${s}:*`);
      }
    }
    u = { all: ActionSet.fromActions(catalog.all()), services, sizes, withActions, wholeSum };
    universes.set(catalog, u);
  }
  return u;
}

/**
 * The description of the set that is the catalog minus `out` (`count` members), with the same
 * result as describe() on the set's own marks: the same costs, summed over the services `out`
 * touches (every other service is in the set whole: `svc:*`, nothing to except), the same choice
 * and the same order of patterns.
 */
function computeComplement(
  catalog: Catalog,
  index: CatalogIndex,
  universe: Universe,
  out: ActionSet,
  count: number,
): ActionSetDescription {
  // Marks of the actions left out, in each touched service's scratch.
  const touched: ServiceTree[] = [];
  const { positionByOrdinal } = index;
  out.forEach((o) => {
    const tree = treeOfOrdinal(catalog, index, o)!; // every member of `out` is the catalog's
    const at = positionByOrdinal[o]!;
    if (tree.count === 0) touched.push(tree);
    if (!tree.inSet[at]) {
      tree.inSet[at] = 1;
      tree.count++;
    }
  });
  try {
    // Services the set has none of, and services it has in part (marked as members from here on).
    const none = new Set<string>();
    const solvers = new Map<string, ServiceSolver>();
    let listed = universe.wholeSum;
    for (const tree of touched) {
      const n = tree.actions.length;
      listed -= weight(`${tree.service}:*`);
      if (tree.count === n) {
        none.add(tree.service);
        continue;
      }
      for (let i = 0; i < n; i++) tree.inSet[i] ^= 1;
      tree.count = n - tree.count;
      solvers.set(tree.service, new ServiceSolver(tree, tree.inSet));
    }
    for (const solver of solvers.values()) listed += solver.inc(0);
    // describe()'s bound, over the services with a solver there: those the set has whole or in part.
    const withSolver = universe.withActions - touched.length + solvers.size;
    let starCost = Infinity;
    if (weight('*') + (universe.services.length - withSolver) * UNIT < listed) {
      starCost = weight('*');
      for (const s of none) starCost += exceptWeight(`${s}:*`);
      for (const solver of solvers.values()) starCost += solver.exc(0);
    }
    const patterns: string[] = [];
    const except: string[] = [];
    if (starCost < listed) {
      patterns.push('*');
      for (const s of [...none, ...solvers.keys()].sort()) {
        const solver = solvers.get(s);
        if (solver) solver.emitExc(0, except);
        else except.push(`${s}:*`);
      }
    } else {
      for (const s of universe.services) {
        const solver = solvers.get(s);
        if (solver) solver.emitInc(0, patterns, except);
        else if (!none.has(s) && universe.sizes.get(s)! > 0) patterns.push(`${s}:*`);
      }
    }
    return { patterns, except, count };
  } finally {
    for (const tree of touched) {
      tree.inSet.fill(0);
      tree.count = 0;
    }
  }
}

/** Catalog.services() (sorted; fixed for a catalog), made once per catalog. */
const serviceLists = new WeakMap<Catalog, readonly string[]>();

function servicesOf(catalog: Catalog): readonly string[] {
  let list = serviceLists.get(catalog);
  if (!list) serviceLists.set(catalog, (list = catalog.services()));
  return list;
}

function describe(catalog: Catalog, touched: ServiceTree[], count: number): ActionSetDescription {
  const solvers = new Map<string, ServiceSolver>();
  for (const tree of touched) solvers.set(tree.service, new ServiceSolver(tree, tree.inSet));
  const services = [...solvers.keys()].sort();
  let listed = 0;
  for (const solver of solvers.values()) listed += solver.inc(0);
  // The `*` form costs at least one unit per service the set leaves out entirely: try it only
  // when that bound does not already lose. (Each solver's service is one of the catalog's.)
  const all = servicesOf(catalog);
  let starCost = Infinity;
  if (weight('*') + (all.length - solvers.size) * UNIT < listed) {
    const untouched = all.filter((s) => !solvers.has(s));
    starCost = weight('*');
    for (const s of untouched) if (catalog.actionsOf(s).length > 0) starCost += exceptWeight(`${s}:*`);
    for (const solver of solvers.values()) starCost += solver.exc(0);
  }
  const patterns: string[] = [];
  const except: string[] = [];
  if (starCost < listed) {
    patterns.push('*');
    for (const s of all) {
      const solver = solvers.get(s);
      if (solver) solver.emitExc(0, except);
      else if (catalog.actionsOf(s).length > 0) except.push(`${s}:*`);
    }
  } else {
    for (const s of services) solvers.get(s)!.emitInc(0, patterns, except);
  }
  return { patterns, except, count };
}

/** Sets at least this large are also cached by content. */
const CONTENT_CACHE_MIN = 256;
const CONTENT_CACHE_SIZE = 32;
/** Shorter lists cached by content: keys of at most this many characters in all (4 MB). */
const SMALL_CACHE_CHARS = 2 * 1024 * 1024;

/** A cheap key: the length and a sample of the names (a hit is then compared in full). */
function contentKey(list: readonly string[]): string {
  const step = Math.max(1, Math.floor(list.length / 64));
  const sample: string[] = [String(list.length)];
  for (let i = 0; i < list.length; i += step) sample.push(list[i]!);
  sample.push(list[list.length - 1]!);
  return sample.join(',');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lists registered by noteActionList: the set each was made from. */
const madeFrom = new WeakMap<readonly string[], { set: ActionSet; catalog: Catalog }>();

/**
 * Records that `names` is exactly the canonical names of the members of `set`, all actions of
 * `catalog` (each once, in any order), and will not be changed: compressActions then reads the
 * set's ordinals instead of looking each name up (a `NotAction` finding lists some 22,000). Held
 * weakly, by the list's identity.
 */
export function noteActionList(names: readonly string[], set: ActionSet, catalog: Catalog): void {
  madeFrom.set(names, { set, catalog });
}

/**
 * The shortest exact description of `actions` (concrete action names, any case, duplicates
 * allowed) against `catalog`, or undefined when one of them is not an action of the catalog (an
 * unknown or retired name cannot be described by patterns of this catalog). The result is shared
 * (cached): do not change it.
 */
export function compressActions(
  actions: readonly string[],
  catalog: Catalog,
): ActionSetDescription | undefined {
  const index = indexOf(catalog);
  const known = index.byArray.get(actions);
  if (known !== undefined) return known ?? undefined;
  let result: ActionSetDescription | null;
  const from = madeFrom.get(actions);
  if (from && from.catalog === catalog && from.set.size === actions.length) {
    result = computeFromSet(catalog, index, from.set);
  } else if (actions.length >= CONTENT_CACHE_MIN) {
    const key = contentKey(actions);
    const hit = index.byContent.get(key);
    if (hit && sameList(hit.list, actions)) {
      result = hit.result;
      // Most recently used last.
      index.byContent.delete(key);
      index.byContent.set(key, hit);
    } else {
      result = compute(catalog, index, actions);
      index.byContent.set(key, { list: [...actions], result });
      if (index.byContent.size > CONTENT_CACHE_SIZE)
        index.byContent.delete(index.byContent.keys().next().value as string);
    }
  } else {
    // A short list by its whole content (the same few actions found in many policies).
    const key = actions.join('\n');
    const hit = index.bySmallContent.get(key);
    if (hit !== undefined && sameList(hit.list, actions)) result = hit.result;
    else {
      result = compute(catalog, index, actions);
      if (hit === undefined) {
        index.bySmallContent.set(key, { list: actions.slice(), result });
        index.smallChars += key.length;
        while (index.smallChars > SMALL_CACHE_CHARS) {
          const oldest = index.bySmallContent.keys().next().value as string;
          index.bySmallContent.delete(oldest);
          index.smallChars -= oldest.length;
        }
      }
    }
  }
  index.byArray.set(actions, result);
  return result ?? undefined;
}

/**
 * compressActions of the names of a set of `catalog`'s actions, read off the set (no list made).
 * Cached by the set's identity: do not change the result.
 */
export function compressSet(set: ActionSet, catalog: Catalog): ActionSetDescription | undefined {
  const index = indexOf(catalog);
  let result = index.bySet.get(set);
  if (result === undefined) {
    result = computeFromSet(catalog, index, set);
    index.bySet.set(set, result);
  }
  return result ?? undefined;
}

/**
 * The actions a description stands for, by canonical name in code-unit order (as Finding.actions
 * holds them), expanded with Catalog.expand. The list is shared between equal descriptions (cached):
 * do not change it.
 */
export function expandActionSet(
  set: Pick<ActionSetDescription, 'patterns' | 'except'>,
  catalog: Catalog,
): readonly string[] {
  const index = indexOf(catalog);
  const key = JSON.stringify([set.patterns, set.except]);
  const cached = index.expanded.get(key);
  if (cached) return cached;
  const out = new Set<ActionInfo>();
  for (const p of set.patterns) for (const a of catalog.expand(p)) out.add(a);
  for (const p of set.except) for (const a of catalog.expand(p)) out.delete(a);
  const names = [...out].map((a) => a.full).sort();
  index.expanded.set(key, names);
  if (index.expanded.size > CONTENT_CACHE_SIZE)
    index.expanded.delete(index.expanded.keys().next().value as string);
  return names;
}

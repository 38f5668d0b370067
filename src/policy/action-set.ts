// A set of catalog actions as a bitset over their ordinals (src/policy/catalog.ts actionOrdinal):
// what a statement grants, what a Deny removes and what a baseline set allows are compared as sets,
// one machine word for 32 actions, never one object per action. A set covers only the words from
// its lowest to its highest member (`base` is the first word's index), so the named actions of one
// service take a few words while a NotAction complement takes some 700. Immutable.
import { actionOfOrdinal, actionOrdinal, type ActionInfo } from './catalog.js';

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export class ActionSet {
  static readonly EMPTY = new ActionSet(0, new Uint32Array(0));
  private count = -1;

  private constructor(
    /** Index of the first word. */
    private readonly base: number,
    private readonly words: Uint32Array,
  ) {}

  /** A set from words that may have zero words at either end (trimmed here). */
  private static trimmed(base: number, words: Uint32Array): ActionSet {
    let lo = 0;
    let hi = words.length;
    while (lo < hi && words[lo] === 0) lo++;
    while (hi > lo && words[hi - 1] === 0) hi--;
    if (lo === hi) return ActionSet.EMPTY;
    return new ActionSet(base + lo, lo === 0 && hi === words.length ? words : words.subarray(lo, hi));
  }

  static fromOrdinals(ordinals: Iterable<number>): ActionSet {
    let min = Infinity;
    let max = -1;
    const list: number[] = [];
    for (const o of ordinals) {
      list.push(o);
      if (o < min) min = o;
      if (o > max) max = o;
    }
    if (max < 0) return ActionSet.EMPTY;
    const base = min >>> 5;
    const words = new Uint32Array((max >>> 5) - base + 1);
    for (const o of list) words[(o >>> 5) - base]! |= 1 << (o & 31);
    return new ActionSet(base, words);
  }

  /** The catalog actions of a list (actions of no catalog are left out). */
  static fromActions(actions: Iterable<ActionInfo>): ActionSet {
    const ordinals: number[] = [];
    for (const a of actions) {
      const o = actionOrdinal(a);
      if (o !== undefined) ordinals.push(o);
    }
    return ActionSet.fromOrdinals(ordinals);
  }

  get size(): number {
    if (this.count < 0) {
      let n = 0;
      for (let i = 0; i < this.words.length; i++) n += popcount(this.words[i]!);
      this.count = n;
    }
    return this.count;
  }

  isEmpty(): boolean {
    return this.words.length === 0;
  }

  /** True when every member is within [from, to) (the empty set: true). */
  within(from: number, to: number): boolean {
    const n = this.words.length;
    if (n === 0) return true;
    // The first and last words are not zero (trimmed): the lowest and highest members are in them.
    const first = this.words[0]!;
    const last = this.words[n - 1]!;
    const min = (this.base << 5) + 31 - Math.clz32(first & -first);
    const max = ((this.base + n - 1) << 5) + 31 - Math.clz32(last);
    return min >= from && max < to;
  }

  has(ordinal: number): boolean {
    const w = (ordinal >>> 5) - this.base;
    return w >= 0 && w < this.words.length && (this.words[w]! & (1 << (ordinal & 31))) !== 0;
  }

  union(other: ActionSet): ActionSet {
    if (other.isEmpty() || other === this) return this;
    if (this.isEmpty()) return other;
    const base = Math.min(this.base, other.base);
    const end = Math.max(this.base + this.words.length, other.base + other.words.length);
    const words = new Uint32Array(end - base);
    words.set(this.words, this.base - base);
    for (let i = 0; i < other.words.length; i++) words[other.base - base + i]! |= other.words[i]!;
    return new ActionSet(base, words);
  }

  /** The union of many sets, made in one allocation. */
  static unionOf(sets: readonly ActionSet[]): ActionSet {
    if (sets.length === 0) return ActionSet.EMPTY;
    if (sets.length === 1) return sets[0]!;
    let base = Infinity;
    let end = -1;
    for (const x of sets) {
      if (x.isEmpty()) continue;
      if (x.base < base) base = x.base;
      if (x.base + x.words.length > end) end = x.base + x.words.length;
    }
    if (end < 0) return ActionSet.EMPTY;
    const words = new Uint32Array(end - base);
    for (const x of sets) for (let i = 0; i < x.words.length; i++) words[x.base - base + i]! |= x.words[i]!;
    return new ActionSet(base, words);
  }

  intersect(other: ActionSet): ActionSet {
    if (other === this) return this;
    const base = Math.max(this.base, other.base);
    const end = Math.min(this.base + this.words.length, other.base + other.words.length);
    if (end <= base) return ActionSet.EMPTY;
    const words = new Uint32Array(end - base);
    let any = 0;
    for (let w = base; w < end; w++) {
      const x = this.words[w - this.base]! & other.words[w - other.base]!;
      words[w - base] = x;
      any |= x;
    }
    return any === 0 ? ActionSet.EMPTY : ActionSet.trimmed(base, words);
  }

  /** Whether the two sets share an action (without making the intersection). */
  intersects(other: ActionSet): boolean {
    const base = Math.max(this.base, other.base);
    const end = Math.min(this.base + this.words.length, other.base + other.words.length);
    for (let w = base; w < end; w++)
      if ((this.words[w - this.base]! & other.words[w - other.base]!) !== 0) return true;
    return false;
  }

  minus(other: ActionSet): ActionSet {
    const base = Math.max(this.base, other.base);
    const end = Math.min(this.base + this.words.length, other.base + other.words.length);
    if (end <= base || this.isEmpty()) return this;
    let changed = false;
    for (let w = base; w < end && !changed; w++)
      if ((this.words[w - this.base]! & other.words[w - other.base]!) !== 0) changed = true;
    if (!changed) return this;
    const words = this.words.slice();
    for (let w = base; w < end; w++) words[w - this.base]! &= ~other.words[w - other.base]!;
    return ActionSet.trimmed(this.base, words);
  }

  /** The ordinals, ascending. */
  ordinals(): number[] {
    const out: number[] = [];
    this.forEach((o) => out.push(o));
    return out;
  }

  forEach(fn: (ordinal: number) => void): void {
    const { words, base } = this;
    for (let i = 0; i < words.length; i++) {
      let x = words[i]!;
      while (x !== 0) {
        const bit = 31 - Math.clz32(x & -x);
        fn(((base + i) << 5) + bit);
        x &= x - 1;
      }
    }
  }

  /** Whether `fn` is true of some member, in ordinal order, stopping at the first. */
  some(fn: (ordinal: number) => boolean): boolean {
    const { words, base } = this;
    for (let i = 0; i < words.length; i++) {
      let x = words[i]!;
      while (x !== 0) {
        if (fn(((base + i) << 5) + 31 - Math.clz32(x & -x))) return true;
        x &= x - 1;
      }
    }
    return false;
  }

  /** The actions, by ordinal. */
  actions(): ActionInfo[] {
    const out: ActionInfo[] = [];
    this.forEach((o) => out.push(actionOfOrdinal(o)));
    return out;
  }

  /** The lowest ordinal the two sets share, or -1 when they share none. */
  firstCommon(other: ActionSet): number {
    const base = Math.max(this.base, other.base);
    const end = Math.min(this.base + this.words.length, other.base + other.words.length);
    for (let w = base; w < end; w++) {
      const x = this.words[w - this.base]! & other.words[w - other.base]!;
      if (x !== 0) return (w << 5) + 31 - Math.clz32(x & -x);
    }
    return -1;
  }

  /** The lowest `rank[ordinal]` over the members the two sets share (Infinity when none). */
  minOfCommon(other: ActionSet, rank: readonly number[]): number {
    const base = Math.max(this.base, other.base);
    const end = Math.min(this.base + this.words.length, other.base + other.words.length);
    let min = Infinity;
    for (let w = base; w < end; w++) {
      let x = this.words[w - this.base]! & other.words[w - other.base]!;
      while (x !== 0) {
        const r = rank[(w << 5) + 31 - Math.clz32(x & -x)] ?? Infinity;
        if (r < min) min = r;
        x &= x - 1;
      }
    }
    return min;
  }

  /** The lowest value of `rank` over the members (Infinity for the empty set). */
  minOf(rank: (ordinal: number) => number): number {
    let min = Infinity;
    this.forEach((o) => {
      const r = rank(o);
      if (r < min) min = r;
    });
    return min;
  }
}

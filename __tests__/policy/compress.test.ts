import { ActionSet } from '../../src/policy/action-set.js';
import { loadCatalog, type Catalog } from '../../src/policy/catalog.js';
import {
  compressActions,
  expandActionSet,
  noteActionList,
  wordStarts,
  type ActionSetDescription,
} from '../../src/policy/compress.js';
import { rng } from '../helpers/rng.js';

const catalog = loadCatalog();
const all = catalog.all().map((a) => a.full);

/** The description expanded with the catalog's own expand: the keys of the actions it stands for. */
function expandKeys(d: ActionSetDescription, cat: Catalog = catalog): Set<string> {
  const out = new Set<string>();
  for (const p of d.patterns) for (const a of cat.expand(p)) out.add(a.key);
  for (const p of d.except) for (const a of cat.expand(p)) out.delete(a.key);
  return out;
}

function keysOf(names: readonly string[]): Set<string> {
  return new Set(names.map((n) => n.toLowerCase()));
}

/** The description is exact, in catalog order, and never longer than the list itself. */
function checkExact(names: string[]): ActionSetDescription {
  const d = compressActions(names, catalog)!;
  expect(d).toBeDefined();
  const want = keysOf(names);
  const got = expandKeys(d);
  expect(got.size).toBe(want.size);
  for (const k of want)
    if (!got.has(k)) throw new Error(`missing ${k} from ${JSON.stringify(d).slice(0, 300)}`);
  expect(d.count).toBe(want.size);
  expect(d.patterns.length + d.except.length).toBeLessThanOrEqual(Math.max(1, want.size));
  // expandActionSet gives the canonical names, sorted as Finding.actions is.
  expect(expandActionSet(d, catalog)).toEqual([...new Set(names)].sort());
  return d;
}

const expandNames = (p: string) => catalog.expand(p).map((a) => a.full);
const minus = (a: readonly string[], b: readonly string[]) => {
  const drop = new Set(b);
  return a.filter((x) => !drop.has(x));
};

describe('compressActions: worked examples', () => {
  it('ec2:Describe* is one pattern', () => {
    const d = checkExact(expandNames('ec2:Describe*'));
    expect(d).toEqual({
      patterns: ['ec2:Describe*'],
      except: [],
      count: expandNames('ec2:Describe*').length,
    });
  });

  it('every s3 action but 6 is `s3:*` except those 6', () => {
    const s3 = expandNames('s3:*');
    const six = [
      's3:DeleteBucket',
      's3:PutObjectAcl',
      's3:BypassGovernanceRetention',
      's3:GetObject',
      's3:ListBucket',
      's3:PutBucketPolicy',
    ];
    const d = checkExact(minus(s3, six));
    expect(d.patterns).toEqual(['s3:*']);
    expect([...d.except].sort()).toEqual([...six].sort());
    expect(d.count).toBe(s3.length - 6);
  });

  it('a NotAction complement is every action except the services left out', () => {
    const set = minus(all, [...expandNames('iam:*'), ...expandNames('organizations:*')]);
    const d = checkExact(set);
    expect(d).toEqual({ patterns: ['*'], except: ['iam:*', 'organizations:*'], count: set.length });
  });

  it('a complement with scattered holes lists the holes as exceptions', () => {
    const holes = ['s3:GetObject', 'ec2:DescribeInstances', 'sts:AssumeRole', ...expandNames('iam:*')];
    const d = checkExact(minus(all, holes));
    expect(d.patterns).toEqual(['*']);
    expect(d.except).toEqual(['ec2:DescribeInstances', 'iam:*', 's3:GetObject', 'sts:AssumeRole']);
  });

  it('the whole catalog is `*`; a whole service is `svc:*`; a single action is itself', () => {
    expect(checkExact(all)).toEqual({ patterns: ['*'], except: [], count: all.length });
    expect(checkExact(expandNames('sqs:*')).patterns).toEqual(['sqs:*']);
    expect(checkExact(['iam:PassRole'])).toEqual({ patterns: ['iam:PassRole'], except: [], count: 1 });
  });

  it('the empty set is no pattern', () => {
    expect(checkExact([])).toEqual({ patterns: [], except: [], count: 0 });
  });

  it('a prefix family and a few loose actions', () => {
    const set = [...expandNames('s3:Get*'), ...expandNames('s3:List*'), 'ec2:RunInstances', 'iam:PassRole'];
    const d = checkExact(set);
    expect(d.patterns).toEqual(
      expect.arrayContaining(['s3:Get*', 's3:List*', 'ec2:RunInstances', 'iam:PassRole']),
    );
  });

  it('accepts any case and duplicates, and counts distinct actions', () => {
    const d = compressActions(['S3:getobject', 's3:GetObject', 'IAM:PASSROLE'], catalog)!;
    expect(d).toEqual({ patterns: ['iam:PassRole', 's3:GetObject'], except: [], count: 2 });
  });

  it('gives undefined for a name the catalog does not have', () => {
    expect(compressActions(['s3:GetObject', 's3:NoSuchAction'], catalog)).toBeUndefined();
    expect(compressActions(['s3:Get*'], catalog)).toBeUndefined();
  });

  it('splits names into CamelCase words', () => {
    expect(wordStarts('GetACLPolicy')).toEqual([3, 6]);
    expect(wordStarts('DescribeInstances')).toEqual([8]);
    expect(wordStarts('uploadFiles')).toEqual([6]);
    expect(wordStarts('connect')).toEqual([]);
  });

  it('uses readable word prefixes only', () => {
    const d = checkExact(minus(expandNames('ec2:Describe*'), ['ec2:DescribeInstances']));
    for (const p of [...d.patterns, ...d.except]) {
      const name = p.slice(p.indexOf(':') + 1);
      if (!name.endsWith('*') || name === '*') continue;
      const prefix = name.slice(0, -1);
      const from = catalog.expand(p)[0]!.name;
      expect([...wordStarts(from), from.length]).toContain(prefix.length);
    }
  });
});

describe('compressActions: exactness on random sets (property)', () => {
  const services = catalog.services().filter((s) => catalog.actionsOf(s).length > 0);
  const cases: [string, (r: () => number) => string[]][] = [
    ['random actions anywhere', (r) => all.filter(() => r() < 0.002 + r() * 0.01)],
    [
      'random subsets of a few services',
      (r) => {
        const picked = Array.from(
          { length: 1 + Math.floor(r() * 4) },
          () => services[Math.floor(r() * services.length)]!,
        );
        const density = r();
        return picked.flatMap((s) => catalog.actionsOf(s).map((a) => a.full)).filter(() => r() < density);
      },
    ],
    [
      'whole services',
      (r) =>
        Array.from(
          { length: 1 + Math.floor(r() * 6) },
          () => services[Math.floor(r() * services.length)]!,
        ).flatMap((s) => expandNames(`${s}:*`)),
    ],
    [
      'complements of random sets',
      (r) => {
        const holes = new Set(all.filter(() => r() < 0.01));
        for (const s of services) if (r() < 0.05) for (const a of catalog.actionsOf(s)) holes.add(a.full);
        return all.filter((a) => !holes.has(a));
      },
    ],
    [
      'prefix families with holes',
      (r) => {
        const s = services[Math.floor(r() * services.length)]!;
        const names = catalog.actionsOf(s).map((a) => a.name);
        const word = names[Math.floor(r() * names.length)]!;
        const starts = wordStarts(word);
        const prefix = word.slice(0, starts[0] ?? word.length);
        return expandNames(`${s}:${prefix}*`).filter(() => r() < 0.9);
      },
    ],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const r = rng(seed * 7919 + name.length);
        checkExact(make(r));
      }
    });
    it(`${name}: a list noted with its set (noteActionList) gets the same description`, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const r = rng(seed * 7919 + name.length);
        const names = [...new Set(make(r))].sort();
        const set = ActionSet.fromActions(names.map((n) => catalog.lookup(n)!));
        const noted = [...names];
        noteActionList(noted, set, catalog);
        const want = compressActions([...names], catalog);
        expect(compressActions(noted, catalog)).toEqual(want);
        // A list from another set (not the one noted) is not taken from it.
        const wrong = [...names];
        noteActionList(wrong, ActionSet.EMPTY, catalog);
        expect(compressActions(wrong, catalog)).toEqual(want);
      }
    });
  }

  it('single actions, each exactly itself', () => {
    const r = rng(42);
    for (let i = 0; i < 200; i++) {
      const a = all[Math.floor(r() * all.length)]!;
      const d = checkExact([a]);
      expect(d.patterns).toEqual([a]);
    }
  });
});

describe('compressActions: shortest', () => {
  // Brute force on small services: over every subset of the service, the fewest patterns (include
  // or except, from the same candidates: svc:*, word prefixes, single actions) that describe it.
  it('uses no more patterns than any other description of that form (small services, every subset)', () => {
    const small = catalog
      .services()
      .map((s) => catalog.actionsOf(s))
      .filter((list) => list.length >= 2 && list.length <= 5)
      .slice(0, 12);
    expect(small.length).toBeGreaterThan(3);
    for (const actions of small) {
      const service = actions[0]!.service;
      const n = actions.length;
      const bit = new Map(actions.map((a, i) => [a.key, 1 << i]));
      const candidates = new Set<string>([`${service}:*`]);
      for (const a of actions) {
        candidates.add(a.full);
        for (const at of wordStarts(a.name)) candidates.add(`${service}:${a.name.slice(0, at)}*`);
        candidates.add(`${service}:${a.name}*`);
      }
      const masks = [
        ...new Set([...candidates].map((p) => catalog.expand(p).reduce((m, a) => m | bit.get(a.key)!, 0))),
      ];
      // best[target] = fewest patterns: each candidate is unused, included or excepted.
      const best = new Map<number, number>();
      const walk = (i: number, inc: number, exc: number, used: number) => {
        if (i === masks.length) {
          const target = inc & ~exc;
          if (used < (best.get(target) ?? Infinity)) best.set(target, used);
          return;
        }
        walk(i + 1, inc, exc, used);
        walk(i + 1, inc | masks[i]!, exc, used + 1);
        walk(i + 1, inc, exc | masks[i]!, used + 1);
      };
      walk(0, 0, 0, 0);
      for (let set = 1; set < 1 << n; set++) {
        const names = actions.filter((_, i) => set & (1 << i)).map((a) => a.full);
        const d = checkExact(names);
        expect(d.patterns.length + d.except.length).toBe(best.get(set));
      }
    }
  });
});

describe('compressActions: speed and caching', () => {
  it('describes a 22,000-action complement in a few milliseconds once the trees are built', () => {
    const set = minus(all, [...expandNames('iam:*'), 's3:GetObject']);
    compressActions([...set], catalog); // builds every service's tree
    const other = minus(all, [...expandNames('organizations:*'), 'ec2:RunInstances']);
    const t0 = performance.now();
    const d = compressActions(other, catalog)!;
    const ms = performance.now() - t0;
    expect(d.patterns).toEqual(['*']);
    // Typically 5-15 ms; the bound leaves room for a loaded machine.
    expect(ms).toBeLessThan(500);
  });

  it('describes a large noted set through its complement as it describes the list (the two paths agree)', () => {
    // Sets of more than half the catalog, noted with their set, take the complement path; the
    // same names in a fresh list (not noted) take the marks of every member. Around the half,
    // with whole services out, parts of services out, and single actions out.
    const services = catalog.services().filter((x) => catalog.actionsOf(x).length > 0);
    const r = rng(20260115);
    for (let i = 0; i < 40; i++) {
      const outServices = new Set(services.filter(() => r() < [0, 0.01, 0.1, 0.45][i % 4]!));
      const holeRate = [0.0005, 0.01, 0.2, 0.5][(i >> 2) % 4]!;
      const names = all.filter((a) => !outServices.has(a.split(':')[0]!) && r() >= holeRate);
      const noted = [...names];
      noteActionList(noted, ActionSet.fromActions(noted.map((n) => catalog.lookup(n)!)), catalog);
      const viaSet = compressActions(noted, catalog);
      const viaNames = compressActions([...names].reverse(), catalog);
      expect(viaSet).toEqual(viaNames);
      expect(viaSet!.count).toBe(names.length);
    }
  });

  it('caches a short list by content: a copy is answered from the cache, a reordering gives an equal description', () => {
    const list = [
      'ec2:DescribeInstances',
      's3:GetObject',
      'iam:PassRole',
      'ec2:RunInstances',
      'ec2:DescribeVolumes',
    ];
    const first = compressActions([...list], catalog)!;
    expect(compressActions([...list], catalog)).toBe(first);
    const reordered = compressActions([...list].reverse(), catalog)!;
    expect(reordered).toEqual(first);
    expect(
      compressActions(
        list.map((n) => n.toUpperCase()),
        catalog,
      ),
    ).toEqual(first);
    // A list with a name the catalog lacks is cached as undefined, and stays so.
    expect(compressActions([...list, 's3:NoSuchAction'], catalog)).toBeUndefined();
    expect(compressActions([...list, 's3:NoSuchAction'], catalog)).toBeUndefined();
  });

  it('never answers a short list from the cache of another list that joins to the same text', () => {
    // Both lists are the same text joined with newlines: the cache key. The first, one name
    // with a newline in it, is no action; the second is two actions.
    const one = ['s3:GetObject\ns3:PutObject'];
    const two = ['s3:GetObject', 's3:PutObject'];
    expect(compressActions([...one], catalog)).toBeUndefined();
    expect(compressActions([...two], catalog)).toEqual({ patterns: two, except: [], count: 2 });
    expect(compressActions([...one], catalog)).toBeUndefined();
  });

  it('answers the same list (by identity or content) from the cache', () => {
    const set = minus(all, expandNames('kms:*'));
    const first = compressActions(set, catalog);
    expect(compressActions(set, catalog)).toBe(first);
    expect(compressActions([...set], catalog)).toBe(first);
  });
});

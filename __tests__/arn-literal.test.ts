// The fast path for literal resources (src/policy/arn.ts: LiteralPattern, literalForm, the
// one-wildcard shortcut of intersectRange) gives the same answers as the token path, which reads
// every pattern character by character: on random literal ARNs against random policy patterns and
// against every ARN format of a few catalog services.
import fc from 'fast-check';
import {
  arnContains,
  arnFormatFields,
  arnFormatToPattern,
  arnIntersects,
  arnMatches,
  arnResourcePrefix,
  arnServiceField,
  formatMatcher,
  isAll,
  isLiteral,
  parseArnPattern,
  parseArnPatternTokens,
} from '../src/policy/arn.js';
import { loadCatalog } from '../src/policy/catalog.js';

/** Literal text: ARN-like pieces, separators, and a character outside the BMP. */
const literalPiece = fc.constantFrom(
  'arn',
  'aws',
  's3',
  'ec2',
  'us-east-1',
  '123456789012',
  'instance',
  'i-0ab',
  'b',
  ':',
  '/',
  '-',
  'x',
  '\u{1F600}',
  'é',
);
const literal = fc.array(literalPiece, { minLength: 0, maxLength: 14 }).map((p) => p.join(''));
/** Policy patterns: the same pieces with wildcards and variables. */
const patternPiece = fc.oneof(
  literalPiece,
  fc.constantFrom('*', '?', '${aws:username}', '${*}', '*/*', ':*:'),
);
const pattern = fc.array(patternPiece, { minLength: 0, maxLength: 12 }).map((p) => p.join(''));

const catalog = loadCatalog();
const formats = [
  ...new Set(
    ['ec2', 's3', 'iam', 'lambda', 'autoscaling', 'codepipeline'].flatMap((svc) =>
      catalog
        .actionsOf(svc)
        .flatMap((a) => a.resourceTypes.map((r) => r.arn).filter((x): x is string => !!x)),
    ),
  ),
].map(arnFormatToPattern);

/** An ARN a format could name: the format with its variables filled by one of a few values. */
const filled = fc
  .tuple(fc.nat(formats.length - 1), fc.constantFrom('v', 'us-east-1', 'a/b', 'a:b', ''))
  .map(([i, v]) => formats[i]!.raw.replace(/\$\{[^}]*\}/g, v));

describe('literal ARN patterns', () => {
  test('read like the token path (tokens, canonical text, prefix, isAll)', () => {
    fc.assert(
      fc.property(literal, (raw) => {
        const fast = parseArnPattern(raw);
        const slow = parseArnPatternTokens(raw);
        expect(fast.tokens).toEqual(slow.tokens);
        expect(fast.canonical).toBe(slow.canonical);
        expect(fast.variables).toEqual(slow.variables);
        expect(fast.unboundPlaceholders).toEqual(slow.unboundPlaceholders);
        expect(isAll(fast)).toBe(isAll(slow));
        expect(arnResourcePrefix(fast)).toBe(arnResourcePrefix(slow));
      }),
      { numRuns: 2000 },
    );
  });

  test('intersect and contain as the token path does, against policy patterns', () => {
    fc.assert(
      fc.property(literal, pattern, (raw, other) => {
        const fast = parseArnPattern(raw);
        const slow = parseArnPatternTokens(raw);
        const o = parseArnPattern(other);
        expect(arnIntersects(fast, o)).toBe(arnIntersects(slow, o));
        expect(arnIntersects(o, fast)).toBe(arnIntersects(o, slow));
        expect(arnContains(o, fast)).toBe(arnContains(o, slow));
        expect(arnContains(fast, o)).toBe(arnContains(slow, o));
        expect(arnMatches(o, raw)).toBe(arnContains(o, slow));
      }),
      { numRuns: 3000 },
    );
  });

  test('meet the catalog formats as the token path does', () => {
    let met = 0;
    fc.assert(
      fc.property(fc.oneof(literal, filled), (raw) => {
        const fast = parseArnPattern(raw);
        const slow = parseArnPatternTokens(raw);
        for (const f of formats) {
          const a = arnIntersects(f, fast);
          expect(a).toBe(arnIntersects(f, slow));
          expect(arnIntersects(fast, f)).toBe(a);
          // The step-counting path (the full programme) agrees too.
          expect(arnIntersects(f, slow, { steps: 0 })).toBe(a);
          if (a) met++;
        }
      }),
      { numRuns: 300, seed: 20261203 },
    );
    // The generated ARNs do meet formats: the comparison is not only of refusals.
    expect(met).toBeGreaterThan(20);
  });
});

describe('arnServiceField', () => {
  test('is the fixed third field, for catalog formats (segs before it) and literal ARNs', () => {
    expect(
      arnServiceField(arnFormatToPattern('arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}')),
    ).toBe('ec2');
    expect(arnServiceField(parseArnPattern('arn:aws:s3:::bucket/key'))).toBe('s3');
    expect(arnServiceField(parseArnPattern('arn:aws:S3:::bucket'))).toBe('S3');
    // A `*` or a policy variable before it may spell `:`: the field is not fixed.
    expect(arnServiceField(parseArnPattern('arn:*:s3:::bucket'))).toBeNull();
    expect(arnServiceField(parseArnPattern('arn:${aws:username}:s3:::bucket'))).toBeNull();
    expect(arnServiceField(parseArnPattern('arn:aws:s3*:::bucket'))).toBeNull();
    expect(arnServiceField(parseArnPattern('*'))).toBeNull();
  });

  test('differs only between patterns that cannot meet (the index of formats by service is exact)', () => {
    fc.assert(
      fc.property(fc.oneof(literal, filled, pattern), (raw) => {
        const p = parseArnPattern(raw);
        const mine = arnServiceField(p);
        for (const f of formats) {
          const theirs = arnServiceField(f);
          if (mine !== null && theirs !== null && mine !== theirs)
            expect(arnIntersects(f, p, { steps: 0 })).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('arnIntersects against brute force', () => {
  // Small patterns over a small alphabet: two patterns meet iff some string of at most the
  // number of their character-spelling tokens meets both (a star need only spell characters the
  // other side spells), so every string up to that length is tried.
  const ALPHABET = ['a', '/', ':', 'z'];
  const policyToken = fc.constantFrom('a', '/', ':', '*', '?', '${aws:x}');
  const formatToken = fc.constantFrom('a', '/', ':', '*', '${Region}', '${Foo}');
  /**
   * In a format, a variable that is a whole field before the resource part (between the first and
   * fifth `:`, a `:` on each side) is one or more characters without `/` or `:`, whatever its name.
   */
  const wholeField = (tokens: string[], k: number, format: boolean) =>
    format &&
    tokens[k]!.startsWith('${') &&
    tokens[k - 1] === ':' &&
    tokens[k + 1] === ':' &&
    tokens.slice(0, k).filter((t) => t === ':').length <= 4;
  const regexOf = (tokens: string[], format: boolean) =>
    new RegExp(
      `^${tokens
        .map((t, k) =>
          wholeField(tokens, k, format)
            ? '[^/:]+'
            : t === '*' || t === '${aws:x}' || t === '${Foo}'
              ? '[^]*'
              : t === '?'
                ? '[^]'
                : t === '${Region}'
                  ? '[^/:]*'
                  : t.replace(/[/]/g, '\\/'),
        )
        .join('')}$`,
    );
  const strings = (max: number): string[] => {
    const out = [''];
    let level = [''];
    for (let n = 1; n <= max; n++) {
      level = level.flatMap((s) => ALPHABET.map((c) => s + c));
      out.push(...level);
    }
    return out;
  };
  const upTo = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(strings);

  test('a policy pattern against a format, and two policy patterns', () => {
    fc.assert(
      fc.property(
        fc.array(policyToken, { maxLength: 4 }),
        fc.oneof(
          fc.array(formatToken, { maxLength: 4 }).map((t) => ({ t, format: true })),
          // A whole field more often than the draws above make one.
          fc
            .tuple(fc.array(formatToken, { maxLength: 1 }), fc.constantFrom('${Region}', '${Foo}'))
            .map(([x, v]) => ({ t: [...x, ':', v, ':'], format: true })),
          fc.array(policyToken, { maxLength: 4 }).map((t) => ({ t, format: false })),
        ),
        (a, { t: b, format }) => {
          const pa = parseArnPattern(a.join(''));
          const pb = format ? arnFormatToPattern(b.join('')) : parseArnPattern(b.join(''));
          // (A whole field may need one character of its own.)
          const spelled = (ts: string[], format: boolean) =>
            ts.filter((t, k) => (t.length === 1 && t !== '*') || wholeField(ts, k, format)).length;
          const ra = regexOf(a, false);
          const rb = regexOf(b, format);
          const expected = upTo[spelled(a, false) + spelled(b, format)]!.some(
            (s) => ra.test(s) && rb.test(s),
          );
          expect(arnIntersects(pa, pb)).toBe(expected);
          expect(arnIntersects(pb, pa)).toBe(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('formatMatcher', () => {
  // Synthetic formats too: a `?`, a `*` and characters a regular expression would read as syntax.
  const synthetic = [
    'arn:${Partition}:svc:${Region}:${Account}:thing/?${ThingId}',
    'arn:${Partition}:svc:::a.b+c(d)[e]{f}|g^h$i\\j/${Key}*',
    'arn:*:svc:${Region}:${Account}:${Name}',
    'arn:${Partition}:svc:::\u{1F600}/${Id}',
    'arn:${Partition}:svc:${Region}:${Account}:a/${Name}/?/${Other}',
    'arn:*:svc:${Region}:${Account}:${Name}:${Other}/${ThingId}',
  ].map(arnFormatToPattern);

  test('matches literal text exactly when arnIntersects says the format meets it', () => {
    let met = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          literal,
          filled,
          fc.constantFrom('arn:aws:svc:::a.b+c(d)[e]{f}|g^h$i\\j/k', 'arn:aws:svc:::\u{1F600}/x'),
        ),
        (raw) => {
          const p = parseArnPattern(raw);
          if (!isLiteral(p)) return;
          for (const f of [...formats, ...synthetic]) {
            const a = arnIntersects(f, p, { steps: 0 });
            expect(formatMatcher(f).test(raw)).toBe(a);
            if (a) met++;
          }
        },
      ),
      { numRuns: 400, seed: 20261203 },
    );
    expect(met).toBeGreaterThan(20);
  });

  test('reads characters a regular expression would take as syntax as themselves', () => {
    const f = arnFormatToPattern('arn:${Partition}:svc:::a.b+c(d)[e]|g^h\\j/${Key}');
    const yes = 'arn:aws:svc:::a.b+c(d)[e]|g^h\\j/k';
    const no = 'arn:aws:svc:::aXb+c(d)[e]|g^h\\j/k';
    expect(isLiteral(parseArnPattern(yes))).toBe(true);
    expect(formatMatcher(f).test(yes)).toBe(true);
    expect(arnIntersects(f, parseArnPattern(yes), { steps: 0 })).toBe(true);
    expect(formatMatcher(f).test(no)).toBe(false);
    expect(arnIntersects(f, parseArnPattern(no), { steps: 0 })).toBe(false);
    // One code point for a `?`, also outside the BMP.
    const q = arnFormatToPattern('arn:${Partition}:svc:::x?');
    expect(formatMatcher(q).test('arn:aws:svc:::x\u{1F600}')).toBe(true);
    expect(formatMatcher(q).test('arn:aws:svc:::x\u{1F600}\u{1F600}')).toBe(false);
  });

  test('is a regular expression for a format with at most one `*`, a token matcher for more', () => {
    expect(
      formatMatcher(arnFormatToPattern('arn:${Partition}:s3:::${BucketName}/${ObjectName}')),
    ).toBeInstanceOf(RegExp);
    const two = formatMatcher(arnFormatToPattern('arn:${Partition}:svc:::a/${Foo}/b/${Bar}'));
    expect(two).not.toBeInstanceOf(RegExp);
    expect(two.test('arn:aws:svc:::a/x:y/b/z/w')).toBe(true);
    expect(two.test('arn:aws:svc:::a//b/')).toBe(true);
    expect(two.test('arn:aws:svc:::a/x/c/z')).toBe(false);
    expect(two.test('arn:aws/x:svc:::a/x/b/z')).toBe(false); // a partition holds no `/`
  });

  // Every catalog format with more than one `*` (the token matcher's), against ARNs made from it:
  // its variables filled alike or each differently, with separators, empty values, a character
  // outside the BMP; and the same ARNs cut short, or with a character changed or added.
  const multi = [
    ...new Set(
      catalog
        .services()
        .flatMap((svc) => catalog.actionsOf(svc).flatMap((a) => a.resourceTypes.map((r) => r.arn)))
        .filter((x): x is string => !!x),
    ),
  ]
    .map(arnFormatToPattern)
    .filter((f) => f.tokens.filter((t) => t.kind === 'star').length > 1);
  const value = fc.constantFrom('v', 'us-east-1', 'a/b', 'a:b', '', 'x*y', '\u{1F600}', 'job-queue/q', '::');
  const made = fc
    .tuple(fc.nat(multi.length - 1), fc.array(value, { minLength: 8, maxLength: 8 }), fc.nat(5), fc.nat(200))
    .map(([i, values, edit, at]) => {
      let k = 0;
      const raw = multi[i]!.raw.replace(/\$\{[^}]*\}/g, () => values[k++ % values.length]!);
      const cut = at % (raw.length + 1);
      // Half as made, then cut short, a character changed, a `/` added.
      const text =
        edit < 3
          ? raw
          : edit === 3
            ? raw.slice(0, cut)
            : edit === 4
              ? raw.slice(0, cut) + 'q' + raw.slice(cut + 1)
              : raw.slice(0, cut) + '/' + raw.slice(cut);
      return { format: multi[i]!, text };
    });

  test('catalog formats with several `*`: the token matcher answers as arnIntersects', () => {
    expect(multi.length).toBeGreaterThan(50);
    let met = 0;
    let checked = 0;
    fc.assert(
      fc.property(made, ({ format, text }) => {
        const p = parseArnPattern(text);
        if (!isLiteral(p)) return;
        checked++;
        const a = arnIntersects(format, p, { steps: 0 });
        expect(formatMatcher(format).test(text)).toBe(a);
        if (a) met++;
      }),
      { numRuns: 3000, seed: 20261203 },
    );
    expect(checked).toBeGreaterThan(1500);
    // (Fewer than the values' mix suggests: an empty region or account meets no format that
    // writes a variable there.)
    expect(met).toBeGreaterThan(50);
    expect(checked - met).toBeGreaterThan(300);
  });

  test('token matcher: `?` reads one code point, outside the BMP too, and a lone surrogate is one', () => {
    const f = arnFormatToPattern('arn:${Partition}:svc:${Region}:${Account}:a/${Name}/?/${Other}');
    expect(formatMatcher(f)).not.toBeInstanceOf(RegExp);
    const cases: [string, boolean][] = [
      ['arn:aws:svc:r:1:a/n/\u{1F600}/o', true],
      ['arn:aws:svc:r:1:a/n/\u{1F600}x/o', false],
      ['arn:aws:svc:r:1:a/n/\uD83D/o', true],
      ['arn:aws:svc:r:1:a/n//o', false],
    ];
    for (const [text, want] of cases) {
      expect(isLiteral(parseArnPattern(text))).toBe(true);
      expect(arnIntersects(f, parseArnPattern(text), { steps: 0 })).toBe(want);
      expect(formatMatcher(f).test(text)).toBe(want);
    }
  });

  test('text made to nearly match a format of six `*` is answered, as arnIntersects does', () => {
    const f = arnFormatToPattern('arn:${Partition}:svc:::${A}/x/${B}/x/${C}/x/${D}/x/${E}/x/${F}/y');
    const near = `arn:aws:svc:::${'/x'.repeat(120)}/z`;
    const hit = `arn:aws:svc:::${'/x'.repeat(120)}/y`;
    for (const text of [near, hit]) {
      expect(isLiteral(parseArnPattern(text))).toBe(true);
      expect(formatMatcher(f).test(text)).toBe(arnIntersects(f, parseArnPattern(text), { steps: 0 }));
    }
    expect(formatMatcher(f).test(hit)).toBe(true);
    expect(formatMatcher(f).test(near)).toBe(false);
  });

  test('literal text is read as literal; anything with a wildcard, variable or placeholder is not', () => {
    expect(isLiteral(parseArnPattern('arn:aws:s3:::bucket/key'))).toBe(true);
    for (const raw of [
      'arn:aws:s3:::bucket/*',
      'arn:aws:s3:::b?',
      'arn:aws:s3:::${aws:username}',
      'arn:aws:s3:::<bucket>',
      '{YOUR_BUCKET}',
    ])
      expect(isLiteral(parseArnPattern(raw))).toBe(false);
  });
});

describe('arnFormatFields', () => {
  // The catalog index sorts formats by these two fields without parsing them (grant-sets.ts).
  const fromPattern = (format: string) => {
    const p = arnFormatToPattern(format);
    return { service: arnServiceField(p), resourcePrefix: arnResourcePrefix(p) };
  };

  test('gives the parsed pattern’s service field and resource prefix for every catalog format', () => {
    const all = new Set<string>();
    for (const a of loadCatalog().all()) for (const rt of a.resourceTypes) if (rt.arn) all.add(rt.arn);
    expect(all.size).toBeGreaterThan(2000);
    let withPrefix = 0;
    for (const f of all) {
      const got = arnFormatFields(f);
      expect(got).toEqual(fromPattern(f));
      if (got.resourcePrefix) withPrefix++;
    }
    expect(withPrefix).toBeGreaterThan(1000);
  });

  test('and for text made of format pieces, wildcards, unclosed and empty variables', () => {
    const piece = fc.constantFrom(
      'arn',
      ':',
      '/',
      's3',
      'a',
      '*',
      '?',
      '$',
      '{',
      '}',
      '${',
      '${ }',
      '${Partition}',
      '${Region}',
      '${BucketName}',
      '${ThingId}',
      '${Key}',
      '${a:b}',
      '\u{1F600}',
      'é',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => {
        const f = pieces.join('');
        expect(arnFormatFields(f)).toEqual(fromPattern(f));
      }),
      { numRuns: 5000, seed: 20261204 },
    );
    expect(arnFormatFields('arn:${Partition}:s3:::${BucketName}/${ObjectName}')).toEqual({
      service: 's3',
      resourcePrefix: '',
    });
    expect(arnFormatFields('arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}')).toEqual({
      service: 'iam',
      resourcePrefix: 'role/',
    });
    expect(arnFormatFields('arn:${Partition}:${Service}:::x')).toEqual({
      service: null,
      resourcePrefix: null,
    });
  });
});

describe("a policy's `*`", () => {
  it('is one object per bindings, read as every resource', () => {
    const a = parseArnPattern('*');
    expect(parseArnPattern('*')).toBe(a);
    expect(isAll(a)).toBe(true);
    expect(a.tokens).toEqual([{ kind: 'star' }]);
    const bindings = { '<account-ID-without-hyphens>': '123456789012' };
    const bound = parseArnPattern('*', bindings);
    expect(parseArnPattern('*', bindings)).toBe(bound);
    expect(bound).not.toBe(a);
    expect(bound.bindings).toBe(bindings);
    expect(isAll(bound)).toBe(true);
    // Not a format's `*`, nor a text around a star.
    expect(parseArnPattern(' *')).not.toBe(a);
    expect(arnFormatToPattern('*')).not.toBe(a);
  });
});

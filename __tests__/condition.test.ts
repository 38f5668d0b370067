// Direct tests of src/policy/condition.ts: does a policy's Condition restrict at least as much as
// the baseline's? The contract (see the file's header): `yes` only when it provably does, `no` when
// the baseline's key is not constrained at all or the values provably allow more, `unknown` when both
// constrain the key in ways the tool cannot compare exactly. Expected values follow the IAM User
// Guide, "IAM JSON policy elements: Condition operators".
import type { Condition } from '../src/policy/document.js';
import {
  cidrContains,
  conditionAsWritten,
  conditionForService,
  conditionImplies,
  conditionService,
  conditionsExclude,
  denyConditionHolds,
  mergeConditions,
} from '../src/policy/condition.js';

/** The implication of `have` (the policy's condition) on `need` (the baseline's). */
const implies = (have: Condition | undefined, need: Condition | undefined) =>
  conditionImplies(have, need).result;
/** One operator, one key, its values. */
const c = (op: string, key: string, ...values: string[]): Condition => ({ [op]: { [key]: values } });

describe('conditionImplies: the baseline asks for nothing', () => {
  it('is yes with no condition on either side, or an empty one', () => {
    expect(conditionImplies(undefined, undefined)).toEqual({ result: 'yes', missing: [] });
    expect(conditionImplies(c('StringEquals', 'aws:RequestedRegion', 'eu-west-1'), undefined)).toEqual({
      result: 'yes',
      missing: [],
    });
    expect(conditionImplies(undefined, {})).toEqual({ result: 'yes', missing: [] });
  });
});

describe('conditionImplies: a key the policy does not constrain', () => {
  it('is no, and names the operator and key as written in the baseline', () => {
    const need = c('StringEquals', 'ec2:ResourceTag/owner', 'coiled');
    expect(conditionImplies(undefined, need)).toEqual({
      result: 'no',
      missing: ['StringEquals ec2:ResourceTag/owner'],
    });
    expect(conditionImplies(c('StringEquals', 'aws:RequestedRegion', 'eu-west-1'), need)).toEqual({
      result: 'no',
      missing: ['StringEquals ec2:ResourceTag/owner'],
    });
  });

  it('matches condition keys case-insensitively (IAM condition key names are not case-sensitive)', () => {
    expect(
      implies(
        c('IpAddress', 'AWS:SOURCEIP', '203.0.113.0/24'),
        c('IpAddress', 'aws:SourceIp', '203.0.113.0/24'),
      ),
    ).toBe('yes');
  });

  it('ignores keys the policy constrains and the baseline does not', () => {
    const have: Condition = {
      StringEquals: { 'ec2:ResourceTag/owner': ['coiled'], 'aws:RequestedRegion': ['eu-west-1'] },
      Bool: { 'aws:SecureTransport': ['true'] },
    };
    expect(implies(have, c('StringEquals', 'ec2:ResourceTag/owner', 'coiled'))).toBe('yes');
  });

  it('is unknown when the policy names the key with no value at all', () => {
    expect(
      implies(c('StringEquals', 'aws:PrincipalTag/team'), c('StringEquals', 'aws:PrincipalTag/team', 'data')),
    ).toBe('unknown');
  });
});

describe('conditionImplies: the same key under two names', () => {
  it("reads a policy's aws:ResourceTag/… for a baseline's ec2:ResourceTag/…, values still compared", () => {
    const ec2 = c('StringEquals', 'ec2:ResourceTag/owner', 'coiled');
    const aws = c('StringEquals', 'aws:ResourceTag/owner', 'coiled');
    expect(implies(aws, ec2)).toBe('yes');
    // Not the other way: another service's actions never supply ec2:ResourceTag.
    expect(implies(ec2, aws)).toBe('no');
    expect(implies(c('StringEquals', 'aws:ResourceTag/owner', 'other'), ec2)).toBe('no');
    expect(implies(c('StringEquals', 'aws:ResourceTag/team', 'coiled'), ec2)).toBe('no');
    // Other services' own tag keys are not read as the global one.
    expect(implies(c('StringEquals', 'rds:db-tag/owner', 'coiled'), aws)).toBe('no');
    expect(implies(c('StringEquals', 'ssm:resourceTag/owner', 'coiled'), aws)).toBe('no');
  });
});

describe("conditionForService: a tag key under the service's own name, for that service's actions", () => {
  const aws = c('StringEquals', 'aws:ResourceTag/owner', 'coiled');
  const ec2 = c('StringEquals', 'ec2:ResourceTag/owner', 'coiled');

  it('EC2: ec2:ResourceTag/k and aws:ResourceTag/k are the same test, both ways', () => {
    expect(implies(ec2, conditionForService(aws, 'ec2'))).toBe('yes');
    expect(implies(aws, conditionForService(ec2, 'ec2'))).toBe('yes');
    expect(
      implies(c('StringEquals', 'EC2:resourcetag/Owner', 'coiled'), conditionForService(aws, 'ec2')),
    ).toBe('yes');
    // Values, the tag's name, operators and qualifiers still compared.
    expect(
      implies(c('StringEquals', 'ec2:ResourceTag/owner', 'other'), conditionForService(aws, 'ec2')),
    ).toBe('no');
    expect(
      implies(c('StringEquals', 'ec2:ResourceTag/team', 'coiled'), conditionForService(aws, 'ec2')),
    ).toBe('no');
    expect(
      implies(
        c('Null', 'ec2:ResourceTag/owner', 'false'),
        conditionForService(c('Null', 'aws:ResourceTag/owner', 'false'), 'ec2'),
      ),
    ).toBe('yes');
    expect(
      implies(ec2, conditionForService(c('StringEqualsIfExists', 'aws:ResourceTag/owner', 'coiled'), 'ec2')),
    ).toBe('yes');
    expect(
      implies(c('StringEqualsIfExists', 'ec2:ResourceTag/owner', 'coiled'), conditionForService(aws, 'ec2')),
    ).toBe('unknown');
    // Not RequestTag: EC2 documents no ec2:RequestTag.
    expect(
      implies(
        c('StringEquals', 'ec2:RequestTag/owner', 'coiled'),
        conditionForService(c('StringEquals', 'aws:RequestTag/owner', 'coiled'), 'ec2'),
      ),
    ).toBe('no');
  });

  it("another service's actions: no alias, not even ec2:ResourceTag for aws:ResourceTag", () => {
    expect(implies(ec2, conditionForService(aws, 's3'))).toBe('no');
    expect(implies(aws, conditionForService(ec2, 's3'))).toBe('no');
    // ec2-instance-connect documents ec2:ResourceTag: the instance's tags, not its own resource's.
    expect(implies(ec2, conditionForService(aws, 'ec2-instance-connect'))).toBe('no');
  });

  it('a service with its own alias AWS does not document as the same test: unknown at best, no when the values differ', () => {
    const sm = c('StringEquals', 'secretsmanager:ResourceTag/owner', 'coiled');
    expect(implies(sm, conditionForService(aws, 'secretsmanager'))).toBe('unknown');
    expect(implies(aws, conditionForService(sm, 'secretsmanager'))).toBe('unknown');
    expect(
      implies(
        c('StringEquals', 'secretsmanager:ResourceTag/owner', 'other'),
        conditionForService(aws, 'secretsmanager'),
      ),
    ).toBe('no');
    expect(
      implies(
        c('StringEquals', 'elasticmapreduce:RequestTag/owner', 'coiled'),
        conditionForService(c('StringEquals', 'aws:RequestTag/owner', 'coiled'), 'elasticmapreduce'),
      ),
    ).toBe('unknown');
    // The global key itself is still exact.
    expect(implies(aws, conditionForService(aws, 'secretsmanager'))).toBe('yes');
  });

  it('a copy per service, the same each time; the condition itself when it has no tag key', () => {
    const plain = c('StringEquals', 'aws:RequestedRegion', 'eu-west-1');
    expect(conditionForService(plain, 'ec2')).toBe(plain);
    const scoped = conditionForService(aws, 'ec2');
    expect(scoped).not.toBe(aws);
    expect(scoped).toEqual(aws);
    expect(conditionForService(aws, 'ec2')).toBe(scoped);
    expect(conditionForService(aws, 's3')).not.toBe(scoped);
    expect(conditionService(scoped)).toBe('ec2');
    expect(conditionService(aws)).toBeUndefined();
  });
});

describe('String operators', () => {
  it('StringEquals: yes when every policy value is one the baseline allows, no otherwise', () => {
    const need = c('StringEquals', 'aws:RequestedRegion', 'eu-west-1', 'us-east-1');
    expect(implies(c('StringEquals', 'aws:RequestedRegion', 'eu-west-1'), need)).toBe('yes');
    expect(implies(c('StringEquals', 'aws:RequestedRegion', 'us-east-1', 'eu-west-1'), need)).toBe('yes');
    expect(
      conditionImplies(c('StringEquals', 'aws:RequestedRegion', 'eu-west-1', 'ap-south-1'), need),
    ).toEqual({
      result: 'no',
      missing: ['StringEquals aws:RequestedRegion'],
    });
  });

  it('StringEquals is case-sensitive', () => {
    expect(
      implies(
        c('StringEquals', 'ec2:ResourceTag/owner', 'Coiled'),
        c('StringEquals', 'ec2:ResourceTag/owner', 'coiled'),
      ),
    ).toBe('no');
  });

  it('StringEqualsIgnoreCase compares without case', () => {
    const need = c('StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'Data');
    expect(implies(c('StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'DATA'), need)).toBe('yes');
    expect(implies(c('StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'ops'), need)).toBe('no');
  });

  it('a StringEquals (or wildcard-free StringLike) policy meets a StringEqualsIgnoreCase baseline by its text without case, not the reverse', () => {
    const need = c('StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'data');
    expect(implies(c('StringEquals', 'aws:PrincipalTag/team', 'data'), need)).toBe('yes');
    expect(implies(c('StringEquals', 'aws:PrincipalTag/team', 'Data'), need)).toBe('yes');
    expect(implies(c('StringLike', 'aws:PrincipalTag/team', 'DATA'), need)).toBe('yes');
    expect(implies(c('StringEquals', 'aws:PrincipalTag/team', 'ops'), need)).toBe('no');
    // A pattern allows values past any list of them.
    expect(implies(c('StringLike', 'aws:PrincipalTag/team', 'da*'), need)).toBe('no');
    // The reverse: IgnoreCase allows `DATA` too, which StringEquals `data` does not (not compared).
    expect(
      implies(
        c('StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'data'),
        c('StringEquals', 'aws:PrincipalTag/team', 'data'),
      ),
    ).toBe('unknown');
  });

  it('StringLike: yes when each policy pattern lies inside a baseline pattern', () => {
    const need = c('StringLike', 's3:prefix', 'home/*');
    expect(implies(c('StringLike', 's3:prefix', 'home/alice/*'), need)).toBe('yes');
    expect(implies(c('StringLike', 's3:prefix', 'home/?'), need)).toBe('yes');
    expect(implies(c('StringLike', 's3:prefix', 'home/*'), need)).toBe('yes');
    // Broader than the baseline, or beside it.
    expect(implies(c('StringLike', 's3:prefix', '*'), need)).toBe('no');
    expect(implies(c('StringLike', 's3:prefix', 'other/*'), need)).toBe('no');
    expect(implies(c('StringLike', 's3:prefix', 'home/alice/*', 'tmp/*'), need)).toBe('no');
  });

  it('StringLike is case-sensitive', () => {
    expect(
      implies(c('StringLike', 's3:prefix', 'Home/alice/*'), c('StringLike', 's3:prefix', 'home/*')),
    ).toBe('no');
  });

  it('Like vs Equals: a StringEquals value matched by a StringLike pattern is at least as strict', () => {
    const need = c('StringLike', 's3:prefix', 'home/*');
    expect(implies(c('StringEquals', 's3:prefix', 'home/alice'), need)).toBe('yes');
    expect(implies(c('StringEquals', 's3:prefix', 'etc/passwd'), need)).toBe('no');
  });

  // StringEquals matches exactly: its `*` and `?` are literal characters (IAM User Guide, string
  // condition operators). A policy limited to the one value `home/*x` is therefore within a baseline
  // StringLike `home/?x`, whose `?` matches the `*`.
  it('Like vs Equals: a * in a StringEquals value is a literal character, not a wildcard', () => {
    expect(implies(c('StringEquals', 's3:prefix', 'home/*x'), c('StringLike', 's3:prefix', 'home/?x'))).toBe(
      'yes',
    );
    // ... and only itself: the literal `*` is not matched by a baseline pattern without a wildcard there.
    expect(implies(c('StringEquals', 's3:prefix', 'home/*'), c('StringLike', 's3:prefix', 'home/a'))).toBe(
      'no',
    );
    expect(implies(c('StringEquals', 's3:prefix', 'home/?'), c('StringLike', 's3:prefix', 'home/??'))).toBe(
      'no',
    );
  });

  it('Like vs Equals: a policy variable in a StringEquals value stays an unknown value', () => {
    // `${aws:username}` is any user name: within `home/*`, not within `home/$*` (the text of the variable).
    const have = c('StringEquals', 's3:prefix', 'home/${aws:username}');
    expect(implies(have, c('StringLike', 's3:prefix', 'home/*'))).toBe('yes');
    expect(implies(have, c('StringLike', 's3:prefix', 'home/$*'))).toBe('no');
  });

  it('Like vs Equals: a StringLike policy value without a wildcard is its text, case and all; one with a wildcard allows more', () => {
    const need = c('StringEquals', 's3:prefix', 'home/alice');
    expect(implies(c('StringLike', 's3:prefix', 'home/alice'), need)).toBe('yes');
    expect(implies(c('StringLike', 's3:prefix', 'home/Alice'), need)).toBe('no');
    expect(implies(c('StringLike', 's3:prefix', 'home/bob'), need)).toBe('no');
    expect(implies(c('StringLike', 's3:prefix', 'home/*'), need)).toBe('no');
    expect(implies(c('StringLike', 's3:prefix', 'home/alic?'), need)).toBe('no');
    expect(implies(c('StringLike', 's3:prefix', 'home/alice', 'home/a*'), need)).toBe('no');
    // An aws: policy variable (its values hold no wildcard) is compared as its text, as under
    // StringEquals: the same variable is the same condition, another text is not (the user alice
    // aside, any other user passes); another variable may be any value: not compared exactly.
    expect(implies(c('StringLike', 's3:prefix', 'home/${aws:username}'), need)).toBe('no');
    expect(
      implies(
        c('StringLike', 's3:prefix', 'home/${aws:username}'),
        c('StringEquals', 's3:prefix', 'home/${aws:username}'),
      ),
    ).toBe('yes');
    expect(implies(c('StringLike', 's3:prefix', 'home/${saml:sub}'), need)).toBe('unknown');
    // With IfExists and set qualifiers as for other operators.
    expect(
      implies(
        c('StringLikeIfExists', 's3:prefix', 'home/alice'),
        c('StringEqualsIfExists', 's3:prefix', 'home/alice'),
      ),
    ).toBe('yes');
    expect(implies(c('StringLikeIfExists', 's3:prefix', 'home/alice'), need)).toBe('unknown');
    expect(
      implies(
        c('ForAllValues:StringLike', 'aws:TagKeys', 'owner', 'team'),
        c('ForAllValues:StringEquals', 'aws:TagKeys', 'owner', 'team', 'env'),
      ),
    ).toBe('yes');
    // A baseline's wildcard-free StringLike is its text too.
    expect(
      implies(c('StringLike', 's3:prefix', 'home/alice'), c('StringLike', 's3:prefix', 'home/alice')),
    ).toBe('yes');
    expect(
      implies(c('StringEquals', 's3:prefix', 'home/alice'), c('StringLike', 's3:prefix', 'home/alice')),
    ).toBe('yes');
  });

  it("negated operators: yes when the policy excludes the same values or more, no when it lets one of the baseline's through", () => {
    const need = c('StringNotEquals', 'aws:RequestedRegion', 'ap-south-1');
    expect(implies(c('StringNotEquals', 'aws:RequestedRegion', 'ap-south-1', 'us-west-2'), need)).toBe('yes');
    expect(implies(c('StringNotEquals', 'aws:RequestedRegion', 'ap-south-1'), need)).toBe('yes');
    expect(implies(c('StringNotEquals', 'aws:RequestedRegion', 'us-west-2'), need)).toBe('no');
    expect(
      implies(
        c('StringNotEquals', 'aws:RequestedRegion', 'ap-south-1'),
        c('StringNotEquals', 'aws:RequestedRegion', 'ap-south-1', 'us-west-2'),
      ),
    ).toBe('no');
    // A StringEquals policy: yes when none of its values is excluded, no when one is.
    expect(implies(c('StringEquals', 'aws:RequestedRegion', 'eu-west-1'), need)).toBe('yes');
    expect(implies(c('StringEquals', 'aws:RequestedRegion', 'eu-west-1', 'ap-south-1'), need)).toBe('no');
    expect(implies(c('StringEqualsIfExists', 'aws:RequestedRegion', 'eu-west-1'), need)).toBe('yes');
    expect(implies(c('StringLike', 'aws:RequestedRegion', 'eu-west-1'), need)).toBe('yes');
    expect(
      implies(
        c('StringEquals', 'aws:RequestedRegion', 'ap-south-2'),
        c('StringNotLike', 'aws:RequestedRegion', 'ap-*'),
      ),
    ).toBe('no');
    expect(
      implies(
        c('StringEquals', 'aws:RequestedRegion', 'AP-SOUTH-1'),
        c('StringNotEqualsIgnoreCase', 'aws:RequestedRegion', 'ap-south-1'),
      ),
    ).toBe('no');
    expect(implies(c('StringEquals', 'aws:RequestedRegion', 'AP-SOUTH-1'), need)).toBe('yes');
    // Not compared: a pattern (it may meet an excluded value or not), a variable, a set qualifier.
    expect(implies(c('StringLike', 'aws:RequestedRegion', 'eu-*'), need)).toBe('unknown');
    expect(implies(c('StringEquals', 'aws:RequestedRegion', '${aws:PrincipalTag/region}'), need)).toBe(
      'unknown',
    );
    expect(
      implies(
        c('ForAnyValue:StringEquals', 'aws:RequestedRegion', 'eu-west-1'),
        c('ForAnyValue:StringNotEquals', 'aws:RequestedRegion', 'ap-south-1'),
      ),
    ).toBe('unknown');
    expect(
      implies(c('StringNotLike', 's3:prefix', 'secret/*'), c('StringNotLike', 's3:prefix', 'secret/*')),
    ).toBe('yes');
    // A pattern excluded covers the values within it; a value excluded does not cover a pattern.
    expect(
      implies(c('StringNotLike', 's3:prefix', 'secret/*'), c('StringNotEquals', 's3:prefix', 'secret/a')),
    ).toBe('yes');
    expect(
      implies(c('StringNotEquals', 's3:prefix', 'secret/a'), c('StringNotLike', 's3:prefix', 'secret/*')),
    ).toBe('no');
    // A wildcard-free StringNotLike is StringNotEquals.
    expect(
      implies(c('StringNotLike', 's3:prefix', 'secret/a'), c('StringNotEquals', 's3:prefix', 'secret/a')),
    ).toBe('yes');
    expect(
      implies(c('StringNotEquals', 's3:prefix', 'secret/a'), c('StringNotLike', 's3:prefix', 'secret/a')),
    ).toBe('yes');
    // Case: IgnoreCase excludes every case of its value, StringNotEquals only its text.
    expect(
      implies(
        c('StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'OPS'),
        c('StringNotEquals', 'aws:PrincipalTag/team', 'ops'),
      ),
    ).toBe('yes');
    expect(
      implies(
        c('StringNotEquals', 'aws:PrincipalTag/team', 'ops'),
        c('StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'ops'),
      ),
    ).toBe('unknown');
    expect(
      implies(
        c('StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'ops'),
        c('StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'OPS'),
      ),
    ).toBe('yes');
  });

  it('a negated policy operator does not meet a positive baseline operator (unknown)', () => {
    expect(
      implies(
        c('StringNotEquals', 'aws:RequestedRegion', 'ap-south-1'),
        c('StringEquals', 'aws:RequestedRegion', 'eu-west-1'),
      ),
    ).toBe('unknown');
  });
});

describe('Numeric operators', () => {
  it('NumericEquals compares the values as numbers (`10.0` is `10`)', () => {
    const need = c('NumericEquals', 's3:max-keys', '10', '20');
    expect(implies(c('NumericEquals', 's3:max-keys', '10'), need)).toBe('yes');
    expect(implies(c('NumericEquals', 's3:max-keys', '10.0'), need)).toBe('yes');
    expect(implies(c('NumericEquals', 's3:max-keys', '30'), need)).toBe('no');
  });

  it("a bound within the baseline's bound on the same side is yes; a looser one no", () => {
    // IAM User Guide, numeric condition operators: x < 5 allows only requests x < 10 allows.
    expect(implies(c('NumericLessThan', 's3:max-keys', '5'), c('NumericLessThan', 's3:max-keys', '10'))).toBe(
      'yes',
    );
    expect(
      implies(c('NumericLessThan', 's3:max-keys', '20'), c('NumericLessThan', 's3:max-keys', '10')),
    ).toBe('no');
    expect(implies(c('NumericGreaterThanEquals', 'k', '100'), c('NumericGreaterThanEquals', 'k', '50'))).toBe(
      'yes',
    );
    expect(implies(c('NumericGreaterThan', 'k', '10'), c('NumericGreaterThan', 'k', '50'))).toBe('no');
  });

  it('the bound itself: a strict bound equal to an inclusive one is within it, not the reverse', () => {
    expect(implies(c('NumericLessThan', 'k', '10'), c('NumericLessThanEquals', 'k', '10'))).toBe('yes');
    expect(implies(c('NumericLessThanEquals', 'k', '10'), c('NumericLessThan', 'k', '10'))).toBe('no');
    expect(implies(c('NumericLessThan', 'k', '10'), c('NumericLessThan', 'k', '10'))).toBe('yes');
    expect(implies(c('NumericGreaterThan', 'k', '10'), c('NumericGreaterThanEquals', 'k', '10'))).toBe('yes');
    expect(implies(c('NumericGreaterThanEquals', 'k', '10'), c('NumericGreaterThan', 'k', '10'))).toBe('no');
  });

  it('NumericEquals within a bound is yes; at a strict bound no', () => {
    expect(implies(c('NumericEquals', 'k', '3', '4'), c('NumericLessThan', 'k', '5'))).toBe('yes');
    expect(implies(c('NumericEquals', 'k', '3', '5'), c('NumericLessThan', 'k', '5'))).toBe('no');
    expect(implies(c('NumericEquals', 'k', '5'), c('NumericLessThanEquals', 'k', '5'))).toBe('yes');
  });

  it('the values of one key are alternatives: every policy value must lie within the loosest baseline bound', () => {
    const need = c('NumericLessThan', 'k', '3', '10');
    expect(implies(c('NumericLessThan', 'k', '5', '8'), need)).toBe('yes');
    expect(implies(c('NumericLessThan', 'k', '5', '12'), need)).toBe('no');
  });

  it('a bound on the other side is no (it allows values without end)', () => {
    expect(implies(c('NumericGreaterThan', 'k', '5'), c('NumericLessThan', 'k', '10'))).toBe('no');
  });

  it("a value that is not a number (a policy variable) is unknown; NumericNotEquals excludes at least the baseline's values or allows more", () => {
    expect(
      implies(c('NumericLessThan', 'k', '${aws:PrincipalTag/limit}'), c('NumericLessThan', 'k', '10')),
    ).toBe('unknown');
    expect(implies(c('NumericLessThan', 'k', '5'), c('NumericLessThan', 'k', '${aws:PrincipalTag/x}'))).toBe(
      'unknown',
    );
    expect(implies(c('NumericNotEquals', 'k', '5'), c('NumericNotEquals', 'k', '10'))).toBe('no');
    expect(implies(c('NumericNotEquals', 'k', '10.0', '5'), c('NumericNotEquals', 'k', '10'))).toBe('yes');
  });

  it('IfExists and set qualifiers as for other operators: the same, or the policy without IfExists', () => {
    expect(implies(c('NumericLessThan', 'k', '5'), c('NumericLessThanIfExists', 'k', '10'))).toBe('yes');
    // The policy's IfExists grants where the key is absent, which the baseline's bound does not.
    expect(implies(c('NumericLessThanIfExists', 'k', '5'), c('NumericLessThan', 'k', '10'))).toBe('unknown');
    expect(
      implies(c('ForAnyValue:NumericLessThan', 'k', '5'), c('ForAnyValue:NumericLessThan', 'k', '10')),
    ).toBe('yes');
  });
});

describe('Date operators', () => {
  it('DateEquals compares the dates, whatever their form', () => {
    const need = c('DateEquals', 'aws:CurrentTime', '2026-01-01T00:00:00Z');
    expect(implies(c('DateEquals', 'aws:CurrentTime', '2026-01-01T00:00:00Z'), need)).toBe('yes');
    expect(implies(c('DateEquals', 'aws:CurrentTime', '2026-01-01T01:00:00+01:00'), need)).toBe('yes');
    expect(implies(c('DateEquals', 'aws:CurrentTime', '1767225600'), need)).toBe('yes');
    expect(implies(c('DateEquals', 'aws:CurrentTime', '2027-01-01T00:00:00Z'), need)).toBe('no');
  });

  it('an earlier deadline is within a later one; a later one is not', () => {
    const need = c('DateLessThan', 'aws:CurrentTime', '2027-01-01T00:00:00Z');
    expect(implies(c('DateLessThan', 'aws:CurrentTime', '2026-06-30'), need)).toBe('yes');
    expect(implies(c('DateLessThanEquals', 'aws:CurrentTime', '2026-12-31T23:59:59Z'), need)).toBe('yes');
    expect(implies(c('DateLessThan', 'aws:CurrentTime', '2028-01-01T00:00:00Z'), need)).toBe('no');
    expect(
      implies(
        c('DateGreaterThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z'),
        c('DateGreaterThan', 'aws:CurrentTime', '2025-01-01T00:00:00Z'),
      ),
    ).toBe('yes');
  });

  it('a value that is not a date this tool reads is unknown; DateNotEquals compared as NumericNotEquals is', () => {
    const need = c('DateLessThan', 'aws:CurrentTime', '2027-01-01T00:00:00Z');
    expect(implies(c('DateLessThan', 'aws:CurrentTime', 'next tuesday'), need)).toBe('unknown');
    expect(
      implies(
        c('DateNotEquals', 'aws:CurrentTime', '2026-01-01T00:00:00Z'),
        c('DateNotEquals', 'aws:CurrentTime', '2027-01-01T00:00:00Z'),
      ),
    ).toBe('no');
    expect(
      implies(
        c('DateNotEquals', 'aws:CurrentTime', '2027-01-01T00:00:00Z'),
        c('DateNotEquals', 'aws:CurrentTime', '2027-01-01'),
      ),
    ).toBe('yes');
  });

  it('numeric and date operators are not compared with each other', () => {
    expect(
      implies(c('NumericLessThan', 'aws:EpochTime', '5'), c('DateLessThan', 'aws:EpochTime', '10')),
    ).toBe('unknown');
  });
});

describe('Bool and Binary operators', () => {
  it('Bool compares true and false without case', () => {
    const need = c('Bool', 'aws:SecureTransport', 'true');
    expect(implies(c('Bool', 'aws:SecureTransport', 'true'), need)).toBe('yes');
    expect(implies(c('Bool', 'aws:SecureTransport', 'TRUE'), need)).toBe('yes');
    expect(conditionImplies(c('Bool', 'aws:SecureTransport', 'false'), need)).toEqual({
      result: 'no',
      missing: ['Bool aws:SecureTransport'],
    });
  });

  it('BinaryEquals compares the base-64 values exactly (case matters in base 64)', () => {
    const need = c('BinaryEquals', 'key', 'QmluYXJ5VmFsdWU=');
    expect(implies(c('BinaryEquals', 'key', 'QmluYXJ5VmFsdWU='), need)).toBe('yes');
    expect(implies(c('BinaryEquals', 'key', 'qmluyxj5dmfsdwu='), need)).toBe('no');
  });
});

describe('IP address operators', () => {
  const need = c('IpAddress', 'aws:SourceIp', '203.0.113.0/24');

  it('IpAddress: yes when every policy range lies inside a baseline range', () => {
    expect(implies(c('IpAddress', 'aws:SourceIp', '203.0.113.0/25'), need)).toBe('yes');
    expect(implies(c('IpAddress', 'aws:SourceIp', '203.0.113.128/26', '203.0.113.7'), need)).toBe('yes');
    expect(implies(c('IpAddress', 'aws:SourceIp', '203.0.113.0/24'), need)).toBe('yes');
    expect(
      implies(
        c('IpAddress', 'aws:SourceIp', '198.51.100.4/32'),
        c('IpAddress', 'aws:SourceIp', '203.0.113.0/24', '198.51.100.0/24'),
      ),
    ).toBe('yes');
  });

  it('IpAddress: no when a policy range is wider or elsewhere', () => {
    expect(implies(c('IpAddress', 'aws:SourceIp', '203.0.112.0/23'), need)).toBe('no');
    expect(implies(c('IpAddress', 'aws:SourceIp', '198.51.100.0/24'), need)).toBe('no');
    expect(implies(c('IpAddress', 'aws:SourceIp', '203.0.113.0/25', '0.0.0.0/0'), need)).toBe('no');
  });

  it('IpAddress: a baseline of 0.0.0.0/0 allows every IPv4 range', () => {
    expect(
      implies(c('IpAddress', 'aws:SourceIp', '10.1.2.0/24'), c('IpAddress', 'aws:SourceIp', '0.0.0.0/0')),
    ).toBe('yes');
  });

  it('IPv6 ranges are compared only as text: equal is yes, anything else unknown', () => {
    const need6 = c('IpAddress', 'aws:SourceIp', '2001:db8::/32');
    expect(implies(c('IpAddress', 'aws:SourceIp', '2001:db8::/32'), need6)).toBe('yes');
    expect(implies(c('IpAddress', 'aws:SourceIp', '2001:db8:1::/48'), need6)).toBe('unknown');
    expect(implies(c('IpAddress', 'aws:SourceIp', '2001:db8::/32'), need)).toBe('unknown');
  });

  it('one range that is provably outside makes the answer no, even after an unknown one', () => {
    expect(implies(c('IpAddress', 'aws:SourceIp', '2001:db8::/32', '203.0.113.5'), need)).toBe('unknown');
    expect(implies(c('IpAddress', 'aws:SourceIp', '2001:db8::/32', '198.51.100.5'), need)).toBe('no');
  });

  it("NotIpAddress: yes when the policy excludes the baseline's ranges (or wider ones), no when it lets part of one through", () => {
    const need = c('NotIpAddress', 'aws:SourceIp', '192.0.2.0/24');
    expect(implies(c('NotIpAddress', 'aws:SourceIp', '192.0.2.0/24'), need)).toBe('yes');
    expect(implies(c('NotIpAddress', 'aws:SourceIp', '192.0.0.0/16', '10.0.0.0/8'), need)).toBe('yes');
    expect(implies(c('NotIpAddress', 'aws:SourceIp', '192.0.2.0/25'), need)).toBe('no');
    expect(implies(c('IpAddress', 'aws:SourceIp', '198.51.100.0/24'), need)).toBe('unknown');
  });
});

describe('cidrContains', () => {
  it('contains a range inside it, a single address, and itself', () => {
    expect(cidrContains('10.0.0.0/8', '10.1.0.0/16')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '10.255.255.255')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '10.0.0.0/8')).toBe(true);
    expect(cidrContains('192.0.2.1', '192.0.2.1')).toBe(true);
    expect(cidrContains('0.0.0.0/0', '255.255.255.255/32')).toBe(true);
  });

  it('does not contain a wider range or one elsewhere', () => {
    expect(cidrContains('10.1.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(cidrContains('10.0.0.0/8', '11.0.0.0/8')).toBe(false);
    expect(cidrContains('192.0.2.1', '192.0.2.2')).toBe(false);
    expect(cidrContains('192.0.2.0/24', '0.0.0.0/0')).toBe(false);
  });

  it('reads the outer range by its prefix (host bits set in it do not matter)', () => {
    expect(cidrContains('10.9.9.9/8', '10.1.2.3')).toBe(true);
  });

  it('ignores surrounding spaces', () => {
    expect(cidrContains(' 10.0.0.0/8 ', '10.0.0.1 ')).toBe(true);
  });

  it('is undefined when either side is not IPv4, unless both are the same text', () => {
    expect(cidrContains('2001:db8::/32', '2001:db8::/48')).toBeUndefined();
    expect(cidrContains('2001:db8::/32', ' 2001:db8::/32')).toBe(true);
    expect(cidrContains('10.0.0.0/8', 'not-an-ip')).toBeUndefined();
    expect(cidrContains('256.0.0.0/8', '10.0.0.1')).toBeUndefined();
    expect(cidrContains('10.0.0.0/33', '10.0.0.1')).toBeUndefined();
    expect(cidrContains('10.0.0.0/8', '10.0.0.300')).toBeUndefined();
  });
});

describe('ARN operators', () => {
  const need = c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/*');

  it('ArnLike: yes when each policy pattern lies inside a baseline pattern', () => {
    expect(implies(c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/app-*'), need)).toBe('yes');
    expect(implies(c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/app'), need)).toBe('yes');
    expect(implies(c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::210987654321:role/app'), need)).toBe('no');
    expect(implies(c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::*:role/app'), need)).toBe('no');
  });

  it('ArnEquals and ArnLike policies meet an ArnLike baseline (Like vs Equals)', () => {
    expect(implies(c('ArnEquals', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/app'), need)).toBe('yes');
    expect(implies(c('ArnEquals', 'aws:SourceArn', 'arn:aws:iam::210987654321:role/app'), need)).toBe('no');
  });

  it('ArnEquals: the same ARN is yes, another is no', () => {
    const eq = c('ArnEquals', 'aws:SourceArn', 'arn:aws:sns:eu-west-1:123456789012:topic');
    expect(implies(c('ArnEquals', 'aws:SourceArn', 'arn:aws:sns:eu-west-1:123456789012:topic'), eq)).toBe(
      'yes',
    );
    expect(implies(c('ArnEquals', 'aws:SourceArn', 'arn:aws:sns:eu-west-1:123456789012:other'), eq)).toBe(
      'no',
    );
  });

  // An ARN written out (no wildcard) matches itself only under ArnEquals or ArnLike, field by field
  // and case-sensitively, as StringEquals does (the review: ArnEquals ec2:Vpc against Databricks'
  // StringEquals ec2:vpc was a high missing-condition, approximate).
  it('ArnEquals or ArnLike of an ARN written out is StringEquals of it, either side', () => {
    const vpc = 'arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1';
    expect(implies(c('ArnEquals', 'ec2:Vpc', vpc), c('StringEquals', 'ec2:vpc', vpc))).toBe('yes');
    expect(implies(c('ArnLike', 'ec2:Vpc', vpc), c('StringEquals', 'ec2:vpc', vpc))).toBe('yes');
    expect(implies(c('ArnEquals', 'ec2:Vpc', `${vpc}2`), c('StringEquals', 'ec2:vpc', vpc))).toBe('no');
    // A pattern is wider than the one ARN; a StringLike pattern against an ARN written out, surely so.
    expect(
      implies(c('ArnLike', 'ec2:Vpc', 'arn:aws:ec2:*:111122223333:vpc/*'), c('StringEquals', 'ec2:vpc', vpc)),
    ).not.toBe('yes');
    expect(implies(c('StringLike', 'ec2:Vpc', 'arn:aws:ec2:*'), c('ArnEquals', 'ec2:vpc', vpc))).toBe('no');
    // A value that is no ARN is not read so (ArnEquals of it matches nothing AWS sends).
    expect(implies(c('StringEquals', 'ec2:Vpc', 'vpc-1'), c('ArnEquals', 'ec2:vpc', 'vpc-1'))).not.toBe(
      'yes',
    );
    // The negations alike.
    expect(
      implies(c('ArnNotEquals', 'aws:SourceArn', vpc, `${vpc}2`), c('StringNotEquals', 'aws:SourceArn', vpc)),
    ).toBe('yes');
  });

  // The IAM User Guide (ARN condition operators) documents ArnEquals and ArnLike together: each of the
  // six colon-delimited parts is matched separately and may hold * and ? wildcards, for both. So an
  // ArnEquals baseline value `...:role/*` allows every role of the account, and a policy limited to one
  // of them is within it.
  it('ArnEquals reads * and ? in the baseline value as wildcards, as ArnLike does (AWS docs)', () => {
    expect(
      implies(
        c('ArnEquals', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/app'),
        c('ArnEquals', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/*'),
      ),
    ).toBe('yes');
    // A policy pattern is compared as a pattern: a wildcard account is wider than one account.
    expect(
      implies(
        c('ArnEquals', 'aws:SourceArn', 'arn:aws:iam::*:role/app'),
        c('ArnEquals', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/*'),
      ),
    ).toBe('no');
    // ArnLike and ArnEquals are the same test, in either direction.
    expect(
      implies(
        c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/app-*'),
        c('ArnEquals', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/*'),
      ),
    ).toBe('yes');
  });

  it('ARN components are matched one by one: a * does not run across the : of the first five', () => {
    // As one string, `arn:aws:iam::*:role/app` would contain `arn:aws:iam::1:x:role/app` (the * taking
    // `1:x`); component by component the account is `1` and the resource `x:role/app`, not `role/app`.
    expect(
      implies(
        c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::1:x:role/app'),
        c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::*:role/app'),
      ),
    ).toBe('no');
    // The sixth component keeps its own colons.
    expect(
      implies(
        c('ArnLike', 'aws:SourceArn', 'arn:aws:sns:eu-west-1:123456789012:topic:sub'),
        c('ArnLike', 'aws:SourceArn', 'arn:aws:sns:*:123456789012:*'),
      ),
    ).toBe('yes');
    // A : inside a policy variable is not a separator.
    expect(
      implies(
        c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::123456789012:user/${aws:username}'),
        c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::123456789012:user/*'),
      ),
    ).toBe('yes');
  });

  it('an ARN value of fewer than six components is compared as text, and never proves more than unknown', () => {
    // A baseline of `*` allows every ARN.
    expect(
      implies(c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::1:role/a'), c('ArnLike', 'aws:SourceArn', '*')),
    ).toBe('yes');
    expect(
      implies(
        c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::1:role/a'),
        c('ArnLike', 'aws:SourceArn', 'arn:aws:iam*'),
      ),
    ).toBe('unknown');
    expect(
      implies(
        c('ArnLike', 'aws:SourceArn', 'arn:aws:*'),
        c('ArnLike', 'aws:SourceArn', 'arn:aws:iam::1:role/*'),
      ),
    ).toBe('no');
  });

  it("negated ARN operators: the policy excludes the baseline's ARNs, or more", () => {
    const arn = 'arn:aws:iam::123456789012:role/admin';
    expect(implies(c('ArnNotLike', 'aws:PrincipalArn', arn), c('ArnNotLike', 'aws:PrincipalArn', arn))).toBe(
      'yes',
    );
    expect(
      implies(c('ArnNotEquals', 'aws:PrincipalArn', arn), c('ArnNotEquals', 'aws:PrincipalArn', arn)),
    ).toBe('yes');
    expect(
      implies(
        c('ArnNotLike', 'aws:PrincipalArn', 'arn:aws:iam::123456789012:role/*'),
        c('ArnNotEquals', 'aws:PrincipalArn', arn),
      ),
    ).toBe('yes');
    expect(
      implies(
        c('ArnNotLike', 'aws:PrincipalArn', arn),
        c('ArnNotLike', 'aws:PrincipalArn', 'arn:aws:iam::123456789012:role/*'),
      ),
    ).toBe('no');
  });

  it('a StringLike policy is compared with an ArnLike baseline only without a wildcard (its text)', () => {
    expect(implies(c('StringLike', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/app'), need)).toBe('yes');
    expect(implies(c('StringLike', 'aws:SourceArn', 'arn:aws:iam::123456789012:role/*'), need)).toBe(
      'unknown',
    );
  });
});

describe('Null', () => {
  const need = c('Null', 'aws:TokenIssueTime', 'false');

  it('the same answer for every key is yes, whatever its case', () => {
    expect(implies(c('Null', 'aws:TokenIssueTime', 'false'), need)).toBe('yes');
    expect(implies(c('Null', 'aws:TokenIssueTime', 'FALSE'), need)).toBe('yes');
  });

  it('another answer, or another number of values, is unknown', () => {
    expect(implies(c('Null', 'aws:TokenIssueTime', 'true'), need)).toBe('unknown');
    expect(implies(c('Null', 'aws:TokenIssueTime', 'false', 'true'), need)).toBe('unknown');
  });

  it('Null = false (the key is there) is met by an operator that holds only when the key is there', () => {
    expect(implies(c('StringEquals', 'aws:TokenIssueTime', 'x'), need)).toBe('yes');
    expect(implies(c('DateGreaterThan', 'aws:TokenIssueTime', '2026-01-01'), need)).toBe('yes');
    expect(implies(c('ForAnyValue:StringEquals', 'aws:TokenIssueTime', 'x'), need)).toBe('yes');
    // Not by one that holds when the key is absent.
    expect(implies(c('StringEqualsIfExists', 'aws:TokenIssueTime', 'x'), need)).toBe('unknown');
    expect(implies(c('StringNotEquals', 'aws:TokenIssueTime', 'x'), need)).toBe('unknown');
    expect(implies(c('ForAllValues:StringEquals', 'aws:TokenIssueTime', 'x'), need)).toBe('unknown');
    // Null = true (the key is absent) is met by none of them.
    expect(
      implies(c('StringEquals', 'aws:TokenIssueTime', 'x'), c('Null', 'aws:TokenIssueTime', 'true')),
    ).toBe('unknown');
  });
});

describe('...IfExists', () => {
  it('a policy without IfExists meets a baseline with it (the policy also requires the key)', () => {
    expect(
      implies(
        c('StringEquals', 'ec2:ResourceTag/owner', 'coiled'),
        c('StringEqualsIfExists', 'ec2:ResourceTag/owner', 'coiled'),
      ),
    ).toBe('yes');
  });

  it('both with IfExists: the values decide', () => {
    const need = c('StringEqualsIfExists', 'ec2:ResourceTag/owner', 'coiled');
    expect(implies(c('StringEqualsIfExists', 'ec2:ResourceTag/owner', 'coiled'), need)).toBe('yes');
    expect(implies(c('StringEqualsIfExists', 'ec2:ResourceTag/owner', 'other'), need)).toBe('no');
  });

  it('a policy with IfExists does not provably meet a baseline without it (it allows the absent key)', () => {
    const need = c('StringEquals', 'ec2:ResourceTag/owner', 'coiled');
    expect(implies(c('StringEqualsIfExists', 'ec2:ResourceTag/owner', 'coiled'), need)).toBe('unknown');
    expect(
      implies(c('StringEqualsIfExists', 's3:prefix', 'home/a'), c('StringLike', 's3:prefix', 'home/*')),
    ).toBe('unknown');
  });

  it('reads IfExists whatever its case, and with the other families', () => {
    expect(implies(c('stringequalsifexists', 'k', 'v'), c('StringEqualsIfExists', 'k', 'v'))).toBe('yes');
    expect(
      implies(
        c('IpAddress', 'aws:SourceIp', '10.0.0.1'),
        c('IpAddressIfExists', 'aws:SourceIp', '10.0.0.0/8'),
      ),
    ).toBe('yes');
    expect(
      implies(c('StringEquals', 's3:prefix', 'home/a'), c('StringLikeIfExists', 's3:prefix', 'home/*')),
    ).toBe('yes');
  });
});

describe('ForAnyValue and ForAllValues', () => {
  const key = 'aws:TagKeys';

  it('ForAllValues: yes when the policy allows a subset of the baseline values', () => {
    const need = c('ForAllValues:StringEquals', key, 'team', 'owner');
    expect(implies(c('ForAllValues:StringEquals', key, 'team'), need)).toBe('yes');
    expect(implies(c('ForAllValues:StringEquals', key, 'team', 'cost-center'), need)).toBe('no');
  });

  it('ForAnyValue: yes when the policy allows a subset of the baseline values', () => {
    const need = c('ForAnyValue:StringEquals', key, 'team', 'owner');
    expect(implies(c('ForAnyValue:StringEquals', key, 'owner'), need)).toBe('yes');
    expect(implies(c('ForAnyValue:StringEquals', key, 'cost-center'), need)).toBe('no');
  });

  it('reads the qualifier whatever its case', () => {
    expect(
      implies(c('forallvalues:stringequals', key, 'team'), c('ForAllValues:StringEquals', key, 'team')),
    ).toBe('yes');
  });

  it('another qualifier, or none on one side, is not compared (unknown)', () => {
    expect(
      implies(c('ForAllValues:StringEquals', key, 'team'), c('ForAnyValue:StringEquals', key, 'team')),
    ).toBe('unknown');
    expect(implies(c('StringEquals', key, 'team'), c('ForAllValues:StringEquals', key, 'team'))).toBe(
      'unknown',
    );
    expect(implies(c('ForAnyValue:StringEquals', key, 'team'), c('StringEquals', key, 'team'))).toBe(
      'unknown',
    );
  });

  it('Like vs Equals with a qualifier: the same qualifier is compared, another is not', () => {
    const need = c('ForAnyValue:StringLike', key, 'team*');
    expect(implies(c('ForAnyValue:StringEquals', key, 'team-a'), need)).toBe('yes');
    expect(implies(c('ForAnyValue:StringEquals', key, 'owner'), need)).toBe('no');
    expect(implies(c('ForAllValues:StringEquals', key, 'team-a'), need)).toBe('unknown');
    expect(implies(c('ForAnyValue:StringLike', key, 'team-*'), need)).toBe('yes');
  });

  it('ForAllValues with IfExists on both sides', () => {
    expect(
      implies(
        c('ForAllValues:StringEqualsIfExists', key, 'team'),
        c('ForAllValues:StringEqualsIfExists', key, 'team', 'x'),
      ),
    ).toBe('yes');
  });
});

describe('several conditions on one key, and several keys', () => {
  it('the best answer over the policy operators on the key wins', () => {
    const need = c('StringEquals', 'aws:RequestedRegion', 'eu-west-1');
    // no (StringLike, a pattern) then yes (StringEquals): yes
    expect(
      implies(
        {
          StringLike: { 'aws:RequestedRegion': ['eu-*'] },
          StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] },
        },
        need,
      ),
    ).toBe('yes');
    // no (StringEquals, another value) and no (StringLike, a pattern): together they may hold for
    // no request at all (no value is both), so not a sure no: unknown
    expect(
      implies(
        {
          StringEquals: { 'aws:RequestedRegion': ['us-east-1'] },
          StringLike: { 'aws:RequestedRegion': ['eu-*'] },
        },
        need,
      ),
    ).toBe('unknown');
    // in either order
    expect(
      implies(
        {
          StringLike: { 'aws:RequestedRegion': ['eu-*'] },
          StringEquals: { 'aws:RequestedRegion': ['us-east-1'] },
        },
        need,
      ),
    ).toBe('unknown');
  });

  it('every baseline key must be met: one no makes the whole no, whatever the order', () => {
    const need: Condition = {
      StringEquals: { 'ec2:ResourceTag/owner': ['coiled'] },
      StringLike: { 's3:prefix': ['home/*'] },
    };
    const unknownThenNo: Condition = { StringEqualsIgnoreCase: { 'ec2:ResourceTag/owner': ['coiled'] } };
    expect(conditionImplies(unknownThenNo, need)).toEqual({
      result: 'no',
      missing: ['StringEquals ec2:ResourceTag/owner', 'StringLike s3:prefix'],
    });
    const noThenUnknown: Condition = {
      StringEqualsIgnoreCase: { 'ec2:ResourceTag/owner': ['coiled'] },
      StringEquals: { 's3:prefix': ['x'] },
    };
    const needPrefixFirst: Condition = {
      StringLike: { 's3:prefix': ['home/*'] },
      StringEquals: { 'ec2:ResourceTag/owner': ['coiled'] },
    };
    expect(conditionImplies(noThenUnknown, needPrefixFirst)).toEqual({
      result: 'no',
      missing: ['StringLike s3:prefix', 'StringEquals ec2:ResourceTag/owner'],
    });
  });

  it('one unknown key and the rest met is unknown, naming only that key', () => {
    const need: Condition = {
      StringEquals: { 'ec2:ResourceTag/owner': ['coiled'] },
      NumericLessThan: { 's3:max-keys': ['100'] },
    };
    const have: Condition = {
      StringEquals: { 'ec2:ResourceTag/owner': ['coiled'] },
      NumericLessThan: { 's3:max-keys': ['${aws:PrincipalTag/limit}'] },
    };
    expect(conditionImplies(have, need)).toEqual({
      result: 'unknown',
      missing: ['NumericLessThan s3:max-keys'],
    });
  });
});

describe('placeholders', () => {
  it("a baseline value <placeholder> stands for the user own value: any value of the user's meets it", () => {
    const need = c('StringEquals', 'sts:ExternalId', '<placeholder>');
    expect(implies(c('StringEquals', 'sts:ExternalId', 'my-external-id'), need)).toBe('yes');
    expect(implies(c('StringLike', 'sts:ExternalId', 'my-external-id'), need)).toBe('yes');
    expect(
      implies(
        c('StringLike', 'sts:ExternalId', 'team-*'),
        c('StringLike', 'sts:ExternalId', '<placeholder>'),
      ),
    ).toBe('yes');
    expect(
      implies(
        c('IpAddress', 'aws:SourceIp', '203.0.113.0/24'),
        c('IpAddress', 'aws:SourceIp', '<placeholder>'),
      ),
    ).toBe('yes');
  });

  it('but not a value that lets every value through: that is no restriction at all', () => {
    const ip = c('IpAddress', 'aws:SourceIp', '<placeholder>');
    expect(implies(c('IpAddress', 'aws:SourceIp', '0.0.0.0/0'), ip)).toBe('no');
    expect(implies(c('IpAddress', 'aws:SourceIp', '::/0'), ip)).toBe('no');
    expect(implies(c('IpAddress', 'aws:SourceIp', '203.0.113.0/24', '0.0.0.0/0'), ip)).toBe('no');
    expect(
      implies(
        c('IpAddressIfExists', 'aws:SourceIp', '0.0.0.0/0'),
        c('IpAddressIfExists', 'aws:SourceIp', '<placeholder>'),
      ),
    ).toBe('no');
    const like = c('StringLike', 'sts:ExternalId', '<placeholder>');
    expect(implies(c('StringLike', 'sts:ExternalId', '*'), like)).toBe('no');
    expect(implies(c('StringLike', 'sts:ExternalId', '**'), like)).toBe('no');
    const arn = c('ArnLike', 'aws:SourceArn', '<placeholder>');
    expect(implies(c('ArnLike', 'aws:SourceArn', '*'), arn)).toBe('no');
    expect(implies(c('ArnLike', 'aws:SourceArn', 'arn:*:*:*:*:*'), arn)).toBe('no');
    expect(implies(c('ArnLike', 'aws:SourceArn', 'arn:aws:s3:::my-bucket'), arn)).toBe('yes');
    // A bare `*` under an operator that reads it as text may be a value this tool read as `*` (a
    // variable, an interpolation): not compared exactly. So is a pattern where the baseline needs
    // the value itself.
    const equals = c('StringEquals', 'sts:ExternalId', '<placeholder>');
    expect(implies(c('StringEquals', 'sts:ExternalId', '*'), equals)).toBe('unknown');
    expect(implies(c('StringLike', 'sts:ExternalId', '*'), equals)).toBe('no');
    expect(implies(c('StringLike', 'sts:ExternalId', 'team-*'), equals)).toBe('unknown');
  });

  it('but the key must still be constrained, with at least one value', () => {
    const need = c('StringEquals', 'sts:ExternalId', '<placeholder>');
    expect(implies(undefined, need)).toBe('no');
    expect(implies(c('StringEquals', 'sts:ExternalId'), need)).toBe('unknown');
  });
});

describe('mergeConditions', () => {
  const a: Condition = { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } };
  const b: Condition = {
    StringEquals: { 'ec2:ResourceTag/owner': ['coiled'] },
    Bool: { 'aws:SecureTransport': ['true'] },
  };

  it('returns the other side when one is missing', () => {
    expect(mergeConditions(undefined, undefined)).toBeUndefined();
    expect(mergeConditions(a, undefined)).toBe(a);
    expect(mergeConditions(undefined, b)).toBe(b);
  });

  it("adds b's operators and keys to a's", () => {
    expect(mergeConditions(a, b)).toEqual({
      StringEquals: { 'aws:RequestedRegion': ['eu-west-1'], 'ec2:ResourceTag/owner': ['coiled'] },
      Bool: { 'aws:SecureTransport': ['true'] },
    });
  });

  it('changes neither input, also when both name the same key', () => {
    const shared: Condition = { StringEquals: { 'aws:RequestedRegion': ['us-east-1'] } };
    const before = JSON.stringify([a, b, shared]);
    mergeConditions(a, b);
    mergeConditions(a, shared);
    expect(JSON.stringify([a, b, shared])).toBe(before);
  });

  it('the merged condition meets both sides (keys not shared)', () => {
    const merged = mergeConditions(a, b)!;
    expect(implies(merged, b)).toBe('yes');
    expect(implies(merged, a)).toBe('yes');
  });

  // "The condition that grants under both": a request must satisfy a and b. With StringEquals on the
  // same key, a request whose owner tag is `other` satisfies a and not b, so the merge must leave
  // `other` out; `coiled` satisfies both. This is the minimal-policy path (audit/minimal.ts calls
  // mergeConditions(grant.condition, verdict.need) for a missing-condition finding).
  it('for a key both name with StringEquals, grants only under the values both allow', () => {
    const have = c('StringEquals', 'ec2:ResourceTag/owner', 'coiled', 'other');
    const need = c('StringEquals', 'ec2:ResourceTag/owner', 'coiled');
    expect(mergeConditions(have, need)).toEqual(need);
  });

  it('a key both name: matched whatever the case of the key and the spelling of the operator', () => {
    const have = c('stringequals', 'EC2:ResourceTag/Owner', 'coiled', 'other');
    const need = c('StringEquals', 'ec2:ResourceTag/owner', 'coiled');
    expect(mergeConditions(have, need)).toEqual(c('stringequals', 'EC2:ResourceTag/Owner', 'coiled'));
  });

  it('a key both name with a pattern operator keeps the policy values within the baseline', () => {
    expect(
      mergeConditions(
        c('StringLike', 's3:prefix', 'home/a/*', 'tmp/*'),
        c('StringLike', 's3:prefix', 'home/*'),
      ),
    ).toEqual(c('StringLike', 's3:prefix', 'home/a/*'));
    expect(
      mergeConditions(
        c('IpAddress', 'aws:SourceIp', '10.1.0.0/16', '192.0.2.0/24'),
        c('IpAddress', 'aws:SourceIp', '10.0.0.0/8'),
      ),
    ).toEqual(c('IpAddress', 'aws:SourceIp', '10.1.0.0/16'));
  });

  // The baseline's values in place of the policy's would grant where the policy never did (a
  // fixed policy terminating instances tagged `coiled` where the original allowed `myteam` only).
  it('a key both name where no policy value is allowed: null, no request meets both', () => {
    expect(
      mergeConditions(
        c('StringEquals', 'ec2:ResourceTag/owner', 'myteam'),
        c('StringEquals', 'ec2:ResourceTag/owner', 'coiled'),
      ),
    ).toBeNull();
    expect(
      mergeConditions(c('StringLike', 's3:prefix', 'tmp/*'), c('StringLike', 's3:prefix', 'home/*')),
    ).toBeNull();
    expect(
      mergeConditions(c('Null', 'aws:RequestTag/owner', 'true'), c('Null', 'aws:RequestTag/owner', 'false')),
    ).toBeNull();
  });

  // x < 3 and x < 10 both hold for x < 3: never null (requests below both bounds meet both).
  it('a numeric or date bound both name: the tighter of the two, never null', () => {
    expect(mergeConditions(c('NumericLessThan', 'k', '10'), c('NumericLessThan', 'k', '3'))).toEqual(
      c('NumericLessThan', 'k', '3'),
    );
    expect(mergeConditions(c('NumericLessThan', 'k', '3'), c('NumericLessThan', 'k', '10'))).toEqual(
      c('NumericLessThan', 'k', '3'),
    );
    expect(
      mergeConditions(
        c('DateGreaterThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z'),
        c('DateGreaterThan', 'aws:CurrentTime', '2026-06-01T00:00:00Z'),
      ),
    ).toEqual(c('DateGreaterThan', 'aws:CurrentTime', '2026-06-01T00:00:00Z'));
    // A bound this tool does not read: the policy's as written.
    expect(
      mergeConditions(c('NumericLessThan', 'k', '${aws:PrincipalTag/n}'), c('NumericLessThan', 'k', '3')),
    ).toEqual(c('NumericLessThan', 'k', '${aws:PrincipalTag/n}'));
  });

  it('a key both name with a negated operator excludes the values of both', () => {
    expect(
      mergeConditions(
        c('StringNotEquals', 'aws:RequestedRegion', 'ap-south-1'),
        c('StringNotEquals', 'aws:RequestedRegion', 'us-west-2', 'ap-south-1'),
      ),
    ).toEqual(c('StringNotEquals', 'aws:RequestedRegion', 'ap-south-1', 'us-west-2'));
  });

  it('a key both name with values that cannot be compared keeps the policy values', () => {
    expect(
      mergeConditions(c('NumericLessThan', 's3:max-keys', '10'), c('NumericLessThan', 's3:max-keys', '100')),
    ).toEqual(c('NumericLessThan', 's3:max-keys', '10'));
  });

  it('a baseline placeholder keeps the policy value (the user own value)', () => {
    expect(
      mergeConditions(
        c('StringEquals', 'sts:ExternalId', 'mine'),
        c('StringEquals', 'sts:ExternalId', '<placeholder>'),
      ),
    ).toEqual(c('StringEquals', 'sts:ExternalId', 'mine'));
    // A value this tool cannot compare (a bare `*`, maybe a variable read as `*`): as written.
    expect(
      mergeConditions(
        c('StringEquals', 'sts:ExternalId', '*'),
        c('StringEquals', 'sts:ExternalId', '<placeholder>'),
      ),
    ).toEqual(c('StringEquals', 'sts:ExternalId', '*'));
  });

  it('a policy value that lets every value through gives way to the placeholder: the user own value lies within it', () => {
    const ip = c('IpAddress', 'aws:SourceIp', '<placeholder>');
    expect(mergeConditions(c('IpAddress', 'aws:SourceIp', '0.0.0.0/0'), ip)).toEqual(ip);
    expect(mergeConditions(c('IpAddress', 'aws:SourceIp', '203.0.113.0/24', '::/0'), ip)).toEqual(ip);
    expect(mergeConditions(c('IpAddress', 'aws:SourceIp', '203.0.113.0/24'), ip)).toEqual(
      c('IpAddress', 'aws:SourceIp', '203.0.113.0/24'),
    );
    const like = c('StringLike', 'sts:ExternalId', '<placeholder>');
    expect(mergeConditions(c('StringLike', 'sts:ExternalId', '*'), like)).toEqual(like);
  });

  it('the merged condition meets the baseline whenever some policy value does', () => {
    const cases: [Condition, Condition][] = [
      [c('StringEquals', 'k', 'a', 'b'), c('StringEquals', 'k', 'a')],
      [c('ForAllValues:StringEquals', 'k', 'a', 'b'), c('ForAllValues:StringEquals', 'k', 'b', 'c')],
      [c('StringLike', 'k', 'x/*', 'y/*'), c('StringLike', 'k', 'x/*')],
      [c('ArnLike', 'k', 'arn:aws:s3:::a', 'arn:aws:s3:::b'), c('ArnLike', 'k', 'arn:aws:s3:::a*')],
    ];
    for (const [have, need] of cases) {
      const merged = mergeConditions(have, need)!;
      expect(implies(merged, need)).toBe('yes');
      expect(implies(merged, have)).toBe('yes');
    }
  });
});

describe('conditionAsWritten', () => {
  it('adds the merged keys after the written ones, single values as strings, the written form kept', () => {
    const written = {
      StringEquals: { 'aws:RequestedRegion': 'eu-west-1' },
      Bool: { 'aws:SecureTransport': true },
    };
    const merged = mergeConditions(
      { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] }, Bool: { 'aws:SecureTransport': ['true'] } },
      c('StringEquals', 'iam:AWSServiceName', 'spot.amazonaws.com'),
    )!;
    expect(conditionAsWritten(written, merged)).toEqual({
      StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'iam:AWSServiceName': 'spot.amazonaws.com' },
      Bool: { 'aws:SecureTransport': true },
    });
  });

  it('writes a narrowed key in place, under its written spelling', () => {
    const written = { StringEquals: { 'EC2:ResourceTag/Owner': ['coiled', 'other'] } };
    const merged = mergeConditions(
      c('StringEquals', 'EC2:ResourceTag/Owner', 'coiled', 'other'),
      c('StringEquals', 'ec2:ResourceTag/owner', 'coiled'),
    )!;
    expect(conditionAsWritten(written, merged)).toEqual({
      StringEquals: { 'EC2:ResourceTag/Owner': 'coiled' },
    });
  });

  it('returns the written condition when nothing is merged, and adds to a statement without one', () => {
    const written = { Bool: { 'aws:SecureTransport': 'true' } };
    expect(conditionAsWritten(written, undefined)).toBe(written);
    expect(conditionAsWritten(undefined, c('StringEquals', 'k', 'v'))).toEqual({ StringEquals: { k: 'v' } });
  });
});

describe('linear work in the number of condition keys (a step counter, not a clock)', () => {
  /** A condition of n keys under one operator. */
  const many = (op: string, n: number, prefix = 'k'): Condition => {
    const keys: Record<string, string[]> = {};
    for (let i = 0; i < n; i++) keys[`${prefix}${i}`] = ['v'];
    return { [op]: keys };
  };
  const N = 10_000;

  it('conditionImplies: n policy keys against n baseline keys takes O(n) steps', () => {
    // Every baseline key is found among the policy's, each compared once: 3n steps (n indexed, n
    // baseline keys, n comparisons). Scanning the policy's keys for each baseline key would be n².
    const stats = { steps: 0 };
    expect(conditionImplies(many('StringEquals', N), many('StringEquals', N), stats).result).toBe('yes');
    expect(stats.steps).toBeLessThanOrEqual(3 * N);
    // Keys the policy does not have: n indexed, n looked up, none compared.
    const missing = { steps: 0 };
    const r = conditionImplies(many('StringEquals', N), many('StringEquals', N, 'other'), missing);
    expect(r.result).toBe('no');
    expect(r.missing).toHaveLength(N);
    expect(missing.steps).toBeLessThanOrEqual(2 * N);
  });

  it('conditionImplies: a key written under several operators is compared once per operator', () => {
    const have: Condition = { ...many('StringEquals', N), ...many('StringLike', N) };
    const stats = { steps: 0 };
    expect(conditionImplies(have, many('StringLike', N), stats).result).toBe('yes');
    expect(stats.steps).toBeLessThanOrEqual(5 * N);
  });

  it('mergeConditions and conditionAsWritten: n policy keys with n baseline keys take O(n) steps', () => {
    const stats = { steps: 0 };
    const merged = mergeConditions(many('StringEquals', N), many('StringEquals', N, 'need'), stats)!;
    expect(Object.keys(merged.StringEquals!)).toHaveLength(2 * N);
    expect(stats.steps).toBeLessThanOrEqual(2 * N);
    const written = {
      StringEquals: Object.fromEntries(
        Object.keys(many('StringEquals', N).StringEquals!).map((k) => [k, 'v']),
      ),
    };
    const w = { steps: 0 };
    const out = conditionAsWritten(written, merged, w) as Record<string, Record<string, unknown>>;
    expect(Object.keys(out.StringEquals!)).toHaveLength(2 * N);
    expect(w.steps).toBeLessThanOrEqual(3 * N);
  });
});

describe('denyConditionHolds: does a policy Deny hold wherever the baseline Deny does', () => {
  const P = '<placeholder>';
  const holds = (baseline: Condition | undefined, deny: Condition | undefined) =>
    denyConditionHolds(baseline, deny).result;
  const tag = 'aws:ResourceTag/cloud';

  it('is yes for a Deny under no condition, and no for a key the baseline does not constrain', () => {
    expect(holds(c('StringNotEquals', tag, 'a'), undefined)).toBe('yes');
    expect(
      denyConditionHolds(c('StringNotEquals', tag, 'a'), c('StringEquals', 'aws:RequestedRegion', 'x')),
    ).toEqual({
      result: 'no',
      missing: ['StringEquals aws:RequestedRegion'],
    });
    expect(holds(undefined, c('StringNotEquals', tag, 'a'))).toBe('no');
  });

  it('negated on both sides: yes when every value the Deny exempts the baseline exempts too', () => {
    expect(holds(c('StringNotEquals', tag, 'a', 'b'), c('StringNotEquals', tag, 'a'))).toBe('yes');
    expect(holds(c('StringNotEquals', tag, 'a'), c('StringNotEquals', tag, 'a', 'b'))).toBe('no');
    expect(holds(c('StringNotEqualsIfExists', tag, 'a'), c('StringNotEquals', tag, 'a'))).toBe('yes');
    expect(holds(c('StringNotLike', tag, 'a*'), c('StringNotEquals', tag, 'ab'))).toBe('yes');
    expect(holds(c('StringNotEquals', tag, 'a'), c('ForAnyValue:StringNotEquals', tag, 'a'))).toBe('unknown');
  });

  it('reads the baseline placeholder as the one value the Deny exempts, not two, not a policy variable', () => {
    expect(holds(c('StringNotEquals', tag, P), c('StringNotEquals', tag, 'cld_1'))).toBe('yes');
    expect(holds(c('StringNotEquals', tag, P), c('StringNotEquals', tag, '${cloud_id}'))).toBe('yes');
    expect(holds(c('StringNotEquals', tag, P), c('StringNotEquals', tag, 'cld_1', 'cld_2'))).toBe('unknown');
    expect(holds(c('StringNotEquals', tag, P), c('StringNotEquals', tag, '${aws:PrincipalTag/c}'))).toBe(
      'unknown',
    );
  });

  it('a negated baseline against a positive Deny of values written out: no (an absent or other value)', () => {
    expect(holds(c('StringNotEquals', tag, P), c('StringEquals', tag, 'nothing'))).toBe('no');
    expect(holds(c('StringNotEquals', tag, P), c('StringLike', tag, '*'))).toBe('unknown');
  });

  it('a positive baseline against a negated Deny: yes when the Deny exempts none of its values', () => {
    expect(holds(c('StringEquals', tag, 'a'), c('StringNotEquals', tag, 'b'))).toBe('yes');
    expect(holds(c('StringEquals', tag, 'a'), c('StringNotEquals', tag, 'a'))).toBe('no');
    expect(holds(c('StringLike', tag, 'a*'), c('StringNotLike', tag, 'ab*'))).toBe('unknown');
  });

  it('positive on both sides: the baseline values must lie within the Deny values', () => {
    expect(holds(c('StringEquals', tag, 'a'), c('StringEquals', tag, 'a', 'b'))).toBe('yes');
    expect(holds(c('StringEquals', tag, 'a', 'b'), c('StringEquals', tag, 'a'))).toBe('no');
    expect(holds(c('Bool', 'aws:SecureTransport', 'false'), c('Bool', 'aws:SecureTransport', 'false'))).toBe(
      'yes',
    );
  });

  it("a Deny's aws:ResourceTag is the baseline's ec2:ResourceTag; the reverse only maybe (EC2 actions only)", () => {
    expect(
      holds(c('StringNotEquals', 'ec2:ResourceTag/c', 'a'), c('StringNotEquals', 'aws:ResourceTag/c', 'a')),
    ).toBe('yes');
    expect(
      holds(c('StringNotEquals', 'aws:ResourceTag/c', 'a'), c('StringNotEquals', 'ec2:ResourceTag/c', 'a')),
    ).toBe('unknown');
    expect(
      holds(
        c('StringNotEquals', 'aws:ResourceTag/c', 'a'),
        c('StringNotEquals', 'ec2:ResourceTag/c', 'a', 'b'),
      ),
    ).toBe('no');
  });
});

describe('conditionsExclude: can no request meet both an Allow and a baseline Deny', () => {
  const P = '<placeholder>';
  const tag = 'aws:ResourceTag/cloud';
  it('yes when the Allow requires the one value the Deny exempts (the placeholder read as it)', () => {
    expect(conditionsExclude(c('StringEquals', tag, 'a'), c('StringNotEquals', tag, 'a'))).toBe('yes');
    expect(conditionsExclude(c('StringEquals', tag, 'cld_1'), c('StringNotEquals', tag, P))).toBe('yes');
    expect(
      conditionsExclude(c('StringEquals', 'ec2:ResourceTag/cloud', '${id}'), c('StringNotEquals', tag, P)),
    ).toBe('yes');
  });
  it('no when they are about different keys or either has none; unknown on a shared key it cannot decide', () => {
    expect(
      conditionsExclude(c('StringEquals', 'aws:RequestedRegion', 'x'), c('StringNotEquals', tag, P)),
    ).toBe('no');
    expect(conditionsExclude(undefined, c('StringNotEquals', tag, P))).toBe('no');
    expect(conditionsExclude(c('StringEquals', tag, 'a'), undefined)).toBe('no');
    expect(conditionsExclude(c('StringEquals', tag, 'a', 'b'), c('StringNotEquals', tag, P))).toBe('unknown');
    expect(conditionsExclude(c('StringLike', tag, 'a*'), c('StringNotEquals', tag, 'a'))).toBe('unknown');
    expect(conditionsExclude(c('StringEquals', tag, 'b'), c('StringNotEquals', tag, 'a'))).toBe('unknown');
  });
});

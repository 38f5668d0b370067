export const id = 106;
export const ids = [106];
export const modules = {

/***/ 4106:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  FINGERPRINT_KEY: () => (/* binding */ FINGERPRINT_KEY),
  OUTSIDE_URI: () => (/* binding */ OUTSIDE_URI),
  SARIF_SCHEMA: () => (/* binding */ SARIF_SCHEMA),
  renderSarif: () => (/* binding */ renderSarif),
  ruleId: () => (/* binding */ ruleId),
  sarifLevel: () => (/* binding */ sarifLevel)
});

// EXTERNAL MODULE: ./src/core/escape.ts
var core_escape = __webpack_require__(4536);
// EXTERNAL MODULE: ./src/report/actions.ts
var actions = __webpack_require__(9493);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/audit/finding-set.ts
var finding_set = __webpack_require__(183);
;// CONCATENATED MODULE: ./src/report/fingerprint.ts
// A finding's identity across commits, for SARIF partialFingerprints (GitHub code scanning keeps an
// alert open, not duplicated, when the same finding comes back) and for matching base findings.
// Pure: no I/O.


/**
 * sha256 (hex) of what the finding is about: its kind, the policy's identity (path and Terraform
 * address, never the line), the statement, the sorted actions and resources, and the baseline set.
 * Moving code (lines change) keeps the fingerprint; a change of any of these makes a new one: a
 * statement without a Sid is known by its position (`#0`), so a statement inserted above it, a
 * renamed Sid or a moved file makes a new one (the pull request's comparison pairs those; code
 * scanning does not).
 * A finding read from a saved report made with another catalog, whose actions are only known as
 * the report's patterns (`actionSet`), is identified by those patterns instead.
 */
function findingFingerprint(f) {
    const identity = [
        'v1',
        f.kind,
        f.path,
        f.address ?? '',
        f.statement ?? '',
        f.actionSet && f.actions.length === 0
            ? { patterns: f.actionSet.patterns, except: f.actionSet.except }
            : (0,finding_set/* findingActionSet */.Ad)(f)
                ? f.actions // a kept set's names: sorted by construction, made for this call only
                : [...f.actions].sort(),
        [...f.resources].sort(),
        f.set ?? '',
    ];
    return (0,external_node_crypto_.createHash)('sha256').update(JSON.stringify(identity)).digest('hex');
}

// EXTERNAL MODULE: ./src/report/group.ts
var group = __webpack_require__(6349);
;// CONCATENATED MODULE: ./src/report/sarif.ts




const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The key of our partial fingerprint (versioned: a change of recipe changes the key). */
const FINGERPRINT_KEY = 'iamBaselineAudit/v1';
const DEFAULT_INFORMATION_URI = 'https://www.npmjs.com/package/iam-baseline-audit';
function sarifLevel(s) {
    return (0,group/* severityRank */.qs)(s) >= (0,group/* severityRank */.qs)('high') ? 'error' : s === 'medium' ? 'warning' : 'note';
}
/** GitHub's scale: critical 9.0 and above, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
const SECURITY_SEVERITY = {
    critical: '9.5',
    high: '8.0',
    medium: '5.5',
    low: '3.0',
    info: '0.0',
};
/** A rule id: the kind and the severity, `excess-action/critical`. */
function ruleId(kind, severity) {
    return `${kind}/${severity}`;
}
function ruleName(kind, severity) {
    return `${kind}-${severity}`.replace(/(^|-)([a-z])/g, (_m, _d, c) => c.toUpperCase());
}
function rule(kind, severity) {
    const info = group/* KIND_INFO */.Kw[kind];
    const markdown = `**${info.title}** (${severity}): ${info.description}\n\n` +
        `What to do: ${info.advice}. The pull request comment and the job summary of iam-baseline-audit ` +
        'list the actions, the statement and a suggested minimal policy.';
    return {
        id: ruleId(kind, severity),
        name: ruleName(kind, severity),
        shortDescription: { text: `${info.title} (${severity})` },
        fullDescription: { text: info.description },
        help: { text: `${info.description} What to do: ${info.advice}.`, markdown },
        defaultConfiguration: { level: severity === 'info' ? 'note' : sarifLevel(severity) },
        properties: {
            tags: ['security', 'aws', 'iam', 'least-privilege'],
            precision: info.precision,
            'problem.severity': severity === 'info' ? 'recommendation' : sarifLevel(severity),
            'security-severity': SECURITY_SEVERITY[severity],
        },
    };
}
/**
 * The uri of a file the report names. Report paths are relative to the audit's root with `/`
 * separators already (src/sources/discover.ts: on Windows its separators become `/`; on POSIX a
 * `\` is a character of a name, and a repository can commit `infra\prod\admin.json`), so each
 * segment is percent-encoded as it is: a `\` becomes `%5C`, never a separator that would point the
 * result at another file (`iam\..\src\main.ts.json` is one file at the root, not `src/main.ts.json`).
 */
function uriOf(path) {
    const p = path.replace(/^(\.\/)+/, '');
    if (!inRepository(p))
        return OUTSIDE_URI;
    return p
        .split('/')
        .map((seg) => encodeURIComponent(seg.replace(core_escape/* LONE_SURROGATE */.uG, '\uFFFD'))) // encodeURIComponent throws on them
        .join('/');
}
/**
 * Where a result whose path cannot name a file of the repository points (an absolute path, a `.`,
 * `..` or empty segment, a drive letter: a path named outside the root on the command line, or a
 * hand-made report). Encoding its dots would not do: `%2E%2E` is a `..` segment to a WHATWG URL
 * parser. Code scanning needs a uri, so it is this fixed name, which no path of the report is
 * made into; the path itself stays in the result's `properties.path`, made visible.
 */
const OUTSIDE_URI = 'outside-the-repository';
function inRepository(path) {
    return (path !== '' &&
        !/^[A-Za-z]:/.test(path) &&
        path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..') &&
        !path.includes('\0'));
}
/** The message, bounded (the JSON report keeps it whole); without one, the kind and the actions described. */
function messageOf(f) {
    const info = group/* KIND_INFO */.Kw[f.kind];
    let base = (0,core_escape/* clipShown */.SM)(f.message, actions/* MAX_MESSAGE_SHOWN */.FZ);
    if (f.message.trim() === '') {
        const s = (0,actions/* shownActions */.vJ)(f);
        const what = s.listed && s.count <= actions/* MAX_ACTIONS */.H3
            ? s.patterns.join(', ')
            : `${(0,actions/* countShown */.B4)(s)}: ${(0,actions/* describeShown */.VC)(s, String)}`;
        base = `${info.title}: ${what}`;
    }
    return (0,core_escape/* escapeSarifText */.au)(f.approximate ? `${base} (approximate: ${f.approximate})` : base);
}
function result(f, ruleIndex, catalog) {
    const uri = uriOf(f.path);
    const location = {
        physicalLocation: {
            artifactLocation: { uri },
            region: { startLine: f.line !== undefined && f.line >= 1 ? Math.floor(f.line) : 1 },
        },
    };
    if (f.address)
        location.logicalLocations = [{ fullyQualifiedName: (0,core_escape/* escapeSarifText */.au)(f.address), kind: 'resource' }];
    // Data for tools, which some SARIF viewers show: clipped, control and invisible characters made
    // visible (the JSON report keeps every value whole and as written). The actions as the JSON
    // report stores them: the list when short, else `actionSet` (src/report/actions.ts).
    const stored = (0,actions/* storedFinding */.Ho)(f, catalog);
    const set = stored.actionSet;
    const properties = {
        severity: f.severity,
        ...(uri === OUTSIDE_URI ? { path: (0,core_escape/* escapeTerminal */.en)(f.path) } : {}),
        policy: (0,core_escape/* escapeTerminal */.en)(f.policy),
        ...(set
            ? {
                actionSet: {
                    patterns: set.patterns.map((a) => (0,core_escape/* escapeTerminal */.en)(a)),
                    except: set.except.map((a) => (0,core_escape/* escapeTerminal */.en)(a)),
                    count: set.count,
                },
            }
            : { actions: f.actions.map((a) => (0,core_escape/* escapeTerminal */.en)(a)) }),
        resources: f.resources.map((r) => (0,core_escape/* escapeTerminal */.en)(r)),
    };
    if (f.statement !== undefined)
        properties.statement = (0,core_escape/* escapeTerminal */.en)(f.statement);
    if (f.baseline)
        properties.baseline = (0,core_escape/* escapeTerminal */.en)(f.baseline);
    if (f.set)
        properties.set = (0,core_escape/* escapeTerminal */.en)(f.set);
    if (f.new !== undefined)
        properties.new = f.new;
    if (f.approximate)
        properties.approximate = (0,core_escape/* escapeTerminal */.en)(f.approximate);
    const out = {
        ruleId: ruleId(f.kind, f.severity),
        ruleIndex,
        level: sarifLevel(f.severity),
        message: { text: messageOf(f) },
        locations: [location],
        partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(f) },
        properties,
    };
    if (f.ignored)
        out.suppressions = [{ kind: 'external', justification: (0,core_escape/* escapeSarifText */.au)(f.ignored.reason) }];
    return out;
}
/**
 * A pull request's audit splits a statement's finding into what the change adds (`new`) and what
 * the base had; a push's audit of the same files gives it whole. Code scanning compares a pull
 * request's results with the default branch's by fingerprint, so the split ones would close the
 * push's alert and open others (a dismissal lost), and again once merged. Here they are one result
 * again, as the push's: the actions together, the highest severity, the first line, new.
 */
function unsplit(findings) {
    const key = (f) => JSON.stringify([
        f.kind,
        f.path,
        f.address ?? '',
        f.statement ?? '',
        f.set ?? '',
        f.feature ?? '',
        f.choice ?? '',
        f.baseline ?? '',
        f.policy,
        [...f.resources].sort(),
    ]);
    const groups = new Map();
    for (const f of findings) {
        // (ignored ones stay as they are: each carries its own suppression)
        if (f.new === undefined || f.ignored || (f.actionSet && f.actions.length === 0))
            continue;
        const k = key(f);
        const g = groups.get(k);
        if (g)
            g.push(f);
        else
            groups.set(k, [f]);
    }
    const merged = new Map();
    for (const g of groups.values()) {
        if (g.length < 2 || !g.some((f) => f.new === true) || !g.some((f) => f.new === false))
            continue;
        const added = g.filter((f) => f.new === true);
        const had = g.filter((f) => f.new === false);
        const top = [...g].sort((a, b) => (0,group/* severityRank */.qs)(b.severity) - (0,group/* severityRank */.qs)(a.severity))[0];
        const lines = g.map((f) => f.line).filter((l) => l !== undefined);
        const one = {
            ...top,
            actions: [...new Set(g.flatMap((f) => f.actions))].sort(),
            new: true,
            message: `${added.map((f) => f.message).join(' ')} Before this change, already: ${had.map((f) => f.message).join(' ')}`,
        };
        delete one.actionSet;
        if (lines.length)
            one.line = Math.min(...lines);
        merged.set(g[0], one);
        for (const f of g.slice(1))
            merged.set(f, null);
    }
    if (merged.size === 0)
        return [...findings];
    const out = [];
    for (const f of findings) {
        const m = merged.get(f);
        if (m === undefined)
            out.push(f);
        else if (m !== null)
            out.push(m);
    }
    return out;
}
/**
 * A finding of an audit run from a subdirectory, its path (and its policy id, which starts with it)
 * from the repository's root; one named outside the root stays as it is (uriOf: OUTSIDE_URI).
 */
function fromRoot(f, prefix) {
    const path = f.path.replace(/^(\.\/)+/, '');
    if (!inRepository(path))
        return f;
    const policy = f.policy === path || f.policy.startsWith(`${path}#`) ? `${prefix}/${f.policy}` : f.policy;
    return { ...f, path: `${prefix}/${path}`, policy };
}
function renderSarif(report, options = {}) {
    const prefix = options.pathPrefix?.replace(/^\/+|\/+$/g, '');
    const findings = unsplit(report.findings.filter((f) => !f.removed))
        .map((f) => (prefix ? fromRoot(f, prefix) : f))
        .map((f) => ({ f, fp: findingFingerprint(f) }))
        .sort((a, b) => a.f.path.localeCompare(b.f.path) ||
        (a.f.line ?? 0) - (b.f.line ?? 0) ||
        group/* KIND_ORDER */.ML.indexOf(a.f.kind) - group/* KIND_ORDER */.ML.indexOf(b.f.kind) ||
        a.fp.localeCompare(b.fp));
    const version = /^\d+\.\d+\.\d+/.test(report.tool.version) ? report.tool.version : undefined;
    // The rules the results use, by kind then from the most severe.
    const used = new Map();
    for (const { f } of findings)
        used.set(ruleId(f.kind, f.severity), { kind: f.kind, severity: f.severity });
    const rules = [...used.values()].sort((a, b) => group/* KIND_ORDER */.ML.indexOf(a.kind) - group/* KIND_ORDER */.ML.indexOf(b.kind) ||
        (0,group/* severityRank */.qs)(b.severity) - (0,group/* severityRank */.qs)(a.severity));
    const ruleIndex = new Map(rules.map((r, i) => [ruleId(r.kind, r.severity), i]));
    return {
        $schema: SARIF_SCHEMA,
        version: '2.1.0',
        runs: [
            {
                tool: {
                    driver: {
                        name: report.tool.name,
                        version: report.tool.version,
                        ...(version ? { semanticVersion: version } : {}),
                        informationUri: options.informationUri ?? DEFAULT_INFORMATION_URI,
                        rules: rules.map((r) => rule(r.kind, r.severity)),
                    },
                },
                results: findings.map(({ f }) => result(f, ruleIndex.get(ruleId(f.kind, f.severity)), report.catalog)),
                properties: {
                    catalog: report.catalog,
                    // Data, but shown by some viewers: through the same escaping as the results' properties.
                    baselines: report.baselines.map((b) => ({
                        id: (0,core_escape/* escapeTerminal */.en)(b.id),
                        version: b.version === undefined ? undefined : (0,core_escape/* escapeTerminal */.en)(b.version),
                        date: b.date === undefined ? undefined : (0,core_escape/* escapeTerminal */.en)(b.date),
                        sets: b.sets.map((x) => (0,core_escape/* escapeTerminal */.en)(x)),
                    })),
                },
            },
        ],
    };
}


/***/ })

};

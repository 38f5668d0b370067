export const id = 411;
export const ids = [411,285];
export const modules = {

/***/ 411:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  mergeCommand: () => (/* binding */ mergeCommand)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/version.ts
var version = __webpack_require__(3323);
// EXTERNAL MODULE: ./src/report/verdict.ts
var verdict = __webpack_require__(687);
// EXTERNAL MODULE: ./src/core/escape.ts
var core_escape = __webpack_require__(4536);
// EXTERNAL MODULE: ./src/core/types.ts
var types = __webpack_require__(3054);
// EXTERNAL MODULE: ./src/report/group.ts
var group = __webpack_require__(6349);
// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(4285);
// EXTERNAL MODULE: ./src/report/actions.ts
var actions = __webpack_require__(9493);
;// CONCATENATED MODULE: ./src/report/merge.ts
// `iam-baseline-audit merge`: the JSON reports of many repositories (each already read and checked
// by parseReportJson) combined into one organisation report: counts by repository, baseline
// (vendor), kind and severity, and every finding kept, tagged with its repository. Rendered as JSON
// (its own documented shape, `schemaVersion` 2: findings stored as the JSON report stores them, a
// long action set as an `actionSet` of patterns), Markdown (short, grouped, fitted to GitHub's
// limits) or text. Pure: no I/O; the CLI reads the files (src/cli-commands.ts).
//
// Counts follow the audit's summary (src/audit/report-model.ts summarize): ignored findings and
// findings a change removed are kept in `findings` but not counted.






/** 2: findings as the JSON report (schemaVersion 2) stores them (`actionSet` for long action sets). */
const MERGED_SCHEMA_VERSION = 2;
/** Shown for a finding whose baseline neither the finding nor its policy names. */
const NO_BASELINE = '(no baseline)';
const counted = (f) => !f.ignored && !f.removed;
function bump(record, key) {
    record[key] = (record[key] ?? 0) + 1;
}
/** Keys in a fixed order: severities from the most severe, kinds in report order, others sorted. */
function sortedRecord(record, order) {
    const keys = Object.keys(record);
    keys.sort((a, b) => (order ? order.indexOf(a) - order.indexOf(b) : a < b ? -1 : a > b ? 1 : 0));
    const out = {};
    for (const k of keys)
        out[k] = record[k];
    return out;
}
const SEVERITY_ORDER = [...types/* SEVERITIES */.o].reverse();
/**
 * Merges the reports in the order given (names must be distinct: the CLI checks). Findings keep
 * their report's order within each repository.
 */
function mergeReports(inputs, tool) {
    const repositories = [];
    const findings = [];
    const byKind = {};
    const bySeverity = {};
    const byRepository = {};
    const byBaseline = {};
    let countedTotal = 0;
    for (const { repository, report } of inputs) {
        const policyBaseline = new Map(report.policies.map((p) => [p.id, p.baseline]));
        const repo = {
            name: repository,
            tool: report.tool,
            catalog: report.catalog,
            baselines: report.baselines.map((b) => b.id),
            inputs: report.inputs.length,
            policies: report.policies.length,
            total: report.findings.length,
            findings: 0,
            byKind: {},
            bySeverity: {},
            byBaseline: {},
        };
        for (const f of report.findings) {
            findings.push({ repository, ...f });
            if (!counted(f))
                continue;
            const baseline = f.baseline ?? policyBaseline.get(f.policy) ?? NO_BASELINE;
            repo.findings++;
            bump(repo.byKind, f.kind);
            bump(repo.bySeverity, f.severity);
            bump(repo.byBaseline, baseline);
            bump(byKind, f.kind);
            bump(bySeverity, f.severity);
            bump(byBaseline, baseline);
            countedTotal++;
        }
        repo.byKind = sortedRecord(repo.byKind, group/* KIND_ORDER */.ML);
        repo.bySeverity = sortedRecord(repo.bySeverity, SEVERITY_ORDER);
        repo.byBaseline = sortedRecord(repo.byBaseline);
        byRepository[repository] = repo.findings;
        repositories.push(repo);
    }
    return {
        schemaVersion: MERGED_SCHEMA_VERSION,
        tool,
        repositories,
        summary: {
            repositories: repositories.length,
            withFindings: repositories.filter((r) => r.findings > 0).length,
            total: findings.length,
            findings: countedTotal,
            byRepository,
            byBaseline: sortedRecord(byBaseline),
            byKind: sortedRecord(byKind, group/* KIND_ORDER */.ML),
            bySeverity: sortedRecord(bySeverity, SEVERITY_ORDER),
        },
        findings,
    };
}
/** Counted findings at or above the threshold (the exit status of `merge --fail-on any`). */
function mergedFindingsAtOrAbove(merged, threshold) {
    // The one fail rule of the audit and the action (src/report/verdict.ts), with fail-on: any.
    return (0,verdict/* decide */.L)(merged, 'any', threshold).failing;
}
/**
 * The merged report as JSON: the keys in the order of the types above, 2-space indentation; each
 * finding as its report's JSON stores it (a long action set as an `actionSet` of patterns, made
 * against the repository's catalog, which must be the bundled one: otherwise the list is kept).
 */
function renderMergedJson(merged) {
    const catalogs = new Map(merged.repositories.map((r) => [r.name, r.catalog]));
    const findings = merged.findings.map((f) => {
        const catalog = catalogs.get(f.repository);
        return catalog ? (0,actions/* storedFinding */.Ho)(f, catalog) : f;
    });
    return `${JSON.stringify({ ...merged, findings }, null, 2)}\n`;
}
// ---------------------------------------------------------------------------------------------
// Markdown
const SEVERITY_ICON = {
    critical: '🟥',
    high: '🔴',
    medium: '🟠',
    low: '🟡',
    info: '⚪',
};
function severityCells(c) {
    const parts = SEVERITY_ORDER.filter((s) => c.bySeverity[s]).map((s) => `${SEVERITY_ICON[s]} ${c.bySeverity[s]}`);
    return parts.length ? parts.join(' ') : '–';
}
function countsLine(record, label) {
    const parts = Object.entries(record)
        .filter(([, n]) => n)
        .map(([k, n]) => `${label(k)} ${n}`);
    return parts.length ? parts.join(' · ') : '–';
}
function findingLine(f) {
    const what = (0,actions/* shownActions */.vJ)(f).count === 0
        ? (0,core_escape/* escapeMarkdown */.FV)(f.message, 'text')
        : (0,actions/* actionsText */.$2)(f, (v) => (0,core_escape/* escapeMarkdown */.FV)(v), (v) => `**${v}**`);
    const where = (0,core_escape/* escapeMarkdown */.FV)(f.line !== undefined ? `${f.path}:${f.line}` : f.path);
    const baseline = f.baseline ? ` · ${(0,core_escape/* escapeMarkdown */.FV)(f.baseline)}` : '';
    return `- ${SEVERITY_ICON[f.severity]} **${f.severity}** · ${group/* KIND_INFO */.Kw[f.kind].title} · ${what}\\\n  ${where}${baseline}`;
}
/**
 * Short and grouped: the verdict, one table of counts with a row per repository, the totals by
 * baseline and kind, then each repository's findings in a collapsed section. Past the size limit,
 * table rows and findings are cut (most findings first is the table's order) with a count of what
 * is left out and a pointer to the merged JSON report, which has everything.
 */
function renderMergedMarkdown(merged, options = {}) {
    const limit = options.maxLength ?? markdown.COMMENT_LIMIT;
    const s = merged.summary;
    const title = options.title ?? `IAM baseline audit of ${(0,group/* plural */.LS)(s.repositories, 'repository', 'repositories')}`;
    const verdict = s.findings > 0
        ? `❌ **${(0,group/* plural */.LS)(s.findings, 'finding')}** in ${s.withFindings} of ${(0,group/* plural */.LS)(s.repositories, 'repository', 'repositories')}: permissions beyond the vendor baselines`
        : `✅ **No IAM permissions beyond the vendor baselines** in ${(0,group/* plural */.LS)(s.repositories, 'repository', 'repositories')}`;
    const head = `### ${(0,core_escape/* escapeMarkdown */.FV)(title, 'text')}\n\n${verdict}`;
    const totals = [
        `**By baseline:** ${countsLine(s.byBaseline, (k) => (0,core_escape/* escapeMarkdown */.FV)(k))}`,
        `**By kind:** ${countsLine(s.byKind, (k) => group/* KIND_INFO */.Kw[k]?.title ?? (0,core_escape/* escapeMarkdown */.FV)(k))}`,
    ].join('\\\n');
    const footer = `<sub>${(0,core_escape/* escapeMarkdown */.FV)(merged.tool.name, 'text')} ${(0,core_escape/* escapeMarkdown */.FV)(merged.tool.version, 'text')} · merged report schema ${merged.schemaVersion}</sub>`;
    const pointer = '📄 Shortened to fit GitHub’s limit: every finding is in the merged JSON report (`merge --format json`).';
    // Repositories with the most findings first; ties in the order given.
    const order = merged.repositories
        .map((r, i) => ({ r, i }))
        .sort((a, b) => b.r.findings - a.r.findings || a.i - b.i)
        .map((x) => x.r);
    const rows = order.map((r) => `| ${(0,core_escape/* escapeMarkdown */.FV)(r.name)} | ${r.findings} | ${severityCells(r)} | ${r.policies} | ${r.baselines.length ? r.baselines.map((b) => (0,core_escape/* escapeMarkdown */.FV)(b)).join(', ') : '–'} |`);
    const tableHead = '| Repository | Findings | By severity | Policies | Baselines |\n| --- | ---: | --- | ---: | --- |';
    const byRepo = new Map();
    for (const f of merged.findings) {
        if (!counted(f))
            continue;
        const list = byRepo.get(f.repository) ?? [];
        list.push(f);
        byRepo.set(f.repository, list);
    }
    for (const list of byRepo.values())
        list.sort((a, b) => (0,group/* severityRank */.qs)(b.severity) - (0,group/* severityRank */.qs)(a.severity));
    const assemble = (parts) => parts.filter((p) => p !== '').join('\n\n') + '\n';
    // Room for the fixed parts, the pointer and the longest "not shown" lines.
    const fixed = assemble([head, tableHead, totals, '#### Findings by repository', pointer, footer]).length +
        2 * `**… and ${s.total} more repositories not shown.**`.length +
        64;
    let budget = limit - 1 - fixed;
    let cut = false;
    const keptRows = [];
    for (const row of rows) {
        if (row.length + 1 > budget) {
            cut = true;
            break;
        }
        keptRows.push(row);
        budget -= row.length + 1;
    }
    let table = [tableHead, ...keptRows].join('\n');
    if (keptRows.length < rows.length)
        table += `\n\n**… and ${(0,group/* plural */.LS)(rows.length - keptRows.length, 'more repository', 'more repositories')} not shown.**`;
    const sections = [];
    let shownRepos = 0;
    const withFindings = order.filter((r) => (byRepo.get(r.name)?.length ?? 0) > 0);
    for (const r of withFindings) {
        const list = byRepo.get(r.name);
        const open = `<details>\n<summary>${(0,core_escape/* escapeMarkdown */.FV)(r.name, 'html')} · ${(0,group/* plural */.LS)(list.length, 'finding')}</summary>\n\n`;
        const close = '\n\n</details>';
        const moreLine = (n) => `\n\n**… and ${(0,group/* plural */.LS)(n, 'more finding')} not shown.**`;
        const overhead = open.length + close.length + moreLine(list.length).length + 2;
        if (cut || overhead > budget) {
            cut = true;
            break;
        }
        const items = [];
        let room = budget - overhead;
        for (const f of list) {
            const line = findingLine(f);
            if (line.length + 1 > room) {
                cut = true;
                break;
            }
            items.push(line);
            room -= line.length + 1;
        }
        if (items.length === 0)
            break;
        let body = items.join('\n');
        if (items.length < list.length)
            body += moreLine(list.length - items.length);
        const section = open + body + close;
        sections.push(section);
        budget -= section.length + 2;
        shownRepos++;
        if (cut)
            break;
    }
    if (shownRepos < withFindings.length) {
        cut = true;
        sections.push(`**… and the findings of ${(0,group/* plural */.LS)(withFindings.length - shownRepos, 'more repository', 'more repositories')} not shown.**`);
    }
    const findingsPart = sections.length ? `#### Findings by repository\n\n${sections.join('\n\n')}` : '';
    const out = assemble([head, table, totals, findingsPart, cut ? pointer : '', footer]);
    if (out.length < limit)
        return out;
    // A pathological title: cut hard, on a line boundary.
    let hard = out;
    while (hard.length >= limit)
        hard = hard.slice(0, Math.floor(hard.length * 0.9));
    return hard.slice(0, hard.lastIndexOf('\n') + 1);
}
// ---------------------------------------------------------------------------------------------
// Text
/** Plain text for a terminal: the counts per repository, then every counted finding, one a line. */
function renderMergedText(merged) {
    const s = merged.summary;
    const t = core_escape/* escapeTerminal */.en;
    const lines = [
        `${(0,group/* plural */.LS)(s.findings, 'finding')} in ${s.withFindings} of ${(0,group/* plural */.LS)(s.repositories, 'repository', 'repositories')}` +
            (s.total > s.findings ? ` (${s.total - s.findings} ignored or removed, not counted)` : ''),
    ];
    const sev = (c) => SEVERITY_ORDER.filter((x) => c.bySeverity[x])
        .map((x) => `${x} ${c.bySeverity[x]}`)
        .join(', ');
    if (Object.keys(s.byBaseline).length)
        lines.push(`by baseline: ${Object.entries(s.byBaseline)
            .map(([k, n]) => `${t(k)} ${n}`)
            .join(', ')}`);
    if (Object.keys(s.byKind).length)
        lines.push(`by kind: ${Object.entries(s.byKind)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`);
    if (Object.keys(s.bySeverity).length)
        lines.push(`by severity: ${sev(s)}`);
    for (const r of merged.repositories) {
        lines.push('', `${t(r.name)}: ${(0,group/* plural */.LS)(r.findings, 'finding')}${r.findings ? ` (${sev(r)})` : ''}, ${(0,group/* plural */.LS)(r.policies, 'policy', 'policies')}`);
        for (const f of merged.findings) {
            if (f.repository !== r.name || !counted(f))
                continue;
            const where = f.line !== undefined ? `${f.path}:${f.line}` : f.path;
            const what = (0,actions/* shownActions */.vJ)(f).count ? (0,actions/* actionsText */.$2)(f, t) : t((0,core_escape/* clipShown */.SM)(f.message, actions/* MAX_MESSAGE_SHOWN */.FZ));
            lines.push(`  ${f.severity.padEnd(8)} ${f.kind.padEnd(18)} ${t(where)}  ${what}`);
        }
    }
    return `${lines.join('\n')}\n`;
}

// EXTERNAL MODULE: ./src/audit/report-model.ts
var report_model = __webpack_require__(2649);
// EXTERNAL MODULE: ./src/audit/kinds.ts
var kinds = __webpack_require__(5960);
// EXTERNAL MODULE: ./src/policy/catalog.ts + 1 modules
var catalog = __webpack_require__(4054);
// EXTERNAL MODULE: ./src/policy/compress.ts
var compress = __webpack_require__(2072);
;// CONCATENATED MODULE: ./src/report/validate.ts
// Reads a JSON report written by an earlier run (the fork recipe: a `workflow_run` workflow comments
// the report a `pull_request` workflow uploaded). The file is untrusted: only the fields of the
// documented contract are kept, each checked for its type, and the summary is recomputed, so a
// crafted report can change what is listed (it came from the fork's run anyway) but not how it is
// rendered (everything still goes through the one escaping boundary) nor crash the action.
//
// Both schema versions are read: 1 (no `schemaVersion`: every finding lists its `actions`) and 2
// (src/report/actions.ts: a long action set as `actionSet {patterns, except, count}`, a long diff
// as a note with `diffOmitted`). An `actionSet` is expanded to the full list with the bundled
// catalog when the report names that catalog (and must then expand to `count` actions). A report
// made with another catalog keeps its description as given, in `Finding.actionSet` with empty
// `actions`, and the renderers show its patterns and the report's count: patterns are never
// re-expanded against a catalog other than the one they were made with.






const INPUT_KINDS = [
    'policy',
    'terraform-plan',
    'terraform-state',
    'terraform-json',
    'cloudformation',
    'terraform-hcl',
    'authorization-details',
    'unknown',
];
const POLICY_KINDS = ['identity', 'resource', 'trust'];
const POLICY_STATUS = ['audited', 'unresolved', 'not-matched', 'invalid'];
const INPUT_STATUS = ['audited', 'skipped', 'error'];
/** Bounds that keep a crafted report from costing more than a real one. */
const MAX_ITEMS = 100_000;
const MAX_STRING = 100_000;
class ReportError extends Error {
}
function obj(v, where) {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw new ReportError(`${where}: expected an object`);
    return v;
}
function list(v, where) {
    if (v === undefined)
        return [];
    if (!Array.isArray(v))
        throw new ReportError(`${where}: expected an array`);
    if (v.length > MAX_ITEMS)
        throw new ReportError(`${where}: more than ${MAX_ITEMS} entries`);
    return v;
}
function str(v, where) {
    if (typeof v !== 'string')
        throw new ReportError(`${where}: expected a string`);
    return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
}
function optStr(v, where) {
    return v === undefined || v === null ? undefined : str(v, where);
}
function optNum(v, where) {
    if (v === undefined || v === null)
        return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new ReportError(`${where}: expected a non-negative number`);
    return Math.floor(v);
}
function oneOf(v, allowed, where) {
    if (typeof v !== 'string' || !allowed.includes(v))
        throw new ReportError(`${where}: expected one of ${allowed.join(', ')}`);
    return v;
}
function strings(v, where) {
    return list(v, where).map((x, i) => str(x, `${where}[${i}]`));
}
function defined(o) {
    for (const k of Object.keys(o))
        if (o[k] === undefined)
            delete o[k];
    return o;
}
/** The patterns schema 2 writes: `*`, `service:*`, `service:Prefix*`, `service:Action`. */
const SET_PATTERN = /^(?:\*|[a-z0-9-]{1,64}:(?:\*|[A-Za-z0-9_-]{1,128}\*?))$/;
function patterns(v, where) {
    return strings(v, where).map((p, i) => {
        if (!SET_PATTERN.test(p))
            throw new ReportError(`${where}[${i}]: expected *, service:*, service:Prefix* or service:Action`);
        return p;
    });
}
function findingActions(f, where, ctx) {
    if (ctx.version < 2 || f.actions !== undefined || f.actionSet === undefined)
        return { actions: strings(f.actions, `${where}.actions`) };
    const w = `${where}.actionSet`;
    const raw = obj(f.actionSet, w);
    const set = {
        patterns: patterns(raw.patterns, `${w}.patterns`),
        except: patterns(raw.except, `${w}.except`),
        count: optNum(raw.count, `${w}.count`) ?? -1,
    };
    if (set.count < 0)
        throw new ReportError(`${w}.count: expected a non-negative number`);
    if (!ctx.bundled)
        return { actions: [], actionSet: set };
    // Shared between the findings of the report with the same set (nothing changes a finding's
    // lists): 40,000 NotAction findings hold one list of 22,000 names, not 40,000.
    const key = JSON.stringify([set.patterns, set.except]);
    let actions = ctx.expanded.get(key);
    if (!actions)
        ctx.expanded.set(key, (actions = (0,compress/* expandActionSet */.tG)(set, (0,catalog/* loadCatalog */.ak)())));
    if (actions.length !== set.count)
        throw new ReportError(`${w}: expands to ${actions.length} actions with catalog ${ctx.catalogVersion}, the report says ${set.count}`);
    return { actions };
}
function finding(v, where, ctx) {
    const f = obj(v, where);
    const ignored = f.ignored === undefined ? undefined : obj(f.ignored, `${where}.ignored`);
    return defined({
        kind: oneOf(f.kind, kinds/* KIND_ORDER */.ML, `${where}.kind`),
        severity: oneOf(f.severity, types/* SEVERITIES */.o, `${where}.severity`),
        policy: str(f.policy, `${where}.policy`),
        statement: optStr(f.statement, `${where}.statement`),
        ...findingActions(f, where, ctx),
        resources: strings(f.resources, `${where}.resources`),
        set: optStr(f.set, `${where}.set`),
        feature: optStr(f.feature, `${where}.feature`),
        choice: optStr(f.choice, `${where}.choice`),
        remediation: optStr(f.remediation, `${where}.remediation`),
        baseline: optStr(f.baseline, `${where}.baseline`),
        new: typeof f.new === 'boolean' ? f.new : undefined,
        removed: f.removed === true ? true : undefined,
        path: str(f.path, `${where}.path`),
        line: optNum(f.line, `${where}.line`),
        address: optStr(f.address, `${where}.address`),
        accessLevels: f.accessLevels === undefined ? undefined : strings(f.accessLevels, `${where}.accessLevels`),
        approximate: optStr(f.approximate, `${where}.approximate`),
        ignored: ignored
            ? defined({
                reason: str(ignored.reason, `${where}.ignored.reason`),
                expires: optStr(ignored.expires, `${where}.ignored.expires`),
            })
            : undefined,
        message: str(f.message, `${where}.message`),
    });
}
/** Parses and checks a JSON report; throws ReportError naming the JSON path and what was expected. */
function parseReportJson(text) {
    let raw;
    try {
        raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    }
    catch (e) {
        throw new ReportError(`not valid JSON (${e.message.slice(0, 120)})`);
    }
    const r = obj(raw, '$');
    const version = r.schemaVersion === undefined ? 1 : r.schemaVersion;
    if (version !== 1 && version !== actions/* REPORT_SCHEMA_VERSION */.WI)
        throw new ReportError(`$.schemaVersion: ${JSON.stringify(version)?.slice(0, 40)} is not one this version reads (1 or ${actions/* REPORT_SCHEMA_VERSION */.WI}): update the action`);
    const tool = obj(r.tool, '$.tool');
    const catalog = obj(r.catalog, '$.catalog');
    const reportCatalog = {
        source: str(catalog.source, '$.catalog.source'),
        version: str(catalog.version, '$.catalog.version'),
    };
    const ctx = {
        version,
        bundled: (0,actions/* isBundledCatalog */.eX)(reportCatalog),
        catalogVersion: reportCatalog.version,
        expanded: new Map(),
    };
    const report = {
        tool: { name: str(tool.name, '$.tool.name'), version: str(tool.version, '$.tool.version') },
        catalog: reportCatalog,
        baselines: list(r.baselines, '$.baselines').map((v, i) => {
            const b = obj(v, `$.baselines[${i}]`);
            const w = `$.baselines[${i}]`;
            return defined({
                id: str(b.id, `${w}.id`),
                name: str(b.name, `${w}.name`),
                version: optStr(b.version, `${w}.version`),
                date: optStr(b.date, `${w}.date`),
                sets: strings(b.sets, `${w}.sets`),
                remediation: optStr(b.remediation, `${w}.remediation`),
                sources: b.sources === undefined ? undefined : strings(b.sources, `${w}.sources`),
            });
        }),
        inputs: list(r.inputs, '$.inputs').map((v, i) => {
            const x = obj(v, `$.inputs[${i}]`);
            const w = `$.inputs[${i}]`;
            return defined({
                path: str(x.path, `${w}.path`),
                kind: oneOf(x.kind, INPUT_KINDS, `${w}.kind`),
                status: oneOf(x.status, INPUT_STATUS, `${w}.status`),
                reason: optStr(x.reason, `${w}.reason`),
                policies: strings(x.policies, `${w}.policies`),
            });
        }),
        policies: list(r.policies, '$.policies').map((v, i) => {
            const p = obj(v, `$.policies[${i}]`);
            const w = `$.policies[${i}]`;
            const d = p.detection === undefined ? undefined : obj(p.detection, `${w}.detection`);
            return defined({
                id: str(p.id, `${w}.id`),
                path: str(p.path, `${w}.path`),
                line: optNum(p.line, `${w}.line`),
                address: optStr(p.address, `${w}.address`),
                kind: oneOf(p.kind, POLICY_KINDS, `${w}.kind`),
                baseline: optStr(p.baseline, `${w}.baseline`),
                sets: p.sets === undefined ? undefined : strings(p.sets, `${w}.sets`),
                features: p.features === undefined ? undefined : strings(p.features, `${w}.features`),
                status: oneOf(p.status, POLICY_STATUS, `${w}.status`),
                reason: optStr(p.reason, `${w}.reason`),
                detection: d
                    ? {
                        baseline: str(d.baseline, `${w}.detection.baseline`),
                        confidence: typeof d.confidence === 'number' && Number.isFinite(d.confidence)
                            ? Math.min(1, Math.max(0, d.confidence))
                            : 0,
                        evidence: strings(d.evidence, `${w}.detection.evidence`),
                    }
                    : undefined,
            });
        }),
        findings: list(r.findings, '$.findings').map((v, i) => finding(v, `$.findings[${i}]`, ctx)),
        suggestions: list(r.suggestions, '$.suggestions').map((v, i) => {
            const w = `$.suggestions[${i}]`;
            const s = obj(v, w);
            const omitted = version >= 2 && s.diffOmitted !== undefined ? obj(s.diffOmitted, `${w}.diffOmitted`) : undefined;
            return defined({
                policy: str(s.policy, `${w}.policy`),
                minimal: s.minimal ?? null,
                diff: str(s.diff, `${w}.diff`),
                diffOmitted: omitted
                    ? {
                        lines: optNum(omitted.lines, `${w}.diffOmitted.lines`) ?? 0,
                        bytes: optNum(omitted.bytes, `${w}.diffOmitted.bytes`) ?? 0,
                    }
                    : undefined,
            });
        }),
        summary: { inputs: 0, policies: 0, findings: 0, byKind: {}, bySeverity: {} },
    };
    const notes = strings(r.notes, '$.notes');
    if (notes.length)
        report.notes = notes;
    report.summary = (0,report_model/* summarize */.eh)(report);
    return report;
}

// EXTERNAL MODULE: ./src/sources/safe-read.ts
var safe_read = __webpack_require__(4646);
// EXTERNAL MODULE: ./src/cli-options.ts
var cli_options = __webpack_require__(2830);
;// CONCATENATED MODULE: ./src/cli-merge.ts
// `iam-baseline-audit merge REPORT.json... [--repo NAME=FILE]... [--format markdown|json|text]
// [--output FILE]`: the JSON reports of many repositories combined into one (src/report/merge.ts).
// Each file is read with the safe reader (a regular file, at most --max-file-size) and checked
// with the saved-report reader (parseReportJson), like the action's `report` input.
//
// The repository of a report: NAME from `--repo NAME=FILE`; else the name of the folder that holds
// the file (`reports/acme-api/report.json` is `acme-api`), which is what actions/download-artifact
// makes of one artifact per repository.










/** Default largest report read: far above a real one (a report of 10,000 findings is ~10 MB). */
const DEFAULT_MAX_MB = 64;
/** Longest repository name kept (GitHub's owner/name is at most 39 + 1 + 100 characters). */
const MAX_NAME = 200;
function repositoryName(raw, file) {
    const name = raw.trim();
    if (name === '')
        throw new errors/* UsageError */.e(`${file}: the repository name is empty`);
    if (name.length > MAX_NAME)
        throw new errors/* UsageError */.e(`${file}: the repository name is over ${MAX_NAME} characters`);
    return name;
}
/** Reads and checks one report; a usage error that names the file and why it is not a report. */
function readReport(file, maxBytes) {
    const abs = (0,external_node_path_.resolve)(process.cwd(), file);
    // The root is the file's own folder: any path the user names is read, but a symbolic link is
    // followed only within that folder.
    const read = (0,safe_read/* readRepoFile */.v6)((0,external_node_path_.dirname)(abs), (0,external_node_path_.basename)(abs), maxBytes);
    if (!read.ok)
        throw new errors/* UsageError */.e(`${file}: ${read.reason}`);
    try {
        return parseReportJson(read.text);
    }
    catch (e) {
        if (e instanceof ReportError)
            throw new errors/* UsageError */.e(`${file}: not an ${version/* TOOL_NAME */.l} JSON report (${e.message})`);
        throw e;
    }
}
async function mergeCommand(argv, toStdout) {
    const { values, positionals } = (0,external_node_util_.parseArgs)({
        args: argv,
        allowPositionals: true,
        options: {
            repo: { type: 'string', short: 'r', multiple: true },
            format: { type: 'string', short: 'f', default: 'text' },
            output: { type: 'string', short: 'o' },
            title: { type: 'string' },
            'fail-on': { type: 'string', default: 'any' },
            'severity-threshold': { type: 'string', default: 'medium' },
            'max-file-size': { type: 'string' },
        },
    });
    const format = values.format;
    if (!['text', 'markdown', 'json'].includes(format))
        throw new errors/* UsageError */.e(`--format must be markdown, json or text, not "${format}"`);
    const { failOn, threshold } = (0,cli_options/* failOptions */.Z2)(values);
    const maxBytes = (0,cli_options/* megabytes */.ix)(values['max-file-size']) ?? DEFAULT_MAX_MB * 1024 * 1024;
    const output = (0,cli_options/* outputPath */.XC)(values.output);
    const named = [];
    for (const r of values.repo ?? []) {
        const eq = r.indexOf('=');
        if (eq < 0)
            throw new errors/* UsageError */.e(`--repo takes NAME=FILE, not "${r}"`);
        const file = r.slice(eq + 1);
        if (file === '')
            throw new errors/* UsageError */.e(`--repo ${r}: no file after "="`);
        named.push({ name: repositoryName(r.slice(0, eq), file), file });
    }
    for (const file of positionals) {
        named.push({ name: repositoryName((0,external_node_path_.basename)((0,external_node_path_.dirname)((0,external_node_path_.resolve)(process.cwd(), file))), file), file });
    }
    if (named.length === 0)
        throw new errors/* UsageError */.e('merge needs at least one JSON report (REPORT.json or --repo NAME=FILE)');
    const seen = new Map();
    for (const { name, file } of named) {
        const other = seen.get(name);
        if (other !== undefined)
            throw new errors/* UsageError */.e(`two reports for the repository "${name}" (${other} and ${file}): name them with --repo NAME=FILE`);
        seen.set(name, file);
    }
    const inputs = named.map(({ name, file }) => ({
        repository: name,
        report: readReport(file, maxBytes),
    }));
    const merged = mergeReports(inputs, { name: version/* TOOL_NAME */.l, version: version/* TOOL_VERSION */.w });
    const rendered = format === 'json'
        ? renderMergedJson(merged)
        : format === 'markdown'
            ? renderMergedMarkdown(merged, values.title !== undefined ? { title: values.title } : {})
            : renderMergedText(merged);
    const inActions = process.env.GITHUB_ACTIONS === 'true';
    if (output)
        (0,cli_options/* writingOutput */.m$)(output, () => (0,external_node_fs_.writeFileSync)(output, rendered));
    // JSON in an Actions log: the same data without `::` or `##[`, not framed (as the audit's).
    else if (format === 'json')
        process.stdout.write(inActions ? (0,core_escape/* inertJson */.nl)(rendered) : rendered);
    else
        await toStdout(() => {
            // Markdown and text in an Actions log: escaped line by line, as the audit's are.
            process.stdout.write(inActions ? (0,core_escape/* escapeLog */.Ah)(rendered) : rendered);
        });
    return failOn === 'any' && mergedFindingsAtOrAbove(merged, threshold).length > 0 ? 1 : 0;
}


/***/ }),

/***/ 4285:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   COMMENT_LIMIT: () => (/* binding */ COMMENT_LIMIT),
/* harmony export */   SEVERITY_ICON: () => (/* binding */ SEVERITY_ICON),
/* harmony export */   SUMMARY_LIMIT: () => (/* binding */ SUMMARY_LIMIT),
/* harmony export */   commentMarker: () => (/* binding */ commentMarker),
/* harmony export */   driftMarker: () => (/* binding */ driftMarker),
/* harmony export */   renderMarkdown: () => (/* binding */ renderMarkdown)
/* harmony export */ });
/* harmony import */ var _core_escape_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4536);
/* harmony import */ var _audit_report_model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2649);
/* harmony import */ var _actions_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9493);
/* harmony import */ var _group_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6349);




/** GitHub rejects a comment or issue body of 65,536 characters or more. */
const COMMENT_LIMIT = 65_536;
/** GitHub drops a job summary larger than 1 MiB (counted in bytes). */
const SUMMARY_LIMIT = 1024 * 1024;
/** The hidden marker that identifies our sticky comment for `key`. */
function commentMarker(key = 'default') {
    return (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .hiddenMarker */ .z0)('comment', key);
}
/** The hidden marker that identifies our drift tracking issue for `key`. */
function driftMarker(key = 'default') {
    return (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .hiddenMarker */ .z0)('drift', key);
}
/**
 * At most MAX_ACTIONS actions are listed in one finding (src/report/actions.ts). Past that (a
 * wildcard such as `ec2:*` expands to hundreds), the finding shows the count and the shortest exact
 * description in patterns (`s3:*` except 6 actions), cut with a count, then the audit's message,
 * which names the pattern and the riskiest actions; the full set is in the JSON report.
 */
const MAX_RESOURCES = 10;
/**
 * A chunk whose text is made when first read: fitToLimit reads only as many as can be shown (a
 * plan of 20,000 policies has some 100,000 findings, of which a comment shows a few hundred).
 */
class LazyChunk {
    make;
    findings;
    made;
    constructor(make, findings) {
        this.make = make;
        this.findings = findings;
    }
    get text() {
        return (this.made ??= this.make());
    }
}
function list(values, max) {
    const shown = values.slice(0, max).map((v) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(v));
    const more = values.length > max ? `, … and ${values.length - max} more` : '';
    return shown.join(', ') + more;
}
/** A finding's actions: listed when few, else `**N actions**: patterns except patterns`, bounded. */
const actionsShown = (f) => (0,_actions_js__WEBPACK_IMPORTED_MODULE_2__/* .actionsText */ .$2)(f, (v) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(v), (v) => `**${v}**`);
const message = (f) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)((0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .clipShown */ .SM)(f.message, _actions_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_MESSAGE_SHOWN */ .FZ), 'text');
function location(f) {
    const parts = [];
    if (f.statement !== undefined)
        parts.push(`statement ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(f.statement)}`);
    parts.push((0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(f.line !== undefined ? `${f.path}:${f.line}` : f.path));
    return parts.join(' · ');
}
const SEVERITY_ICON = {
    critical: '🟥',
    high: '🔴',
    medium: '🟠',
    low: '🟡',
    info: '⚪',
};
/** One finding as a list item: severity and actions first, then where, then why. */
function findingItem(f, policyAddress, shared) {
    // A trailing backslash is a hard line break in CommonMark: short lines everywhere.
    const lines = [];
    const shown = (0,_actions_js__WEBPACK_IMPORTED_MODULE_2__/* .shownActions */ .vJ)(f);
    const many = !shown.listed || shown.count > _actions_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_ACTIONS */ .H3;
    const what = shown.count === 0 ? message(f) : actionsShown(f);
    lines.push(`- ${SEVERITY_ICON[f.severity] ?? ''} **${f.severity}** · ${what}`);
    lines.push(location(f) + (f.address && f.address !== policyAddress ? ` · ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(f.address)}` : ''));
    const wideOnly = f.resources.length === 1 && f.resources[0] === '*';
    if (f.resources.length > 0 && (!wideOnly || f.kind === 'broader-resource')) {
        lines.push(`on ${list(f.resources, MAX_RESOURCES)}`);
    }
    if (shown.count > 0 && (0,_actions_js__WEBPACK_IMPORTED_MODULE_2__/* .messageAddsToActions */ .Ax)(f, many))
        lines.push(message(f));
    if (f.approximate) {
        // The policy's shared note is shown once under its heading (sharedApproximate).
        const { own, shared: carries } = (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .ownApproximate */ .pb)(f, shared);
        const note = carries && !shared.all
            ? own
                ? `${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(own, 'text')}; and as noted above`
                : 'as noted above'
            : own && (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(own, 'text');
        if (note)
            lines.push(`⚠️ approximate: ${note}`);
    }
    return lines.join('\\\n  ');
}
function policyHeading(g, shared) {
    const parts = [`##### 📄 ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(g.path)}`];
    const label = (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .addressLabel */ .xh)(g);
    if (label)
        parts.push((0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(label));
    let line = parts.join(' · ');
    const p = g.policy;
    if (p?.baseline) {
        line += `\nBaseline ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p.baseline)}`;
        if (p.sets && p.sets.length > 0)
            line += ` (${p.sets.map((s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s)).join(', ')})`;
        if (p.features?.length)
            line += ` · optional features in use: ${p.features.map((s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s)).join(', ')}`;
    }
    // Under the baseline's line, a hard line break (a trailing backslash); else a paragraph of its own.
    if (shared)
        line += `${p?.baseline ? '\\' : ''}\n⚠️ approximate, ${shared.all ? 'every finding below' : 'the findings below that say so'}: ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(shared.text, 'text')}`;
    return line;
}
/** The notes of the findings' own sets; for a report without them, the baselines' notes. */
function remediationFor(report, findings) {
    const out = [];
    const own = [...new Set(findings.map((f) => f.remediation).filter((r) => !!r))];
    if (own.length)
        return own.map((r) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(r, 'text'));
    for (const id of [...new Set(findings.map((f) => f.baseline).filter((b) => !!b))]) {
        const b = report.baselines.find((x) => x.id === id);
        if (b?.remediation)
            out.push(`${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(b.name || b.id, 'text')}: ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(b.remediation, 'text')}`);
    }
    return out;
}
/** Findings grouped by policy, then kind: one chunk per heading and per finding. */
function groupChunks(report, findings) {
    const chunks = [];
    for (const g of (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .groupFindings */ .kG)(findings, report)) {
        // Found when the group's heading or a finding is first made (not for a group past the limit).
        let found;
        const shared = () => (found ??= { note: (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .sharedApproximate */ .cm)(g) }).note;
        chunks.push(new LazyChunk(() => policyHeading(g, shared()), 0));
        for (const { kind, findings: ofKind } of g.kinds) {
            const info = _group_js__WEBPACK_IMPORTED_MODULE_3__/* .KIND_INFO */ .Kw[kind];
            if (kind !== 'leftover-set') {
                chunks.push({ text: `**${info.title}** (${ofKind.length}): ${info.advice}.`, findings: 0 });
                for (const f of ofKind)
                    chunks.push(new LazyChunk(() => findingItem(f, g.address, shared()), 1));
                continue;
            }
            // Setup sets and unchosen alternatives are over: delete; optional sets are features: keep if used.
            for (const part of (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .splitLeftovers */ .bl)(ofKind)) {
                const sets = [...new Set(part.map((f) => f.set).filter((s) => !!s))];
                const named = sets.length > 0 ? ` ${sets.map((s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s)).join(', ')}` : '';
                const words = (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .leftoverWords */ .BF)(part[0], info);
                let head = `**${words.title}**${named} (${part.length}): ${words.advice}.`;
                for (const r of remediationFor(report, part))
                    head += `\\\n${r}`;
                chunks.push({ text: head, findings: 0 });
                for (const f of part)
                    chunks.push(new LazyChunk(() => findingItem(f, g.address, shared()), 1));
            }
        }
    }
    return chunks;
}
/** Joins chunks: list items of one group stay one list; other chunks are separate blocks. */
/**
 * The chunks' pieces, in order, whose concatenation is joinChunks(): each chunk's text after its
 * separator (none at the start, one line break between two list items, else a blank line).
 */
function* joinedPieces(chunks) {
    let empty = true;
    let prevItem = false;
    for (const c of chunks) {
        const item = c.text.startsWith('- ');
        yield empty ? c.text : (item && prevItem ? '\n' : '\n\n') + c.text;
        if (c.text !== '')
            empty = false;
        prevItem = item;
    }
}
function joinChunks(chunks) {
    let out = '';
    for (const piece of joinedPieces(chunks))
        out += piece;
    return out;
}
function details(summaryHtml, body) {
    return `<details>\n<summary>${summaryHtml}</summary>\n\n${body}\n\n</details>`;
}
function verdict(report) {
    const b = (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .bucketFindings */ .zT)(report.findings);
    const counted = b.current.filter(_group_js__WEBPACK_IMPORTED_MODULE_3__/* .isExcess */ .YY);
    // The same count as the collapsed "N pre-existing findings" section below.
    const before = b.preexisting.length;
    const audited = report.policies.filter((p) => p.status === 'audited').length;
    if (counted.length > 0) {
        const n = b.hasBase ? `${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(counted.length, 'new finding')}` : (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(counted.length, 'finding');
        const extra = b.hasBase && before > 0 ? ` (and ${before} pre-existing)` : '';
        return `❌ **${n}** in ${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)((0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .distinctPolicies */ .XI)(counted), 'policy', 'policies')}: permissions beyond the vendor baselines${extra}`;
    }
    if (audited === 0 && report.findings.length === 0) {
        return `⚠️ **No IAM policy was audited** (${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(report.inputs.length, 'input')}, ${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(report.policies.length, 'policy', 'policies')} found)`;
    }
    if (b.hasBase) {
        const extra = before > 0 ? ` · ${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(before, 'pre-existing finding')}` : '';
        return `✅ **No new IAM permissions beyond the vendor baselines**${extra}`;
    }
    return '✅ **No IAM permissions beyond the vendor baselines**';
}
function removedSection(removed) {
    const items = removed.map((f) => `- ${actionsShown(f)} · ${location(f)}`);
    return details(`🗑️ ${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(removed.length, 'permission')} removed by this change`, items.join('\n'));
}
function ignoredSection(ignored) {
    const items = ignored.map((f) => {
        const why = f.ignored;
        const until = why.expires ? ` (until ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(why.expires)})` : '';
        return `- **${f.severity}** · ${(0,_actions_js__WEBPACK_IMPORTED_MODULE_2__/* .shownActions */ .vJ)(f).count > 0 ? actionsShown(f) : (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(f.kind)} · ${location(f)}\\\n  ignored: ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(why.reason, 'text')}${until}`;
    });
    return details(`🙈 ${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(ignored.length, 'ignored finding')} (not counted)`, items.join('\n'));
}
/**
 * One section per suggestion, made when read (its diff is made on first read: see fitToLimit); a
 * suggestion with an empty diff makes an empty section, which is left out.
 */
function suggestionSections(report) {
    const order = new Map(report.policies.map((p, i) => [p.id, i]));
    const kept = (0,_audit_report_model_js__WEBPACK_IMPORTED_MODULE_1__/* .keptByIgnore */ .Yk)(report);
    return [...report.suggestions]
        .sort((a, b) => (order.get(a.policy) ?? Infinity) - (order.get(b.policy) ?? Infinity) ||
        a.policy.localeCompare(b.policy))
        .map((s) => () => {
        if (s.diff.trim() === '')
            return '';
        // A diff over the bounds (a policy of thousands of lines) is summarised, not shown.
        const omitted = (0,_actions_js__WEBPACK_IMPORTED_MODULE_2__/* .omittedDiff */ .sO)(s);
        const body = omitted
            ? `The diff is ${omitted.lines.toLocaleString('en-US')} lines (${omitted.bytes.toLocaleString('en-US')} bytes), over the ${_actions_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_DIFF_LINES */ .l.toLocaleString('en-US')} lines or ${_actions_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_DIFF_BYTES */ .J.toLocaleString('en-US')} bytes shown here: the minimal policy is in the JSON report (\`suggestions[].minimal\`).`
            : (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .fencedBlock */ .zW)(s.diff, 'diff');
        // Nothing of the policy is kept: the advice is to delete it, as `fix` says.
        const ignored = kept.get(s.policy);
        const advice = ignored
            ? `It also removes what an ignore rule keeps (${list(ignored, 8)}): keep those when you apply it (\`fix\` leaves this policy as written).\n\n`
            : keepsNothing(s.minimal)
                ? 'Every statement of this policy would be removed: delete the policy (or detach it) instead.\n\n'
                : '';
        return details(`💡 Suggested minimal policy: <code>${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s.policy, 'html')}</code>`, advice + body);
    });
}
/** A suggested policy without any statement. */
function keepsNothing(minimal) {
    const st = minimal?.Statement;
    return Array.isArray(st) && st.length === 0;
}
function notAuditedSection(report) {
    const items = [];
    for (const p of report.policies) {
        if (p.status === 'audited')
            continue;
        const label = (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .addressLabel */ .xh)(p);
        const where = [(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p.line !== undefined ? `${p.path}:${p.line}` : p.path), label ? (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(label) : ''].filter(Boolean);
        items.push(`- ${where.join(' · ')}: ${p.status}${p.reason ? ` (${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p.reason, 'text')})` : ''}`);
    }
    for (const i of report.inputs) {
        if ((0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .heldNothing */ .fq)(i))
            items.push(`- ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(i.path)}: ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(i.reason, 'text')}`);
        if (i.status === 'audited')
            continue;
        items.push(`- ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(i.path)}: ${i.status === 'error' ? 'error' : 'skipped'}${i.reason ? ` (${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(i.reason, 'text')})` : ''}`);
    }
    if (items.length === 0)
        return undefined;
    return details(`${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(items.length, 'policy or input', 'policies and inputs')} not audited`, items.join('\n'));
}
function footer(report) {
    const baselines = report.baselines.map((b) => {
        const v = [b.version ? (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(b.version) : '', b.date ? `(${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(b.date, 'text')})` : '']
            .filter(Boolean)
            .join(' ');
        return `${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(b.id)}${v ? ` ${v}` : ''}`;
    });
    const parts = [
        `${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(report.tool.name, 'text')} ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(report.tool.version, 'text')}`,
        `catalog ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(report.catalog.source, 'text')} ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(report.catalog.version, 'text')}`,
    ];
    if (baselines.length > 0)
        parts.push(`${baselines.length === 1 ? 'baseline' : 'baselines'} ${baselines.join(', ')}`);
    return `<sub>${parts.join(' · ')}</sub>`;
}
function safeUrl(url) {
    if (!/^https?:\/\/[^\s<>()[\]"'`]+$/i.test(url))
        return undefined;
    return url;
}
/**
 * The only place where size limits are enforced. Past the limit: keep the head (marker, title,
 * verdict) and the new findings, drop the rest and point to the full report; if even the new
 * findings do not fit, keep as many as fit and count the others.
 *
 * What cannot be shown is not made: the findings' chunks and the other sections (`rest`, each made
 * when called; a suggestion's diff is made when its section is) are read in order only while what
 * is read so far can still fit. Every part is added after a line break, so the measure of the text
 * so far is the sum of its parts' (no surrogate pair is split between two parts), and the text can
 * only grow: once the beginning of a candidate is over the limit, the whole of it is.
 */
function fitToLimit(head, findings, rest, tail, limit, measure, pointer) {
    const assemble = (parts) => parts.filter((p) => p !== '').join('\n\n') + '\n';
    // The findings joined as joinChunks does, while head + "\n\n" + them (how both the whole report
    // and the shortened one begin) is under the limit.
    let joined = '';
    let size = measure(head) + 2;
    let allRead = true;
    for (const piece of joinedPieces(findings)) {
        joined += piece;
        size += measure(piece);
        if (size >= limit) {
            allRead = false;
            break;
        }
    }
    if (allRead) {
        // The whole report, section by section while it fits.
        let full = joined === '' ? head : `${head}\n\n${joined}`;
        let fullSize = measure(full);
        for (const part of [...rest, () => tail]) {
            if (fullSize >= limit)
                break;
            const text = part();
            if (text === '')
                continue;
            full += `\n\n${text}`;
            fullSize += measure(`\n\n${text}`);
        }
        if (fullSize + measure('\n') < limit)
            return `${full}\n`;
        const short = assemble([head, joined, pointer, tail]);
        if (measure(short) < limit)
            return short;
    }
    const total = findings.reduce((n, c) => n + c.findings, 0);
    // Reserve room for the longest possible "not shown" line.
    const reserve = measure(assemble([head, `… and ${total} more findings not shown.`, pointer, tail])) + 16;
    const kept = [];
    let keptSize = 0;
    for (const c of findings) {
        const add = measure(c.text) + 2;
        if (reserve + keptSize + add >= limit)
            break;
        kept.push(c);
        keptSize += add;
    }
    while (kept.length > 0 && kept[kept.length - 1].findings === 0)
        kept.pop();
    const shown = kept.reduce((n, c) => n + c.findings, 0);
    const more = `**… and ${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(total - shown, 'more finding')} not shown.**`;
    const out = assemble([head, joinChunks(kept), more, pointer, tail]);
    if (measure(out) < limit)
        return out;
    // A pathological head (a huge title): cut hard, on a line boundary (nothing left under a limit of 0).
    let cut = out;
    while (cut !== '' && measure(cut) >= limit)
        cut = cut.slice(0, Math.floor(cut.length * 0.9));
    return cut.slice(0, cut.lastIndexOf('\n') + 1);
}
function renderMarkdown(report, options = {}) {
    (0,_actions_js__WEBPACK_IMPORTED_MODULE_2__/* .requireSuggestions */ .zd)(report, 'a Markdown');
    const mode = options.mode ?? 'summary';
    const limit = options.maxLength ?? (mode === 'summary' ? SUMMARY_LIMIT : COMMENT_LIMIT);
    const measure = mode === 'summary' ? (s) => Buffer.byteLength(s, 'utf8') : (s) => s.length;
    const b = (0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .bucketFindings */ .zT)(report.findings);
    const headParts = [];
    if (mode === 'comment')
        headParts.push(commentMarker(options.commentKey));
    if (mode === 'issue')
        headParts.push(driftMarker(options.commentKey));
    headParts.push(`### ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(options.title ?? 'IAM baseline audit', 'text')}`);
    const head = `${headParts.join('\n')}\n\n${verdict(report)}`;
    const findingChunks = [];
    if (b.current.length > 0) {
        findingChunks.push({ text: b.hasBase ? '#### New in this change' : '#### Findings', findings: 0 });
        for (const chunk of groupChunks(report, b.current))
            findingChunks.push(chunk);
    }
    // The other sections, each made only if the report can still show it (see fitToLimit).
    const rest = [];
    if (options.moreSuggestions && options.moreSuggestions > 0) {
        const n = options.moreSuggestions;
        rest.push(() => `💡 ${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(n, 'more suggested change')} ${n === 1 ? 'was' : 'were'} not posted in the review (at most 20 a run): the suggested minimal policies below have them all, or run \`iam-baseline-audit fix\` locally.`);
    }
    if (b.preexisting.length > 0) {
        rest.push(() => details(`${(0,_group_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(b.preexisting.length, 'pre-existing finding')} (already in the base)`, joinChunks(groupChunks(report, b.preexisting))));
    }
    if (b.removed.length > 0)
        rest.push(() => removedSection(b.removed));
    rest.push(...suggestionSections(report));
    rest.push(() => notAuditedSection(report) ?? '');
    if (b.ignored.length > 0)
        rest.push(() => ignoredSection(b.ignored));
    if (report.notes && report.notes.length > 0) {
        const notes = report.notes;
        rest.push(() => `**Notes**\n\n${notes.map((n) => `- ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(n, 'text')}`).join('\n')}`);
    }
    const url = options.summaryUrl ? safeUrl(options.summaryUrl) : undefined;
    const where = mode === 'issue' ? 'an issue' : 'a comment';
    const pointer = mode === 'summary'
        ? '📄 Shortened to fit the job summary: the full report is in the JSON report (`findings-file`).'
        : url
            ? `📄 Shortened to fit ${where}: pre-existing findings, suggested policies and the rest are in the job summary of the [latest run](${url}).`
            : `📄 Shortened to fit ${where}: the full report is in the job summary of the latest run.`;
    return fitToLimit(head, findingChunks, rest, footer(report), limit, measure, pointer);
}


/***/ })

};

export const id = 411;
export const ids = [411];
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
// findings a change removed are kept in `findings` but not counted. The verdict follows the audit's
// (src/report/verdict.ts): only excess findings make it fail; informational ones (`missing-permission`)
// are counted and listed, as the audit's summary counts and lists them, but are not excess.






/** 2: findings as the JSON report (schemaVersion 2) stores them (`actionSet` for long action sets). */
const MERGED_SCHEMA_VERSION = 2;
/** Shown for a finding whose baseline neither the finding nor its policy names. */
const NO_BASELINE = '(no baseline)';
const counted = (f) => !f.ignored && !f.removed;
// Counted in Maps: a key is a repository's name or a baseline's id, any string (`constructor`,
// `__proto__`), which a plain object would read from or write to its prototype.
function bump(counts, key) {
    counts.set(key, (counts.get(key) ?? 0) + 1);
}
/**
 * The counts as a record for the JSON, keys in the Map's order: a record without a prototype, each
 * key its own property (`__proto__` included, which JSON.stringify then writes as any other key).
 */
function recordInOrder(counts) {
    const out = Object.create(null);
    for (const [k, n] of counts)
        Object.defineProperty(out, k, { value: n, enumerable: true, writable: true, configurable: true });
    return out;
}
/** Keys in a fixed order: severities from the most severe, kinds in report order, others sorted. */
function sortedRecord(counts, order) {
    const keys = [...counts.keys()];
    keys.sort((a, b) => (order ? order.indexOf(a) - order.indexOf(b) : a < b ? -1 : a > b ? 1 : 0));
    return recordInOrder(new Map(keys.map((k) => [k, counts.get(k)])));
}
const SEVERITY_ORDER = [...types/* SEVERITIES */.o].reverse();
/**
 * Merges the reports in the order given (names must be distinct: the CLI checks). Findings keep
 * their report's order within each repository. `missing`: the repositories without a report,
 * listed as given.
 */
function mergeReports(inputs, tool, missing = []) {
    const repositories = [];
    const findings = [];
    const byKind = new Map();
    const bySeverity = new Map();
    const byRepository = new Map();
    const byBaseline = new Map();
    let countedTotal = 0;
    let excessTotal = 0;
    for (const { repository, report } of inputs) {
        const policyBaseline = new Map(report.policies.map((p) => [p.id, p.baseline]));
        const repoKind = new Map();
        const repoSeverity = new Map();
        const repoBaseline = new Map();
        let repoCounted = 0;
        let repoExcess = 0;
        for (const f of report.findings) {
            findings.push({ repository, ...f });
            if (!counted(f))
                continue;
            const baseline = f.baseline ?? policyBaseline.get(f.policy) ?? NO_BASELINE;
            repoCounted++;
            if ((0,group/* isExcess */.YY)(f))
                repoExcess++;
            bump(repoKind, f.kind);
            bump(repoSeverity, f.severity);
            bump(repoBaseline, baseline);
            bump(byKind, f.kind);
            bump(bySeverity, f.severity);
            bump(byBaseline, baseline);
            countedTotal++;
        }
        byRepository.set(repository, repoCounted);
        excessTotal += repoExcess;
        repositories.push({
            name: repository,
            tool: report.tool,
            catalog: report.catalog,
            baselines: report.baselines.map((b) => b.id),
            inputs: report.inputs.length,
            policies: report.policies.length,
            audited: report.policies.filter((p) => p.status === 'audited').length,
            total: report.findings.length,
            findings: repoCounted,
            excess: repoExcess,
            byKind: sortedRecord(repoKind, group/* KIND_ORDER */.ML),
            bySeverity: sortedRecord(repoSeverity, SEVERITY_ORDER),
            byBaseline: sortedRecord(repoBaseline),
        });
    }
    return {
        schemaVersion: MERGED_SCHEMA_VERSION,
        tool,
        repositories,
        missing: [...missing],
        summary: {
            repositories: repositories.length,
            withFindings: repositories.filter((r) => r.excess > 0).length,
            total: findings.length,
            findings: countedTotal,
            excess: excessTotal,
            // In the order given (a Map keeps it; the names are distinct).
            byRepository: recordInOrder(byRepository),
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
/** As the audit's verdict: only excess findings make it ❌; informational ones are a count beside it. */
function mergedVerdict(merged) {
    const s = merged.summary;
    const repos = (0,group/* plural */.LS)(s.repositories, 'repository', 'repositories');
    const info = s.findings - s.excess;
    // (a repository whose audit held no policy to a baseline, and found nothing, is not clean)
    const none = merged.repositories.filter((r) => r.audited === 0 && r.total === 0).length;
    if (s.excess > 0)
        return (`❌ **${(0,group/* plural */.LS)(s.excess, 'finding')}** in ${s.withFindings} of ${repos}: permissions beyond the vendor baselines` +
            (info > 0 ? ` (and ${(0,group/* plural */.LS)(info, 'informational finding')})` : ''));
    if (none > 0 && none === s.repositories)
        return `⚠️ **No IAM policy was audited** in ${repos}`;
    if (none > 0)
        return (`⚠️ **No IAM permissions beyond the vendor baselines** in ${repos}, but ${none} of them audited no policy (none was held to a baseline)` +
            (info > 0 ? ` · ${(0,group/* plural */.LS)(info, 'informational finding')}` : ''));
    return (`✅ **No IAM permissions beyond the vendor baselines** in ${repos}` +
        (info > 0 ? ` · ${(0,group/* plural */.LS)(info, 'informational finding')}` : ''));
}
function findingLine(f) {
    const what = (0,actions/* shownActions */.vJ)(f).count === 0
        ? (0,core_escape/* escapeMarkdown */.FV)(f.message, 'text')
        : (0,actions/* actionsText */.$2)(f, (v) => (0,core_escape/* escapeMarkdown */.FV)(v), (v) => `**${v}**`);
    const where = (0,core_escape/* escapeMarkdown */.FV)(f.line !== undefined ? `${f.path}:${f.line}` : f.path);
    const baseline = f.baseline ? ` · ${(0,core_escape/* escapeMarkdown */.FV)(f.baseline)}` : '';
    return `- ${SEVERITY_ICON[f.severity]} **${f.severity}** · ${(0,group/* leftoverWords */.BF)(f, group/* KIND_INFO */.Kw[f.kind]).title} · ${what}\\\n  ${where}${baseline}`;
}
/** The list of repositories without a report takes at most this share of the limit. */
const MISSING_SHARE = 1 / 4;
/**
 * "No report from": the repositories, one a line, as many as fit in `room` characters, then a count
 * of the others (all of them are in the merged JSON's `missing`). Empty when there is none.
 */
function missingSection(names, room) {
    if (names.length === 0)
        return '';
    const head = '**No report from:**';
    const more = (n) => `**… and ${(0,group/* plural */.LS)(n, 'more repository', 'more repositories')} without a report: every name is in the merged JSON report (\`missing\`).**`;
    let left = room - head.length - more(names.length).length - 4;
    const lines = [];
    for (const name of names) {
        const line = `- ${(0,core_escape/* escapeMarkdown */.FV)(name)}`;
        if (line.length + 1 > left)
            break;
        lines.push(line);
        left -= line.length + 1;
    }
    const rest = names.length - lines.length;
    return [head, lines.join('\n'), rest > 0 ? more(rest) : ''].filter((p) => p !== '').join('\n\n');
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
    const verdict = mergedVerdict(merged);
    const head = `### ${(0,core_escape/* escapeMarkdown */.FV)(title, 'text')}\n\n${verdict}`;
    const totals = [
        `**By baseline:** ${countsLine(s.byBaseline, (k) => (0,core_escape/* escapeMarkdown */.FV)(k))}`,
        `**By kind:** ${countsLine(s.byKind, (k) => group/* KIND_INFO */.Kw[k]?.title ?? (0,core_escape/* escapeMarkdown */.FV)(k))}`,
    ].join('\\\n');
    const missing = missingSection(merged.missing, Math.floor(limit * MISSING_SHARE));
    const footer = `<sub>${(0,core_escape/* escapeMarkdown */.FV)(merged.tool.name, 'text')} ${(0,core_escape/* escapeMarkdown */.FV)(merged.tool.version, 'text')} · merged report schema ${merged.schemaVersion}</sub>`;
    const pointer = '📄 Shortened to fit GitHub’s limit: every finding is in the merged JSON report (`merge --format json`).';
    // Repositories with the most findings first; ties in the order given.
    const order = merged.repositories
        .map((r, i) => ({ r, i }))
        .sort((a, b) => b.r.findings - a.r.findings || a.i - b.i)
        .map((x) => x.r);
    const rows = order.map((r) => `| ${(0,core_escape/* escapeMarkdown */.FV)(r.name)} | ${r.findings} | ${severityCells(r)} | ${r.audited} of ${r.policies} | ${r.baselines.length ? r.baselines.map((b) => (0,core_escape/* escapeMarkdown */.FV)(b)).join(', ') : '–'} |`);
    const tableHead = '| Repository | Findings | By severity | Policies audited | Baselines |\n| --- | ---: | --- | ---: | --- |';
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
    const fixed = assemble([head, tableHead, totals, missing, '#### Findings by repository', pointer, footer]).length +
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
    const out = assemble([head, table, totals, missing, findingsPart, cut ? pointer : '', footer]);
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
    const info = s.findings - s.excess;
    const lines = [
        `${(0,group/* plural */.LS)(s.excess, 'finding')} beyond the vendor baselines in ${s.withFindings} of ${(0,group/* plural */.LS)(s.repositories, 'repository', 'repositories')}` +
            (info > 0 ? `, and ${(0,group/* plural */.LS)(info, 'informational finding')}` : '') +
            (s.total > s.findings ? ` (${s.total - s.findings} ignored or removed, not counted)` : ''),
    ];
    const none = merged.repositories.filter((r) => r.audited === 0 && r.total === 0);
    if (none.length)
        lines.push(`no policy audited (none was held to a baseline) in ${(0,group/* plural */.LS)(none.length, 'repository', 'repositories')}: ${none.map((r) => t(r.name)).join(', ')}`);
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
    if (merged.missing.length)
        lines.push(`no report from: ${merged.missing.map(t).join(', ')}`);
    for (const r of merged.repositories) {
        lines.push('', `${t(r.name)}: ${(0,group/* plural */.LS)(r.findings, 'finding')}${r.findings ? ` (${sev(r)})` : ''}, ${(0,group/* plural */.LS)(r.policies, 'policy', 'policies')}${r.audited === r.policies ? '' : `, ${r.audited === 0 ? 'none' : r.audited} audited`}`);
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
function optBool(v, where) {
    if (v === undefined)
        return undefined;
    if (typeof v !== 'boolean')
        throw new ReportError(`${where}: expected true or false`);
    return v;
}
function list(v, where) {
    if (v === undefined)
        return [];
    return required(v, where);
}
/**
 * A list every report has (written even when empty): one missing is a report cut short or
 * stripped, not one of nothing (a report without its findings would read as a clean one).
 */
function required(v, where) {
    if (v === undefined)
        throw new ReportError(`${where}: missing; every report has it (empty when there is none)`);
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
    if (f.actions !== undefined && f.actionSet !== undefined)
        throw new ReportError(`${where}: both actions and actionSet; a finding gives one of them`);
    if (ctx.version < 2 || f.actions !== undefined || f.actionSet === undefined) {
        // Every finding the tool writes lists its actions (or, from schema 2, gives their set): one
        // without is not read as a finding of no action (its set would be lost in a merge).
        if (f.actions === undefined)
            throw new ReportError(`${where}.actions: missing; every finding lists its actions${ctx.version >= 2 ? ' (or gives actionSet)' : ''}`);
        return { actions: strings(f.actions, `${where}.actions`) };
    }
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
        new: optBool(f.new, `${where}.new`),
        removed: optBool(f.removed, `${where}.removed`) === true ? true : undefined,
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
        baselines: required(r.baselines, '$.baselines').map((v, i) => {
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
        inputs: required(r.inputs, '$.inputs').map((v, i) => {
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
        policies: required(r.policies, '$.policies').map((v, i) => {
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
        findings: required(r.findings, '$.findings').map((v, i) => finding(v, `$.findings[${i}]`, ctx)),
        suggestions: required(r.suggestions, '$.suggestions').map((v, i) => {
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
                approximate: s.approximate === undefined ? undefined : strings(s.approximate, `${w}.approximate`),
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
// [--output FILE] [--missing-file FILE] [--max-length N]`: the JSON reports of many repositories
// combined into one (src/report/merge.ts).
// Each file is read with the safe reader (a regular file, at most --max-file-size) and checked
// with the saved-report reader (parseReportJson), like the action's `report` input.
//
// The repository of a report: NAME from `--repo NAME=FILE`; else the name of the folder that holds
// the file (`reports/acme-api/report.json` is `acme-api`), which is what actions/download-artifact
// makes of one artifact per repository.
//
// --missing-file names the repositories that gave no report, one a line: the Markdown lists them
// within its size limit (--max-length, less than 65,536 when the caller adds to it, as the
// organisation workflow adds its issue's marker), so that nothing is appended to it afterwards.










/** Default largest report read: far above a real one (a report of 10,000 findings is ~10 MB). */
const DEFAULT_MAX_MB = 64;
/** Longest repository name kept (GitHub's owner/name is at most 39 + 1 + 100 characters). */
const MAX_NAME = 200;
/** --max-length bounds: room for the fixed parts; a job summary's 1 MiB. */
const MIN_LENGTH = 1000;
const MAX_LENGTH = 1024 * 1024;
function repositoryName(raw, file) {
    const name = raw.trim();
    if (name === '')
        throw new errors/* UsageError */.e(`${file}: the repository name is empty`);
    if (name.length > MAX_NAME)
        throw new errors/* UsageError */.e(`${file}: the repository name is over ${MAX_NAME} characters`);
    return name;
}
/** A file the user names, read safely; a usage error naming it when it cannot be. */
function readNamedFile(file, maxBytes) {
    const abs = (0,external_node_path_.resolve)(process.cwd(), file);
    // The root is the file's own folder: any path the user names is read, but a symbolic link is
    // followed only within that folder.
    const read = (0,safe_read/* readRepoFile */.v6)((0,external_node_path_.dirname)(abs), (0,external_node_path_.basename)(abs), maxBytes);
    if (!read.ok)
        throw new errors/* UsageError */.e(`${file}: ${read.reason}`);
    return read.text;
}
/** Reads and checks one report; a usage error that names the file and why it is not a report. */
function readReport(file, maxBytes) {
    const text = readNamedFile(file, maxBytes);
    try {
        return parseReportJson(text);
    }
    catch (e) {
        if (e instanceof ReportError)
            throw new errors/* UsageError */.e(`${file}: ${otherReport(text) ?? `not an ${version/* TOOL_NAME */.l} JSON report (${e.message})`}`, {
                usageHint: false,
            });
        throw e;
    }
}
/** What a file that is not an audit's JSON report is, where it is one of ours in another form. */
function otherReport(text) {
    let v;
    try {
        v = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    }
    catch {
        return undefined;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v))
        return undefined;
    const o = v;
    if (Array.isArray(o.repositories) && o.summary && typeof o.summary === 'object')
        return `a merged report (the output of merge), which is not merged again: merge the repositories' own JSON reports (audit --format json)`;
    if (Array.isArray(o.runs) && (typeof o.$schema === 'string' || o.version === '2.1.0'))
        return `a SARIF file, not the JSON report: merge reads the reports of audit --format json`;
    return undefined;
}
/** --missing-file: one repository a line; blank lines are skipped, a name twice is listed once. */
function readMissing(file, maxBytes) {
    if (file === undefined)
        return [];
    const names = readNamedFile(file, maxBytes)
        .split(/\r?\n/)
        .filter((line) => line.trim() !== '')
        .map((line) => repositoryName(line, file));
    return [...new Set(names)];
}
/** --max-length N: a whole number of characters within the bounds, or undefined (the default). */
function maxLength(value) {
    if (value === undefined)
        return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < MIN_LENGTH || n > MAX_LENGTH)
        throw new errors/* UsageError */.e(`--max-length takes a number of characters from ${MIN_LENGTH} to ${MAX_LENGTH}, not "${value}"`);
    return n;
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
            'missing-file': { type: 'string' },
            'max-length': { type: 'string' },
        },
    });
    const format = values.format;
    if (!['text', 'markdown', 'json'].includes(format))
        throw new errors/* UsageError */.e(`--format must be markdown, json or text, not "${format}"`);
    const { failOn, threshold } = (0,cli_options/* failOptions */.Z2)(values);
    const maxBytes = (0,cli_options/* megabytes */.ix)(values['max-file-size']) ?? DEFAULT_MAX_MB * 1024 * 1024;
    const output = (0,cli_options/* outputPath */.XC)(values.output);
    const markdownLimit = maxLength(values['max-length']);
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
    const missing = readMissing(values['missing-file'], maxBytes);
    const merged = mergeReports(inputs, { name: version/* TOOL_NAME */.l, version: version/* TOOL_VERSION */.w }, missing);
    const rendered = format === 'json'
        ? renderMergedJson(merged)
        : format === 'markdown'
            ? renderMergedMarkdown(merged, {
                ...(values.title !== undefined ? { title: values.title } : {}),
                ...(markdownLimit !== undefined ? { maxLength: markdownLimit } : {}),
            })
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


/***/ })

};

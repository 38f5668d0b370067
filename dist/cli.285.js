export const id = 285;
export const ids = [285];
export const modules = {

/***/ 4285:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   COMMENT_LIMIT: () => (/* binding */ COMMENT_LIMIT),
/* harmony export */   SEVERITY_ICON: () => (/* binding */ SEVERITY_ICON),
/* harmony export */   SUMMARY_LIMIT: () => (/* binding */ SUMMARY_LIMIT),
/* harmony export */   commentMarker: () => (/* binding */ commentMarker),
/* harmony export */   driftMarker: () => (/* binding */ driftMarker),
/* harmony export */   noSuggestionLine: () => (/* binding */ noSuggestionLine),
/* harmony export */   renderMarkdown: () => (/* binding */ renderMarkdown)
/* harmony export */ });
/* harmony import */ var _core_escape_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4536);
/* harmony import */ var _audit_report_model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2649);
/* harmony import */ var _sources_records_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1872);
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(687);
/* harmony import */ var _actions_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9493);
/* harmony import */ var _group_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6349);






/** GitHub rejects a comment or issue body of 65,536 characters or more. */
const COMMENT_LIMIT = 65_536;
/** GitHub drops a job summary larger than 1 MiB (counted in bytes). */
const SUMMARY_LIMIT = 1024 * 1024;
const MAX_NO_SUGGESTION_PATHS = 3;
/** One line: the files the review has no suggestion for, and why. */
function noSuggestionLine(n) {
    const shown = n.paths.slice(0, MAX_NO_SUGGESTION_PATHS).map((p) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p));
    const more = n.paths.length - shown.length;
    const files = shown.join(', ') + (more > 0 ? ` and ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(more, 'more file')}` : '');
    const hole = n.placeholder === undefined ? 'a placeholder' : (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(n.placeholder);
    const why = n.why === 'outside-diff'
        ? "the change is outside this pull request's diff"
        : n.why === 'partly-outside'
            ? "the change also rewrites lines outside this pull request's diff, and its part inside is not valid alone (`iam-baseline-audit fix` makes the whole of it)"
            : n.why === 'placeholder'
                ? `it would write the baseline's placeholder ${hole} into the file: ${n.placeholder !== undefined && /account/i.test(n.placeholder) ? 'set `account-id` when it is the account ID, or narrow it by hand' : 'narrow it to your own value by hand'}`
                : n.why === 'too-long'
                    ? 'the change is too long for a review comment'
                    : 'the policy cannot be rewritten in its file (`iam-baseline-audit fix --dry-run` says why)';
    return `💡 No one-click suggestion for ${files}: ${why}.`;
}
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
const actionsShown = (f) => (0,_actions_js__WEBPACK_IMPORTED_MODULE_4__/* .actionsText */ .$2)(f, (v) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(v), (v) => `**${v}**`);
const message = (f) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)((0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .clipShown */ .SM)(f.message, _actions_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_MESSAGE_SHOWN */ .FZ), 'text');
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
function findingItem(f, policyAddress, shared, wholeListsAt) {
    // A trailing backslash is a hard line break in CommonMark: short lines everywhere.
    const lines = [];
    const shown = (0,_actions_js__WEBPACK_IMPORTED_MODULE_4__/* .shownActions */ .vJ)(f);
    const many = !shown.listed || shown.count > _actions_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_ACTIONS */ .H3;
    const what = shown.count === 0 ? message(f) : actionsShown(f);
    // (shortened: said where the whole list is, once per finding)
    const whole = (shown.count > 0 && (0,_actions_js__WEBPACK_IMPORTED_MODULE_4__/* .shownIsCut */ .an)(shown)) || f.resources.length > MAX_RESOURCES
        ? ` (every one in ${wholeListsAt})`
        : '';
    lines.push(`- ${SEVERITY_ICON[f.severity] ?? ''} **${f.severity}** · ${what}${whole}`);
    lines.push(location(f) + (f.address && f.address !== policyAddress ? ` · ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(f.address)}` : ''));
    const wideOnly = f.resources.length === 1 && f.resources[0] === '*';
    if (f.resources.length > 0 && (!wideOnly || f.kind === 'broader-resource')) {
        lines.push(`on ${list(f.resources, MAX_RESOURCES)}`);
    }
    if (shown.count > 0 && (0,_actions_js__WEBPACK_IMPORTED_MODULE_4__/* .messageAddsToActions */ .Ax)(f, many))
        lines.push(message(f));
    // The policy's shared note is shown once under its heading (sharedApproximate).
    const note = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .approximateText */ .eR)(f, shared, (s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s, 'text'));
    if (note)
        lines.push(`⚠️ approximate: ${note}`);
    return lines.join('\\\n  ');
}
function policyHeading(g, shared) {
    const parts = [`##### 📄 ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(g.path)}`];
    const label = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .addressLabel */ .xh)(g);
    if (label)
        parts.push((0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(label));
    let line = parts.join(' · ');
    const p = g.policy;
    // (a detected baseline says so, with its confidence and strongest evidence: detectedText)
    const detected = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .detectedBaseline */ .K0)(p, g.baseline ?? p?.baseline);
    const guess = detected ? ` · ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .detectedText */ .mO)(detected, (s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s, 'text'))}` : '';
    if (g.baseline)
        line += `\nBaseline ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(g.baseline)}${guess}`;
    else if (p?.baseline) {
        line += `\nBaseline ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p.baseline)}`;
        if (p.sets && p.sets.length > 0)
            line += ` (${p.sets.map((s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s)).join(', ')})`;
        line += guess;
        if (p.features?.length)
            line += ` · optional features in use: ${p.features.map((s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s)).join(', ')}`;
    }
    // Under the baseline's line, a hard line break (a trailing backslash); else a paragraph of its own.
    const managed = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .managedPolicyAdvice */ .Ky)(g);
    if (managed)
        line += `${g.baseline || p?.baseline ? '\\' : ''}\n🔧 ${managed}`;
    if (shared)
        line += `${g.baseline || p?.baseline ? '\\' : ''}\n⚠️ ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .sharedNoteLead */ .Mc)(shared)}: ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(shared.text, 'text')}`;
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
/** A group's highest severity, as a rank (severityRank: info 0 … critical 4). */
function topSeverity(g) {
    let top = 0;
    for (const k of g.kinds)
        for (const f of k.findings)
            top = Math.max(top, (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .severityRank */ .qs)(f.severity));
    return top;
}
/**
 * Findings grouped by policy, then kind: one chunk per heading and per finding. The policies with
 * the most severe findings first (in the report's order among equals): a comment or an issue cut to
 * GitHub's limit keeps the critical ones.
 */
function groupChunks(report, findings, wholeListsAt) {
    const chunks = [];
    const groups = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .groupFindings */ .kG)(findings, report)
        .map((g, i) => ({ g, i, top: topSeverity(g) }))
        .sort((a, b) => b.top - a.top || a.i - b.i)
        .map((x) => x.g);
    for (const g of groups) {
        // Found when the group's heading or a finding is first made (not for a group past the limit).
        let found;
        const shared = () => (found ??= { note: (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .sharedApproximate */ .cm)(g) }).note;
        chunks.push(new LazyChunk(() => policyHeading(g, shared()), 0));
        for (const { kind, findings: ofKind } of g.kinds) {
            const info = _group_js__WEBPACK_IMPORTED_MODULE_5__/* .KIND_INFO */ .Kw[kind];
            if (kind !== 'leftover-set') {
                chunks.push({ text: `**${info.title}** (${ofKind.length}): ${info.advice}.`, findings: 0 });
                for (const f of ofKind)
                    chunks.push(new LazyChunk(() => findingItem(f, g.address, shared(), wholeListsAt), 1));
                continue;
            }
            // Setup sets and unchosen alternatives are over: delete; optional sets are features: keep if used.
            for (const part of (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .splitLeftovers */ .bl)(ofKind)) {
                const sets = [...new Set(part.map((f) => f.set).filter((s) => !!s))];
                const named = sets.length > 0 ? ` ${sets.map((s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s)).join(', ')}` : '';
                const words = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .leftoverWords */ .BF)(part[0], info);
                let head = `**${words.title}**${named} (${part.length}): ${words.advice}.`;
                for (const r of remediationFor(report, part))
                    head += `\\\n${r}`;
                const inUse = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .featureSets */ .c5)(part, g);
                if (inUse !== undefined)
                    head += `\\\nIn use? Hold the policy to it too, ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(`sets: [${inUse.replace(/,/g, ', ')}]`)} in its audit of the configuration (or ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(`--baseline ${g.policy.baseline}:${inUse}`)}), and audit again: what the feature allows then passes, and what goes beyond it is still reported.`;
                chunks.push({ text: head, findings: 0 });
                for (const f of part)
                    chunks.push(new LazyChunk(() => findingItem(f, g.address, shared(), wholeListsAt), 1));
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
function verdict(report, check) {
    const b = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .bucketFindings */ .zT)(report.findings);
    const counted = b.current.filter(_group_js__WEBPACK_IMPORTED_MODULE_5__/* .isExcess */ .YY);
    // The same counts as the collapsed pre-existing section below (preexistingTitle): what is
    // informational (missing permissions) is told apart, as the outputs and the text report do.
    const before = b.preexisting.filter(_group_js__WEBPACK_IMPORTED_MODULE_5__/* .isExcess */ .YY).length;
    const newInfo = b.current.length - counted.length;
    // New excess an ignore rule hides (one the change may add itself): said, never only collapsed.
    const newIgnored = b.ignored.filter((f) => f.new === true && (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .isExcess */ .YY)(f)).length;
    const audited = report.policies.filter((p) => p.status === 'audited').length;
    if (counted.length > 0) {
        const n = b.hasBase ? `${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(counted.length, 'new finding')}` : (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(counted.length, 'finding');
        const more = [
            ...(b.hasBase && before > 0 ? [`${before} pre-existing`] : []),
            ...(b.hasBase && newInfo > 0 ? [`${newInfo} new informational`] : []),
            ...(newIgnored > 0 ? [`${newIgnored} new ignored`] : []),
        ];
        const extra = more.length ? ` (and ${more.join(', ')})` : '';
        // (a role's trust policy gives findings about who may assume it, not what it may do)
        const trusts = new Set(report.policies.filter((p) => p.kind === 'trust').map((p) => p.id));
        // (a file or policy that cannot be read is no permission: said apart)
        const unread = counted.filter((f) => f.kind === 'invalid-policy').length;
        const read = counted.filter((f) => f.kind !== 'invalid-policy');
        const ofTrust = read.filter((f) => trusts.has(f.policy)).length;
        const what = unread === counted.length
            ? 'invalid or unreadable files or policies'
            : (ofTrust === 0
                ? 'permissions beyond the vendor baselines'
                : ofTrust === read.length
                    ? 'trust beyond what the vendors document'
                    : 'permissions and trust beyond the vendor baselines') +
                (unread > 0 ? `, and ${unread} invalid or unreadable` : '');
        // (findings the check lets pass: said, or ❌ beside a green check reads as a failure)
        const passes = check?.result === 'pass'
            ? check.failOn === 'none'
                ? ' (`fail-on: none`: the check passes)'
                : ` (none that fails the check: below the \`severity-threshold\` of ${check.threshold})`
            : '';
        return `${passes ? '⚠️' : '❌'} **${n}** in ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)((0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .distinctPolicies */ .XI)(counted), 'policy', 'policies')}: ${what}${extra}${passes}`;
    }
    if (audited === 0 && report.findings.length === 0) {
        return `⚠️ **No IAM policy was audited** (${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)((0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .inputFiles */ .ul)(report), 'input')}, ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(report.policies.length, 'policy', 'policies')} found)`;
    }
    // Nothing new counted, yet the check fails: informational findings at or above a
    // `severity-threshold` of info (the fail rule counts them there, as the CLI does), or the base's
    // findings under `fail-on: any`. Said, or ✅/⚠️ beside a red check.
    // (or `fail-on: any`: the findings the base had; said which, from the fail rule itself)
    let infoFails = '';
    if (check?.result === 'fail') {
        const failing = (0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .decide */ .L)(report, check.failOn, check.threshold).failing;
        const preexisting = failing.filter(_group_js__WEBPACK_IMPORTED_MODULE_5__/* .isExcess */ .YY).length;
        const informational = failing.length - preexisting;
        const why = [
            ...(preexisting
                ? [`${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(preexisting, 'pre-existing finding')} (\`fail-on: ${check.failOn}\`)`]
                : []),
            ...(informational
                ? [
                    `${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(informational, 'informational finding')} (\`severity-threshold: ${check.threshold}\` counts them)`,
                ]
                : []),
        ];
        infoFails = `, but the check fails${why.length ? ` on ${why.join(' and ')}` : ''}`;
    }
    if (b.hasBase) {
        const extra = (before > 0 ? ` · ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(before, 'pre-existing finding')}` : '') +
            (newInfo > 0
                ? ` · ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(newInfo, 'new informational finding')} (vendor permissions this change takes away)`
                : '') +
            (newIgnored > 0 ? ` · ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(newIgnored, 'new finding')} ignored by the configuration` : '');
        // (a change that takes away what a vendor needs passes, but may break the integration)
        return `${infoFails ? '❌' : newInfo > 0 ? '⚠️' : '✅'} **No new IAM permissions beyond the vendor baselines**${infoFails}${extra}`;
    }
    return `${infoFails ? '❌' : '✅'} **No IAM permissions beyond the vendor baselines**${infoFails}`;
}
/** The pre-existing section's title: its findings, the informational ones told apart. */
function preexistingTitle(preexisting) {
    const excess = preexisting.filter(_group_js__WEBPACK_IMPORTED_MODULE_5__/* .isExcess */ .YY).length;
    const info = preexisting.length - excess;
    if (excess === 0)
        return `${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(info, 'pre-existing informational finding')} (already in the base)`;
    return `${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(excess, 'pre-existing finding')}${info > 0 ? ` and ${info} informational` : ''} (already in the base)`;
}
function removedSection(removed) {
    // (each item a finding, the place of what it was: of the policy before the change)
    // With its severity and resources: a grant narrowed in place has the same actions, statement
    // and line as the finding still there, which names the narrower resources.
    const items = removed.map((f) => {
        const on = f.resources.length > 0 ? ` · on ${list(f.resources, MAX_RESOURCES)}` : '';
        return `- ${SEVERITY_ICON[f.severity] ?? ''} **${f.severity}** · ${actionsShown(f)} · ${location(f)}${on} (${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)((0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .removedNote */ .bi)(f), 'text')})`;
    });
    return details(`🗑️ ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(removed.length, 'finding')} removed by this change`, items.join('\n'));
}
function ignoredSection(ignored) {
    const items = ignored.map((f) => {
        const why = f.ignored;
        const until = why.expires ? ` (until ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(why.expires)})` : '';
        return `- **${f.severity}** · ${(0,_actions_js__WEBPACK_IMPORTED_MODULE_4__/* .shownActions */ .vJ)(f).count > 0 ? actionsShown(f) : (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(f.kind)} · ${location(f)}\\\n  ignored: ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(why.reason, 'text')}${until}`;
    });
    return details(`🙈 ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(ignored.length, 'ignored finding')} (not counted)`, items.join('\n'));
}
/** A suggestion's diff in a block, with a line under it when the block shows `<!--` otherwise. */
function diffBlock(diff) {
    const note = (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .fencedBlockNote */ .bK)(diff);
    return (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .fencedBlock */ .zW)(diff, 'diff') + (note === undefined ? '' : `\n\n${note}`);
}
/**
 * One section per suggestion, made when read (its diff is made on first read: see fitToLimit); a
 * suggestion with an empty diff makes an empty section, which is left out.
 */
function suggestionSections(report) {
    const order = new Map(report.policies.map((p, i) => [p.id, i]));
    const kept = (0,_audit_report_model_js__WEBPACK_IMPORTED_MODULE_1__/* .keptByIgnore */ .Yk)(report);
    const inFile = new Set(report.policies.filter((p) => p.address).map((p) => p.id));
    const featuresOf = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .featuresLeftOut */ .vr)(report.findings);
    return [...report.suggestions]
        .sort((a, b) => (order.get(a.policy) ?? Infinity) - (order.get(b.policy) ?? Infinity) ||
        a.policy.localeCompare(b.policy))
        .map((s) => () => {
        if (s.diff.trim() === '')
            return '';
        // A diff over the bounds (a policy of thousands of lines) is summarised, not shown.
        const omitted = (0,_actions_js__WEBPACK_IMPORTED_MODULE_4__/* .omittedDiff */ .sO)(s);
        const body = omitted
            ? `The diff is ${omitted.lines.toLocaleString('en-US')} lines (${omitted.bytes.toLocaleString('en-US')} bytes), over the ${_actions_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_DIFF_LINES */ .l.toLocaleString('en-US')} lines or ${_actions_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_DIFF_BYTES */ .J.toLocaleString('en-US')} bytes shown here: the minimal policy is in the JSON report (\`suggestions[].minimal\`).`
            : diffBlock(s.diff);
        // Nothing of the policy is kept: the advice is to delete it, as `fix` says.
        const ignored = kept.get(s.policy);
        const denyLeftOut = (0,_sources_records_js__WEBPACK_IMPORTED_MODULE_2__/* .denyWasLeftOut */ .HG)(s.approximate);
        const advice = (s.approximate?.length ? asRead(s.approximate, denyLeftOut) : '') +
            (ignored
                ? `It also removes what an ignore rule keeps (${list(ignored, 8)}): keep those when you apply it (\`fix\` leaves this policy as written).\n\n`
                : keepsNothing(s.minimal)
                    ? denyLeftOut
                        ? 'Every statement read would be removed: keep only the Deny statements that were left out.\n\n'
                        : 'Every statement of this policy would be removed: delete the policy (or detach it) instead.\n\n'
                    : '');
        // What it leaves out that the report calls optional: the reader decides, not the suggestion.
        const dropped = featuresOf.get(s.policy);
        const features = dropped?.size
            ? `It leaves out the optional ${dropped.size === 1 ? 'feature' : 'features'} ${[...dropped].map((x) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(x)).join(', ')}: if you use ${dropped.size === 1 ? 'it' : 'them'}, name ${dropped.size === 1 ? 'it' : 'them'} among the sets this policy is held to and audit again (the suggestion then keeps what ${dropped.size === 1 ? 'it needs' : 'they need'}).\n\n`
            : '';
        // A policy inside a file (a .tf resource, a template's) is diffed as read, in JSON.
        const asJson = inFile.has(s.policy) && !omitted
            ? "The policy as read, in JSON (not a patch to the file): `iam-baseline-audit fix --dry-run` writes the change in the file's own form where it can.\n\n"
            : '';
        // A policy of no statement is no policy IAM takes: the advice alone, no diff to it.
        const deleteIt = !ignored && !denyLeftOut && keepsNothing(s.minimal);
        return details(`💡 Suggested minimal policy: <code>${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s.policy, 'html')}</code>`, deleteIt ? (features + advice).trimEnd() : features + advice + asJson + body);
    });
}
/**
 * The advice on a suggestion made from a policy read otherwise than written: how (its notes), and
 * that a Deny left out is not in it (a Deny dropped would widen what every policy of the principal
 * grants).
 */
function asRead(notes, denyLeftOut) {
    const how = notes.map((n) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(n)).join('; ');
    return denyLeftOut
        ? `⚠️ Made from the policy as read, not as written (${how}). The Deny statements left out are not in it: keep them as written when you apply it.\n\n`
        : `⚠️ Made from the policy as read, not as written (${how}): compare it with the file when you apply it.\n\n`;
}
/** A suggested policy without any statement. */
function keepsNothing(minimal) {
    const st = minimal?.Statement;
    return Array.isArray(st) && st.length === 0;
}
/** The audited policies with no finding, named (a bounded list), so that a check is seen to be made. */
function cleanSection(report) {
    const clean = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .cleanPolicies */ .aY)(report);
    if (clean.length === 0)
        return undefined;
    const items = clean.slice(0, _group_js__WEBPACK_IMPORTED_MODULE_5__/* .MAX_CLEAN_SHOWN */ .hu).map((p) => {
        const label = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .addressLabel */ .xh)(p);
        const where = [(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p.line !== undefined ? `${p.path}:${p.line}` : p.path), label ? (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(label) : ''].filter(Boolean);
        const detected = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .detectedBaseline */ .K0)(p);
        const against = p.baseline
            ? `: baseline ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p.baseline)}${p.sets?.length ? ` (${p.sets.map((s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s)).join(', ')})` : ''}${detected ? ` · ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .detectedText */ .mO)(detected, (s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s, 'text'), false)}` : ''}`
            : '';
        return `- ${where.join(' · ')}${against}`;
    });
    if (clean.length > _group_js__WEBPACK_IMPORTED_MODULE_5__/* .MAX_CLEAN_SHOWN */ .hu)
        items.push(`- … and ${clean.length - _group_js__WEBPACK_IMPORTED_MODULE_5__/* .MAX_CLEAN_SHOWN */ .hu} more`);
    return details(`${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(clean.length, 'policy', 'policies')} audited with no findings`, items.join('\n'));
}
/** Files skipped for one reason listed one by one, at most; past it, a count and these first. */
const SKIPPED_LISTED = 3;
function notAuditedSection(report, wholeListsAt) {
    const items = [];
    for (const p of report.policies) {
        if (p.status === 'audited')
            continue;
        const label = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .addressLabel */ .xh)(p);
        const where = [(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p.line !== undefined ? `${p.path}:${p.line}` : p.path), label ? (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(label) : ''].filter(Boolean);
        items.push(`- ${where.join(' · ')}: ${p.status}${p.reason ? ` (${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p.reason, 'text')})` : ''}`);
    }
    // Files skipped for one reason (a repository's workflows, manifests and package files: YAML
    // that is not a template, JSON that is not IAM), past a few: one line with a count and the
    // first of them, every one in the JSON report (a review: hundreds of lines of them).
    const skipped = new Map();
    for (const i of report.inputs)
        if (i.status === 'skipped') {
            const reason = i.reason ?? '';
            (skipped.get(reason) ?? skipped.set(reason, []).get(reason)).push(i.path);
        }
    let count = items.length;
    for (const i of report.inputs) {
        if ((0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .heldNothing */ .fq)(i)) {
            items.push(`- ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(i.path)}: ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(i.reason, 'text')}`);
            count++;
        }
        if (i.status === 'audited')
            continue;
        count++;
        const why = i.reason ? ` (${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(i.reason, 'text')})` : '';
        const same = i.status === 'skipped' ? skipped.get(i.reason ?? '') : undefined;
        if (same && same.length > SKIPPED_LISTED) {
            // (at the place of the first of them)
            if (same[0] === i.path)
                items.push(`- ${same.length} files skipped${why}: ${same
                    .slice(0, SKIPPED_LISTED)
                    .map((x) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(x))
                    .join(', ')} and ${same.length - SKIPPED_LISTED} more (every one in ${wholeListsAt})`);
            continue;
        }
        items.push(`- ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(i.path)}: ${i.status === 'error' ? 'error' : 'skipped'}${why}`);
    }
    if (items.length === 0)
        return undefined;
    return details(`${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(count, 'policy or input', 'policies and inputs')} not audited`, items.join('\n'));
}
/**
 * A note as Markdown text, its commands (`--baseline skypilot@2023`) in code spans: copied as they
 * are, where text would carry the zero-width space that breaks a mention after `@`.
 */
function noteText(note) {
    const parts = note.split(COMMAND_IN_NOTE);
    return parts.map((p, i) => (i % 2 === 1 ? (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p) : (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(p, 'text'))).join('');
}
/** `--baseline SPEC` in a note, without the punctuation that ends its sentence. */
const COMMAND_IN_NOTE = /(--baseline [A-Za-z0-9@:,._/-]+?)(?=[.,;:)]*(?:\s|$))/;
function footer(report) {
    const baselines = report.baselines.map((b) => {
        const v = [b.version ? (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(b.version) : '', b.date ? `(${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(b.date, 'text')})` : '']
            .filter(Boolean)
            .join(' ');
        return `${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(b.id)}${v ? ` ${v}` : ''}`;
    });
    const parts = [
        `${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(report.tool.name, 'text')} ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(report.tool.version, 'text')}`,
        `catalog ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(report.catalog.source)} ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(report.catalog.version, 'text')}`,
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
    const more = `**… and ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(total - shown, 'more finding')} not shown.**`;
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
    (0,_actions_js__WEBPACK_IMPORTED_MODULE_4__/* .requireSuggestions */ .zd)(report, 'a Markdown');
    const mode = options.mode ?? 'summary';
    const limit = options.maxLength ?? (mode === 'summary' ? SUMMARY_LIMIT : COMMENT_LIMIT);
    const measure = mode === 'summary' ? (s) => Buffer.byteLength(s, 'utf8') : (s) => s.length;
    const b = (0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .bucketFindings */ .zT)(report.findings);
    const wholeListsAt = options.wholeListsAt ?? 'the JSON report';
    const headParts = [];
    if (mode === 'comment')
        headParts.push(commentMarker(options.commentKey));
    if (mode === 'issue')
        headParts.push(driftMarker(options.commentKey));
    headParts.push(`### ${(0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(options.title ?? 'IAM baseline audit', 'text')}`);
    const head = `${headParts.join('\n')}\n\n${verdict(report, options.check)}`;
    const findingChunks = [];
    if (b.current.length > 0) {
        findingChunks.push({ text: b.hasBase ? '#### New in this change' : '#### Findings', findings: 0 });
        for (const chunk of groupChunks(report, b.current, wholeListsAt))
            findingChunks.push(chunk);
    }
    // The other sections, each made only if the report can still show it (see fitToLimit).
    const rest = [];
    if (options.moreSuggestions && options.moreSuggestions > 0) {
        const n = options.moreSuggestions;
        rest.push(() => `💡 ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .plural */ .LS)(n, 'more suggested change')} ${n === 1 ? 'was' : 'were'} not posted in the review (at most 20 a run): the suggested minimal policies below have them all, or run \`iam-baseline-audit fix\` locally.`);
    }
    for (const n of options.noSuggestion ?? [])
        if (n.paths.length > 0)
            rest.push(() => noSuggestionLine(n));
    // Once, under the findings: what "detected" means, and how to name a baseline instead.
    if ((0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .anyDetected */ .BP)(report))
        rest.push(() => `🔎 ${(0,_group_js__WEBPACK_IMPORTED_MODULE_5__/* .detectedOverride */ .JT)((s) => (0,_core_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(s), true)}`);
    if (b.preexisting.length > 0) {
        rest.push(() => details(preexistingTitle(b.preexisting), joinChunks(groupChunks(report, b.preexisting, wholeListsAt))));
    }
    if (b.removed.length > 0)
        rest.push(() => removedSection(b.removed));
    rest.push(...suggestionSections(report));
    rest.push(() => cleanSection(report) ?? '');
    rest.push(() => notAuditedSection(report, wholeListsAt) ?? '');
    if (b.ignored.length > 0)
        rest.push(() => ignoredSection(b.ignored));
    if (report.notes && report.notes.length > 0) {
        const notes = report.notes;
        rest.push(() => `**Notes**\n\n${notes.map((n) => `- ${noteText(n)}`).join('\n')}`);
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

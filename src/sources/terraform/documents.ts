// Decoding policy values: known JSON, `${...}` templates, and unknown values rebuilt through references.
import { formatJsonPath, parseJson, type JsonPath } from '../../core/json-lines.js';
import { duplicateKeyMessage, noteParsedText, scanKeys, typeName } from '../../policy/document.js';
import { statementsOf } from '../../policy/raw.js';
import { isObject } from '../parser.js';
import { denyLeftOutNote, oneValueNote, pushAll } from '../records.js';
import { EMPTY_DOCUMENT_VERSION, type ChoiceBranch, type TfResource } from './model.js';
import { DOCUMENT_ATTRIBUTES, POLICY_DOCUMENT_DATA_SOURCE } from './resource-types.js';
import { parseReference, referencesIn } from './references.js';
import {
  scanTemplate,
  hasTemplate,
  PURE_INTERPOLATION,
  PURE_REFERENCE,
  unescapeTemplate,
} from './evaluator.js';
import {
  sensitiveWithin,
  redactDocument,
  markedAt,
  uniq,
  list,
  asList,
  clip,
  interpolationsNote,
} from './values.js';
import {
  planReader,
  templateReader,
  buildStatements,
  chosenDocumentsNote,
  chosenPolicyNote,
  chosenStatementsNote,
  eitherReadNote,
  mergeDocuments,
  type PlacedDocument,
  readJsonTemplate,
  templateNotes,
  unknownActionsNote,
  unknownActionsReason,
  unknownConditionsNote,
  unknownDocumentsNote,
  unknownEffectsNote,
  unknownNotActionsNote,
  unknownStatementsNote,
  unknownStatementsReason,
} from './statements.js';
import { type DocResult, type Attr, AnalyzerBase } from './analyzer-base.js';

export class DocumentAnalyzer extends AnalyzerBase {
  // ---- policy values

  /**
   * A document given as a structure (jsonencode() of a known value, as the .tf reader writes it):
   * its strings are templates as in *.tf.json, with no interpolation left, so only their escapes
   * are read (`$${aws:username}` is the policy variable `${aws:username}`).
   */
  private decoded(doc: Record<string, unknown>): Record<string, unknown> {
    return this.input.templates ? (unescapeTemplates(doc, 0) as Record<string, unknown>) : doc;
  }

  /** Decodes a policy attribute's value (known JSON, a template, or an unknown value via its references). */
  protected decode(res: TfResource, a: Attr, label: string): DocResult | 'absent' {
    if (a.state === 'absent') return 'absent';
    if (a.state === 'unknown') return this.fromReferences(res, a, label);
    const v = a.value;
    if (isObject(v)) return { document: this.decoded(v) };
    if (typeof v !== 'string')
      return {
        reason: `${label} is not a JSON document, got ${typeName(v)}; expected the policy as a JSON string (jsonencode(...) or a data source's json): fix the configuration`,
        malformed: true,
      };
    if (v.trim() === '') return 'absent';
    if (this.input.templates && hasTemplate(v)) return this.decodeTemplate(res, a, v, label);
    const parsed = parseJson(v);
    if (!parsed.ok) {
      // A sensitive value's error message could quote it: only the place is told.
      const why = a.sensitive ? '' : `: ${parsed.message}`;
      return {
        reason: `${label}${a.sensitive ? ' (sensitive)' : ''} is not valid JSON${why} (line ${parsed.line} column ${parsed.column} of the policy text)`,
        malformed: true,
      };
    }
    if (!isObject(parsed.value))
      return {
        reason: `${label} is not a JSON object, got ${typeName(parsed.value)}; expected {"Version": "2012-10-17", "Statement": [...]}: fix the policy`,
        malformed: true,
      };
    const out: DocResult = { document: parsed.value };
    const { duplicates: dups, depth } = scanKeys(v, 5);
    noteParsedText(parsed.value, v.length, depth);
    if (dups.length > 0)
      out.problems = dups.map((d) =>
        a.sensitive
          ? `${label} (sensitive): ${duplicateKeyMessage(undefined)}`
          : `${label}, at ${formatJsonPath(d.path)} of the policy text: ${duplicateKeyMessage(d.key)}`,
      );
    return out;
  }

  /** tf.json: a policy string with `${...}` in it. */
  protected decodeTemplate(res: TfResource, a: Attr, v: string, label: string): DocResult {
    const t = scanTemplate(v);
    if (t.error) return { reason: `${label} is not a valid template: ${t.error}`, malformed: true };
    const exprs = t.parts.filter((p) => p.expr !== undefined);
    const onlyOne = exprs.length === 1 && t.parts.every((p) => p.expr !== undefined || !p.literal!.trim());
    if (onlyOne && !exprs[0]!.directive) {
      const e = exprs[0]!.expr!;
      if (PURE_REFERENCE.test(e)) {
        const r = parseReference(e);
        if (r && r.base.startsWith(`data.${POLICY_DOCUMENT_DATA_SOURCE}.`))
          return this.fromReferences(res, { ...a, refs: [r] }, label);
        // Another data source (a provider's own, such as databricks_aws_assume_role_policy):
        // computed by its provider when Terraform runs, whether or not the file declares it.
        if (r && r.base.startsWith('data.'))
          return {
            reason: `${label} is the value of ${clip(e)}, which its provider computes when Terraform runs (only aws_iam_policy_document data sources are evaluated here): audit a plan (terraform show -json), which holds the policy it computed`,
          };
        // (`aws_iam_policy_document.x.json`: a data source written as a resource, which Terraform rejects)
        if (r && r.base.startsWith(`${POLICY_DOCUMENT_DATA_SOURCE}.`))
          return {
            reason: `${label} is the value of ${clip(e)}: aws_iam_policy_document is a data source, which Terraform reads only as data.${clip(e)} (declared with data "aws_iam_policy_document", not resource): fix the declaration and the reference`,
          };
        // (a variable declared without a default is declared: its value comes from outside the files)
        if (/^var\.[A-Za-z_]/.test(e))
          return {
            reason: `${label} is the value of ${clip(e)}, which has no value in the files read (its value is given when Terraform runs: by -var, -var-file or the calling module)`,
          };
        return { reason: `${label} is the value of ${clip(e)}, which this file does not define` };
      }
      const chosen = this.chosenDocument(res, a, e, label) ?? this.branchDocuments(e, v.trim());
      if (chosen) return chosen;
      const fn = /^([A-Za-z_][\w:]*)\s*\(/.exec(e);
      if (fn)
        return {
          reason: `${label} is computed by ${clip(fn[1]!)}(...), which is not evaluated (${clip(exprs[0]!.raw!)})`,
        };
      return {
        reason: `${label} is computed by an expression that is not evaluated (${clip(exprs[0]!.raw!)})`,
      };
    }
    const w = readJsonTemplate(v, this.input.either);
    if ('error' in w) return { reason: `${label} uses a ${w.error}` };
    if (!w.ok || !isObject(w.value)) {
      return {
        reason: `${label} is a template that is not a JSON object once its interpolations read as wildcards (${list(
          w.interpolations.map((x) => clip(x)),
          3,
        )})`,
      };
    }
    if (statementsOf(w.value).length === 0) {
      if (w.statementsLeftOut.length > 0)
        return { reason: `${label} ${unknownStatementsReason(w.statementsLeftOut)}` };
      if (w.leftOut.length > 0) return { reason: `${label} ${unknownActionsReason(w.leftOut)}` };
    }
    const approximate = templateNotes(w);
    // Only escapes (`$${aws:username}`): the text is exact.
    if (approximate.length === 0) return { document: w.value };
    const out: DocResult = { document: w.value, approximate };
    if (w.kept) out.statementIndexes = w.kept;
    return out;
  }

  /**
   * A policy that a condition not known chooses among documents written out (`var.use ?
   * jsonencode({...}) : ""`, `var.full ? templatefile(a, …) : templatefile(b, …)`, the override
   * pattern `var.policy == null ? file(…) : var.policy`): every branch's document read, as
   * chosenDocument reads data sources (a Deny of one of several left out); a branch that is a
   * value not known here is noted as not audited. Undefined when no branch is a document, or one
   * is neither a document, nothing (`""`, `null`, `{}`) nor a value not known. (A review found
   * these unresolved: the custom-policy override pattern of Spot's connector among them.)
   */
  private branchDocuments(e: string, interpolation: string): DocResult | undefined {
    const either = this.input.either?.get(interpolation);
    const parts: readonly ChoiceBranch[] | null | undefined = either
      ? either.map((x) => ({ text: x }))
      : this.input.choices?.get(interpolation);
    if (!parts) return undefined;
    const docs: Record<string, unknown>[] = [];
    const notKnown: string[] = [];
    const approximate: string[] = [chosenPolicyNote(clip(e))];
    for (const part of parts) {
      if ('unknown' in part) {
        // (a data source's document: read as chosenDocument reads one, not here)
        if (referencesIn(part.unknown).some((r) => r.base.startsWith('data.'))) return undefined;
        notKnown.push(part.unknown);
        continue;
      }
      const text = part.text.trim();
      if (text === '' || text === 'null') continue;
      let value: unknown;
      if (hasTemplate(text)) {
        const w = readJsonTemplate(text, this.input.either);
        if ('error' in w || !w.ok) return undefined;
        value = w.value;
        pushAll(approximate, templateNotes(w));
      } else {
        const p = parseJson(text);
        if (!p.ok) return undefined;
        value = p.value;
      }
      if (!isObject(value)) return undefined;
      if (!('Statement' in value) && Object.keys(value).length === 0) continue; // `{}`
      docs.push(value);
    }
    if (docs.length === 0) return undefined;
    if (notKnown.length > 0) approximate.push(unknownDocumentsNote(notKnown.map((x) => clip(x))));
    const one = docs.length === 1;
    const statements = docs.flatMap((d) => statementsOf(d));
    const kept = statements.filter((st) => one || !(isObject(st) && st.Effect === 'Deny'));
    if (kept.length < statements.length)
      approximate.push(denyLeftOutNote(['a Deny of a document chosen by a conditional']));
    return {
      document: { Version: docs[0]!.Version ?? EMPTY_DOCUMENT_VERSION, Statement: kept },
      approximate: uniq(approximate),
    };
  }

  /**
   * A policy that a condition not known chooses among aws_iam_policy_document data sources
   * (`var.admin ? data.x.json : data.y.json`, `var.on ? data.x.json : ""`): every branch's Allow
   * statements read, as source_policy_documents so chosen are, and a Deny of one of several
   * documents left out (read as there, it would hide what the policy grants when another branch is
   * chosen; the Denies of the only document named stay with its Allows); said so.
   * Undefined when a branch is anything else (a variable, a function of its own).
   */
  private chosenDocument(res: TfResource, a: Attr, e: string, label: string): DocResult | undefined {
    const refs = referencesIn(e);
    const docs = refs.filter((r) => r.base.startsWith(`data.${POLICY_DOCUMENT_DATA_SOURCE}.`));
    if (docs.length === 0 || docs.length !== refs.length) return undefined;
    let rest = e;
    for (const r of docs) rest = rest.split(r.text).join('');
    const branches = /^[^?]*\?([^?]*)$/.exec(rest)?.[1];
    if (branches === undefined || branches.replace(/""|''|\bnull\b|[()[\],:\s]/g, '') !== '')
      return undefined;
    const sub = this.fromReferences(res, { ...a, refs: docs }, label);
    if (sub.document === undefined) return sub;
    const list = statementsOf(sub.document);
    // One document, or none (`var.on ? data.x.json : ""`): its Denies hold wherever its Allows do.
    const one = new Set(docs.map((r) => r.text)).size === 1;
    const kept = list.map((st) => one || !(isObject(st) && st.Effect === 'Deny'));
    const approximate = [chosenPolicyNote(clip(e)), ...(sub.approximate ?? [])].filter(
      (n) => !n.startsWith('the expression references several policy documents'),
    );
    if (kept.includes(false)) {
      if (!kept.includes(true))
        return {
          reason: `${label} is chosen by a condition not known among documents that only deny (${clip(e)}): a Deny so chosen is left out`,
        };
      approximate.push(denyLeftOutNote(['a Deny of a document chosen by a conditional']));
    }
    const out: DocResult = {
      document: { ...(sub.document as Record<string, unknown>), Statement: list.filter((_, i) => kept[i]) },
      approximate: uniq(approximate),
    };
    if (sub.statementPaths) out.statementPaths = sub.statementPaths.filter((_, i) => kept[i]);
    return out;
  }

  /** An unknown (plan) or referencing (tf.json) value: rebuilt from the aws_iam_policy_document it references. */
  protected fromReferences(res: TfResource, a: Attr, label: string, visiting = new Set<string>()): DocResult {
    const docRefs = a.refs.filter((r) => r.base.startsWith(`data.${POLICY_DOCUMENT_DATA_SOURCE}.`));
    const plan = !this.input.templates;
    const prefix = plan ? `${label} is computed at apply time and` : label;
    if (docRefs.length === 0) {
      if (!plan) {
        // The interpolation that makes it unknown, when there is one (`${var.policy}`).
        const raw = asList(a.value).find((x): x is string => typeof x === 'string' && hasTemplate(x));
        const first = raw ? scanTemplate(raw).parts.find((p) => p.raw !== undefined)?.raw : undefined;
        // A value that could not be made carries why (`${local.body (templatefile(…): …)}`,
        // evaluated with an error): the value named, then why, each clipped on its own (a
        // first-contact review saw the two clipped as one, the cause cut off).
        const failed = first === undefined ? null : /^\$\{([\w.[\]"-]+) \((.+)\)\}$/s.exec(first);
        return {
          reason: failed
            ? `${label} depends on ${clip(failed[1]!)}, which could not be read: ${clip(failed[2]!, 160)}`
            : first
              ? `${label} depends on ${clip(first)}, which is not known in this file`
              : `${label} has no value in this file`,
        };
      }
      const others = uniq(a.refs.map((r) => r.text));
      if (others.length > 0) return { reason: `${label} is computed at apply time from ${list(others)}` };
      if (a.configured === undefined && !this.input.hasConfiguration)
        return { reason: `${label} is computed at apply time (the plan has no configuration to trace it)` };
      return { reason: `${label} is computed at apply time` };
    }
    const targets = uniq(docRefs.map((r) => r.base));
    const docs: DocResult[] = [];
    for (const base of targets) {
      // `data.x[1].json`, `data.x["a"].json`: that instance (a reference without a literal key,
      // as a plan's references also list, or with `count.index`, does not narrow it).
      const keys = new Set<string | number>();
      for (const r of docRefs) if (r.base === base && r.index !== undefined) keys.add(r.index);
      let found = this.resolve({ base, text: base }, res, keys.size === 0);
      const shown = this.absoluteBase(base, res);
      if (keys.size > 0 && found.some((d) => d.index !== undefined)) {
        const only = found.filter((d) => d.index !== undefined && keys.has(d.index));
        if (only.length === 0) {
          const asked = [...keys].map((k) => `${shown}[${JSON.stringify(k)}]`);
          return {
            reason: `${prefix} references ${list(asked)}, which ${plan ? 'this plan does not hold' : 'has no such instance with the variables as read'}`,
          };
        }
        found = only;
      }
      if (found.length === 0) {
        return { reason: `${prefix} references ${shown}, which is not in this ${plan ? 'plan' : 'file'}` };
      }
      for (const d of found) {
        this.consumed.add(d.address);
        const r = this.dataDocument(d, visiting);
        if (r.document === undefined)
          return { reason: `${prefix} references ${d.address}, which ${r.reason}` };
        docs.push(r);
      }
    }
    const approximate: string[] = [];
    let document: unknown;
    let statementPaths: (JsonPath | undefined)[] | undefined;
    if (docs.length === 1) {
      document = docs[0]!.document;
      statementPaths = docs[0]!.statementPaths;
    } else {
      const merged: unknown[] = [];
      statementPaths = [];
      for (const d of docs) {
        const sts = statementsOf(d.document);
        pushAll(merged, sts);
        sts.forEach((_, i) => statementPaths!.push(d.statementPaths?.[i]));
      }
      document = { Version: EMPTY_DOCUMENT_VERSION, Statement: merged };
      approximate.push(
        `the expression references several policy documents (${list(targets)}); all their statements are read`,
      );
    }
    for (const d of docs) pushAll(approximate, d.approximate ?? []);
    const out: DocResult = { document, statementPaths };
    if (approximate.length > 0) out.approximate = uniq(approximate);
    // (one document: its statements numbered as it writes them)
    if (docs.length === 1 && docs[0]!.statementIndexes) out.statementIndexes = docs[0]!.statementIndexes;
    return out;
  }

  /** The document of a data.aws_iam_policy_document: its `json` when known, else rebuilt from its statements. */
  /** dataDocumentAsWritten, with every value Terraform marks sensitive in the data source redacted. */
  protected dataDocument(d: TfResource, visiting: Set<string>): DocResult {
    const r = this.dataDocumentAsWritten(d, visiting);
    if (r.document !== undefined && sensitiveWithin(d.sensitive)) r.document = redactDocument(r.document);
    return r;
  }

  protected dataDocumentAsWritten(d: TfResource, visiting: Set<string>): DocResult {
    if (visiting.has(d.address)) return { reason: 'refers back to itself' };
    visiting.add(d.address);
    try {
      const v = d.values;
      if (!v) return { reason: d.change === 'delete' ? 'is being removed' : 'has no values' };
      if (!this.input.templates) {
        for (const k of ['json', 'minified_json']) {
          const j = v[k];
          if (typeof j === 'string' && j.trim()) {
            const p = parseJson(j);
            if (p.ok && isObject(p.value))
              return { document: p.value, approximate: [`taken from ${d.address}`] };
          }
        }
      }
      const unk = d.unknown;
      if (markedAt(unk, ['statement'])) return { reason: 'has unknown statements' };
      const reader = this.input.templates
        ? templateReader(v, d.valuesPath ?? [], this.input.either)
        : planReader(v, unk, d.valuesPath ?? []);
      // (a dynamic block not known leaves out its own statements, not the others: buildStatements)
      const blocks = reader.blocks('statement', true);
      if ('unknown' in blocks) return { reason: `has unknown statements (${blocks.unknown})` };
      const built = buildStatements(blocks);
      if ('unknown' in built) return { reason: `has unknown statements (${built.unknown})` };
      // source_policy_documents / override_policy_documents (and the older source_json / override_json)
      const more: Record<'source' | 'override', PlacedDocument[]> = { source: [], override: [] };
      const templated: string[] = [];
      const leftOut: string[] = [...(built.leftOut ?? [])];
      const denyLeftOut: string[] = [...(built.denyLeftOut ?? [])];
      const statementsLeftOut: string[] = [...(built.statementsLeftOut ?? [])];
      const conditionsLeftOut: string[] = [...(built.conditionsLeftOut ?? [])];
      const documentsLeftOut: string[] = [];
      /** Source entries a condition not known chooses (every branch read). */
      const chosen: string[] = [];
      /** The notes of the documents referenced as sources or overrides (what they left out…). */
      const referencedNotes: string[] = [];
      for (const [k, which] of DOCUMENT_ATTRIBUTES) {
        const a = this.attr(d, [k]);
        if (a.state === 'absent') continue;
        if (a.state === 'unknown' && a.refs.length === 0) return { reason: `has an unknown ${k}` };
        const items = a.state === 'unknown' ? [undefined] : asList(a.value);
        let viaReferences = false;
        // An entry that is only a value not known, naming no aws_iam_policy_document (`var.doc`,
        // `aws_iam_policy.x.policy`): beside entries that are read, or statements of the data
        // source's own, it is noted as not audited (what is known is audited: a review found
        // `source_policy_documents = [var.extra]` made `iam:PassRole` on `*` beside it unaudited);
        // alone, the references below tell why the policy cannot be read.
        const docRef = (r: { base: string }) => r.base.startsWith(`data.${POLICY_DOCUMENT_DATA_SOURCE}.`);
        // A conditional whose branches the .tf reader knows (`var.x ? jsonencode({…}) : ""`): the
        // documents it chooses among, read once; such an entry is not a value not known.
        const chosenAmong = new Map<unknown, DocResult | undefined>();
        const branchesOf = (x: unknown): DocResult | undefined => {
          if (typeof x !== 'string' || !PURE_INTERPOLATION.test(x.trim())) return undefined;
          if (!chosenAmong.has(x)) {
            const t = x.trim();
            const known = (this.input.either?.get(t) ?? this.input.choices?.get(t)) != null;
            const b = known ? this.branchDocuments(t.slice(2, -1), t) : undefined;
            chosenAmong.set(x, b?.document !== undefined ? b : undefined);
          }
          return chosenAmong.get(x);
        };
        const notKnown = (x: unknown) =>
          typeof x === 'string' &&
          this.input.templates === true &&
          PURE_INTERPOLATION.test(x.trim()) &&
          branchesOf(x) === undefined &&
          !referencesIn(x).some(docRef);
        const mixed = built.statements.length > 0 || items.some((x) => x !== undefined && !notKnown(x));
        for (const item of items) {
          // A document a condition not known chooses among documents written out: every branch's
          // read, as a data source so chosen is (an override so chosen is not applied, said so).
          // (No document among the branches, or data sources: read below as before.)
          const b = branchesOf(item);
          if (b) {
            if (which === 'override') documentsLeftOut.push(`${k} chosen by a conditional, not applied`);
            else {
              more[which].push({ doc: b.document, alternatives: true });
              pushAll(referencedNotes, b.approximate ?? []);
            }
            continue;
          }
          if (item === undefined || (typeof item === 'string' && this.input.templates && hasTemplate(item))) {
            // A JSON document with interpolations in it (templatefile(), a heredoc): read with them as wildcards.
            const w = item === undefined ? undefined : readJsonTemplate(item, this.input.either);
            if (w && !('error' in w) && w.ok && isObject(w.value)) {
              more[which].push({ doc: w.value });
              pushAll(templated, w.interpolations);
              pushAll(leftOut, w.leftOut);
              pushAll(denyLeftOut, w.denyLeftOut);
              pushAll(statementsLeftOut, w.statementsLeftOut);
              pushAll(conditionsLeftOut, w.conditionsLeftOut);
              if (w.eitherRead.length > 0) referencedNotes.push(eitherReadNote(w.eitherRead));
              if (w.effectsAsAllow.length > 0) referencedNotes.push(unknownEffectsNote(w.effectsAsAllow));
              if (w.notActionsLeftOut.length > 0)
                referencedNotes.push(unknownNotActionsNote(w.notActionsLeftOut));
              if (w.oneValue.length > 0) referencedNotes.push(oneValueNote(w.oneValue));
              continue;
            }
            // Documents that are not known beside the aws_iam_policy_document data sources named
            // (concat() with a variable's list): those are read, and what the others would add or
            // override is not audited, said so (never dropped in silence). (With none named, the
            // references below tell why the policy cannot be read.)
            if (item !== undefined && PURE_INTERPOLATION.test(item.trim())) {
              const docs = referencesIn(item).filter(docRef);
              if (docs.length === 0 && mixed) {
                documentsLeftOut.push(`${clip(item.trim())} in ${k}`);
                continue;
              }
              let rest = item.trim().slice(2, -1);
              for (const r of docs) rest = rest.split(r.text).join('');
              // (a conditional's test is not a document: `var.use ? data.x.json : ""` reads x, nothing beyond)
              const branches = /^[^?]*\?([^?]*)$/.exec(rest)?.[1] ?? rest;
              // What is left once the documents named, function names, brackets and "" or null
              // are taken out: a value of its own (a variable, jsonencode() of a literal, file()).
              const other = branches
                .replace(/[A-Za-z_][\w:]*\s*\(/g, '')
                .replace(/""|''|\bnull\b/g, '')
                .replace(/[()[\],:\s]/g, '');
              if (docs.length > 0 && other !== '')
                documentsLeftOut.push(
                  `${clip(item.trim())} in ${k}, beyond the aws_iam_policy_document data sources it names`,
                );
            }
            viaReferences = true;
            continue;
          }
          // A document already decoded (jsonencode() of a value, as the .tf reader writes it).
          if (isObject(item)) {
            more[which].push({ doc: this.decoded(item) });
            continue;
          }
          // Never dropped in silence: what is not a JSON document makes the policy unresolved.
          if (typeof item !== 'string') return { reason: `has a ${k} entry that is not a JSON document` };
          const p = parseJson(item);
          if (!p.ok || !isObject(p.value)) return { reason: `has a ${k} entry that is not a JSON object` };
          more[which].push({ doc: p.value });
        }
        // Unknown (plan) or interpolated (tf.json) entries: the policy documents they reference.
        // Documents named in a conditional (`var.use ? data.x.json : ""`) may be there or not:
        // read as there for what they grant, but an override is not applied and a Deny of one is
        // left out (either would hide what the policy grants when the document is not there).
        const conditional = items.some(
          (x) => typeof x === 'string' && x.includes('?') && PURE_INTERPOLATION.test(x.trim()),
        );
        if (viaReferences && conditional && which === 'override') {
          documentsLeftOut.push(`${k} chosen by a conditional, not applied`);
          viaReferences = false;
        }
        if (viaReferences) {
          const sub = this.fromReferences(d, a, k, visiting);
          if (sub.document === undefined) return { reason: `has a ${k} that cannot be read (${sub.reason})` };
          let placed: PlacedDocument = { doc: sub.document, paths: sub.statementPaths };
          if (conditional) {
            // Every branch's documents are read, as an Allow's actions chosen so are (never one
            // branch in silence), beside each other whatever their Sids. (A Deny of one is left out
            // even when it is the only document named: when it is not chosen, it restricts neither
            // the data source's own statements nor the other documents.)
            placed.alternatives = true;
            for (const x of items)
              if (typeof x === 'string' && x.includes('?')) chosen.push(`${clip(x.trim())} in ${k}`);
            const list = statementsOf(sub.document);
            const keep = list.map((s) => !(isObject(s) && s.Effect === 'Deny'));
            if (keep.includes(false)) {
              denyLeftOut.push('a Deny of a document chosen by a conditional');
              placed = {
                doc: {
                  ...(sub.document as Record<string, unknown>),
                  Statement: list.filter((_, i) => keep[i]),
                },
                paths: sub.statementPaths?.filter((_, i) => keep[i]),
                alternatives: true,
              };
            }
          }
          more[which].push(placed);
          pushAll(referencedNotes, sub.approximate ?? []);
        }
      }
      const merged = mergeDocuments(more.source, built, more.override);
      const doc: Record<string, unknown> = {};
      const version = reader.scalar('version');
      doc.Version = version?.values[0] || EMPTY_DOCUMENT_VERSION;
      const id = reader.scalar('policy_id');
      if (id?.values[0]) doc.Id = id.values[0];
      doc.Statement = merged.statements;
      if (merged.statements.length === 0) {
        if (statementsLeftOut.length > 0) return { reason: unknownStatementsReason(statementsLeftOut) };
        if (leftOut.length > 0) return { reason: unknownActionsReason(leftOut) };
      }
      const approximate: string[] = [];
      if (built.chosen) approximate.push(chosenStatementsNote(built.chosen));
      if (built.eitherRead?.length) approximate.push(eitherReadNote(built.eitherRead));
      if (leftOut.length > 0) approximate.push(unknownActionsNote(leftOut));
      if (denyLeftOut.length > 0) approximate.push(denyLeftOutNote(denyLeftOut));
      if (statementsLeftOut.length > 0) approximate.push(unknownStatementsNote(statementsLeftOut));
      if (conditionsLeftOut.length > 0) approximate.push(unknownConditionsNote(conditionsLeftOut));
      if (built.notActionsLeftOut) approximate.push(unknownNotActionsNote(built.notActionsLeftOut));
      if (built.effectsAsAllow) approximate.push(unknownEffectsNote(built.effectsAsAllow));
      if (built.oneValue) approximate.push(oneValueNote(built.oneValue));
      if (documentsLeftOut.length > 0) approximate.push(unknownDocumentsNote(documentsLeftOut));
      if (chosen.length > 0) approximate.push(chosenDocumentsNote(chosen));
      pushAll(approximate, referencedNotes);
      if (this.input.templates) {
        const interps = uniq([
          ...built.interpolations,
          ...templated,
          ...(version?.interpolations ?? []),
          ...(id?.interpolations ?? []),
        ]);
        if (interps.length > 0) approximate.push(`rebuilt from ${d.address}; ${interpolationsNote(interps)}`);
      } else {
        approximate.push(`rebuilt from ${d.address}; unknown values read as wildcards`);
      }
      const out: DocResult = { document: doc, statementPaths: merged.paths };
      if (approximate.length > 0) out.approximate = uniq(approximate);
      // (statements left out: the others numbered as written; only where the document is the
      // data source's own blocks, no source or override document merged in)
      const written = built.written;
      if (
        written &&
        more.source.length === 0 &&
        more.override.length === 0 &&
        written.length === merged.statements.length &&
        written.some((n, i) => n !== i)
      )
        out.statementIndexes = written;
      return out;
    } finally {
      visiting.delete(d.address);
    }
  }
}

/** A value's strings (and keys) with the template escapes `$${` and `%%{` read as `${` and `%{`. */
function unescapeTemplates(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.includes('${') || v.includes('%{') ? unescapeTemplate(v) : v;
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => unescapeTemplates(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    Object.defineProperty(out, unescapeTemplates(k, depth) as string, {
      value: unescapeTemplates(x, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

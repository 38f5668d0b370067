#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 3323:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   l: () => (/* binding */ TOOL_NAME),
/* harmony export */   w: () => (/* binding */ TOOL_VERSION)
/* harmony export */ });
// Kept equal to package.json's version by a test (__tests__/version.test.ts).
const TOOL_NAME = 'iam-baseline-audit';
const TOOL_VERSION = '0.1.0';


/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 1943:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs/promises");

/***/ }),

/***/ 3339:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("module");

/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 8877:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");

/***/ }),

/***/ 714:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:vm");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "cli." + chunkId + ".js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/publicPath */
/******/ (() => {
/******/ 	var scriptUrl;
/******/ 	if (typeof import.meta.url === "string") scriptUrl = import.meta.url
/******/ 	// When supporting browsers where an automatic publicPath is not supported you must specify an output.publicPath manually via configuration
/******/ 	// or pass an empty string ("") and set the __webpack_public_path__ variable from your code to use your own logic.
/******/ 	if (!scriptUrl) throw new Error("Automatic publicPath is not supported in this browser");
/******/ 	scriptUrl = scriptUrl.replace(/#.*$/, "").replace(/\?.*$/, "").replace(/\/[^\/]+$/, "/");
/******/ 	__nccwpck_require__.p = scriptUrl;
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	__nccwpck_require__.b = new URL("./", import.meta.url);
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* binding */ main)
});

// EXTERNAL MODULE: ./src/core/version.ts
var version = __nccwpck_require__(3323);
;// CONCATENATED MODULE: ./src/cli-usage.ts
// The CLI's usage texts (src/cli.ts prints them without loading the commands).

const USAGE = `${version/* TOOL_NAME */.l} ${version/* TOOL_VERSION */.w}: audit AWS IAM policies against the minimal baselines vendors document.

Usage:
  ${version/* TOOL_NAME */.l} audit [PATH...] [options]   audit files and directories (default: .)
  ${version/* TOOL_NAME */.l} fix [PATH...] [options]     rewrite each policy to its minimal policy, in place
  ${version/* TOOL_NAME */.l} expand PATTERN...           print the actions an IAM action pattern matches
  ${version/* TOOL_NAME */.l} baselines list              list the built-in baselines
  ${version/* TOOL_NAME */.l} baselines show ID[@VERSION] show a baseline's sets, actions and sources
  ${version/* TOOL_NAME */.l} baselines show FILE         check a baseline file of your own, and show it
  ${version/* TOOL_NAME */.l} merge REPORT.json... [opts] combine the JSON reports of many repositories into one

Audit options:
  --baseline B              a built-in id (coiled, coiled@2022), a baseline YAML/JSON file or a
                            policy JSON file, optionally followed by :set,set (active sets);
                            replaces the configuration's audits (its other settings apply)
  --config FILE             configuration (default: .github/iam-baseline-audit.yml when present)
  --format F                text (default), markdown, json or sarif
  --output FILE             write the report to FILE (its counts on standard error)
  --fail-on none|any        exit 1 when a finding reaches the threshold (default: any)
  --severity-threshold S    info, low, medium (default), high or critical
  --account-id ID           bind account placeholders of vendor documents to this account
  --max-file-size MB        skip (with an error) files larger than this (default: 256)
  --max-policies N          audit at most N policies; files past it are errors (default: 200000)
  --no-color                plain text output

Exit status: 0 no finding reaches the threshold; 1 one does; 2 usage or configuration error.
With no --baseline and no audits in the configuration, each policy is matched to the vendor
baseline it most likely implements (detection), and audited against its default sets.
`;
const FIX_USAGE = `Usage: ${version/* TOOL_NAME */.l} fix [PATH...] [--baseline B] [--config FILE] [--account-id ID] [--dry-run]

Runs the same audit as \`audit\`, then rewrites each policy that grants more than its baseline
allows to its minimal policy, in its own file: only the statements that change are edited, in the
file's style (indentation, key order, a string stays a string); every other line is left as it is.
Policy JSON (and the AWS CLI's wrappers), *.tf.json, .tf (jsonencode({...}), heredoc JSON,
aws_iam_policy_document blocks) and CloudFormation templates, where the policy is written out
literally. A policy it cannot rewrite (interpolations, variables, intrinsic functions in the part
that changes, a plan, state or authorization-details export) is listed with the reason. A file
is written only when the rewritten text reads back as the minimal policy with everything else
unchanged, and atomically (a temporary file renamed over it, with the file's mode). The files
written are audited again and fixed again if anything is left (up to three rounds, a safety net).
A baseline placeholder (<account-ID-without-hyphens>) is never written: --account-id fills it.

Options:
  --baseline B              as for audit
  --config FILE             as for audit
  --dry-run                 print the unified diff of each change and write nothing
  --account-id ID           as for audit
  --max-file-size MB        as for audit

Exit status: 0 (also when some policies could not be fixed: they are listed); 1 when a file
to fix could not be written (no permission, or it changed meanwhile: listed); 2 usage or
configuration error.
`;
const EXPAND_USAGE = `Usage: ${version/* TOOL_NAME */.l} expand PATTERN...

Prints the actions of the AWS catalog that each IAM action pattern matches (s3:Get*, ec2:*).
Exit status: 0; 1 when a pattern matches no action; 2 usage error.
`;
const BASELINES_USAGE = `Usage:
  ${version/* TOOL_NAME */.l} baselines list              list the built-in baselines (* = set active by default)
  ${version/* TOOL_NAME */.l} baselines show ID[@VERSION] show a baseline's sets, actions and sources
  ${version/* TOOL_NAME */.l} baselines show FILE         check a baseline file of your own (as --baseline reads it), and show it
`;
const MERGE_USAGE = `Usage: ${version/* TOOL_NAME */.l} merge REPORT.json... [--repo NAME=FILE]... [options]

Combines the JSON reports (audit --format json, the action's findings-file) of many repositories
into one: counts by repository, baseline, kind and severity, and every finding tagged with its
repository. A report's repository is NAME with --repo NAME=FILE, else the name of the folder
that holds the file (reports/acme-api/report.json is "acme-api"); two reports may not share one.

Options:
  --repo NAME=FILE          a report and the repository it belongs to (repeatable)
  --format F                text (default), markdown (fits a GitHub issue, comment or job
                            summary: under 65,536 characters) or json (schemaVersion 2, see README)
  --output FILE             write the merged report to FILE instead of standard output
  --title T                 the Markdown heading
  --fail-on none|any        exit 1 when a finding reaches the threshold (default: any)
  --severity-threshold S    info, low, medium (default), high or critical
  --max-file-size MB        largest report read (default: 64)
  --missing-file FILE       repositories that gave no report, one a line: listed under "No report
                            from" (the Markdown shows as many as fit, then a count; JSON: missing)
  --max-length N            the Markdown stays under N characters (default: 65,536); less leaves
                            room for what you add to it, such as an issue's hidden marker

Exit status: 0 no finding reaches the threshold; 1 one does; 2 usage error (a file that is not
a report is named, with the reason).
`;
/** The usage of one command: the audit's options, or the other commands' forms. */
function commandUsage(command) {
    if (command === 'merge')
        return MERGE_USAGE;
    if (command === 'fix')
        return FIX_USAGE;
    if (command === 'expand')
        return EXPAND_USAGE;
    if (command === 'baselines')
        return BASELINES_USAGE;
    return USAGE;
}

// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __nccwpck_require__(8877);
;// CONCATENATED MODULE: ./src/core/compiler-tuning.ts
// How much V8's optimising compiler (TurboFan) inlines, set for this process before the audit's
// code is loaded (BENCHMARKS.md, "Thirteenth round").
//
// An audit is short: most of its functions run for a second or two. TurboFan compiles the hot ones
// on background threads, and with V8's default budget for inlining (920 bytes of bytecode per
// function compiled) the engine's large functions (classify, groupAtoms, compute, chooseSets) took
// 100–450 ms of compilation each, several times over as new object shapes arrived: about 2 s of CPU
// on the 5,000-policy benchmark, on a machine of two CPUs where the main thread, the collector and
// the compiler share them, and the main thread ran unoptimised code until each compilation was done.
// A budget of 150 bytes compiles the same functions in about two thirds of the time: the
// 5,000-policy audit takes about 12% less CPU and 7% less wall time, the 20,000-policy one the same
// (its steady state is not slower).
//
// Set only where the flag is known to exist (V8 11 to 13: Node.js 20 to 24; an unknown flag makes V8
// print an error), and never over the user's own choice (the flag given to node or in NODE_OPTIONS).
// IAM_BASELINE_AUDIT_V8_DEFAULTS=1 leaves V8's defaults, to compare.

const FLAG = 'max-inlined-bytecode-size-cumulative';
const BUDGET = 150;
/** Whether this V8 is one whose flags were checked (major version 11 to 13). */
function knownV8(version) {
    const major = Number.parseInt(version ?? '', 10);
    return major >= 11 && major <= 13;
}
/** True when the flag is set here; false when it is left alone (and why is not needed). */
function tuneCompiler(env = process.env, execArgv = process.execArgv, v8Version = process.versions.v8) {
    if (env.IAM_BASELINE_AUDIT_V8_DEFAULTS === '1')
        return false;
    if (!knownV8(v8Version))
        return false;
    const mentions = (s) => s.includes(FLAG) || s.includes(FLAG.replace(/-/g, '_'));
    if (execArgv.some(mentions) || mentions(env.NODE_OPTIONS ?? ''))
        return false;
    try {
        (0,external_node_v8_.setFlagsFromString)(`--${FLAG}=${BUDGET}`);
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/cli.ts
// The command-line shell over the same runAudit() the action uses.
//   iam-baseline-audit audit [PATH...] [--baseline B] [--config FILE] [--format text|markdown|json|sarif]
//                            [--output FILE] [--fail-on none|any] [--severity-threshold LEVEL] [--account-id ID]
//   iam-baseline-audit expand PATTERN...
//   iam-baseline-audit baselines list | show ID[@VERSION]
//   iam-baseline-audit fix [PATH...] [--baseline B] [--config FILE] [--dry-run]
//   iam-baseline-audit merge REPORT.json... [--repo NAME=FILE] [--format text|markdown|json] [--output FILE]
// Start-up: this file imports only version.ts, the usage texts and the compiler tuning (on
// node:v8), so --version and --help answer before anything else is loaded; the commands (the
// audit, the catalog, yaml) are in src/cli-commands.ts, imported when a command needs them, which
// the bundle keeps in chunks of its own (scripts/bundle.mjs) that Node then neither reads nor
// compiles for --version.



function out(text) {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
async function main(argv) {
    const [command, ...rest] = argv;
    switch (command) {
        case '--version':
        case '-v':
        case 'version':
            out(version/* TOOL_VERSION */.w);
            return 0;
        case undefined:
        case '--help':
        case '-h':
        case 'help':
            out(USAGE);
            return command === undefined ? 2 : 0;
        case 'audit':
        case 'fix':
        case 'expand':
        case 'baselines':
        case 'merge': {
            // `audit --help` (before any `--`): the command's usage, exit 0, nothing else loaded.
            const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
            if (options.includes('--help') || options.includes('-h')) {
                out(commandUsage(command));
                return 0;
            }
            // Before the commands' code is loaded (see core/compiler-tuning.ts).
            tuneCompiler();
            const { runCommand } = await Promise.all(/* import() */[__nccwpck_require__.e(241), __nccwpck_require__.e(997)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6997));
            return runCommand(command, rest);
        }
        default:
            process.stderr.write(`${version/* TOOL_NAME */.l}: unknown command "${command}"\nRun "${version/* TOOL_NAME */.l} --help" for usage.\n`);
            return 2;
    }
}
// A reader that stops reading (`| head`, a pager quit early) closes the pipe, and what is left of
// the output has nowhere to go. As other command-line tools do, the CLI stops writing quietly (no
// stack trace) and keeps its exit code (the audit's verdict). Any other failure to write is named.
process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED')
        return;
    process.stderr.write(`${version/* TOOL_NAME */.l}: cannot write to standard output: ${e.message}\n`);
    process.exit(3);
});
main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
}, async (e) => {
    // Through the log boundary: an unexpected error's message may quote the repository.
    const { escapeLogMessage } = await __nccwpck_require__.e(/* import() */ 536).then(__nccwpck_require__.bind(__nccwpck_require__, 4536));
    process.stderr.write(`${escapeLogMessage(`${version/* TOOL_NAME */.l}: internal error: ${e?.stack ?? String(e)}`)}\n`);
    process.exitCode = 3;
});

var __webpack_exports__main = __webpack_exports__.i;
export { __webpack_exports__main as main };

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
import { setFlagsFromString } from 'node:v8';

const FLAG = 'max-inlined-bytecode-size-cumulative';
const BUDGET = 150;

/** Whether this V8 is one whose flags were checked (major version 11 to 13). */
function knownV8(version: string | undefined): boolean {
  const major = Number.parseInt(version ?? '', 10);
  return major >= 11 && major <= 13;
}

/** True when the flag is set here; false when it is left alone (and why is not needed). */
export function tuneCompiler(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
  v8Version: string | undefined = process.versions.v8,
): boolean {
  if (env.IAM_BASELINE_AUDIT_V8_DEFAULTS === '1') return false;
  if (!knownV8(v8Version)) return false;
  const mentions = (s: string) => s.includes(FLAG) || s.includes(FLAG.replace(/-/g, '_'));
  if (execArgv.some(mentions) || mentions(env.NODE_OPTIONS ?? '')) return false;
  try {
    setFlagsFromString(`--${FLAG}=${BUDGET}`);
    return true;
  } catch {
    return false;
  }
}

// One parser per input kind, all behind this interface (adding a format is adding a file).
import type { InputKind, InputResult, SourceFile } from '../core/types.js';

export interface SourceParser {
  kind: InputKind;
  /** Cheap test on the already-parsed JSON's top-level shape (content decides, not the file name). */
  detect(json: unknown, path: string): boolean;
  /** Never throws on bad input: problems go to `errors`, unresolved policies get a reason. */
  parse(file: SourceFile, json: unknown): InputResult;
  /**
   * The parser reads the text only to find lines, by locateLines with the parsed value: a text on
   * one line may be let go before `parse` (the file then comes with `oneLine` set).
   */
  linesFromValue?: true;
}

// isObject lives with the JSON text tools in the bottom layer (src/core); sources use it from here too.
export { isObject } from '../core/json-lines.js';

/**
 * A parser for a text format other than JSON (YAML templates). `classify` offers it a file before
 * trying JSON; once it claims a file, its result stands (a skipped one included).
 */
export interface TextSourceParser {
  kind: InputKind;
  /** Cheap test on the path and the first characters (no parsing). */
  claims(file: SourceFile): boolean;
  /** Never throws on bad input: problems go to `errors`, unresolved policies get a reason. */
  parse(file: SourceFile): InputResult;
}

// Rewriting policies written in Terraform's HCL (`.tf`).
import type { Report } from '../core/types.js';
import type { FileFixer } from './index.js';
import { Unfixable } from './edit.js';

export function hclFileFixer(_path: string, _read: (path: string) => string | undefined, _report: Report): FileFixer {
  return {
    fix() {
      throw new Unfixable('policies in .tf files are not rewritten yet');
    },
    verify() {},
  };
}

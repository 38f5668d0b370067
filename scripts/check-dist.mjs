#!/usr/bin/env node
// check-dist: rebuilds the generated data and the bundles, and fails when they differ from what
// is committed (dist/ must be kept in step with src/, or the action runs stale code).
import { execFileSync } from 'node:child_process';

execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
const diff = execFileSync('git', ['status', '--porcelain', '--', 'dist', 'src/generated'], {
  encoding: 'utf8',
});
if (diff.trim()) {
  console.error(`check-dist: the committed build output differs from a fresh build:\n${diff}`);
  console.error('Run `npm run build` and commit dist/ and src/generated/.');
  process.exit(1);
}
console.log('check-dist: dist/ and src/generated/ match a fresh build');

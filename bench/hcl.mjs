#!/usr/bin/env node
// npm run bench:hcl [-- --files N] [-- --runs N]
//
// `.tf` parse throughput: generates a module of N files (default 2,000) into .bench/hcl-module
// (git-ignored) and one file of about 10 MB, and parses them with the parser the tool uses
// (web-tree-sitter with the Terraform grammar, both WebAssembly, as src/sources/hcl/parse.ts loads
// them). Prints MB/s and files/s (median of the runs) and the parser's load time. When the bundle
// is built (dist/cli.js), also times `audit` on the generated module end to end (read, evaluate,
// analyze, report), as a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const WORK = join(ROOT, '.bench', 'hcl-module');
const BIG = join(ROOT, '.bench', 'hcl-big', 'big.tf');

const { values: opts } = parseArgs({
  options: { files: { type: 'string', default: '2000' }, runs: { type: 'string', default: '5' } },
});
const FILES = Number(opts.files);
const RUNS = Number(opts.runs);

/** One generated file: a role, a policy document, a jsonencode policy, a heredoc, locals, for_each. */
function fileText(i) {
  return `locals {
  name_${i} = "svc-${i}-\${var.env}"
  buckets_${i} = { logs = "acme-logs-${i}", data = "acme-data-${i}" }
}

resource "aws_iam_role" "r${i}" {
  name               = local.name_${i}
  assume_role_policy = data.aws_iam_policy_document.trust_${i}.json
}

data "aws_iam_policy_document" "trust_${i}" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "doc_${i}" {
  dynamic "statement" {
    for_each = local.buckets_${i}
    content {
      sid       = statement.key
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["arn:aws:s3:::\${statement.value}/*"]
    }
  }
}

resource "aws_iam_role_policy" "p${i}" {
  role   = aws_iam_role.r${i}.id
  policy = data.aws_iam_policy_document.doc_${i}.json
}

resource "aws_iam_policy" "j${i}" {
  for_each = toset(["a", "b"])
  name     = "j-${i}-\${each.key}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = "arn:aws:sqs:*:\${data.aws_caller_identity.current.account_id}:q-${i}-\${each.key}"
    }]
  })
}

resource "aws_iam_policy" "h${i}" {
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "\${aws_iam_role.r${i}.arn}"}]
    }
  EOT
}
`;
}

function generate() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  writeFileSync(
    join(WORK, 'variables.tf'),
    'variable "env" {\n  default = "dev"\n}\ndata "aws_caller_identity" "current" {}\n',
  );
  for (let i = 0; i < FILES - 1; i++)
    writeFileSync(join(WORK, `svc_${String(i).padStart(5, '0')}.tf`), fileText(i));
  mkdirSync(dirname(BIG), { recursive: true });
  const parts = [];
  let size = 0;
  for (let i = 0; size < 10 * 1024 * 1024; i++) {
    const t = fileText(i);
    parts.push(t);
    size += Buffer.byteLength(t);
  }
  writeFileSync(BIG, parts.join('\n'));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  generate();
  const require = createRequire(import.meta.url);
  const TreeSitter = require('web-tree-sitter');
  const t0 = performance.now();
  await TreeSitter.Parser.init({
    wasmBinary: readFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm')),
  });
  const grammar = join(
    dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json')),
    'tree-sitter-terraform.wasm',
  );
  const lang = await TreeSitter.Language.load(readFileSync(grammar));
  const parser = new TreeSitter.Parser();
  parser.setLanguage(lang);
  const load = performance.now() - t0;

  const texts = readdirSync(WORK).map((f) => readFileSync(join(WORK, f), 'utf8'));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const s = performance.now();
    for (const t of texts) {
      const tree = parser.parse(t);
      if (tree.rootNode.hasError) throw new Error('a generated file does not parse');
      tree.delete();
    }
    times.push(performance.now() - s);
  }
  const ms = median(times);
  const big = readFileSync(BIG, 'utf8');
  const bigTimes = [];
  for (let r = 0; r < RUNS; r++) {
    const s = performance.now();
    const tree = parser.parse(big);
    if (tree.rootNode.hasError) throw new Error('the big file does not parse');
    tree.delete();
    bigTimes.push(performance.now() - s);
  }
  const bigMs = median(bigTimes);
  const mb = (n) => n / 1024 / 1024;
  console.log(`parser load (runtime + grammar WebAssembly): ${load.toFixed(0)} ms`);
  console.log(
    `module of ${texts.length} files, ${mb(bytes).toFixed(1)} MB: parse ${ms.toFixed(0)} ms = ${(mb(bytes) / (ms / 1000)).toFixed(1)} MB/s, ${(texts.length / (ms / 1000)).toFixed(0)} files/s (median of ${RUNS})`,
  );
  console.log(
    `one file of ${mb(Buffer.byteLength(big)).toFixed(1)} MB: parse ${bigMs.toFixed(0)} ms = ${(mb(Buffer.byteLength(big)) / (bigMs / 1000)).toFixed(1)} MB/s (median of ${RUNS})`,
  );
  const cli = join(ROOT, 'dist', 'cli.js');
  if (existsSync(cli)) {
    const s = performance.now();
    const r = spawnSync('node', [cli, 'audit', '.', '--format', 'json', '--fail-on', 'none'], {
      cwd: WORK,
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    });
    const wall = performance.now() - s;
    if (r.status !== 0) throw new Error(`audit failed: ${r.stderr.slice(0, 500)}`);
    const report = JSON.parse(r.stdout);
    console.log(
      `audit of the module end to end (dist/cli.js): ${(wall / 1000).toFixed(1)} s, ${report.summary.policies} policies from ${report.summary.inputs} inputs`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

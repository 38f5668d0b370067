// A fake GitHub API on 127.0.0.1 (node:http, random port) implementing what the action uses:
// issue comments (list with Link-header pagination, create, update, delete), GET /user, issues
// (list, create, update), labels, the contents API, the compare API's merge base, POST /graphql (viewer, minimizeComment), and
// for the review of suggested changes: a pull request's files (with their patch), its review
// comments (list, create one, update, delete) and POST reviews, which refuses, as GitHub does, a comment on a
// line outside the diff or spanning two hunks. Every request is recorded so tests can assert on
// writes; failures can be injected.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  login: string;
  type: 'User' | 'Bot';
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeComment {
  id: number;
  node_id: string;
  issue: number;
  body: string;
  user: FakeUser;
  minimized: boolean;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: string | null;
  labels: string[];
  user: FakeUser;
}

export interface Failure {
  method: string;
  /** Matched against the path (no query). */
  path: RegExp;
  status: number;
  message?: string;
  /** How many times to fail (default: always). */
  times?: number;
}

export interface FakeReviewComment {
  id: number;
  pull: number;
  review: number;
  commit_id: string;
  path: string;
  /** Null when outdated (the lines it was on changed). */
  line: number | null;
  start_line: number | null;
  side: 'RIGHT' | 'LEFT';
  body: string;
  user: FakeUser;
}

export interface FakePullFile {
  filename: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
  /** A renamed file's path at the base. */
  previous_filename?: string;
  /** Absent for a binary file or one too large to show. */
  patch?: string;
}

export const BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' };

export class FakeGitHub {
  url = '';
  readonly requests: RecordedRequest[] = [];
  comments: FakeComment[] = [];
  issues: FakeIssue[] = [];
  labels = new Set<string>();
  /** `${ref}:${path}` → content, for the contents API. */
  files = new Map<string, string>();
  /** Commits GET /repos/o/r/commits/:ref knows, beside the refs of `files`. */
  commits = new Set<string>();
  /** Who the token is: authors every write. */
  identity: FakeUser = BOT;
  /** GET /user: `forbidden` as for an installation token (GITHUB_TOKEN). */
  userEndpoint: 'ok' | 'forbidden' = 'forbidden';
  /** GraphQL `viewer`: `forbidden` answers with a GraphQL error (as for GITHUB_TOKEN). */
  viewer: 'ok' | 'forbidden' = 'forbidden';
  failures: Failure[] = [];
  /** Review comments, on every pull request. */
  reviewComments: FakeReviewComment[] = [];
  /** Reviews posted: pull request, commit, event and body. */
  reviews: { id: number; pull: number; commit_id: string; event: string; body: string }[] = [];
  /** A pull request's files, for GET /repos/o/r/pulls/:n/files and to check review comments' lines. */
  pullFiles = new Map<number, FakePullFile[]>();
  /** Pull requests by number, for GET /repos/o/r/pulls/:n. */
  pulls = new Map<number, { state: 'open' | 'closed'; head: { sha: string } }>();
  /** `${base}...${head}` → their merge base, for GET /repos/o/r/compare/:basehead (else 404). */
  mergeBases = new Map<string, string>();
  private server?: Server;
  private nextId = 1000;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.send(res, 500, { message: String(err) });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Requests that change something (every non-GET, except GraphQL queries). */
  writes(): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        r.method !== 'GET' &&
        !(r.path === '/graphql' && !/^\s*mutation/.test(String((r.body as { query?: string })?.query))),
    );
  }

  reset(): void {
    this.requests.length = 0;
  }

  addComment(issue: number, body: string, user: FakeUser = this.identity): FakeComment {
    const id = this.nextId++;
    const c: FakeComment = { id, node_id: `IC_${id}`, issue, body, user, minimized: false };
    this.comments.push(c);
    return c;
  }

  addReviewComment(
    fields: Partial<FakeReviewComment> & Pick<FakeReviewComment, 'pull' | 'path' | 'line' | 'body'>,
  ): FakeReviewComment {
    const c: FakeReviewComment = {
      id: this.nextId++,
      review: 0,
      commit_id: '0'.repeat(40),
      start_line: null,
      side: 'RIGHT',
      user: this.identity,
      ...fields,
    };
    this.reviewComments.push(c);
    return c;
  }

  /** The RIGHT-side line ranges of the hunks of a pull request's file (from its patch). */
  hunks(pull: number, path: string): { start: number; end: number }[] {
    const file = this.pullFiles.get(pull)?.find((f) => f.filename === path);
    const out: { start: number; end: number }[] = [];
    for (const m of (file?.patch ?? '').matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (count > 0) out.push({ start, end: start + count - 1 });
    }
    return out;
  }

  /** As GitHub: every line of a review comment on the RIGHT side, inside one hunk of the diff. */
  private placeable(pull: number, c: Record<string, unknown>): boolean {
    const line = Number(c.line);
    const start = c.start_line === undefined ? line : Number(c.start_line);
    return (
      c.side === 'RIGHT' &&
      (c.start_line === undefined || c.start_side === 'RIGHT') &&
      start <= line &&
      this.hunks(pull, String(c.path)).some((h) => h.start <= start && line <= h.end)
    );
  }

  private reviewCommentJson(c: FakeReviewComment) {
    return {
      id: c.id,
      pull_request_review_id: c.review,
      commit_id: c.commit_id,
      path: c.path,
      line: c.line,
      start_line: c.start_line,
      side: c.side,
      body: c.body,
      user: { login: c.user.login, type: c.user.type },
      html_url: `https://github.com/o/r/pull/${c.pull}#discussion_r${c.id}`,
    };
  }

  addIssue(fields: Partial<FakeIssue> & Pick<FakeIssue, 'title' | 'body'>): FakeIssue {
    const number = this.nextId++;
    const issue: FakeIssue = { number, state: 'open', labels: [], user: this.identity, ...fields };
    this.issues.push(issue);
    return issue;
  }

  private send(
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type':
        typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...headers,
    });
    res.end(text);
  }

  private commentJson(c: FakeComment) {
    return {
      id: c.id,
      node_id: c.node_id,
      body: c.body,
      user: { login: c.user.login, type: c.user.type },
      html_url: `https://github.com/o/r/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/o/r/issues/${c.issue}`,
    };
  }

  private issueJson(i: FakeIssue) {
    return {
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.state_reason ?? null,
      labels: i.labels.map((name) => ({ name })),
      user: { login: i.user.login, type: i.user.type },
      html_url: `https://github.com/o/r/issues/${i.number}`,
    };
  }

  /** A page of `items`, with a Link header like GitHub's. */
  private page<T>(res: ServerResponse, req: RecordedRequest, items: T[]): void {
    const perPage = Math.max(1, Math.min(100, Number(req.query.per_page ?? 30)));
    const page = Math.max(1, Number(req.query.page ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const q = new URLSearchParams({ ...req.query, per_page: String(perPage), page: String(p) });
      return `<${this.url}${req.path}?${q}>`;
    };
    const rels: string[] = [];
    if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) rels.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
    this.send(
      res,
      200,
      items.slice((page - 1) * perPage, page * perPage),
      rels.length ? { link: rels.join(', ') } : {},
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: req.headers,
    };
    this.requests.push(rec);

    const failure = this.failures.find(
      (f) => f.method === rec.method && f.path.test(rec.path) && (f.times ?? 1) > 0,
    );
    if (failure) {
      if (failure.times !== undefined) failure.times--;
      this.send(res, failure.status, {
        message: failure.message ?? 'Resource not accessible by integration',
      });
      return;
    }

    const b = (body ?? {}) as Record<string, unknown>;
    const m = (re: RegExp) => re.exec(rec.path);
    let g: RegExpExecArray | null;

    if (rec.method === 'GET' && rec.path === '/user') {
      if (this.userEndpoint === 'forbidden')
        return this.send(res, 403, { message: 'Resource not accessible by integration' });
      return this.send(res, 200, { login: this.identity.login, type: this.identity.type });
    }

    if (rec.method === 'POST' && rec.path === '/graphql') {
      const query = String(b.query ?? '');
      if (/minimizeComment/.test(query)) {
        const id = String((b.variables as Record<string, unknown> | undefined)?.id ?? '');
        const c = this.comments.find((x) => x.node_id === id);
        if (!c)
          return this.send(res, 200, {
            data: null,
            errors: [
              { type: 'NOT_FOUND', message: `Could not resolve to a node with the global id of '${id}'` },
            ],
          });
        c.minimized = true;
        return this.send(res, 200, {
          data: { minimizeComment: { minimizedComment: { isMinimized: true } } },
        });
      }
      if (/viewer/.test(query)) {
        if (this.viewer === 'forbidden') {
          return this.send(res, 200, {
            data: null,
            errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }],
          });
        }
        return this.send(res, 200, {
          data: { viewer: { login: this.identity.login.replace(/\[bot\]$/, '') } },
        });
      }
      return this.send(res, 200, { data: null, errors: [{ message: 'unsupported query' }] });
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const issue = Number(g[1]);
      if (rec.method === 'GET')
        return this.page(
          res,
          rec,
          this.comments.filter((c) => c.issue === issue).map((c) => this.commentJson(c)),
        );
      if (rec.method === 'POST')
        return this.send(res, 201, this.commentJson(this.addComment(issue, String(b.body ?? ''))));
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/))) {
      const c = this.comments.find((x) => x.id === Number(g![1]));
      if (!c) return this.send(res, 404, { message: 'Not Found' });
      if (rec.method === 'PATCH') {
        if (c.user.login !== this.identity.login) return this.send(res, 403, { message: 'Forbidden' });
        c.body = String(b.body ?? '');
        return this.send(res, 200, this.commentJson(c));
      }
      if (rec.method === 'DELETE') {
        this.comments = this.comments.filter((x) => x !== c);
        return this.send(res, 204);
      }
      if (rec.method === 'GET') return this.send(res, 200, this.commentJson(c));
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/issues$/))) {
      if (rec.method === 'GET') {
        const state = rec.query.state ?? 'open';
        const labels = (rec.query.labels ?? '').split(',').filter(Boolean);
        const creator = rec.query.creator;
        const list = this.issues
          .filter((i) => state === 'all' || i.state === state)
          .filter((i) => labels.every((l) => i.labels.includes(l)))
          .filter((i) => !creator || i.user.login === creator)
          .sort((a, b2) => b2.number - a.number)
          .map((i) => this.issueJson(i));
        return this.page(res, rec, list);
      }
      if (rec.method === 'POST') {
        const labels = ((b.labels as string[] | undefined) ?? []).filter((l) => this.labels.has(l));
        const issue = this.addIssue({ title: String(b.title ?? ''), body: String(b.body ?? ''), labels });
        return this.send(res, 201, this.issueJson(issue));
      }
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/))) {
      const issue = this.issues.find((i) => i.number === Number(g![1]));
      if (!issue) return this.send(res, 404, { message: 'Not Found' });
      if (rec.method === 'PATCH') {
        if (typeof b.body === 'string') issue.body = b.body;
        if (typeof b.title === 'string') issue.title = b.title;
        if (b.state === 'open' || b.state === 'closed') issue.state = b.state;
        if (typeof b.state_reason === 'string') issue.state_reason = b.state_reason;
        return this.send(res, 200, this.issueJson(issue));
      }
      if (rec.method === 'GET') return this.send(res, 200, this.issueJson(issue));
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/labels\/(.+)$/)) && rec.method === 'GET') {
      const name = decodeURIComponent(g[1]!);
      return this.labels.has(name)
        ? this.send(res, 200, { name })
        : this.send(res, 404, { message: 'Not Found' });
    }
    if (m(/^\/repos\/[^/]+\/[^/]+\/labels$/) && rec.method === 'POST') {
      this.labels.add(String(b.name));
      return this.send(res, 201, { name: b.name, color: b.color });
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/contents\/(.+)$/)) && rec.method === 'GET') {
      const path = decodeURIComponent(g[1]!);
      const content = this.files.get(`${rec.query.ref ?? ''}:${path}`);
      if (content === undefined) return this.send(res, 404, { message: 'Not Found' });
      if (String(req.headers.accept ?? '').includes('raw')) return this.send(res, 200, content);
      return this.send(res, 200, {
        type: 'file',
        path,
        encoding: 'base64',
        content: Buffer.from(content, 'utf8').toString('base64'),
      });
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)$/)) && rec.method === 'GET') {
      const ref = decodeURIComponent(g[1]!);
      const known = this.commits.has(ref) || [...this.files.keys()].some((k) => k.startsWith(`${ref}:`));
      if (!known) return this.send(res, 422, { message: 'No commit found for SHA: ' + ref });
      return this.send(res, 200, { sha: ref });
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/compare\/(.+)$/)) && rec.method === 'GET') {
      const basehead = decodeURIComponent(g[1]!);
      const sha = this.mergeBases.get(basehead);
      if (sha === undefined) return this.send(res, 404, { message: 'Not Found' });
      return this.send(res, 200, { status: 'diverged', merge_base_commit: { sha }, commits: [], files: [] });
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/files$/)) && rec.method === 'GET') {
      return this.page(res, rec, this.pullFiles.get(Number(g[1])) ?? []);
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/comments$/)) && rec.method === 'POST') {
      const pull = Number(g[1]);
      if (!this.placeable(pull, b))
        return this.send(res, 422, {
          message: 'Unprocessable Entity',
          errors: ['pull_request_review_thread.line must be part of the diff'],
        });
      const c = this.addReviewComment({
        pull,
        commit_id: String(b.commit_id ?? ''),
        path: String(b.path),
        line: Number(b.line),
        start_line: b.start_line === undefined ? null : Number(b.start_line),
        body: String(b.body ?? ''),
      });
      return this.send(res, 201, this.reviewCommentJson(c));
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/comments$/)) && rec.method === 'GET') {
      const pull = Number(g[1]);
      return this.page(
        res,
        rec,
        this.reviewComments.filter((c) => c.pull === pull).map((c) => this.reviewCommentJson(c)),
      );
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/pulls\/comments\/(\d+)$/))) {
      const c = this.reviewComments.find((x) => x.id === Number(g![1]));
      if (!c) return this.send(res, 404, { message: 'Not Found' });
      if (rec.method === 'PATCH') {
        if (c.user.login !== this.identity.login) return this.send(res, 403, { message: 'Forbidden' });
        c.body = String(b.body ?? '');
        return this.send(res, 200, this.reviewCommentJson(c));
      }
      if (rec.method === 'DELETE') {
        if (c.user.login !== this.identity.login) return this.send(res, 403, { message: 'Forbidden' });
        this.reviewComments = this.reviewComments.filter((x) => x !== c);
        return this.send(res, 204);
      }
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/reviews$/)) && rec.method === 'POST') {
      const pull = Number(g[1]);
      const comments = (b.comments as Record<string, unknown>[] | undefined) ?? [];
      // As GitHub: every line of a comment on the RIGHT side, inside one hunk of the diff.
      for (const c of comments) {
        if (!this.placeable(pull, c))
          return this.send(res, 422, {
            message: 'Unprocessable Entity',
            errors: ['pull_request_review_thread.line must be part of the diff'],
          });
      }
      const review = {
        id: this.nextId++,
        pull,
        commit_id: String(b.commit_id ?? ''),
        event: String(b.event ?? ''),
        body: String(b.body ?? ''),
      };
      this.reviews.push(review);
      for (const c of comments)
        this.addReviewComment({
          pull,
          review: review.id,
          commit_id: review.commit_id,
          path: String(c.path),
          line: Number(c.line),
          start_line: c.start_line === undefined ? null : Number(c.start_line),
          body: String(c.body ?? ''),
        });
      return this.send(res, 200, { id: review.id, state: 'COMMENTED' });
    }

    if ((g = m(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/)) && rec.method === 'GET') {
      const pr = this.pulls.get(Number(g[1]));
      if (!pr) return this.send(res, 404, { message: 'Not Found' });
      return this.send(res, 200, { number: Number(g[1]), ...pr });
    }
    this.send(res, 404, { message: `fake GitHub: no route for ${rec.method} ${rec.path}` });
  }
}

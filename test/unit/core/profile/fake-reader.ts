import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { CommitTouch, GrepHit, GrepQuery, ReadResult, RepositoryReader, TrackedFile } from '../../../../src/core/profile/port';

/**
 * In-memory RepositoryReader (style.md "Fakes that implement the real interface"): files
 * from a record or a fixture folder, grep by substring, scripted history.
 */
export class FakeRepoReader implements RepositoryReader {
  constructor(
    private readonly files: Record<string, string>,
    private readonly history: CommitTouch[] = [],
    private readonly extra: TrackedFile[] = [],
    private readonly head = '0123456789abcdef0123456789abcdef01234567',
  ) {}

  static fromDir(dir: string, history: CommitTouch[] = []): FakeRepoReader {
    const files: Record<string, string> = {};
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else files[relative(dir, p).split(sep).join('/')] = readFileSync(p, 'utf8');
      }
    };
    walk(dir);
    return new FakeRepoReader(files, history);
  }

  async listFiles(): Promise<readonly TrackedFile[]> {
    return [...Object.keys(this.files).sort().map((path) => ({ path, mode: 'file' as const })), ...this.extra];
  }

  async readFiles(paths: readonly string[], opts: { maxBytes: number }): Promise<Map<string, ReadResult>> {
    const out = new Map<string, ReadResult>();
    for (const p of paths) {
      const x = this.extra.find((e) => e.path === p);
      if (x && (x.mode === 'symlink' || x.mode === 'submodule')) out.set(p, { skipped: x.mode });
      else if (!(p in this.files)) out.set(p, { skipped: 'untracked' });
      else if (this.files[p]!.length > opts.maxBytes) out.set(p, { skipped: 'too-large', bytes: this.files[p]!.length });
      else out.set(p, { text: this.files[p]!, bytes: this.files[p]!.length });
    }
    return out;
  }

  async grep(q: GrepQuery): Promise<GrepHit[]> {
    const hits: GrepHit[] = [];
    for (const [path, text] of Object.entries(this.files)) {
      if (q.paths?.length && !q.paths.some((d) => path === d || path.startsWith(d + '/'))) continue;
      let n = 0;
      text.split('\n').forEach((line, i) => {
        if (n < q.maxPerFile && q.patterns.some((p) => line.includes(p))) {
          hits.push({ path, line: i + 1, text: line });
          n++;
        }
      });
    }
    return hits;
  }

  async recentHistory(opts: { maxCommits: number; paths?: readonly string[] }): Promise<CommitTouch[]> {
    const only = opts.paths?.length ? new Set(opts.paths) : undefined;
    return this.history
      .map((c) => (only ? { ...c, paths: c.paths.filter((p) => only.has(p)) } : c))
      .filter((c) => c.paths.length)
      .slice(0, opts.maxCommits);
  }

  async headCommit(): Promise<string | undefined> {
    return this.head;
  }
}

export const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'repos');

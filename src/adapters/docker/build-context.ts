import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pack, type Pack } from 'tar-stream';

/** One file of a build context, relative path with POSIX separators. */
export interface ContextEntry {
  path: string;
  kind: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  linkTarget?: string;
}

/**
 * Lists a build context like `docker build` sends it: `.dockerignore` honoured
 * (patterns with `*`, `?`, `**` and `!` exceptions), special files skipped, symlinks
 * kept as links (never followed, so a link cannot pull host files into the context).
 */
export async function listContext(dir: string, opts: { dockerignore?: boolean } = {}): Promise<ContextEntry[]> {
  const ignore = opts.dockerignore === false ? [] : parseDockerignore(await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => ''));
  const out: ContextEntry[] = [];
  const walk = async (rel: string) => {
    const names = (await readdir(join(dir, rel))).sort();
    for (const name of names) {
      const p = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dir, p));
      const ignored = isIgnored(ignore, p);
      if (st.isDirectory()) {
        // An ignored directory is still walked when an exception might re-include something inside it.
        if (ignored && !ignore.some((r) => r.negate)) continue;
        if (!ignored) out.push({ path: p, kind: 'dir', mode: st.mode & 0o7777, size: 0 });
        await walk(p);
      } else if (ignored) continue;
      else if (st.isFile()) out.push({ path: p, kind: 'file', mode: st.mode & 0o7777, size: st.size });
      else if (st.isSymbolicLink()) out.push({ path: p, kind: 'symlink', mode: 0o777, size: 0, linkTarget: await readlink(join(dir, p)) });
    }
  };
  await walk('');
  return out;
}

/** SHA-256 over paths, kinds, modes and file contents: equal digests build equal images. */
export async function contextDigest(dir: string, entries: ContextEntry[], extra: Record<string, string> = {}): Promise<string> {
  const h = createHash('sha256');
  for (const e of entries) {
    h.update(`${e.kind}\0${e.path}\0${e.mode.toString(8)}\0${e.linkTarget ?? ''}\0`);
    if (e.kind === 'file') for await (const chunk of createReadStream(join(dir, e.path))) h.update(chunk as Buffer);
  }
  for (const [k, v] of Object.entries(extra).sort()) h.update(`extra\0${k}\0${v}\0`);
  return h.digest('hex');
}

/**
 * Streams entries of `dir` as a tar, plus extra in-memory files (e.g. a Dockerfile kept
 * outside the context). `prefix` is prepended to every name; `owner` sets uid/gid.
 */
export function packContext(dir: string, entries: ContextEntry[], extra: Record<string, string> = {}, opts: { prefix?: string; owner?: { uid: number; gid: number } } = {}): Pack {
  const p = pack();
  const pre = opts.prefix ?? '';
  const own = opts.owner ?? { uid: 0, gid: 0 };
  void (async () => {
    try {
      const mtime = new Date(0);
      for (const e of entries) {
        const name = pre + e.path;
        if (e.kind === 'dir') p.entry({ name, type: 'directory', mode: e.mode, mtime, ...own });
        else if (e.kind === 'symlink') p.entry({ name, type: 'symlink', linkname: e.linkTarget, mode: e.mode, mtime, ...own });
        else {
          const data = await readFile(join(dir, e.path));
          await new Promise<void>((resolve, reject) => p.entry({ name, mode: e.mode, size: data.length, mtime, ...own }, data, (err) => (err ? reject(err) : resolve())));
        }
      }
      for (const [name, text] of Object.entries(extra)) p.entry({ name, mode: 0o644, mtime }, text);
      p.finalize();
    } catch (err) {
      p.destroy(err as Error);
    }
  })();
  return p;
}

interface IgnoreRule {
  re: RegExp;
  negate: boolean;
}

function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pat = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, re: globToRegExp(pat) };
    });
}

function isIgnored(rules: IgnoreRule[], path: string): boolean {
  let ignored = false;
  for (const r of rules) {
    // A pattern matching a parent directory covers everything below it.
    const parts = path.split('/');
    const hit = parts.some((_, i) => r.re.test(parts.slice(0, i + 1).join('/')));
    if (hit) ignored = !r.negate;
  }
  return ignored;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

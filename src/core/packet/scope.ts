import type { Provenance } from '../../contracts';
import type { RepositoryReader, TrackedFile } from '../profile/port';
import type { RepoProfile } from '../profile/types';
import { ownersOf } from '../profile/docs';
import { VENDORED } from '../profile/context';
import { indexFiles } from '../profile/file-index';
import type { Identifier, SeedFacts } from './seed';
import { TYPE_DECL, localBindings, resolveLocal, wordNames } from './entry-bindings';

export interface RankedPath {
  readonly path: string;
  readonly score: number;
  readonly origin: Provenance;
}

export interface ScopeOptions {
  /** Above this many tracked files, content search is limited to the folders the seed already points at (default 20,000). */
  readonly largeRepoFiles?: number;
  /** Recent commits read to weigh candidates by churn (default 200). */
  readonly historyCommits?: number;
  /** Most scope paths returned (default 10). */
  readonly maxPaths?: number;
  /** `file:line` the seed came from (selection, TODO, test item). */
  readonly ref?: string;
}

export interface ScopeResult {
  readonly paths: RankedPath[];
  /** What the ranking did, for the draft's notes (e.g. "searched 12 identifiers in 3 folders"). */
  readonly notes: string[];
  /** Whether anything in the repository matched what the seed names. */
  readonly anchored: boolean;
}

const TEST_PATH = /(^|\/)(test|tests|__tests__|spec|specs|testing)\/|[._-](test|spec)\.[a-z]+$|(^|\/)test_[^/]+\.py$|_test\.(go|py|rb)$|Tests?\.(cs|java|kt)$/;
const DOC_PATH = /\.(md|markdown|rst|txt|adoc)$|(^|\/)(docs?|CHANGELOG|HISTORY|LICENSE)/i;
const EXAMPLE_PATH = /(^|\/)(examples?|samples?|demo)\//;
const LOCKFILE = /(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|poetry\.lock|Gemfile\.lock|composer\.lock|go\.sum|uv\.lock)$/;

/** A definition of `name` on a line: function/class/def/func/assignment/export. */
function definesOn(line: string, name: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(function\\s*\\*?\\s*${n}\\b|class\\s+${n}\\b|def\\s+${n}\\b|func\\s+(\\([^)]*\\)\\s*)?${n}\\b|fn\\s+${n}\\b|exports\\.${n}\\s*=|\\b${n}\\s*[:=]\\s*(async\\s+)?(function|\\()|(const|let|var)\\s+${n}\\s*=|interface\\s+${n}\\b|(public|private|protected|static).*\\s${n}\\s*\\()`).test(line);
}


class Scores {
  private readonly m = new Map<string, { score: number; best: { w: number; origin: Provenance }; reasons: string[] }>();
  add(path: string, w: number, origin: Provenance, reason: string): void {
    let e = this.m.get(path);
    if (!e) this.m.set(path, (e = { score: 0, best: { w, origin }, reasons: [] }));
    e.score += w;
    if (w > e.best.w) e.best = { w, origin };
    if (e.reasons.length < 4 && !e.reasons.includes(reason)) e.reasons.push(reason);
  }
  scale(path: string, f: number, reason?: string): void {
    const e = this.m.get(path);
    if (!e) return;
    e.score *= f;
    if (reason && e.reasons.length < 6) e.reasons.push(reason);
  }
  has(path: string): boolean {
    return this.m.has(path);
  }
  keys(): string[] {
    return [...this.m.keys()];
  }
  entries() {
    return [...this.m];
  }
}

/** Maps a path as written in a seed (absolute, ./-prefixed, Java package path) to a tracked file. */
export function resolvePath(written: string, byBase: ReadonlyMap<string, readonly string[]>, tracked: { has(path: string): boolean }): string | undefined {
  const p = written.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^file:\/\//, '');
  if (tracked.has(p)) return p;
  const base = p.slice(p.lastIndexOf('/') + 1);
  const cands = byBase.get(base) ?? [];
  let best: string | undefined;
  for (const c of cands) {
    // The tracked path is a suffix of what was written (absolute paths), or the reverse (package paths).
    if (p.endsWith('/' + c) || p === c || c.endsWith('/' + p)) if (!best || c.length > best.length) best = c;
  }
  return best ?? (cands.length === 1 && p.includes('/') === false ? cands[0] : undefined);
}

function parseRef(ref: string | undefined): { path: string; line?: number } | undefined {
  if (!ref) return undefined;
  const m = /^(.+?)(?::(\d+))?(?::\d+)?$/.exec(ref);
  return m ? { path: m[1]!, ...(m[2] ? { line: Number(m[2]) } : {}) } : undefined;
}

/** Identifiers worth a content search: code-like first, longest first, at most `max`. */
function searchTerms(ids: readonly Identifier[], max: number): Identifier[] {
  const code = ids.filter((i) => i.strength === 'code' && i.name.length >= 3);
  return [...code].sort((a, b) => b.name.length - a.name.length).slice(0, max);
}

/**
 * Ranks candidate scope files for a seed: paths and stack frames the seed names, the
 * entry file of a package it names, `git grep` hits of its identifiers (weighted by how rare
 * each is, doubled on definitions), file names matching them, CODEOWNERS of mentioned
 * teams, and recent history as a tie-breaker. Tests, docs, examples and lockfiles are
 * discounted unless the seed names them. Never invents a path: every result is tracked.
 */
export async function rankScope(
  facts: SeedFacts,
  filesIn: readonly TrackedFile[] | Promise<readonly TrackedFile[]>,
  profileIn: RepoProfile | Promise<RepoProfile>,
  reader: RepositoryReader,
  opts: ScopeOptions = {},
): Promise<ScopeResult> {
  const notes: string[] = [];
  // Function names of stack frames (Object.parseDate → parseDate) join the seed's identifiers.
  const frameIds: Identifier[] = facts.frames
    .map((f) => ({ name: (f.fn ?? '').split(/[.#:]/).pop()!.replace(/[^\w$]/g, ''), seedLine: f.seedLine, strength: 'code' as const }))
    .filter((i) => i.name.length >= 3 && !/^(anonymous|Object|Module|Promise|new|async)$/.test(i.name));
  const terms = searchTerms([...facts.identifiers, ...frameIds.filter((f) => !facts.identifiers.some((i) => i.name === f.name))], 16);
  let sizeNoted = false;
  const grepOf = async (paths?: string[]) => {
    const hits = await reader.grep({ patterns: terms.map((t) => t.name), maxPerFile: 20, ...(paths ? { paths } : {}) });
    // The reader has already found these for the search itself: saying so costs nothing.
    const skipped = (await reader.searchSkipped?.()) ?? [];
    if (skipped.length && !sizeNoted) {
      sizeNoted = true;
      const top = skipped.slice(0, 3).map((f) => `${f.path} (${Math.round(f.bytes / 1024)} KiB)`);
      notes.push(`content search left out ${skipped.length} tracked file(s) over the size limit: ${top.join(', ')}${skipped.length > 3 ? ', …' : ''}`);
    }
    return hits;
  };
  // A seed that locates nothing (no path, frame, test file or ref) is searched everywhere in
  // any repository, so that search starts before the file list is even read.
  const locates = !!opts.ref || facts.paths.length > 0 || facts.frames.length > 0 || facts.tests.some((t) => t.file);
  let early = terms.length && !locates ? grepOf() : undefined;
  // Never an unhandled rejection while other work is awaited; awaited (and thrown) below.
  early?.catch(() => undefined);
  const files = await filesIn;
  const idx = indexFiles(files);
  const tracked = idx;
  const byBase = idx.byBase;
  const s = new Scores();
  const named = new Set<string>();
  const seedO = (seedLine: number, note: string): Provenance => ({ source: 'seed', line: seedLine, note });

  const ref = parseRef(opts.ref);
  if (ref) {
    const p = resolvePath(ref.path, byBase, tracked);
    if (p) {
      s.add(p, 12, { source: 'seed', note: `the seed came from ${opts.ref}` }, 'seed location');
      named.add(p);
    }
  }
  const frameLines = new Set(facts.frames.map((f) => f.seedLine));
  const mentioned = new Set<string>();
  for (const sp of facts.paths) {
    const p = resolvePath(sp.path, byBase, tracked);
    // Once per file; a path inside a stack frame counts as the frame.
    if (p && !mentioned.has(p) && !frameLines.has(sp.seedLine)) {
      mentioned.add(p);
      // Test runners print test file names: a named test file is context, a named source file the likely place.
      s.add(p, TEST_PATH.test(p) ? 4 : 10, seedO(sp.seedLine, `named in the seed${sp.line ? ` (line ${sp.line})` : ''}`), 'named in the seed');
      named.add(p);
    }
  }
  for (const f of facts.frames) {
    const p = resolvePath(f.path, byBase, tracked);
    if (p) {
      // Frames in test files are the caller, rarely the place of the fix.
      s.add(p, 8 * Math.pow(0.7, f.depth) * (TEST_PATH.test(p) ? 0.5 : 1), seedO(f.seedLine, `stack frame ${f.fn ? `${f.fn} ` : ''}at ${p}:${f.line ?? '?'}`), `stack frame #${f.depth}`);
      named.add(p);
    }
  }
  for (const t of facts.tests) {
    const p = t.file ? resolvePath(t.file, byBase, tracked) : undefined;
    if (p) {
      // The failing test's own file: context for the fix, ranked below the code under test.
      s.add(p, 3, seedO(t.seedLine, `failing test ${t.name}`), 'failing test file');
      named.add(p);
    }
  }

  // Content search. It needs only the seed and the file list, so it starts before the
  // profile is awaited and runs (in git) while the profile is computed.
  const large = files.length > (opts.largeRepoFiles ?? 20_000);
  const folderOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : p);
  const under = (p: string, dirs: readonly string[]) => dirs.some((d) => p === d || p.startsWith(d + '/'));
  // In a large repository the search is limited to the folders the seed points at; when it
  // points at none yet, the whole repository is searched now and narrowed below if the
  // profile then names a package (same hits as a narrowed search: hits are per file).
  const seedDirs = large ? [...new Set([...named].map(folderOf))] : [];
  if (terms.length && !early) {
    early = grepOf(seedDirs.length ? seedDirs : undefined);
    early.catch(() => undefined);
  }

  const profile = await profileIn;
  // A package the seed names (e.g. "minimist's parser"): its entry file.
  const words = new Map(facts.words.map((w) => [w.word, w.seedLine] as const));
  // A name as a token of the seed, however short ("qs", "ws"): content words are 3+ letters.
  const tokenLine = (name: string) => {
    const re = new RegExp(`(^|[^\\w@/.-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'i');
    const i = facts.lines.findIndex((l) => re.test(l));
    return i >= 0 ? i + 1 : undefined;
  };
  const namedEntries: { pkg: (typeof profile.packages)[number]; entry: string }[] = [];
  for (const pkg of profile.packages) {
    const short = pkg.name.toLowerCase().split('/').pop()!;
    const line = words.get(short) ?? facts.identifiers.find((i) => i.name.toLowerCase() === short)?.seedLine ?? tokenLine(short);
    if (line && pkg.entry && tracked.has(pkg.entry)) {
      s.add(pkg.entry, 5, { source: 'repo', file: pkg.manifest, note: `the seed names package "${pkg.name}" (seed line ${line}); ${pkg.entry} is its entry` }, 'entry of the named package');
      named.add(pkg.entry);
      namedEntries.push({ pkg, entry: pkg.entry });
    }
  }
  // What a named package's entry binds from its own modules: the module the seed names
  // (`JSON5.parse`, `new Range`, "parsing", "a ws server") is where that code is defined;
  // an entry that only re-exports another module (module.exports = require('./node.js')) is that module.
  if (namedEntries.length) {
    const texts = await reader.readFiles(namedEntries.map((e) => e.entry), { maxBytes: 512 * 1024 });
    const codeNames = facts.identifiers.filter((i) => i.strength === 'code').flatMap((i) => i.name.split('.').map((n) => ({ n, seedLine: i.seedLine })));
    for (const { entry } of namedEntries) {
      const r = texts.get(entry);
      if (!r || !('text' in r)) continue;
      const done = new Set<string>();
      for (const b of localBindings(r.text)) {
        const file = resolveLocal(entry, b.spec, tracked);
        if (!file || file === entry || done.has(file)) continue;
        const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
        const names = [...b.names, base];
        const byCode = codeNames.find((c) => names.some((n) => n.replace(/_\d+$/, '').toLowerCase() === c.n.toLowerCase()));
        const byWord = byCode ? undefined : facts.words.find((w) => names.some((n) => wordNames(w.word, n)));
        const hit = byCode ? { line: byCode.seedLine, what: `\`${byCode.n}\`` } : byWord ? { line: byWord.seedLine, what: `"${byWord.word}"` } : undefined;
        if (hit) {
          done.add(file);
          s.add(file, 6, { source: 'repo', file: entry, note: `${entry} binds ${b.names[0] ?? base} from ${file}; the seed names ${hit.what} (seed line ${hit.line})` }, 'module the package entry binds');
        } else if (b.delegates) {
          done.add(file);
          s.add(file, 5, { source: 'repo', file: entry, note: `${entry} re-exports ${file}` }, 'module the package entry re-exports');
          s.scale(entry, 0.5, `re-exports ${file}`);
        }
      }
    }
  }

  let grepPaths: string[] | undefined;
  if (large) {
    const dirs = [...new Set([...named].map(folderOf))];
    if (dirs.length) {
      grepPaths = dirs;
      notes.push(`large repository (${files.length} files): content search limited to ${dirs.length} folder(s) the seed points at`);
    } else notes.push(`large repository (${files.length} files): content search over every tracked file`);
  }
  if (terms.length) {
    let hits = await early!;
    if (grepPaths && !seedDirs.length) hits = hits.filter((h) => under(h.path, grepPaths!));
    else if (grepPaths) {
      // Folders of named packages the seed's own paths did not cover.
      const extra = grepPaths.filter((d) => !under(d, seedDirs));
      if (extra.length) hits = hits.concat((await grepOf(extra)).filter((h) => !under(h.path, seedDirs)));
    }
    const perTerm = new Map<string, Map<string, { count: number; def?: number; first: number }>>();
    for (const h of hits) {
      if (!tracked.has(h.path)) continue;
      for (const t of terms) {
        if (!h.text.includes(t.name)) continue;
        let m = perTerm.get(t.name);
        if (!m) perTerm.set(t.name, (m = new Map()));
        const e = m.get(h.path) ?? { count: 0, first: h.line };
        e.count++;
        if (e.def === undefined && definesOn(h.text, t.name.split('.').pop()!)) e.def = h.line;
        m.set(h.path, e);
      }
    }
    for (const t of terms) {
      const m = perTerm.get(t.name);
      if (!m) continue;
      const df = m.size;
      const w = 4 / (1 + Math.log2(df));
      for (const [path, e] of m) {
        const boost = (1 + 0.25 * Math.min(e.count - 1, 4)) * (e.def !== undefined ? 2 : 1);
        s.add(path, w * boost, { source: 'repo', file: path, line: e.def ?? e.first, note: `${e.def !== undefined ? 'defines' : 'mentions'} \`${t.name}\` (seed line ${t.seedLine}; ${df} file(s) match)` }, `${e.def !== undefined ? 'defines' : 'mentions'} ${t.name}`);
      }
    }
    notes.push(`searched ${terms.length} identifier(s) from the seed: ${perTerm.size} found in the repository`);
  }
  // File names that are an identifier from the seed (quote → quote.js).
  const idNames = new Map(facts.identifiers.filter((i) => i.strength === 'code').map((i) => [i.name.split('.').pop()!.toLowerCase(), i] as const));
  if (idNames.size) {
    // Per distinct base name, not per file; matches are added in git (path) order.
    const found: [string, Identifier][] = [];
    for (const [b, list] of byBase) {
      const stem = b.includes('.') ? b.slice(0, b.indexOf('.')).toLowerCase() : b.toLowerCase();
      const id = idNames.get(stem);
      if (id && stem.length >= 3) for (const f of list) found.push([f, id]);
    }
    found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [f, id] of found) s.add(f, 2, seedO(id.seedLine, `file name matches \`${id.name}\``), `file named after ${id.name}`);
  }

  // Discounts: what the seed did not name is less likely the fix's place.
  const testsWanted = facts.kind === 'failing-test';
  for (const p of s.keys()) {
    if (named.has(p)) continue;
    if (VENDORED.test(p)) s.scale(p, 0.1, 'vendored');
    else if (LOCKFILE.test(p)) s.scale(p, 0.2, 'lockfile');
    else if (TYPE_DECL.test(p)) s.scale(p, 0.3, 'type declarations or source map');
    else if (DOC_PATH.test(p)) s.scale(p, 0.2, 'documentation');
    else if (EXAMPLE_PATH.test(p)) s.scale(p, 0.4, 'example');
    else if (TEST_PATH.test(p) && !testsWanted) s.scale(p, 0.5, 'test file');
  }
  // CODEOWNERS: files owned by a team the seed mentions.
  if (profile.codeowners && facts.mentions.length) {
    for (const p of s.keys()) {
      const { owners } = ownersOf(profile.codeowners, p);
      if (owners.some((o) => facts.mentions.includes(o))) s.scale(p, 1.5, `owned by ${owners.join(' ')} (mentioned)`);
    }
  }
  // Recent history: churn among the candidates only, as a tie-breaker.
  if (s.keys().length) {
    const history = await reader.recentHistory({ maxCommits: opts.historyCommits ?? 200, paths: s.keys().slice(0, 200) });
    const touches = new Map<string, number>();
    for (const c of history) for (const p of c.paths) if (s.has(p)) touches.set(p, (touches.get(p) ?? 0) + 1);
    for (const [p, n] of touches) s.scale(p, 1 + 0.05 * Math.min(n, 6), `${n} recent commit(s) touched it`);
  }

  const ranked = s
    .entries()
    .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1))
    .slice(0, opts.maxPaths ?? 10)
    .map(([path, e]) => {
      const owners = ownersOf(profile.codeowners, path).owners;
      const note = [e.best.origin.note, ...e.reasons.filter((r) => !e.best.origin.note?.includes(r))].join('; ') + (owners.length ? `; owners ${owners.join(' ')}` : '');
      return { path, score: Math.round(e.score * 100) / 100, origin: { ...e.best.origin, note } };
    });
  return { paths: ranked, notes, anchored: named.size > 0 || ranked.some((r) => r.score >= 2) };
}

import type { SeedKind } from '../../contracts';

/**
 * Seed intake: what can be read off a seed's text without the repository. Every fact
 * carries the 1-based seed line it came from, so a drafted field can say where it came from.
 */

export interface SeedPath {
  /** As written (may be absolute or carry a prefix the repository does not have). */
  readonly path: string;
  readonly line?: number;
  readonly seedLine: number;
}

export interface StackFrame extends SeedPath {
  readonly fn?: string;
  /** Position in its trace, 0 = where it was thrown (innermost). */
  readonly depth: number;
}

export interface CodeBlock {
  readonly lang?: string;
  readonly text: string;
  readonly seedLine: number;
}

export interface Identifier {
  readonly name: string;
  readonly seedLine: number;
  /** `code`: written as code (backticks, call, camelCase, snake_case, dotted); `word`: a plain word. */
  readonly strength: 'code' | 'word';
}

export interface CallExpr {
  readonly callee: string;
  /** The argument text between the parentheses, verbatim. */
  readonly args: string;
  readonly seedLine: number;
}

export interface TestRef {
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
  readonly runner?: 'jest' | 'mocha' | 'tap' | 'pytest' | 'go' | 'cargo' | 'junit' | 'rspec' | 'dotnet' | 'phpunit' | 'minitest' | 'vitest';
  /** Go: the package path from the FAIL line. */
  readonly pkg?: string;
  readonly seedLine: number;
}

export interface SeedFacts {
  readonly kind: SeedKind;
  readonly lines: readonly string[];
  readonly title?: { readonly text: string; readonly seedLine: number };
  readonly identifiers: readonly Identifier[];
  readonly paths: readonly SeedPath[];
  readonly frames: readonly StackFrame[];
  readonly codeBlocks: readonly CodeBlock[];
  readonly calls: readonly CallExpr[];
  /** Array literals holding strings, e.g. an argument list an advisory quotes. */
  readonly literals: readonly { readonly text: string; readonly seedLine: number }[];
  readonly tests: readonly TestRef[];
  /** The command a CI log shows failing. */
  readonly failingCommand?: { readonly run: string; readonly seedLine: number };
  /** Sentences that say what must (not) happen. */
  readonly normative: readonly { readonly text: string; readonly seedLine: number }[];
  /** Content words (lower case, no stop words), for vagueness and package-name matching. */
  readonly words: readonly { readonly word: string; readonly seedLine: number }[];
  /** CVE-/GHSA- ids. */
  readonly advisoryIds: readonly string[];
  /** @user or @org/team mentions (matched against CODEOWNERS). */
  readonly mentions: readonly string[];
  /** TODO/FIXME text when the seed is one. */
  readonly todo?: { readonly tag: string; readonly text: string; readonly seedLine: number };
}

const EXT = 'js|jsx|mjs|cjs|ts|tsx|mts|cts|py|pyi|java|kt|kts|scala|groovy|go|rs|c|h|cc|cpp|cxx|hpp|cs|fs|vb|rb|php|swift|m|mm|sh|pl|pm|lua|dart|ex|exs|erl|hs|clj|sql|vue|svelte|json|ya?ml|toml|xml|gradle|md|html|css|scss|ini|cfg|proto|tf';
const PATH_RE = new RegExp(String.raw`(?:^|[\s"'\x60(\[<=,])((?:[A-Za-z]:)?[\w@.~+-]*(?:[\\/][\w@.+-]+)*\.(?:${EXT}))(?![\w$])(?:(?::|", line |\(| line |:line )(\d+))?`, 'g');

const STOP = new Set(
  'a an and are as at be because been but by can could did do does doing done for from had has have how i if in into is it its just let like make me more my no not of on or our please so some sometimes still such than that the their them then there these they this those to too up us was we were what when where which while who why will with would you your should must never always also any all fix fixed fixes broken break breaks better issue bug problem error work works working wrong thing things get gets got use used using same other see seems seem really very way'.split(' '),
);

const VENDOR_FRAME = /(^|[\\/])(node_modules|site-packages|dist-packages|\.venv|vendor|jdk|lib\/python\d|internal[\\/]|node:)/;

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Lines that are chrome of a pasted issue page (GitHub, GitLab, Jira), not the issue. */
const PAGE_CHROME = /^(skip to content|sign in|sign up|notifications|fork|star|watch|code|issues?|pull requests?|actions|projects|wiki|security|insights|labels?|assignees?|milestone|development|participants|reactions|no one assigned|none yet|no branches or pull requests|\d+ participants?|open|closed|new issue|jump to bottom|copy link|edit|comment|subscribe|you signed in with another tab.*|reload to refresh.*)$/i;

function cleanLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/** Balanced argument text after `(` at `open`, respecting quotes; undefined when unbalanced. */
export function balancedArgs(s: string, open: number): string | undefined {
  let depthN = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'" || c === '"') {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '(' || c === '[' || c === '{') depthN++;
    else if (c === ')' || c === ']' || c === '}') {
      depthN--;
      if (depthN === 0) return c === ')' ? s.slice(open + 1, i) : undefined;
    }
  }
  return undefined;
}

/** `[ ... ]` starting at `open`, respecting quotes; undefined when unbalanced. */
function balancedBracket(s: string, open: number): string | undefined {
  let d = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'" || c === '"') {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '[') d++;
    else if (c === ']' && --d === 0) return s.slice(open, i + 1);
  }
  return undefined;
}

function splitSentences(line: string): string[] {
  return line.split(/(?<=[.!?])\s+(?=[A-Z`'"(\[])/).map((s) => s.trim()).filter(Boolean);
}

/** Guesses the seed kind from its text when the user did not say. */
export function guessSeedKind(text: string): SeedKind {
  if (/\b(CVE-\d{4}-\d+|GHSA-[\w-]+|security advisory|vulnerab|prototype pollution|injection|CWE-\d+)/i.test(text)) return 'advisory';
  if (/##\[(error|group)\]|Process completed with exit code|ERROR: Job failed|^\s*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.\d]*Z /m.test(text)) return 'ci-log';
  if (/^\s*(\/\/|#|\/\*|\*|--|<!--)?\s*(TODO|FIXME|XXX|HACK)\b/.test(text)) return 'todo';
  if (/(^|\n)\s*(FAIL\b|FAILED\b|--- FAIL:|not ok \d|● |\d+ failing|Tests? run:.*Failures: [1-9]|AssertionError|assert(ion)? failed)/.test(text)) return 'failing-test';
  return 'issue';
}

function parseTests(lines: readonly string[]): TestRef[] {
  const out: TestRef[] = [];
  const push = (t: TestRef) => {
    if (!out.some((o) => o.name === t.name && o.file === t.file)) out.push(t);
  };
  let lastTapComment: string | undefined;
  let jestFile: string | undefined;
  lines.forEach((raw, i) => {
    const n = i + 1;
    const l = raw.replace(/^\s*\d{4}-\d\d-\d\dT[\d:.]+Z\s/, '');
    let m: RegExpExecArray | null;
    if ((m = /^\s*(?:FAIL|PASS)\s+(\S+\.(?:[jt]sx?|mjs|cjs))/.exec(l))) jestFile = m[1];
    if ((m = /^\s*●\s+(.+?)\s*$/.exec(l)) && !/Console|Test suite failed/.test(m[1]!))
      push({ name: m[1]!.split(' › ').pop()!, runner: 'jest', seedLine: n, ...(jestFile ? { file: jestFile } : {}) });
    if ((m = /^\s*(?:FAILED|ERROR)\s+([\w/.\-]+\.py)::([\w:\[\]\-.]+)/.exec(l)))
      push({ name: m[2]!.split('::').pop()!.replace(/\[.*$/, ''), file: m[1]!, runner: 'pytest', seedLine: n });
    if ((m = /^\s*--- FAIL: (\S+)/.exec(l))) push({ name: m[1]!.split('/')[0]!, runner: 'go', seedLine: n });
    if ((m = /^FAIL\s+(\S+)\s+[\d.]+s/.exec(l))) for (let k = out.length - 1; k >= 0; k--) if (out[k]!.runner === 'go' && !out[k]!.pkg) out[k] = { ...out[k]!, pkg: m[1]! };
    if ((m = /^\s*test (\S+) \.\.\. FAILED/.exec(l))) push({ name: m[1]!, runner: 'cargo', seedLine: n });
    if ((m = /^\s*(?:\[ERROR\]\s+)?(\w+)\((\w[\w.]*)\)\s+(?:Time elapsed|<<<)/.exec(l))) push({ name: `${m[2]}#${m[1]}`, runner: 'junit', seedLine: n });
    if ((m = /^\s*\[ERROR\]\s+([A-Z]\w*(?:Test|Tests|IT|Spec))\.(\w+):(\d+)/.exec(l))) push({ name: `${m[1]}#${m[2]}`, runner: 'junit', seedLine: n });
    if ((m = /^\s*([\w.]+Test\w*) > (\w+)\(?\)? FAILED/.exec(l))) push({ name: `${m[1]}#${m[2]}`, runner: 'junit', seedLine: n });
    if ((m = /^\s*rspec (\.\/[\w/.-]+_spec\.rb):(\d+)/.exec(l))) push({ name: l.split('#').slice(1).join('#').trim() || m[1]!, file: m[1]!.replace(/^\.\//, ''), line: Number(m[2]), runner: 'rspec', seedLine: n });
    if ((m = /^\s*Failed ([\w.]+)\s+\[/.exec(l))) push({ name: m[1]!, runner: 'dotnet', seedLine: n });
    if ((m = /^\s*\d+\) ([\w\\]+)::(\w+)/.exec(l))) push({ name: `${m[1]}::${m[2]}`, runner: 'phpunit', seedLine: n });
    if ((m = /^\s*(\w+Test)#(test_\w+)\s+\[([\w/.-]+\.rb):(\d+)\]/.exec(l))) push({ name: m[2]!, file: m[3]!, line: Number(m[4]), runner: 'minitest', seedLine: n });
    if ((m = /^# (.+)$/.exec(l))) lastTapComment = m[1];
    if ((m = /^not ok \d+ (.*)$/.exec(l))) push({ name: lastTapComment ?? m[1]!, runner: 'tap', seedLine: n });
    // mocha: "  1) Suite\n       test title:" in the failures section.
    if ((m = /^\s*\d+\) (.+?)\s*$/.exec(l)) && !/::/.test(l)) {
      const next = lines[i + 1] ?? '';
      const title = /^\s+(.+):\s*$/.exec(next)?.[1];
      if (title && !/Error/.test(title)) push({ name: title, runner: 'mocha', seedLine: n + 1 });
    }
  });
  return out;
}

function parseFailingCommand(lines: readonly string[]): { run: string; seedLine: number } | undefined {
  let last: { run: string; seedLine: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.replace(/^\s*\d{4}-\d\d-\d\dT[\d:.]+Z\s/, '');
    const m = /^(?:##\[group\]Run |Run |\$ |\+ )(.+)$/.exec(l);
    if (m && !/^actions\/|^[\w-]+\/[\w-]+@/.test(m[1]!)) last = { run: m[1]!.trim(), seedLine: i + 1 };
    if (/##\[error\]|Process completed with exit code [1-9]|ERROR: Job failed|script returned exit code [1-9]|Exited with code [1-9]/.test(l) && last) return last;
  }
  return undefined;
}

/**
 * Reads a seed: title, identifiers, paths, stack frames, code blocks, call expressions,
 * failing tests, the failing CI command, normative sentences and content words.
 */
export function parseSeed(kind: SeedKind, text: string): SeedFacts {
  const lines = cleanLines(text);
  const body = lines.join('\n');
  const lineOfOffset = lineIndex(body);

  // Code blocks (fenced), remembered so prose scans can treat their content as code.
  const codeBlocks: CodeBlock[] = [];
  for (const m of body.matchAll(/```([\w+-]*)[^\n]*\n([\s\S]*?)```/g)) {
    codeBlocks.push({ ...(m[1] ? { lang: m[1] } : {}), text: m[2]!, seedLine: lineOfOffset(m.index!) + 1 });
  }

  // Title: the first meaningful line of a pasted page or issue, when it reads like one.
  let title: SeedFacts['title'];
  for (let i = 0; i < lines.length && i < 40; i++) {
    const t = lines[i]!.trim().replace(/^#+\s*/, '');
    if (!t || PAGE_CHROME.test(t) || /^[\W\d]+$/.test(t)) continue;
    title = { text: (t.split(/(?<=[.!?])\s+/)[0] ?? t).replace(/\s+#\d+$/, '').slice(0, 300), seedLine: i + 1 };
    break;
  }

  const identifiers: Identifier[] = [];
  const seen = new Set<string>();
  const addId = (name: string, seedLine: number, strength: Identifier['strength']) => {
    const key = name;
    if (name.length < 2 || seen.has(key) || /^\d/.test(name)) return;
    seen.add(key);
    identifiers.push({ name, seedLine, strength });
  };
  const calls: CallExpr[] = [];
  const literals: { text: string; seedLine: number }[] = [];
  const paths: SeedPath[] = [];
  const frames: StackFrame[] = [];
  const normative: { text: string; seedLine: number }[] = [];
  const words: { word: string; seedLine: number }[] = [];
  const mentions = new Set<string>();
  const advisoryIds = new Set<string>();

  let traceDepth = 0;
  let pythonTrace = false;
  let pyFrames: StackFrame[] = [];
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.replace(/^\s*\d{4}-\d\d-\d\dT[\d:.]+Z\s/, '');
    let m: RegExpExecArray | null;
    for (const a of line.matchAll(/\b(CVE-\d{4}-\d{4,}|GHSA(?:-[\w]{4}){3})\b/gi)) advisoryIds.add(a[1]!.toUpperCase());
    for (const a of line.matchAll(/(?:^|\s)@([\w-]+(?:\/[\w-]+)?)/g)) mentions.add(`@${a[1]}`);
    // Blob links: https://github.com/o/r/blob/<ref>/path#L12
    for (const a of line.matchAll(/https?:\/\/[^\s/]+\/[^\s/]+\/[^\s/]+\/(?:-\/)?blob\/[^\s/]+\/([^\s#?)]+)(?:#L(\d+))?/g))
      paths.push({ path: decodeURIComponent(a[1]!), ...(a[2] ? { line: Number(a[2]) } : {}), seedLine: n });
    const noUrl = line.replace(/https?:\/\/\S+/g, ' ');

    // Stack frames.
    if (/Traceback \(most recent call last\)/.test(line)) {
      pythonTrace = true;
      pyFrames = [];
    }
    if ((m = /^\s*File "([^"]+)", line (\d+)(?:, in (\S+))?/.exec(line))) {
      pyFrames.push({ path: m[1]!, line: Number(m[2]), ...(m[3] ? { fn: m[3] } : {}), seedLine: n, depth: 0 });
    } else if (pythonTrace && pyFrames.length && !/^\s/.test(line)) {
      // End of a Python traceback: innermost frame is the last one printed.
      pyFrames.reverse().forEach((f, d) => frames.push({ ...f, depth: d }));
      pyFrames = [];
      pythonTrace = false;
    }
    if ((m = /^\s*at (?:(?:async )?([\w$.<>\[\] ]+?) \()?((?:file:\/\/)?[^()\s]+?):(\d+)(?::\d+)?\)?\s*$/.exec(line)))
      frames.push({ path: m[2]!.replace(/^file:\/\//, ''), line: Number(m[3]), ...(m[1] ? { fn: m[1] } : {}), seedLine: n, depth: traceDepth++ });
    else if ((m = /^\s*at ([\w$.]+)\.([\w$<>]+)\(([\w$]+\.(?:java|kt|scala|groovy)):(\d+)\)/.exec(line))) {
      const cls = m[1]!;
      const pkgPath = cls.includes('.') ? cls.slice(0, cls.lastIndexOf('.')).replace(/\./g, '/') : '';
      frames.push({ path: pkgPath ? `${pkgPath}/${m[3]}` : m[3]!, line: Number(m[4]), fn: `${cls}.${m[2]}`, seedLine: n, depth: traceDepth++ });
    } else if ((m = /^\s*at (\S+?)\(.*\) in (.+?):line (\d+)/.exec(line)))
      frames.push({ path: m[2]!, line: Number(m[3]), fn: m[1]!, seedLine: n, depth: traceDepth++ });
    else if ((m = /^\s*(?:#\d+\s+)?([\w./\\-]+\.php)\((\d+)\)/.exec(line)) || (m = /in ([\w./\\-]+\.php) on line (\d+)/.exec(line)))
      frames.push({ path: m[1]!, line: Number(m[2]), seedLine: n, depth: traceDepth++ });
    else if ((m = /^\s*([\w./-]+\.rb):(\d+):in [`'](.+)'/.exec(line)))
      frames.push({ path: m[1]!, line: Number(m[2]), fn: m[3]!, seedLine: n, depth: traceDepth++ });
    else if ((m = /^\s+([\w./-]+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/.exec(line)))
      frames.push({ path: m[1]!, line: Number(m[2]), seedLine: n, depth: traceDepth++ });
    else if ((m = /(?:panicked at|-->)\s+([\w./-]+\.rs):(\d+)/.exec(line)))
      frames.push({ path: m[1]!, line: Number(m[2]), seedLine: n, depth: traceDepth++ });

    // Paths with an extension, optionally :line.
    for (const a of noUrl.matchAll(PATH_RE)) {
      const p = a[1]!.replace(/\\/g, '/');
      if (/^\d+(\.\d+)+$/.test(p)) continue;
      if (/^(e\.g|i\.e|etc|vs)\./i.test(p)) continue;
      paths.push({ path: p, ...(a[2] ? { line: Number(a[2]) } : {}), seedLine: n });
    }

    // Identifiers written as code.
    for (const a of noUrl.matchAll(/`([^`\n]+)`/g)) {
      const inner = a[1]!;
      for (const t of inner.matchAll(/[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g)) if (!STOP.has(t[0].toLowerCase())) addId(t[0], n, 'code');
    }
    for (const a of noUrl.matchAll(/([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\(/g)) {
      const callee = a[1]!;
      if (STOP.has(callee.toLowerCase()) || /^(e\.g|i\.e)$/.test(callee)) continue;
      const args = balancedArgs(noUrl, a.index! + callee.length);
      if (args !== undefined) calls.push({ callee, args, seedLine: n });
      addId(callee, n, 'code');
    }
    for (const a of noUrl.matchAll(/(?<![\w$.\/-])(__\w+__|[a-z]+(?:[A-Z][a-z0-9]*)+\w*|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)(?![\w$])/g)) {
      const t = a[1]!;
      if (/\.(?:[a-z]{1,4})$/.test(t) && new RegExp(`\\.(${EXT})$`).test(t)) continue; // a file name
      if (/^(e\.g|i\.e|etc)$/i.test(t)) continue;
      addId(t, n, 'code');
    }

    // A class named by construction in prose ("via the function new Range"): code, whatever its case.
    for (const a of noUrl.matchAll(/\bnew\s+([A-Z][\w$]*)(?![\w$])/g)) addId(a[1]!, n, 'code');
    for (const a of noUrl.matchAll(/\[(?=\s*['"])/g)) {
      const inner = balancedBracket(noUrl, a.index!);
      if (inner && !literals.some((l) => l.text === inner)) literals.push({ text: inner, seedLine: n });
    }

    // Normative sentences and content words.
    for (const s of splitSentences(noUrl)) {
      if (/\b(must|should|shall|never|always|expected|instead of|ought to)\b/i.test(s)) normative.push({ text: s.replace(/^security advisory:\s*/i, ''), seedLine: n });
    }
    for (const w of noUrl.toLowerCase().matchAll(/[a-z][a-z0-9'-]{2,}/g)) {
      const word = w[0].replace(/'s$/, '').replace(/[-']+$/, '');
      if (!STOP.has(word) && word.length > 2) words.push({ word, seedLine: n });
    }
  });
  if (pyFrames.length) pyFrames.reverse().forEach((f, d) => frames.push({ ...f, depth: d }));

  // Identifiers inside code blocks (for logs and snippets).
  for (const b of codeBlocks) {
    b.text.split('\n').forEach((l, k) => {
      for (const t of l.matchAll(/(?<![\w$])([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\(/g)) if (!STOP.has(t[1]!.toLowerCase())) addId(t[1]!, b.seedLine + k, 'code');
    });
  }

  let todo: SeedFacts['todo'];
  const t = /^\s*(?:\/\/|#|\/\*+|\*|--|<!--|;)?\s*(TODO|FIXME|XXX|HACK)\b[:(\s]*(?:[\w@.-]+\))?:?\s*(.*)$/m.exec(body);
  if (t && (kind === 'todo' || kind === 'selection')) todo = { tag: t[1]!, text: t[2]!.replace(/\s*(\*\/|-->)\s*$/, '').trim(), seedLine: lineOfOffset(t.index) };

  const external = (p: string) => VENDOR_FRAME.test(p);
  return {
    kind,
    lines,
    ...(title ? { title } : {}),
    identifiers,
    paths: dedupePaths(paths),
    frames: frames.filter((f) => !external(f.path)),
    codeBlocks,
    calls,
    literals,
    tests: parseTests(lines),
    ...(kind === 'ci-log' || kind === 'failing-test' ? optional('failingCommand', parseFailingCommand(lines)) : {}),
    normative,
    words,
    advisoryIds: [...advisoryIds],
    mentions: [...mentions],
    ...(todo ? { todo } : {}),
  };
}

function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function dedupePaths(paths: SeedPath[]): SeedPath[] {
  const out: SeedPath[] = [];
  for (const p of paths) if (!out.some((o) => o.path === p.path && o.line === p.line)) out.push(p);
  return out;
}

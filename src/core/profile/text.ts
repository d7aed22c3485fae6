/** Small text helpers shared by the manifest readers: line numbers, JSONC, TOML and INI sections, shell words, globs. */

/** 1-based line of character offset `index` in `text`. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** 1-based line of the first match of `re` (or substring) in `text`, after `from`; undefined when absent. */
export function lineOf(text: string, needle: string | RegExp, from = 0): number | undefined {
  if (typeof needle === 'string') {
    const i = text.indexOf(needle, from);
    return i < 0 ? undefined : lineAt(text, i);
  }
  const re = new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : needle.flags + 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? lineAt(text, m.index) : undefined;
}

/** Removes // and /* *\/ comments and trailing commas outside strings (JSONC, as in devcontainer.json). */
export function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      // Keep newlines so line numbers stay right.
      out += text.slice(i, end < 0 ? text.length : end + 2).replace(/[^\n]/g, ' ');
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** Parses JSON or JSONC; undefined when it does not parse (the caller records the file as unreadable). */
export function parseJsonLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(stripJsonc(text));
    } catch {
      return undefined;
    }
  }
}

export interface IniSection {
  readonly name: string;
  readonly line: number;
  /** key → { value, line }; multi-line values (indented continuation lines) are joined with \n. */
  readonly keys: Map<string, { value: string; line: number }>;
}

/**
 * Reads the `[section]` headers and `key = value` lines of a TOML, INI or setup.cfg file.
 * Deliberately shallow: enough to know which tools are configured and read simple
 * string/array values; not a TOML parser.
 */
export function iniSections(text: string): IniSection[] {
  const sections: IniSection[] = [{ name: '', line: 1, keys: new Map() }];
  let lastKey: { value: string; line: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.replace(/^\s*[#;].*$/, '');
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line);
    if (header) {
      sections.push({ name: header[1]!.replace(/["']/g, ''), line: i + 1, keys: new Map() });
      lastKey = undefined;
      continue;
    }
    const kv = /^([A-Za-z0-9_.\-"']+)\s*[=:]\s*(.*)$/.exec(line);
    if (kv) {
      lastKey = { value: kv[2]!.trim(), line: i + 1 };
      sections[sections.length - 1]!.keys.set(kv[1]!.replace(/["']/g, ''), lastKey);
    } else if (lastKey && /^\s+\S/.test(line)) {
      lastKey.value += '\n' + line.trim();
    }
  }
  return sections;
}

/** The quoted strings inside a TOML/INI value such as `["a", "b/*"]`, or its bare words. */
export function listValue(value: string): string[] {
  const quoted = [...value.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '');
  if (quoted.length) return quoted;
  return value.split(/[\s,]+/).filter(Boolean);
}

const SHELL_META = /[|&;<>()$`\\*?[\]{}~#!]|^\s*\w+=/;

/**
 * Splits a simple shell command into argv. Returns undefined when the text needs a shell
 * (pipes, `&&`, redirection, variables, globs): the caller then keeps it as `sh -c TEXT`.
 */
export function shellWords(cmd: string): string[] | undefined {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (c === "'" || c === '"') {
      const end = cmd.indexOf(c, i + 1);
      if (end < 0) return undefined;
      const inner = cmd.slice(i + 1, end);
      if (c === '"' && /[$`\\]/.test(inner)) return undefined;
      cur += inner;
      inWord = true;
      i = end;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      if (SHELL_META.test(c)) return undefined;
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  if (!words.length || /^\w+=/.test(words[0]!)) return undefined;
  return words;
}

/** argv for a shell command: its words when it is simple, else `sh -c TEXT`. */
export function argvOf(cmd: string): string[] {
  return shellWords(cmd.trim()) ?? ['sh', '-c', cmd.trim()];
}

/** A glob (`*`, `**`, `?`) as an anchored RegExp over POSIX paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, file: string): string {
  return dir ? `${dir}/${file}` : file;
}

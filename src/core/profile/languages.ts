import { VENDORED } from './context';
import type { LanguageShare } from './types';

const BY_EXT: Record<string, string> = {
  ts: 'TypeScript', tsx: 'TypeScript', mts: 'TypeScript', cts: 'TypeScript',
  js: 'JavaScript', jsx: 'JavaScript', mjs: 'JavaScript', cjs: 'JavaScript',
  py: 'Python', pyi: 'Python', java: 'Java', kt: 'Kotlin', kts: 'Kotlin', scala: 'Scala', groovy: 'Groovy',
  go: 'Go', rs: 'Rust', c: 'C', h: 'C', cc: 'C++', cpp: 'C++', cxx: 'C++', hpp: 'C++', hh: 'C++',
  cs: 'C#', fs: 'F#', vb: 'Visual Basic', rb: 'Ruby', php: 'PHP', swift: 'Swift', m: 'Objective-C', mm: 'Objective-C',
  sh: 'Shell', bash: 'Shell', ps1: 'PowerShell', pl: 'Perl', pm: 'Perl', lua: 'Lua', dart: 'Dart', ex: 'Elixir', exs: 'Elixir',
  erl: 'Erlang', hs: 'Haskell', clj: 'Clojure', r: 'R', sql: 'SQL', vue: 'Vue', svelte: 'Svelte', zig: 'Zig', cob: 'COBOL', cbl: 'COBOL',
  f90: 'Fortran', f: 'Fortran', pas: 'Pascal', asm: 'Assembly', s: 'Assembly',
};

/** Language of a path by its extension, or undefined for non-source files. */
export function languageOf(path: string): string | undefined {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return BY_EXT[path.slice(dot + 1).toLowerCase()];
}

/** Source files per language (vendored folders excluded), largest first, shares of the recognised total. */
export function languageShares(paths: Iterable<string>): LanguageShare[] {
  const counts = new Map<string, number>();
  let total = 0;
  for (const p of paths) {
    const lang = languageOf(p);
    if (!lang || VENDORED.test(p)) continue;
    counts.set(lang, (counts.get(lang) ?? 0) + 1);
    total++;
  }
  return [...counts]
    .map(([language, files]) => ({ language, files, share: Math.round((files / total) * 1000) / 1000 }))
    .sort((a, b) => b.files - a.files || a.language.localeCompare(b.language));
}

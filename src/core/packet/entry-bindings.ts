/**
 * How a JavaScript package's entry file binds its own modules, for scope ranking
 * (scope.ts): the names each local module is bound to, Node's resolution of a relative
 * specifier (https://nodejs.org/api/modules.html#all-together, files then folder index),
 * and whether a seed word names an identifier. Pure: texts and the tracked-file set come in.
 */

/** Whether a seed word names `name` as an English inflection of it: parse ← parsing, parser, parses; format ← formatter; server ← servers. */
export function wordNames(word: string, name: string): boolean {
  const w = word.toLowerCase();
  const n = name.toLowerCase().replace(/_\d+$/, '');
  if (w === n) return true;
  if (n.length < 4) return false;
  const stem = n.endsWith('e') ? n.slice(0, -1) : n;
  if (!w.startsWith(stem)) return false;
  const rest = w.slice(stem.length);
  return new RegExp(`^(?:e|es|s|ed|d|er|ers|ing|ings|ion|ions|${n.slice(-1)}(?:er|ers|ing|ed))$`).test(rest);
}

/**
 * Local modules an entry file binds, with the names it binds them to: `const x = require('./x')`,
 * `x: require('./x')`, `obj.X = require('./x')`, `import x from './x'`, `export { x } from './x'`,
 * `module.exports = require('./x')` (`delegates`: the entry is that module).
 */
export function localBindings(text: string): { spec: string; names: string[]; delegates: boolean }[] {
  const out: { spec: string; names: string[]; delegates: boolean }[] = [];
  const q = String.raw`['"](\.{1,2}\/[^'"]+)['"]`;
  const req = String.raw`(?:__importDefault\(|__importStar\()?require\(\s*${q}\s*\)`;
  const split = (list: string) => list.split(',').flatMap((x) => x.split(/\s*(?::|\bas\b)\s*/)).map((x) => x.trim()).filter((x) => /^[A-Za-z_$][\w$]*$/.test(x));
  const push = (spec: string, names: string[], delegates = false) => out.push({ spec, names, delegates });
  for (const m of text.matchAll(new RegExp(String.raw`(?:const|let|var)\s+([\w$]+)\s*=\s*${req}`, 'g'))) push(m[2]!, [m[1]!]);
  for (const m of text.matchAll(new RegExp(String.raw`(?:const|let|var)\s*\{([^}]*)\}\s*=\s*${req}`, 'g'))) push(m[2]!, split(m[1]!));
  for (const m of text.matchAll(new RegExp(String.raw`(?:^|[,{\s])([\w$]+)\s*:\s*${req}`, 'gm'))) push(m[2]!, [m[1]!]);
  for (const m of text.matchAll(new RegExp(String.raw`[\w$]+\.([\w$]+)\s*=\s*${req}`, 'g'))) push(m[2]!, m[1] === 'exports' ? [] : [m[1]!], m[1] === 'exports');
  for (const m of text.matchAll(new RegExp(String.raw`import\s+([^'";]+?)\s+from\s+${q}`, 'g'))) push(m[2]!, split(m[1]!.replace(/[{}*]/g, ',')));
  for (const m of text.matchAll(new RegExp(String.raw`export\s*(?:\{([^}]*)\}|\*(?:\s+as\s+([\w$]+))?)\s*from\s*${q}`, 'g'))) push(m[3]!, m[1] ? split(m[1]) : m[2] ? [m[2]] : [], !m[1] && !m[2]);
  for (const m of text.matchAll(new RegExp(String.raw`module\.exports\s*=\s*${req}`, 'g'))) push(m[1]!, [], true);
  for (const m of text.matchAll(new RegExp(String.raw`(?:^|[;(\s])${req}`, 'gm'))) if (!out.some((o) => o.spec === m[1])) push(m[1]!, []);
  return out;
}

/** A local module specifier resolved against the importing file, Node's way (extension, then folder index); never a .d.ts. */
export function resolveLocal(from: string, spec: string, tracked: { has(path: string): boolean }): string | undefined {
  const parts = (from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '').split('/').filter(Boolean);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg) parts.push(seg);
  }
  const p = parts.join('/');
  return [p, `${p}.js`, `${p}.cjs`, `${p}.mjs`, `${p}.ts`, `${p}.tsx`, `${p}/index.js`, `${p}/index.ts`].find((c) => tracked.has(c) && !TYPE_DECL.test(c));
}

/** Type declarations and source maps: never the file a change to code is made in. */
export const TYPE_DECL = /\.d\.[cm]?ts$|\.map$/;

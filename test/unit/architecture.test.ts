import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import ts from 'typescript';

/**
 * The layer rules of design.md "Layers", read off the import graph:
 * only src/host and src/extension.ts import 'vscode'; webview-ui imports nothing from
 * src but src/contracts; src/contracts imports only zod; src/core does no I/O.
 */
const root = resolve(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else if (/\.(ts|tsx|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every module specifier in a file: static imports, re-exports, require() and import(). */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s+)?from\s+['"]([^'"]+)['"]/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.push(m[1]!);
  return specs;
}

/**
 * Ambient I/O a module reaches without an import: the Node globals `process`, `require`,
 * `__dirname`/`__filename`, `Buffer`, and the network through `fetch`, `XMLHttpRequest` or
 * `WebSocket`. Read off the TypeScript syntax tree, so text inside strings and comments (a
 * generated `node -e` script, a doc comment) is not mistaken for code; property names
 * (`x.process`) and declarations of the same name are not references.
 */
export function ambientGlobalsOf(text: string, file = 'x.ts'): string[] {
  const banned = new Set(['process', 'require', '__dirname', '__filename', 'Buffer', 'fetch', 'XMLHttpRequest', 'WebSocket']);
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && banned.has(n.text)) {
      const p = n.parent;
      const isName =
        (ts.isPropertyAccessExpression(p) && p.name === n) ||
        (ts.isPropertyAssignment(p) && p.name === n) ||
        ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === n) ||
        ts.isImportSpecifier(p) ||
        ts.isTypeReferenceNode(p) ||
        ts.isQualifiedName(p);
      if (!isName) found.push(`${n.text} (line ${src.getLineAndCharacterOfPosition(n.getStart()).line + 1})`);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

const rel = (p: string) => relative(root, p).split(sep).join('/');
const all = [...filesUnder(join(root, 'src')), ...filesUnder(join(root, 'webview-ui'))].map((f) => ({
  file: rel(f),
  imports: importsOf(readFileSync(f, 'utf8')).map((s) => (s.startsWith('.') ? { spec: s, target: rel(resolve(dirname(f), s)) } : { spec: s, target: s })),
}));

describe('architecture: layer boundaries (design.md "Layers")', () => {
  it('finds the source files it checks', () => {
    assert.ok(all.length > 10, `expected source files, found ${all.length}`);
    assert.ok(all.some((f) => f.file === 'src/extension.ts'));
  });

  it('the import scanner sees every import form', () => {
    const text = `import * as vscode from 'vscode';\nimport type { A } from "./a";\nexport * from './b';\nconst c = require('c');\nawait import('d');\nimport './side';`;
    assert.deepEqual(importsOf(text).sort(), ['./a', './b', './side', 'c', 'd', 'vscode']);
  });

  it("only src/host and src/extension.ts import 'vscode'", () => {
    const bad = all.filter((f) => f.imports.some((i) => i.target === 'vscode') && !(f.file.startsWith('src/host/') || f.file === 'src/extension.ts'));
    assert.deepEqual(bad.map((f) => f.file), []);
  });

  it('webview-ui imports nothing from src except src/contracts', () => {
    const bad = all
      .filter((f) => f.file.startsWith('webview-ui/'))
      .flatMap((f) => f.imports.filter((i) => i.target.startsWith('src/') && !i.target.startsWith('src/contracts')).map((i) => `${f.file} -> ${i.spec}`));
    assert.deepEqual(bad, []);
  });

  it('src/contracts imports only zod and itself', () => {
    const bad = all
      .filter((f) => f.file.startsWith('src/contracts/'))
      .flatMap((f) => f.imports.filter((i) => !(i.target === 'zod' || i.target.startsWith('src/contracts/'))).map((i) => `${f.file} -> ${i.spec}`));
    assert.deepEqual(bad, []);
  });

  it('src/core does no I/O and reaches adapters only through ports', () => {
    const allowed = new Set(['zod', 'yaml', 'node:crypto', 'node:path', 'path', 'jsonc-parser', 'node-diff3', 'node-diff3/src/diff3']);
    const bad = all
      .filter((f) => f.file.startsWith('src/core/'))
      .flatMap((f) =>
        f.imports
          .filter((i) => !(allowed.has(i.target) || i.target.startsWith('src/core/') || i.target.startsWith('src/contracts')))
          .map((i) => `${f.file} -> ${i.spec}`),
      );
    assert.deepEqual(bad, []);
  });

  it('src/core reaches no ambient I/O: no process, require, Buffer or fetch (the scan itself can fail)', () => {
    assert.deepEqual(ambientGlobalsOf("const home = process.env.HOME;\nawait fetch('http://x');\nconst s = `process.exit(1)`; // process.env\nconst o = { process: 1 }; o.process;"), ['process (line 1)', 'fetch (line 2)']);
    const bad = all
      .filter((f) => f.file.startsWith('src/core/'))
      .flatMap((f) => ambientGlobalsOf(readFileSync(join(root, f.file), 'utf8'), f.file).map((g) => `${f.file}: ${g}`));
    assert.deepEqual(bad, []);
  });

  it('src/core and src/contracts never import src/app; src/app never imports src/host or src/cli', () => {
    const bad = all
      .filter((f) => f.file.startsWith('src/core/') || f.file.startsWith('src/contracts/') || f.file.startsWith('src/app/'))
      .flatMap((f) =>
        f.imports
          .filter((i) => (f.file.startsWith('src/app/') ? i.target.startsWith('src/host') || i.target.startsWith('src/cli') : i.target.startsWith('src/app')))
          .map((i) => `${f.file} -> ${i.spec}`),
      );
    assert.deepEqual(bad, []);
  });

  it('src/adapters and src/cli never import src/host', () => {
    const bad = all
      .filter((f) => f.file.startsWith('src/adapters/') || f.file.startsWith('src/cli/'))
      .flatMap((f) => f.imports.filter((i) => i.target.startsWith('src/host') || i.target === 'src/extension').map((i) => `${f.file} -> ${i.spec}`));
    assert.deepEqual(bad, []);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A synthetic monorepo of `files` tracked files (default 101,000): 1,000 npm workspace
 * packages of ~96 source/test files each, a few Go services and Maven modules, CI and
 * docs. Content is small JavaScript with mostly unique identifiers, so a content search
 * behaves as on a real codebase. Made once and reused (same path, same content).
 */
export function synthesize(dir: string, files = 101_000): string {
  if (existsSync(join(dir, '.git')) && existsSync(join(dir, '.synth-done'))) return dir;
  mkdirSync(dir, { recursive: true });
  const w = (p: string, s: string) => {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), s);
  };
  w('package.json', JSON.stringify({ name: 'synth-mono', private: true, workspaces: ['packages/*'], scripts: { test: 'jest', build: 'tsc -b', lint: 'eslint .' } }, null, 2));
  w('package-lock.json', '{"lockfileVersion":3}\n');
  w('.github/workflows/ci.yml', 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n      - run: npm test\n');
  w('AGENTS.md', '# Agents\n\n```sh\nnpm test\n```\n');
  w('.github/CODEOWNERS', '* @synth/core\n/packages/pkg-04*/ @synth/text\n');
  let n = 5;
  const perPkg = Math.floor((files - 60) / 1000);
  for (let p = 0; p < 1000 && n < files; p++) {
    const pkg = `packages/pkg-${String(p).padStart(4, '0')}`;
    w(`${pkg}/package.json`, JSON.stringify({ name: `@synth/pkg-${p}`, main: 'src/index.js', scripts: { test: 'jest' } }, null, 2));
    n++;
    for (let i = 0; i < perPkg - 1 && n < files; i++) {
      const isTest = i % 6 === 5;
      const name = `m${i}`;
      const fn = `compute_${p}_${i}`;
      const body = isTest
        ? `const { ${fn.replace('compute', 'helper')} } = require('../src/${name}');\ntest('works ${p} ${i}', () => {\n  expect(typeof ${fn.replace('compute', 'helper')}).toBe('function');\n});\n`
        : `'use strict';\n// Module ${name} of package ${p}: parses and formats records.\nfunction ${fn}(input, options) {\n  const out = [];\n  for (const item of input) {\n    if (options && options.skip && options.skip(item)) continue;\n    out.push({ id: item.id, value: String(item.value).trim() });\n  }\n  return out;\n}\n\nfunction helper_${p}_${i}(x) {\n  return ${fn}([x], {})[0];\n}\n\nmodule.exports = { ${fn}, helper_${p}_${i} };\n`;
      w(`${pkg}/${isTest ? 'test' : 'src'}/${name}${isTest ? '.test' : ''}.js`, body);
      n++;
    }
  }
  // The file the benchmark seeds point at.
  w('packages/pkg-0421/src/tokenizer.js', "'use strict';\nfunction parseQuotedSegment(s) {\n  // splits on quotes; loses escaped quotes\n  return s.split('\"');\n}\nmodule.exports = { parseQuotedSegment };\n");
  for (let s = 0; s < 20; s++) w(`services/svc${s}/go.mod`, `module example.com/svc${s}\n\ngo 1.22\n`);
  for (let s = 0; s < 20; s++) w(`java/mod${s}/pom.xml`, `<project><artifactId>mod${s}</artifactId></project>\n`);
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...a], { cwd: dir, stdio: 'pipe', maxBuffer: 1 << 28 });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'synthetic monorepo');
  writeFileSync(join(dir, '.synth-done'), 'ok\n');
  return dir;
}

import { DetectContext, fromRepo } from '../context';
import { lineOf } from '../text';

const MAKE_TARGETS: { kind: 'setup' | 'build' | 'test' | 'lint'; names: string[] }[] = [
  { kind: 'setup', names: ['deps', 'install-deps', 'setup', 'bootstrap', 'dev-setup'] },
  { kind: 'build', names: ['build', 'all', 'compile'] },
  { kind: 'test', names: ['test', 'check', 'tests', 'unittest', 'test-unit'] },
  { kind: 'lint', names: ['lint', 'vet', 'fmt-check', 'format-check', 'check-format', 'style'] },
];

/** Targets a Makefile defines, with their lines (variable assignments `X := y` excluded). */
export function makeTargets(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((l, i) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.\/-]*(?:\s+[A-Za-z0-9][A-Za-z0-9_.\/-]*)*)\s*:(?![=:])/.exec(l);
    if (m) for (const t of m[1]!.split(/\s+/)) if (!out.has(t)) out.set(t, i + 1);
  });
  return out;
}

/** Make: the root Makefile's conventional targets. */
export function detectMake(ctx: DetectContext): void {
  const file = ['GNUmakefile', 'Makefile', 'makefile'].find((f) => ctx.has(f));
  if (!file) return;
  ctx.manifest('make', file);
  const text = ctx.text(file);
  if (text === undefined) return;
  const targets = makeTargets(text);
  for (const { kind, names } of MAKE_TARGETS) {
    const name = names.find((n) => targets.has(n));
    if (name) ctx.command(kind, 'make', ['make', name], fromRepo(file, targets.get(name), `Makefile target "${name}"`));
  }
}

/** CMake: root CMakeLists.txt, configure into build/, ctest when tests are declared. */
export function detectCmake(ctx: DetectContext): void {
  if (!ctx.has('CMakeLists.txt')) return;
  ctx.manifest('cmake', 'CMakeLists.txt');
  const text = ctx.text('CMakeLists.txt') ?? '';
  const o = (note: string, line?: number) => fromRepo('CMakeLists.txt', line, note);
  ctx.command('setup', 'cmake', ['cmake', '-S', '.', '-B', 'build'], o('CMake: configure into build/'));
  ctx.command('build', 'cmake', ['cmake', '--build', 'build'], o('CMake: build'));
  const line = lineOf(text, /\b(enable_testing|add_test|include\s*\(\s*CTest)\b/i);
  if (line) ctx.command('test', 'cmake', ['ctest', '--test-dir', 'build', '--output-on-failure'], o('CMake: tests declared (ctest)', line));
}

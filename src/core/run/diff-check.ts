import type { TaskPacket } from '../../contracts';
import { matchesAny } from './glob';
import { parsePatch, type PatchFile } from './diff-parse';
import { TRUST_HANDOFF_PATHS, type ScriptChange } from './trust-paths';

/** Flags a diff can raise; each needs an explicit human approval (issue 5, rule 3). */
export type DiffFlag = 'out-of-scope' | 'deleted-tests' | 'skipped-tests' | 'loosened-assertions' | 'reproduction-changed';

/** What the diff checks found, with the files behind each flag. */
export interface DiffCheck {
  flags: DiffFlag[];
  outOfScope: string[];
  deletedTests: string[];
  skippedTests: string[];
  loosenedAssertions: string[];
  /** Changed files the packet's reproduction runs or names (its argv and cwd): a fix that edits its own proof (issue 11). */
  reproductionChanged: string[];
  /** Changed paths matching the blueprint's riskPaths or a trust hand-off path (trust-paths.ts). */
  touchedRiskPaths: string[];
  /** Why each trust hand-off in touchedRiskPaths is one: the path, or `package.json scripts: test, postinstall`. */
  trustHandoff: string[];
}

const TEST_FILE = /(^|\/)(tests?|__tests__|spec|specs)\/|[._-](test|spec)\.[^/]+$|(^|\/)test_[^/]+\.py$|_test\.(go|py|rb|exs?)$|Tests?\.(java|kt|cs)$/;

/** True for a path that looks like a test file in the common ecosystems. */
export function isTestFile(path: string): boolean {
  return TEST_FILE.test(path);
}

/** Lines that turn a test off, or focus one (which turns the others off). */
const SKIP = /(\b(it|test|describe|context)\.(skip|only|todo)\s*\(|\bx(it|describe|test)\s*\(|@pytest\.mark\.skip|@unittest\.skip|\bpytest\.skip\(|@(Ignore|Disabled)\b|\bt\.Skip(Now|f)?\(|\bskip\s*\(\s*["'])/;
// tape and node-tap (`t.equal(...)`, `t.ok(...)`) count too: many legacy npm packages test with them.
const ASSERTION = /\b(assert\w*|expect|should|verify|check)\b|\.to(Be|Equal|StrictEqual|Throw|Match|Have)\w*\(|\bassert(Equal|True|False|That|Raises)\b|\bt\.(ok|notOk|equal|equals|notEqual|deepEqual|deepEquals|notDeepEqual|strictEqual|same|notSame|is|isNot|throws|doesNotThrow|match|notMatch|true|false|error|ifError)\(/;
/** Strict matchers and their loose stand-ins: removing one and adding the other loosens a test. */
const STRICT = /\b(strictEqual|deepStrictEqual|toStrictEqual|toEqual|toBe\(|assertEqual|assert_equal|Equal\()/;
const LOOSE = /\b(toBeTruthy|toBeFalsy|toBeDefined|toBeUndefined|ok\(|assert\.ok|assertTrue|toMatchObject|toContain|equal\(|deepEqual\(|assertIsNotNone\b)/;

function inScope(path: string, scope: TaskPacket['scope']): boolean {
  return scope.paths.some((s) => {
    const p = s.path.replace(/^\.\//, '').replace(/\/+$/, '');
    return path === p || path.startsWith(`${p}/`) || matchesAny(path, [p]);
  });
}

/**
 * Repository paths a reproduction's commands name: every argv token and cwd that reads as
 * a relative path (`test/parse.test.js`, `./repro.js`, pytest's `tests/t.py::case`, RSpec's
 * `spec/a_spec.rb:12`), normalised without `./`, node ids or line numbers. Flags and
 * inline code (`-e`, `require(...)`) are not paths. Pure.
 */
export function reproductionPaths(reproduction: TaskPacket['reproduction']): string[] {
  const out = new Set<string>();
  for (const c of reproduction) {
    const norm = (t: string) => t.replace(/^(\.\/)+/, '').replace(/::.*$/, '').replace(/:\d+$/, '').replace(/\/+$/, '');
    const cwd = c.cwd && !c.cwd.startsWith('/') ? norm(c.cwd) : '';
    if (cwd && cwd !== '.' && !cwd.split('/').includes('..')) out.add(cwd);
    for (const t of c.argv.slice(1)) {
      if (t.startsWith('-') || /[\s()'"`;=]/.test(t) || t.startsWith('/')) continue;
      const rel = norm(t);
      const p = cwd && cwd !== '.' ? `${cwd}/${rel}` : rel;
      if (rel && !p.split('/').includes('..') && (rel.includes('/') || /\.[A-Za-z0-9]{1,5}$/.test(rel))) out.add(p);
    }
  }
  return [...out];
}

function loosened(f: PatchFile): boolean {
  const removedAsserts = f.removed.filter((l) => ASSERTION.test(l)).length;
  const addedAsserts = f.added.filter((l) => ASSERTION.test(l)).length;
  if (removedAsserts > addedAsserts) return true;
  return f.removed.some((l) => STRICT.test(l)) && f.added.some((l) => LOOSE.test(l) && !STRICT.test(l));
}

/**
 * Checks a unified patch against the packet's scope, the blueprint's riskPaths and the
 * trust hand-off paths every blueprint has (trust-paths.ts; `scriptChanges` from the
 * workspace, since the patch alone does not show which JSON object a line is in). Flags:
 * `out-of-scope` for a changed file outside every scope path (a newly added test file is
 * in scope: a regression test is expected of a fix); `deleted-tests` for a deleted test
 * file; `skipped-tests` for an added skip/only/todo marker; `loosened-assertions` for a
 * test file losing assertions or trading a strict matcher for a loose one. Heuristic and
 * deliberately eager: a flag asks a human to look, it does not end the run;
 * `reproduction-changed` for a changed file the packet's reproduction runs or names
 * (reproductionPaths: a file, or a file under a named folder). Pure.
 */
export function checkDiff(patch: string, scope: TaskPacket['scope'], riskPaths: readonly string[], scriptChanges: readonly ScriptChange[] = [], reproduction: TaskPacket['reproduction'] = []): DiffCheck {
  const proof = reproductionPaths(reproduction);
  const reproductionChanged: string[] = [];
  const files = parsePatch(patch);
  const trustHandoff: string[] = [];
  const outOfScope: string[] = [];
  const deletedTests: string[] = [];
  const skippedTests: string[] = [];
  const loosenedAssertions: string[] = [];
  const touchedRiskPaths: string[] = [];
  for (const f of files) {
    const test = isTestFile(f.path) || (f.oldPath !== undefined && isTestFile(f.oldPath));
    const paths = f.oldPath ? [f.oldPath, f.path] : [f.path];
    if (!(f.status === 'added' && test) && paths.some((p) => !inScope(p, scope))) outOfScope.push(f.path);
    if (f.status === 'deleted' && test) deletedTests.push(f.path);
    if (f.added.some((l) => SKIP.test(l))) skippedTests.push(f.path);
    if (test && f.status !== 'deleted' && loosened(f)) loosenedAssertions.push(f.path);
    if (paths.some((p) => proof.some((r) => p === r || p.startsWith(`${r}/`)))) reproductionChanged.push(f.path);
    const trust = paths.some((p) => matchesAny(p, TRUST_HANDOFF_PATHS));
    if (trust) trustHandoff.push(f.path);
    if (trust || paths.some((p) => matchesAny(p, riskPaths))) touchedRiskPaths.push(f.path);
  }
  // Manifests whose scripts changed: a change npm (or validation itself) would run.
  for (const c of scriptChanges) {
    if (!c.scripts.length) continue;
    trustHandoff.push(`${c.path} scripts: ${c.scripts.join(', ')}`);
    if (!touchedRiskPaths.includes(c.path)) touchedRiskPaths.push(c.path);
  }
  const flags: DiffFlag[] = [];
  if (outOfScope.length) flags.push('out-of-scope');
  if (deletedTests.length) flags.push('deleted-tests');
  if (skippedTests.length) flags.push('skipped-tests');
  if (loosenedAssertions.length) flags.push('loosened-assertions');
  if (reproductionChanged.length) flags.push('reproduction-changed');
  return { flags, outOfScope, deletedTests, skippedTests, loosenedAssertions, reproductionChanged, touchedRiskPaths, trustHandoff };
}

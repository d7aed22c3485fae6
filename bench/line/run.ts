/**
 * Benchmark `bench/line` (issue 15): what set-up costs a run, side by side with doing the
 * install by hand, on real packages. For each package (the brownfield cases and three other
 * real npm packages with development dependency trees), one run:
 *
 *   (a) the project's own install on the host: `npm ci` in a clone, once with an empty npm
 *       cache (a fresh machine) and once with the host's own cache (a developer's machine);
 *   (b) Shopfloor's set-up station on a first run of the line (real Docker, the station's
 *       egress proxy to the npm registry, the shared npm cache volume as it is);
 *   (c) the set-up station on a second run, of another commit with the same lockfile
 *       (dependency-tree reuse, src/core/run/setup-reuse.ts);
 *   and the line's overhead per run: the run's wall time minus the time inside station
 *   commands (journal `station/finished` durationMs).
 *
 * The repository is the published package (shared/brownfield/materialize.sh) plus the
 * lockfile the project would commit (`npm install --package-lock-only` on the host, one
 * commit), so `npm ci` is the install both sides run. The lockfile carries each package's
 * download address (`resolved`), as npm writes it by default: this machine's npmrc sets
 * `omit-lockfile-registry-resolved`, and without the addresses `npm ci` fetches every
 * package's registry document before its tarball, doubling the requests on both sides.
 * Each invocation gets a fresh Shopfloor home (SHOPFLOOR_HOME, unless set), so (b) is a
 * first run for the dependency trees shared across repositories: otherwise a package
 * benched before would restore its trees in (b) too. The npm cache volume stays as it is
 * (compare (b) with the host-cache column when it has seen the packages). The line's blueprint is set-up then
 * one validation command (`node -e 0`), so the figures are set-up and line, nothing else.
 * Timings depend on machine load: compare columns of one run.
 *
 * Usage: npx tsx bench/line/run.ts [--trace] [PACKAGE@VERSION ...]
 *   --trace  prints each run's timeline to stderr: the journal's records and the line's log
 *            lines, in ms from the run's start (where the overhead goes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFolder } from '../../src/adapters/store/run-folder';
import { composeRun } from '../../src/app/compose';
import type { Blueprint } from '../../src/contracts';
import type { Logger } from '../../src/core/ports';
import { runLine } from '../../src/core/run/engine';
import { PolicyGatekeeper } from '../../src/core/run/gate-policy';
import { aBlueprint, aPacket } from '../../test/support/builders';
import { BROWNFIELD } from '../../test/support/brownfield';

const cases = (JSON.parse(readFileSync(join(BROWNFIELD, 'cases.json'), 'utf8')) as { cases: { package: string; vulnerable: string }[] }).cases.map((c) => `${c.package}@${c.vulnerable}`);
const OTHERS = ['express@4.17.1', 'debug@4.3.1', 'yargs-parser@13.1.1'];
const args = process.argv.slice(2);
const trace = args.includes('--trace');
const named = args.filter((a) => !a.startsWith('--'));
const packages = named.length ? named : [...cases, ...OTHERS];

process.env.SHOPFLOOR_HOME ??= mkdtempSync(join(tmpdir(), 'sf-bench-line-home-'));

const sh = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { cwd, stdio: 'pipe', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const timed = (f: () => void) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

/** The package as a repository with its lockfile committed; returns the repository. */
function repository(spec: string): string {
  const at = spec.lastIndexOf('@');
  const repo = join(mkdtempSync(join(tmpdir(), 'sf-bench-line-')), 'repo');
  sh('bash', [join(BROWNFIELD, 'materialize.sh'), spec.slice(0, at), spec.slice(at + 1), repo]);
  sh('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--omit-lockfile-registry-resolved=false'], repo);
  sh('git', ['add', '-A'], repo);
  sh('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-qm', 'lockfile'], repo);
  return repo;
}

/** (a): `npm ci` in a fresh clone, with `cache` as npm's cache. */
function hostInstall(repo: string, cache: string | undefined): number {
  const clone = join(mkdtempSync(join(tmpdir(), 'sf-bench-host-')), 'c');
  sh('git', ['clone', '-q', repo, clone]);
  return timed(() => sh('npm', ['ci', '--no-audit', '--no-fund', ...(cache ? ['--cache', cache] : [])], clone));
}

const none = { when: 'none' as const, allowSkip: false };
const blueprint: Blueprint = aBlueprint()
  .with('maxRevisions', 0)
  .with('defaults', { timeoutSec: 900, retries: 0 })
  .with('stations', [
    { id: 'setup', role: 'setup', kind: 'command', from: 'profile.setup', gate: none, retries: 0, environment: { network: 'egress' } },
    { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: none, retries: 0 },
  ] as Blueprint['stations'])
  .build();

/** One run of the line on the repository's HEAD: the set-up station's wall time, its note, the run's wall and its overhead. */
async function lineRun(repo: string, n: number) {
  const runId = `20261204-180000-${n}${Math.random().toString(16).slice(2, 7)}`;
  const logLines: Array<{ t: number; text: string }> = [];
  const note = (level: string) => (text: string | Error) => void logLines.push({ t: Date.now(), text: `${level} ${String(text)}` });
  const logger: Logger = { trace: note('trace'), debug: note('debug'), info: note('info'), warn: note('warn'), error: note('error') };
  const packet = aPacket().with('intent', 'bench').withScope('index.js').with('reproduction', []).with('validation', [{ argv: ['node', '-e', '0'] }]).with('flags', ['no-reproduction']).build();
  const c = await composeRun({
    folder: runFolder(repo, runId),
    setup: { packet, blueprint, profile: { setup: [{ argv: ['npm', 'ci', '--no-audit', '--no-fund'] }], dependencyCheck: [], registryHosts: ['registry.npmjs.org'] }, unattended: true, environment: 'docker' },
    gatekeeper: new PolicyGatekeeper(),
    humans: { perform: async () => ({ done: false, by: 'nobody' }) },
    observer: {},
    ...(trace ? { logger } : {}),
    engineVersion: 'bench-line',
    delegatedBy: async () => 'bench',
  });
  try {
    await runLine(c.inputs, c.ports);
  } finally {
    await c.close();
  }
  const records = readFileSync(join(repo, '.shopfloor', 'runs', runId, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { at: string; event: Record<string, unknown> });
  const at = (type: string, station?: string) => Date.parse(records.find((r) => r.event.type === type && (!station || r.event.stationId === station))!.at);
  const inside = records.filter((r) => r.event.type === 'station/finished').reduce((s, r) => s + Number(r.event.durationMs ?? 0), 0);
  const finished = records.find((r) => r.event.type === 'station/finished' && r.event.stationId === 'setup')!.event;
  const result = JSON.parse(readFileSync(join(repo, '.shopfloor', 'runs', runId, String(finished.artifact)), 'utf8')) as { note?: string; fromCache?: boolean };
  const wall = at('journal/sealed') - at('run/started');
  if (trace) {
    const t0 = at('run/started');
    const timeline = [
      ...records.map((r) => ({ t: Date.parse(r.at), text: `journal ${String(r.event.type)}${r.event.stationId ? ` ${String(r.event.stationId)}` : ''}${r.event.durationMs !== undefined ? ` (inside commands ${String(r.event.durationMs)} ms)` : ''}` })),
      ...logLines,
    ].sort((a, b) => a.t - b.t);
    console.error(`--- run ${n} of ${repo}`);
    for (const e of timeline) console.error(`${String(e.t - t0).padStart(7)} ms  ${e.text.slice(0, 160)}`);
  }
  return { setupMs: at('station/finished', 'setup') - at('station/started', 'setup'), outcome: String(finished.outcome), note: result.note ?? '', reused: result.fromCache === true, wallMs: wall, overheadMs: wall - inside };
}

async function main() {
  const rows: string[] = [];
  for (const spec of packages) {
    const repo = repository(spec);
    const packagesInstalled = Object.keys((JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages?: object }).packages ?? {}).length - 1;
    const cold = hostInstall(repo, mkdtempSync(join(tmpdir(), 'sf-bench-cache-')));
    const warm = hostInstall(repo, undefined);
    const first = await lineRun(repo, 1);
    writeFileSync(join(repo, 'BENCH.md'), 'another commit, same lockfile\n');
    sh('git', ['add', '-A'], repo);
    sh('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-qm', 'docs'], repo);
    const second = await lineRun(repo, 2);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    rows.push(
      `| ${spec} (${packagesInstalled} packages) | ${s(cold)} | ${s(warm)} | ${s(first.setupMs)} (${first.outcome}) | ${(first.setupMs / cold).toFixed(2)}× cold, ${(first.setupMs / warm).toFixed(2)}× warm | ${s(second.setupMs)}${second.reused ? '' : ` (installed again: ${second.note || second.outcome})`} | ${s(first.overheadMs)} / ${s(second.overheadMs)} |`,
    );
    console.error(`${spec}: done (${rows.at(-1)})`);
  }
  console.log('| package | (a) host npm ci, empty cache | (a) host npm ci, host cache | (b) set-up, first run | (b) / (a) | (c) set-up, second run (another commit) | line overhead, first / second run |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  console.log(`\ntarget: (b) ≤ 1.3× (a); (c) ≤ 2 s; overhead ≤ 1 s. load average after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * Benchmark: one scripted Claude Code session (Read a file, Edit it, Bash a command, a
 * final text with a shopfloor-claim) run (A) directly on the host by the real CLI of the
 * pinned version, against the Anthropic model double, and (B) through Shopfloor's agent
 * station: ClaudeCodeRunner in a real Docker station container (the composition root's
 * Docker environments, src/app/docker-environments.ts) behind the run's model proxy
 * (DockerModelAccess, src/app/model-access.ts) in front of the same double. A and B are
 * interleaved (the order alternates each round); every round gets a fresh workspace, a
 * fresh double, a fresh HOME for A and, for B, a fresh run (runtime, egress proxy, model
 * proxy, container), as a real run has.
 *
 * B is measured in its parts, in the order the line runs them: the CLI volume check
 * (AgentRunner.prepare), opening model access (the egress network and proxy, the model
 * proxy), the container start (EnvironmentProvider.prepare), the agent run (its docker
 * exec timed on its own), releasing model access, the container removal the implement
 * station does before its diff, and the run's teardown. The line's added time per station
 * is B's station total (prepare to container removal) minus the container start minus A.
 *
 * The host CLI is installed once into `.cache/agent-cli/claude-code-<version>` (npm
 * install --ignore-scripts, then the package's install.cjs, as the station installer does).
 * Usage: npx tsx bench/agent/station.ts [--quick] [--runs N]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { claudeCodePackage, ClaudeCodeRunner, CLAUDE_CODE_VERSION } from '../../src/adapters/agents/claude-code';
import { DEFAULT_UPSTREAMS } from '../../src/adapters/model-proxy';
import { dockerEnvironments } from '../../src/app/docker-environments';
import { DockerModelAccess } from '../../src/app/model-access';
import type { Station } from '../../src/contracts';
import { buildStationPrompt } from '../../src/core/agent/prompt';
import { DEFAULT_PRICES } from '../../src/core/agent/pricing';
import type { ExecOptions, StationEnvironment } from '../../src/core/run/ports';
import { aBlueprint, aPacket } from '../../test/support/builders';
import { AnthropicDouble, type DoubleTurn } from '../../test/support/model-double/anthropic';

const quick = process.argv.includes('--quick');
const runsArg = process.argv.indexOf('--runs');
const N = runsArg > 0 ? Number(process.argv[runsArg + 1]) : quick ? 3 : 5;
const ROOT = resolve(__dirname, '..', '..');
const REPO = 'repo';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

/** The pinned Claude Code on the host, installed once under .cache/ as the station installer does it. */
function hostCli(version: string): string {
  const pkg = claudeCodePackage(version);
  const prefix = join(ROOT, '.cache', 'agent-cli', `${pkg.cli}-${version}`);
  const dir = join(prefix, 'node_modules', ...pkg.npmName.split('/'));
  const bin = join(dir, pkg.bin);
  const marker = join(prefix, '.installed');
  if (!existsSync(marker)) {
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', '--no-package-lock', `${pkg.npmName}@${version}`], { stdio: 'inherit' });
    if (pkg.postInstall) execFileSync(pkg.postInstall[0]!, pkg.postInstall.slice(1), { cwd: dir, stdio: 'inherit' });
    writeFileSync(marker, execFileSync(bin, ['--version'], { encoding: 'utf8' }));
  }
  return bin;
}

/** A small git repository: one file the session reads, edits and runs. */
function workspace(): string {
  const ws = join(mkdtempSync(join(tmpdir(), 'sf-bench-agent-')), REPO);
  mkdirSync(ws);
  writeFileSync(join(ws, 'greet.js'), "console.log('helo, world');\n");
  const git = (...a: string[]) => execFileSync('git', a, { cwd: ws, stdio: 'ignore' });
  git('init', '-q');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'add', '.');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qm', 'base');
  return ws;
}

/** The scripted session, its paths where the CLI sees the workspace (the host folder, or the container's). */
function script(root: string): DoubleTurn[] {
  const file = `${root}/greet.js`;
  return [
    { blocks: [{ type: 'tool_use', name: 'Read', input: { file_path: file } }] },
    { blocks: [{ type: 'tool_use', name: 'Edit', input: { file_path: file, old_string: 'helo', new_string: 'hello' } }] },
    // A command that costs the same on the host and in the image (the image's Node starts slower than the host's: see the probes).
    { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'grep -n hello greet.js' } }] },
    { blocks: [{ type: 'text', text: 'Fixed.\n```shopfloor-claim\n{"terminal":"PR_READY","summary":"helo became hello.","filesChanged":["greet.js"]}\n```' }] },
  ];
}

const station: Station = aBlueprint()
  .with('stations', [{ id: 'implement', role: 'implement', kind: 'agent', agent: 'claude', maxTurns: 10, gate: { when: 'none', allowSkip: false }, retries: 0 }])
  .build().stations[0]!;
const packet = aPacket().with('intent', 'Fix the greeting typo in greet.js.').withScope('greet.js').build();
const prompt = buildStationPrompt({ packet, station, blueprint: { name: 'bench', version: '1' } });

/** Commands timed after each session, on the host and in the station, to say where a session's extra time goes. */
const PROBES: { name: string; argv: (cli: string) => string[] }[] = [
  { name: '`true` (the exec floor)', argv: () => ['true'] },
  { name: '`claude --version`', argv: (cli) => [cli, '--version'] },
  { name: "`node -e 0` (the image's Node against the host's)", argv: () => ['node', '-e', '0'] },
  { name: '`bash -lc true` (a login shell, as the Bash tool starts one)', argv: () => ['bash', '-lc', 'true'] },
];

/** What the runner handed to the container: the same argv and environment drive the host run. */
let captured: { argv: string[]; env: Record<string, string> } | undefined;

function checkSession(label: string, ws: string, double: AnthropicDouble, ok: boolean): number {
  const text = readFileSync(join(ws, 'greet.js'), 'utf8');
  const turns = double.conversation().length;
  if (!ok || !text.includes('hello') || turns < 4) throw new Error(`${label}: the session did not finish as scripted (ok ${ok}, ${turns} turns, greet.js: ${text.trim()})`);
  return double.requests.length;
}

/** When each request reached the double (ms on the bench's clock), to split a session into start-up, turns and shutdown. */
function stampRequests(double: AnthropicDouble): number[] {
  const stamps: number[] = [];
  const push = double.requests.push.bind(double.requests);
  double.requests.push = (...items) => {
    stamps.push(now());
    return push(...items);
  };
  return stamps;
}

/**
 * A session split at its model calls (ms): start to the first call, each tool turn (from
 * the call that asked for the tool to the next call: the model's answer, the tool's run and
 * the CLI's own work), the last call to the process's end.
 */
interface Phases {
  startup: number;
  read: number;
  edit: number;
  bash: number;
  shutdown: number;
}
function phases(start: number, s: number[], end: number): Phases {
  return { startup: s[0]! - start, read: s[1]! - s[0]!, edit: s[2]! - s[1]!, bash: s[3]! - s[2]!, shutdown: end - s[s.length - 1]! };
}

interface ARun {
  phases: Phases;
  ms: number;
  /** PROBES on the host, ms each. */
  probes: number[];
  calls: number;
}

async function runHost(bin: string): Promise<ARun> {
  if (!captured) throw new Error('no captured argv');
  const ws = workspace();
  const home = mkdtempSync(join(tmpdir(), 'sf-bench-home-'));
  const double = new AnthropicDouble(script(ws));
  const base = await double.listen('127.0.0.1');
  const stamps = stampRequests(double);
  try {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      SHELL: '/bin/bash',
      ...captured.env,
      ANTHROPIC_BASE_URL: base,
      // Claude Code refuses bypassPermissions as root outside a sandbox it recognises; the station runs as a non-root user.
      ...(process.getuid?.() === 0 ? { IS_SANDBOX: '1' } : {}),
    };
    const t0 = now();
    let out = '';
    const code = await new Promise<number | null>((res, rej) => {
      const p = spawn(bin, captured!.argv.slice(1), { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
      p.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
      p.on('error', rej);
      p.on('close', res);
    });
    const ms = now() - t0;
    const result = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type?: string; subtype?: string; is_error?: boolean })
      .find((e) => e.type === 'result');
    const ok = code === 0 && result?.subtype === 'success' && !result.is_error;
    if (!ok) console.error(out.slice(-2000));
    const calls = checkSession('A (host)', ws, double, ok);
    const probes = PROBES.map((p) => {
      const argv = p.argv(bin);
      const p0 = now();
      execFileSync(argv[0]!, argv.slice(1), { cwd: ws, env, stdio: 'ignore' });
      return now() - p0;
    });
    return { ms, phases: phases(t0, stamps, t0 + ms), probes, calls };
  } finally {
    await double.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(resolve(ws, '..'), { recursive: true, force: true });
  }
}

interface BRun {
  phases: Phases;
  helpers: number;
  /** PROBES in the station through docker exec, ms each. */
  probes: number[];
  agentPrepare: number;
  modelAccess: number;
  containerStart: number;
  exec: number;
  agentRun: number;
  release: number;
  containerRemove: number;
  teardown: number;
  station: number;
  calls: number;
}

async function runStation(i: number): Promise<BRun> {
  const ws = workspace();
  const runDir = mkdtempSync(join(tmpdir(), 'sf-bench-run-'));
  const runId = `bench-agent-${process.pid}-${i}`;
  const double = new AnthropicDouble(script(`/workspaces/${REPO}`));
  const base = await double.listen('127.0.0.1');
  const stamps = stampRequests(double);
  let execSpan: [number, number] = [0, 0];
  const docker = dockerEnvironments({ repo: ws, scratchDir: join(runDir, 'scratch') });
  const access = new DockerModelAccess({
    runId,
    runtime: docker.runtime,
    config: { keys: { anthropic: 'sk-bench-real-key' }, upstreams: { ...DEFAULT_UPSTREAMS, anthropic: base }, prices: DEFAULT_PRICES },
    budget: undefined,
    usageLog: join(runDir, 'model-usage.jsonl'),
  });
  const runner = new ClaudeCodeRunner({ installer: docker.installer });
  const t: Record<string, number> = {};
  const probes: number[] = [];
  const lap = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = now();
    try {
      return await f();
    } finally {
      t[name] = now() - t0;
    }
  };
  try {
    const t0 = now();
    // The run's first use of the engine's helpers (egress network and proxy), which the CLI volume check would otherwise carry.
    await lap('helpers', () => docker.runtime.helperAccess());
    const prep = await lap('agentPrepare', () => runner.prepare(station));
    const ma = await lap('modelAccess', () => access.forStation(station.id, 1, undefined));
    let ok = false;
    try {
      const env = await lap('containerStart', () =>
        docker.provider.prepare({ runId, stationId: station.id, workspaceDir: ws, network: { mode: 'egress', allow: [] }, env: {}, mounts: [], volumes: prep.volumes }),
      );
      // The station environment as the runner sees it, with its exec timed and its argv and environment kept for the host run.
      const timed: StationEnvironment = {
        imageDigest: env.imageDigest,
        exec: async (argv: readonly string[], o?: ExecOptions) => {
          captured = { argv: [...argv], env: { ...(o?.env ?? {}) } };
          const e0 = now();
          try {
            return await lap('exec', () => env.exec(argv, o));
          } finally {
            execSpan = [e0, now()];
          }
        },
        dispose: () => env.dispose(),
      };
      const r = await lap('agentRun', () => runner.run({ station, role: station.role, packet, prompt, readOnly: false, modelAccess: ma, environment: timed, timeoutMs: 120_000 }));
      ok = r.outcome === 'done' && r.claim?.terminal === 'PR_READY';
      if (!ok) console.error(r.output);
      // Probes of where the exec's extra time goes, after the session and outside the station's total.
      const probe = now();
      for (const p of PROBES) {
        const p0 = now();
        await env.exec(p.argv(captured!.argv[0]!));
        probes.push(now() - p0);
      }
      t.probing = now() - probe;
    } finally {
      await lap('release', () => ma.release());
    }
    // The implement station removes the run's containers before its diff is taken.
    await lap('containerRemove', () => docker.provider.cleanup(runId));
    const stationMs = now() - t0 - t.probing!;
    const calls = checkSession('B (station)', ws, double, ok);
    await lap('teardown', async () => {
      await access.close();
      await docker.dispose();
    });
    return { ...(t as unknown as Omit<BRun, 'station' | 'calls' | 'phases' | 'probes'>), phases: phases(execSpan[0], stamps, execSpan[1]), probes, station: stationMs, calls };
  } finally {
    // Again on a failure (each is idempotent), so a failed round leaves no container, proxy or open handle behind.
    await docker.provider.cleanup(runId).catch(() => undefined);
    await access.close().catch(() => undefined);
    await docker.dispose().catch(() => undefined);
    await double.close();
    rmSync(resolve(ws, '..'), { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const bin = hostCli(CLAUDE_CODE_VERSION);
  // Warm-up, not counted: the CLI volume is installed if missing, the image and the host binary are in the page cache, the argv is captured.
  await runStation(-1);
  await runHost(bin);
  const A: ARun[] = [];
  const B: BRun[] = [];
  for (let i = 0; i < N; i++) {
    if (i % 2) {
      A.push(await runHost(bin));
      B.push(await runStation(i));
    } else {
      B.push(await runStation(i));
      A.push(await runHost(bin));
    }
  }
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const med = (xs: number[]) => quantile(xs, 0.5);
  const p95 = (xs: number[]) => quantile(xs, 0.95);
  const b = (k: Exclude<keyof BRun, 'phases' | 'probes'>) => B.map((x) => x[k]);
  const a = A.map((x) => x.ms);
  // Per round: the line's added time, and the agent's exec beyond the same session on the host.
  const added = B.map((x, i) => x.station - x.containerStart - A[i]!.ms);
  const execOver = B.map((x, i) => x.exec - A[i]!.ms);
  const ratio = (x: number) => `${(x / med(a)).toFixed(2)}×`;
  console.log(`Claude Code ${CLAUDE_CODE_VERSION}, one scripted session (Read, Edit, Bash, final text with a claim) against the Anthropic model double; ${N} rounds, interleaved; ${new Date().toISOString()}.\n`);
  console.log('| measure | median | p95 | × A (median) | target |');
  console.log('| --- | --- | --- | --- | --- |');
  const row = (name: string, xs: number[], target = '', r = true) => console.log(`| ${name} | ${ms(med(xs))} | ${ms(p95(xs))} | ${r ? ratio(med(xs)) : ''} | ${target} |`);
  row('A: the CLI on the host, straight to the double', a);
  row('B: the agent station, CLI volume check to container removal', b('station'));
  row('B: of which the container start', b('containerStart'));
  row("line's added time per station (B − container start − A)", added, '≤ 500 ms');
  console.log(`\nB in its parts (the line's order; model calls per session: A ${med(A.map((x) => x.calls))}, B ${med(b('calls'))}):\n`);
  console.log('| part | median | p95 |');
  console.log('| --- | --- | --- |');
  const part = (name: string, xs: number[]) => console.log(`| ${name} | ${ms(med(xs))} | ${ms(p95(xs))} |`);
  part("the run's first use of the engine's helpers (egress network, egress proxy)", b('helpers'));
  part('CLI volume check (install marker read through a created container)', b('agentPrepare'));
  part('open model access (model proxy start, station token)', b('modelAccess'));
  part('container start', b('containerStart'));
  part('agent exec (docker exec of the CLI, through the model proxy)', b('exec'));
  part('  of which beyond A (exec − A)', execOver);
  part('agent run beyond its exec (prompt, stream reading, claim)', B.map((x) => x.agentRun - x.exec));
  part('release model access', b('release'));
  part('container removal (before the diff)', b('containerRemove'));
  part("run teardown (model proxy, egress proxy; not in the station's total)", b('teardown'));
  console.log("\nThe agent's session split at its model calls (as they reached the double; B's through the model proxy), A on the host against B's docker exec:\n");
  console.log('| phase | A median | B median | B − A median | B − A p95 |');
  console.log('| --- | --- | --- | --- | --- |');
  const phaseNames = [['startup', 'start to the first model call'], ['read', 'Read turn'], ['edit', 'Edit turn'], ['bash', 'Bash turn (`grep -n hello greet.js`)'], ['shutdown', 'last model call to the end of the process']] as const;
  for (const [k, name] of phaseNames) {
    const d = B.map((x, i) => x.phases[k] - A[i]!.phases[k]);
    console.log(`| ${name} | ${ms(med(A.map((x) => x.phases[k])))} | ${ms(med(B.map((x) => x.phases[k])))} | ${ms(med(d))} | ${ms(p95(d))} |`);
  }
  console.log('\nProbes, run after each session in the same places (B: through docker exec in the station container):\n');
  console.log('| probe | A on the host, median | B in the station, median | B − A median |');
  console.log('| --- | --- | --- | --- |');
  PROBES.forEach((p, j) => {
    const d = B.map((x, i) => x.probes[j]! - A[i]!.probes[j]!);
    console.log(`| ${p.name} | ${ms(med(A.map((x) => x.probes[j]!)))} | ${ms(med(B.map((x) => x.probes[j]!)))} | ${ms(med(d))} |`);
  });
  console.log('\nThe model proxy\'s own added latency per call is measured by bench/agent/proxy.ts.');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

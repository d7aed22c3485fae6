import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_UPSTREAMS } from '../../../src/adapters/model-proxy';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { composeRun } from '../../../src/app/compose';
import type { Blueprint, Budget, ModelProvider, TaskPacket, ToolServer } from '../../../src/contracts';
import { DEFAULT_PRICES } from '../../../src/core/agent/pricing';
import { runLine, type RunOutcome } from '../../../src/core/run/engine';
import { PolicyGatekeeper } from '../../../src/core/run/gate-policy';
import type { Gatekeeper } from '../../../src/core/run/ports';
import { aBlueprint, aPacket } from '../../support/builders';
import { AnthropicDouble, type DoubleTurn } from '../../support/model-double/anthropic';
import { loadCases, materialize } from '../acceptance/line-support';
import { requireDocker } from '../support/docker';

/** The brownfield case every agent line test runs: shell-quote 1.7.2 (CVE-2021-42740), its one-line upstream fix. */
export const SHELL_QUOTE = loadCases().cases.find((c) => c.id === 'shell-quote-backtick-injection')!;

/** The claim block an agent ends with, for scripted sessions. */
export const claimBlock = (c: Record<string, unknown>) => '```shopfloor-claim\n' + JSON.stringify(c) + '\n```';

/** A provider double as a line test needs it: where the proxy forwards, the credential each model call carried, and close. */
export interface LineDouble {
  upstream: string;
  /** The credential header of each model call the double received, as the provider reads it. */
  credentials(): string[];
  close(): Promise<void>;
}

/**
 * One run of the whole line over a fresh shell-quote 1.7.2 with an implement station of
 * `agent` (real Docker, the CLI from the install cache, real git), its model calls going
 * through the run's model proxy to the double `start` makes for the changed line `fix`.
 * Checks what every such run must hold wherever it went: each call carried the real key the
 * proxy added (the station only had a placeholder), and the key is in neither the run
 * folder nor the repository's `.git`.
 */
export async function agentLine(o: {
  agent: 'claude' | 'codex' | 'gemini' | 'opencode';
  provider: ModelProvider;
  start: (fix: { from: string; to: string }) => Promise<LineDouble>;
  /** How the provider shows the key, e.g. `Bearer ${key}`. */
  credential: (key: string) => string;
  stationExtra?: Record<string, unknown>;
  timeoutSec?: number;
  gatekeeper?: Gatekeeper;
  budget?: Budget;
  /**
   * The packet has no reproduction (the drafter found no literal call) and the first
   * reproduce station is the agent's, with a gate after it: the agent writes the
   * reproduction (issue 11). Validation is then the frozen reproduction alone.
   */
  agentWritesReproduction?: boolean;
  /** Team MCP servers behind the run's gateway (issue 12), and the packet's allowedTools. */
  toolServers?: ToolServer[];
  allowedTools?: string[];
}): Promise<{ out: RunOutcome; repo: string; runDir: string; calls: number }> {
  await requireDocker();
  const kase = SHELL_QUOTE;
  const repo = materialize(kase.package, kase.vulnerable);
  const fixed = materialize(kase.package, kase.fixed);
  const [a, b] = [readFileSync(join(repo, 'index.js'), 'utf8').split('\n'), readFileSync(join(fixed, 'index.js'), 'utf8').split('\n')];
  const i = a.findIndex((l, k) => l !== b[k]);
  const double = await o.start({ from: a[i]!, to: b[i]! });
  const realKey = `sk-canary-${Math.random().toString(16).slice(2)}`;
  const none = { when: 'none' as const, allowSkip: false };
  const blueprint: Blueprint = aBlueprint()
    .with('maxRevisions', 0)
    .with('defaults', { timeoutSec: o.timeoutSec ?? 300, retries: 0 })
    .with('stations', [
      o.agentWritesReproduction
        ? ({ id: 'reproduce', role: 'reproduce', kind: 'agent', agent: o.agent, gate: { when: 'after', allowSkip: false }, retries: 0, ...(o.stationExtra ?? {}) } as Blueprint['stations'][number])
        : { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
      // Network none, as in the built-ins: the line puts an agent that calls a model on the egress network, where the model proxy is.
      { id: 'implement', role: 'implement', kind: 'agent', agent: o.agent, gate: none, retries: 0, ...(o.stationExtra ?? {}), ...(o.budget ? { budget: o.budget } : {}) } as Blueprint['stations'][number],
      { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
      { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: none, retries: 0 },
    ])
    .build();
  const drafted: TaskPacket = o.agentWritesReproduction
    ? aPacket().with('intent', kase.seed).withScope('index.js').with('reproduction', []).with('validation', []).with('flags', ['no-reproduction']).build()
    : aPacket().with('intent', kase.seed).withScope('index.js').with('reproduction', [{ argv: kase.poc }]).with('validation', [{ argv: kase.poc }]).build();
  const packet: TaskPacket = o.allowedTools ? { ...drafted, allowedTools: o.allowedTools } : drafted;
  const runId = `20261202-170000-${Math.random().toString(16).slice(2, 8)}`;
  const c = await composeRun({
    folder: runFolder(repo, runId),
    setup: { packet, blueprint, profile: { setup: [], dependencyCheck: [], registryHosts: [] }, unattended: true, environment: 'docker' },
    gatekeeper: o.gatekeeper ?? new PolicyGatekeeper(),
    humans: { perform: async () => ({ done: false, by: 'nobody' }) },
    observer: {},
    engineVersion: `${o.agent}-line-test`,
    modelConfig: { keys: { [o.provider]: realKey }, upstreams: { ...DEFAULT_UPSTREAMS, [o.provider]: double.upstream }, prices: DEFAULT_PRICES },
    ...(o.toolServers ? { toolServers: o.toolServers } : {}),
    delegatedBy: async () => 'Ada Lovelace <ada@example.com>',
  });
  let out: RunOutcome;
  try {
    out = await runLine(c.inputs, c.ports);
  } finally {
    await c.close();
    await double.close();
  }
  console.log(`      line: ${out.terminal.state} ${out.terminal.reason} by ${out.rule}: ${out.terminal.detail ?? ''}`);
  const seen = double.credentials();
  for (const k of seen) assert.equal(k, o.credential(realKey), 'the proxy put the real key on every call');
  const runDir = join(repo, '.shopfloor', 'runs', runId);
  assert.equal(spawnSync('grep', ['-rl', realKey, runDir, join(repo, '.git')], { encoding: 'utf8' }).stdout.trim(), '', 'the real key was written to the run folder or the repository');
  return { out, repo, runDir, calls: seen.length };
}

/** The shell words of `argv`, quoted for a scripted Bash/exec call. */
export const sh = (argv: readonly string[]) => argv.map((x) => `'${x.replace(/'/g, `'\\''`)}'`).join(' ');

/** One run of the line (agentLine) with Claude Code stations and the Anthropic double scripted by `turns` (consumed in order, across stations). */
export async function claudeLine(turns: (fix: { from: string; to: string }) => DoubleTurn[], o: { gatekeeper?: Gatekeeper; budget?: Budget; agentWritesReproduction?: boolean; toolServers?: ToolServer[]; allowedTools?: string[] } = {}) {
  let double!: AnthropicDouble;
  const r = await agentLine({
    agent: 'claude',
    provider: 'anthropic',
    stationExtra: { maxTurns: 10 },
    timeoutSec: 180,
    credential: (key) => key,
    start: async (fix) => {
      double = new AnthropicDouble(turns(fix));
      const upstream = await double.listen('127.0.0.1');
      return { upstream, credentials: () => double.requests.map((q) => String(q.headers['x-api-key'])), close: () => double.close() };
    },
    ...o,
  });
  return { ...r, double };
}

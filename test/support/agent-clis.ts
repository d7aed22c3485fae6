import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Station } from '../../src/contracts';
import type { AgentTask, StationEnvironment } from '../../src/core/run/ports';
import { aPacket } from './builders';

/** Where tests install real agent CLIs from npm (gitignored; never a project dependency). */
export const AGENTS_CACHE = resolve(__dirname, '..', '..', '.cache', 'agents');

/** Pinned CLI versions the recorded fixtures come from. */
export const AGENT_CLI_VERSIONS = { codex: { pkg: '@openai/codex', version: '0.171.0', bin: 'codex' }, gemini: { pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' }, opencode: { pkg: 'opencode-ai', version: '1.18.33', bin: 'opencode' }, copilot: { pkg: '@github/copilot', version: '1.0.102', bin: 'copilot' } } as const;

/**
 * The path of a real agent CLI's binary, installed on demand with
 * `npm install --prefix .cache/agents/<name> <pkg>@<version>` (needs the npm registry once).
 * Throws with the install output when it fails: the test fails, it never skips.
 */
export function agentCli(name: keyof typeof AGENT_CLI_VERSIONS): string {
  const { pkg, version, bin } = AGENT_CLI_VERSIONS[name];
  const prefix = join(AGENTS_CACHE, name);
  const path = join(prefix, 'node_modules', '.bin', bin);
  const installed = join(prefix, 'node_modules', ...pkg.split('/'), 'package.json');
  if (!existsSync(path) || !existsSync(installed) || require(installed).version !== version)
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', `${pkg}@${version}`], { stdio: 'pipe', timeout: 300_000 });
  return path;
}

/** An agent station task for `environment`, with the given prompt text and overrides. */
export function agentTask(environment: StationEnvironment, prompt: string, over: Partial<AgentTask> = {}, station: Partial<Station> = {}): AgentTask {
  return {
    station: { id: 'implement', role: 'implement', kind: 'agent', gate: { when: 'after', allowSkip: false }, retries: 0, ...station } as Station,
    role: 'implement',
    packet: aPacket().build(),
    prompt: { text: prompt, template: 'test@1', sha256: '0'.repeat(64) },
    environment,
    timeoutMs: 120_000,
    ...over,
  };
}

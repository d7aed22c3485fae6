/**
 * Records the real Codex CLI's `exec --json` output for the parser fixtures in
 * test/fixtures/agents/codex/: runs the pinned CLI (test/support/agent-clis.ts) on the host
 * against the OpenAI Responses double with a scripted session, and writes its stdout as it
 * is. Run: `npx tsx test/support/record/codex.ts`. Not a test; re-run when the pin moves.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { agentCli, AGENT_CLI_VERSIONS } from '../agent-clis';
import { startOpenAIDouble, type OpenAITurn } from '../model-double/openai';
import { CODEX_MCP_SESSION, CODEX_SESSION } from '../model-double/codex-session';

const OUT = resolve(__dirname, '..', '..', 'fixtures', 'agents', 'codex');

async function record(name: string, turns: OpenAITurn[], prompt: string, extra: string[] = []): Promise<void> {
  const codex = agentCli('codex');
  const double = await startOpenAIDouble(turns);
  const ws = mkdtempSync(join(tmpdir(), 'sf-rec-ws-'));
  const home = mkdtempSync(join(tmpdir(), 'sf-rec-home-'));
  const args = ['exec', '--json', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '-m', 'double-model',
    '-c', 'model_provider=double', '-c', 'model_providers.double.name="double"', '-c', `model_providers.double.base_url="${double.baseUrl}"`,
    '-c', 'model_providers.double.wire_api="responses"', '-c', 'model_providers.double.env_key="DOUBLE_KEY"', ...extra, '--', prompt];
  const child = spawn(codex, args, { cwd: ws, env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, DOUBLE_KEY: 'placeholder' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  await double.close();
  writeFileSync(join(OUT, `${name}.jsonl`), out);
  console.log(`${name}: exit ${code}, ${out.split('\n').length - 1} lines (codex ${AGENT_CLI_VERSIONS.codex.version})`);
}

(async () => {
  await record('exec-session', CODEX_SESSION, 'Fix note.txt');
  const echo = resolve(__dirname, '..', 'mcp', 'echo-server.js');
  await record('mcp-session', CODEX_MCP_SESSION, 'Use the echo tool', ['-c', 'mcp_servers.gw.command="node"', '-c', `mcp_servers.gw.args=[${JSON.stringify(echo)}]`]);
  await record('turn-failed', [{ httpError: { status: 400, message: 'The double refuses this request.' } }], 'anything');
})();

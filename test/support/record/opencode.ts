/**
 * Records the real OpenCode CLI's `run --format json` output for the parser fixtures in
 * test/fixtures/agents/opencode/: runs the pinned CLI (test/support/agent-clis.ts) on the
 * host with its built-in `openai` provider pointed at the OpenAI Responses double
 * (`provider.openai.options.baseURL` in $XDG_CONFIG_HOME/opencode/opencode.json), and
 * writes its stdout as it is. Run: `npx tsx test/support/record/opencode.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { agentCli, AGENT_CLI_VERSIONS } from '../agent-clis';
import { startOpenAIDouble, type OpenAITurn } from '../model-double/openai';
import { OPENCODE_SESSION, OPENCODE_TITLE } from '../model-double/opencode-session';

const OUT = resolve(__dirname, '..', '..', 'fixtures', 'agents', 'opencode');

async function record(name: string, turns: OpenAITurn[], prompt: string): Promise<void> {
  const opencode = agentCli('opencode');
  const double = await startOpenAIDouble(turns, { untooled: OPENCODE_TITLE });
  const ws = mkdtempSync(join(tmpdir(), 'sf-rec-ws-'));
  const home = mkdtempSync(join(tmpdir(), 'sf-rec-home-'));
  mkdirSync(join(home, '.config', 'opencode'), { recursive: true });
  writeFileSync(join(home, '.config', 'opencode', 'opencode.json'), JSON.stringify({ provider: { openai: { options: { baseURL: double.baseUrl, apiKey: 'placeholder' } } }, autoupdate: false, share: 'disabled' }));
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), XDG_CACHE_HOME: join(home, '.cache'), OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1' };
  const child = spawn(opencode, ['run', '--format', 'json', '-m', 'openai/gpt-5', '--auto', prompt], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  const kill = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(kill);
  await double.close();
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${name}.jsonl`), out);
  console.log(`${name}: exit ${code}, ${out.split('\n').length - 1} lines (opencode ${AGENT_CLI_VERSIONS.opencode.version})`);
}

(async () => {
  await record('session', OPENCODE_SESSION, 'Fix note.txt');
  await record('refused', [{ httpError: { status: 400, message: 'The double refuses this request.' } }], 'anything');
})();

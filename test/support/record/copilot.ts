/**
 * Records the real GitHub Copilot CLI's `--output-format json` output for the parser
 * fixtures in test/fixtures/agents/copilot/: runs the pinned CLI (test/support/agent-clis.ts;
 * its linux-x64 platform binary, not the node launcher) on the host in BYOK offline mode
 * against the OpenAI Responses double with a scripted session (model `gpt-5.4`: the CLI picks
 * its tool set by model id, and offers `apply_patch` to GPT-5 models), with the flags and
 * variables of copilotArgv/copilotEnv (src/adapters/agents/copilot.ts), and writes its
 * stdout as it is plus the file `--usage-output-file` wrote.
 * Run: `npx tsx test/support/record/copilot.ts`. Not a test; re-run when the pin moves.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { copilotArgv, copilotEnv } from '../../../src/adapters/agents/copilot';
import { agentCli, AGENT_CLI_VERSIONS } from '../agent-clis';
import { startOpenAIDouble, type OpenAITurn } from '../model-double/openai';
import { COPILOT_SESSION } from '../model-double/copilot-session';

const OUT = resolve(__dirname, '..', '..', 'fixtures', 'agents', 'copilot');

/** The platform binary next to the launcher agentCli installs. */
function copilotBinary(): string {
  const launcher = agentCli('copilot');
  return resolve(dirname(launcher), '..', '@github', 'copilot-linux-x64', 'copilot');
}

async function record(name: string, turns: OpenAITurn[] | undefined, prompt: string): Promise<void> {
  const double = turns ? await startOpenAIDouble(turns) : undefined;
  const ws = mkdtempSync(join(tmpdir(), 'sf-rec-ws-'));
  const home = mkdtempSync(join(tmpdir(), 'sf-rec-home-'));
  const usageFile = join(home, 'usage.json');
  // No double: a port nothing listens on (the provider is unreachable).
  const baseUrl = double?.baseUrl ?? 'http://127.0.0.1:9/v1';
  const argv = copilotArgv({ command: [copilotBinary()], model: 'gpt-5.4', prompt, usageFile, keyVar: 'COPILOT_PROVIDER_API_KEY' });
  const env = { PATH: process.env.PATH, HOME: home, ...copilotEnv({ baseUrl, key: 'placeholder' }) };
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  await double?.close();
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${name}.jsonl`), out);
  if (existsSync(usageFile)) writeFileSync(join(OUT, `${name}-usage.json`), readFileSync(usageFile));
  console.log(`${name}: exit ${code}, ${out.split('\n').length - 1} lines, usage file ${existsSync(usageFile) ? 'written' : 'absent'} (copilot ${AGENT_CLI_VERSIONS.copilot.version}); requests: ${double?.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`).join(', ')}`);
}

(async () => {
  await record('session', COPILOT_SESSION, 'Fix note.txt');
  await record('refused', [{ httpError: { status: 400, message: 'The double refuses this request.' } }], 'anything');
  await record('unreachable', undefined, 'anything');
})();

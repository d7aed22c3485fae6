/**
 * Records the real Gemini CLI's `-o stream-json` output for the parser fixtures in
 * test/fixtures/agents/gemini/: runs the pinned CLI (test/support/agent-clis.ts) on the
 * host against the Gemini double with a scripted session, and writes its stdout as it is.
 * Run: `npx tsx test/support/record/gemini.ts`. Not a test; re-run when the pin moves.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { agentCli, AGENT_CLI_VERSIONS } from '../agent-clis';
import { startGeminiDouble, type GeminiTurn } from '../model-double/gemini';
import { GEMINI_SESSION } from '../model-double/gemini-session';

const OUT = resolve(__dirname, '..', '..', 'fixtures', 'agents', 'gemini');

async function record(name: string, turns: GeminiTurn[], prompt: string): Promise<void> {
  const gemini = agentCli('gemini');
  const double = await startGeminiDouble(turns);
  const ws = mkdtempSync(join(tmpdir(), 'sf-rec-ws-'));
  const home = mkdtempSync(join(tmpdir(), 'sf-rec-home-'));
  mkdirSync(join(home, '.gemini'));
  writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
  const env = { PATH: process.env.PATH, HOME: home, GEMINI_CLI_TRUST_WORKSPACE: 'true', GEMINI_API_KEY: 'placeholder', GOOGLE_GEMINI_BASE_URL: double.baseUrl };
  const child = spawn(gemini, ['-p', prompt, '-o', 'stream-json', '-m', 'double-model', '--approval-mode', 'yolo'], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  await double.close();
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${name}.jsonl`), out);
  console.log(`${name}: exit ${code}, ${out.split('\n').length - 1} lines (gemini ${AGENT_CLI_VERSIONS.gemini.version})`);
}

(async () => {
  await record('session', GEMINI_SESSION, 'Fix note.txt');
  await record('refused', [{ httpError: { status: 400, message: 'The double refuses this request.' } }], 'anything');
})();

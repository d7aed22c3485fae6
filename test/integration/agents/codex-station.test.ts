import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CodexAgentRunner } from '../../../src/adapters/agents/codex';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { dockerEnvironments } from '../../../src/app/docker-environments';
import { agentCli, agentTask } from '../../support/agent-clis';
import { requireDocker } from '../support/docker';

/**
 * The real Codex CLI inside a real station container (shopfloor/node:bookworm: read-only
 * root, tmpfs HOME, non-root user, no capabilities, network none). Until the CLI install
 * volume lands, the test links the CLI's static binary into the workspace; the model
 * double runs inside the same container (bundled to one JS file) because the station has
 * no network. What this shows: CODEX_HOME under the station HOME works, Codex's own
 * sandbox bypass runs commands under the container's hardening, and the adapter reads the
 * result as on the host.
 */
describe('agents: Codex CLI in a station container (real CLI, double inside the container)', function () {
  this.timeout(180_000);

  it('the scripted session runs in the hardened container: files written, tool calls, usage and claim read', async () => {
    await requireDocker();
    const codexBin = join(dirname(agentCli('codex')), '..', '@openai', 'codex-linux-x64', 'vendor', 'x86_64-unknown-linux-musl', 'bin', 'codex');
    const repo = mkdtempSync(join(tmpdir(), 'sf-codex-station-'));
    const ws = join(repo, 'ws');
    mkdirSync(join(ws, '.tools'), { recursive: true });
    linkSync(codexBin, join(ws, '.tools', 'codex'));
    const root = resolve(__dirname, '..', '..', '..');
    execFileSync(join(root, 'node_modules', '.bin', 'esbuild'), [join(root, 'test/support/model-double/codex-double-main.ts'), '--bundle', '--platform=node', `--outfile=${join(ws, '.tools', 'double.js')}`, '--log-level=warning']);
    const runId = `20261202-000001-${Math.random().toString(16).slice(2, 8)}`;
    const docker = dockerEnvironments({ repo, scratchDir: join(runFolder(repo, runId).dir, 'scratch') });
    try {
      const env = await docker.provider.prepare({ runId, stationId: 'implement', workspaceDir: ws, network: { mode: 'none' }, env: {}, mounts: [] });
      // Start the double only for the station run itself, not for the version probe.
      const command = ['sh', '-c', '[ "$1" = exec ] && { node .tools/double.js 18080 & sleep 1; }; exec .tools/codex "$@"', 'codex'];
      const r = await new CodexAgentRunner({ model: 'double-model', command }).run(
        agentTask(env, 'Fix note.txt', { modelAccess: { env: { OPENAI_BASE_URL: 'http://127.0.0.1:18080/v1', OPENAI_API_KEY: 'sf-placeholder-key' } } }),
      );
      assert.equal(r.outcome, 'done', r.output);
      assert.equal(r.version, '@openai/codex@0.171.0');
      assert.deepEqual(r.toolCalls?.map((t) => [t.name, t.outcome]), [
        ['command_execution', 'ok'],
        ['file_change', 'ok'],
        ['command_execution', 'error'],
      ]);
      assert.deepEqual(r.usage, [{ model: 'double-model', inputTokens: 5200, outputTokens: 150, cacheReadTokens: 200 }]);
      assert.equal(r.claim?.terminal, 'PR_READY', r.claimProblem);
      assert.equal(readFileSync(join(ws, 'note.txt'), 'utf8'), 'fixed\n');
      assert.equal(readFileSync(join(ws, 'hello.txt'), 'utf8'), 'hello\n');
      const home = await env.exec(['sh', '-c', 'ls -d "$HOME"/.codex-shopfloor/sessions && id -un']);
      assert.equal(home.exitCode, 0, home.output);
      assert.match(home.output, /\.codex-shopfloor\/sessions\nnode\n$/, 'sessions live under the station HOME; the station user is not root');
    } finally {
      await docker.provider.cleanup(runId);
      await docker.dispose();
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

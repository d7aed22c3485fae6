import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CopilotAgentRunner, copilotArgv, copilotEnv, copilotPackage, copilotPkgCache, COPILOT_VERSION } from '../../../../src/adapters/agents/copilot';
import { CopilotEventParser, copilotUsage } from '../../../../src/adapters/agents/copilot-events';
import { InstalledCliRunner } from '../../../../src/adapters/agents/installed-cli';
import { streamOutcome } from '../../../../src/adapters/agents/stream-agent';
import { AGENT_REGISTRY } from '../../../../src/app/agent-routing';
import { extractClaim } from '../../../../src/core/agent/claim';
import { AgentStreamRecord } from '../../../../src/core/agent/events';
import type { ExecOptions, ExecResult, StationEnvironment } from '../../../../src/core/run/ports';
import { agentTask } from '../../../support/agent-clis';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'agents', 'copilot');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function replay(name: string): { record: AgentStreamRecord; log: string[] } {
  const parser = new CopilotEventParser();
  const record = new AgentStreamRecord();
  const log: string[] = [];
  for (const line of fixture(name).split('\n')) for (const item of parser.line(line)) log.push(record.apply(item));
  return { record, log };
}

describe('adapters/agents: the Copilot CLI JSON parser on recorded real output (Copilot CLI 1.0.102)', () => {
  it('a session with bash and apply_patch: tool calls with outcomes and durations, session, final message with the claim', () => {
    const { record, log } = replay('session.jsonl');
    assert.deepEqual(
      record.toolCalls.map((t) => [t.name, t.outcome]),
      [
        ['bash', 'ok'],
        ['apply_patch', 'ok'],
        ['apply_patch', 'error'],
        ['bash', 'ok'],
      ],
    );
    assert.ok(record.toolCalls.every((t) => typeof t.durationMs === 'number' && t.durationMs >= 0), 'durations from the start and complete timestamps');
    assert.equal(record.sessionId, '09428a99-360a-4b28-b4b1-8527475f113a');
    const claim = extractClaim(record.finalText);
    assert.ok('claim' in claim && claim.claim.terminal === 'PR_READY' && claim.claim.filesChanged.includes('hello.txt'), JSON.stringify(claim));
    assert.ok(log.some((l) => l.startsWith('[tool_use] bash {"command":"printf')));
    assert.ok(log.some((l) => /^Added 1 file\(s\): .*hello\.txt$/.test(l)), 'the patch result is logged');
    assert.ok(log.some((l) => /^Failed to apply patch: .*missing\.txt/.test(l)), 'the failed patch says why');
    assert.ok(log.some((l) => l.includes('completed with exit code 4')), 'a failing command is a tool that ran; its exit code is in the log');
    assert.ok(!log.includes('Fix note.txt'), 'the user prompt is not echoed into the log');
    assert.ok(!log.some((l) => l.includes('background_tasks_changed') || l.includes('skills_loaded')), 'bookkeeping events stay out of the log');
    assert.equal(record.usage(), undefined, 'the JSON stream carries no token usage');
    assert.equal(streamOutcome({ exitCode: 0, endReason: 'exited', truncated: false }, record, {}).outcome, 'done');
  });

  it('the usage file of the same session: tokens by model, cache reads taken out of the input', () => {
    assert.deepEqual(copilotUsage(fixture('session-usage.json')), [{ model: 'gpt-5.4', inputTokens: 6550, outputTokens: 175, cacheReadTokens: 200 }]);
    assert.deepEqual(copilotUsage(fixture('refused-usage.json')), [], 'no model call succeeded: no usage');
    assert.equal(copilotUsage('not json'), undefined);
  });

  it('a refused request (HTTP 400): a failure with the API message, no final message, exit 1 is an error', () => {
    const { record, log } = replay('refused.jsonl');
    assert.equal(record.finalText, undefined);
    assert.deepEqual(record.failures, ['copilot: 400 The double refuses this request.']);
    assert.ok(log.includes('[copilot] model call failed (HTTP 400, attempt 1)'));
    assert.equal(record.sessionId, 'c4b41053-f7a0-495a-bdc3-3a859a27a516');
    const end = streamOutcome({ exitCode: 1, endReason: 'exited', truncated: false }, record, {});
    assert.equal(end.outcome, 'error');
    assert.match(end.detail ?? '', /exited with code 1: copilot: 400 The double refuses/);
  });

  it('an unreachable provider: the retries are logged, then the failure names the endpoint', () => {
    const { record, log } = replay('unreachable.jsonl');
    assert.equal(log.filter((l) => l.startsWith('[copilot] model call failed (transport')).length, 6);
    assert.equal(log.filter((l) => l === '[copilot] Response was interrupted due to a server error. Retrying...').length, 5);
    assert.match(record.failures[0] ?? '', /^copilot: Could not connect to local model provider at http:\/\/127\.0\.0\.1:9\/v1/);
    assert.equal(record.finalText, undefined);
  });
});

describe('adapters/agents: the Copilot command line and package', () => {
  it('prompt mode with JSON output, approvals off, the key kept from tools, the usage file, the session resumed by id', () => {
    const argv = copilotArgv({ command: ['/opt/copilot'], model: 'gpt-5.4', prompt: '-starts with a dash', session: 'abc-123', usageFile: '/tmp/u.json', keyVar: 'COPILOT_PROVIDER_API_KEY' });
    assert.deepEqual(argv, ['/opt/copilot', '--prompt=-starts with a dash', '--output-format', 'json', '--allow-all', '--no-ask-user', '--no-auto-update', '--disable-builtin-mcps', '--model', 'gpt-5.4', '--secret-env-vars=COPILOT_PROVIDER_API_KEY', '--usage-output-file=/tmp/u.json', '--resume=abc-123']);
    assert.ok(!copilotArgv({ command: ['copilot'], model: 'm', prompt: 'p', usageFile: '/tmp/u', keyVar: 'K' }).some((a) => a.startsWith('--resume')));
  });

  it('BYOK offline mode against the proxy only when there is a base URL', () => {
    assert.deepEqual(copilotEnv({ baseUrl: 'http://proxy:1/openai/v1', key: 'sf-proxy-x', pkgCache: '/opt/c/sea-cache' }), {
      COPILOT_AUTO_UPDATE: 'false',
      NO_COLOR: '1',
      COPILOT_PKG_CACHE_HOME: '/opt/c/sea-cache',
      COPILOT_OFFLINE: 'true',
      COPILOT_PROVIDER_BASE_URL: 'http://proxy:1/openai/v1',
      COPILOT_PROVIDER_TYPE: 'openai',
      COPILOT_PROVIDER_WIRE_API: 'responses',
      COPILOT_PROVIDER_API_KEY: 'sf-proxy-x',
    });
    assert.deepEqual(copilotEnv({}), { COPILOT_AUTO_UPDATE: 'false', NO_COLOR: '1' }, 'offline mode needs a provider');
  });

  it('the package runs the glibc platform binary, unpacked once into the volume', () => {
    const pkg = copilotPackage();
    assert.equal(pkg.npmName, '@github/copilot');
    assert.equal(pkg.version, COPILOT_VERSION);
    assert.equal(pkg.bin, '../copilot-linux-x64/copilot');
    assert.match(pkg.postInstall!.join(' '), /COPILOT_SEA_EXTRACT_ONLY=1 COPILOT_PKG_CACHE_HOME="\$PWD\/\.\.\/copilot-linux-x64\/sea-cache" \.\.\/copilot-linux-x64\/copilot --binary-version/);
    assert.equal(copilotPkgCache('/opt/shopfloor/agents/copilot/pkg/node_modules/@github/copilot/../copilot-linux-x64/copilot'), '/opt/shopfloor/agents/copilot/pkg/node_modules/@github/copilot/../copilot-linux-x64/sea-cache');
    assert.equal(copilotPackage('1.0.200').version, '1.0.200');
  });

  it('the registry entry is an installed-CLI runner of the pinned package (or the version the settings name)', () => {
    const factory = AGENT_REGISTRY.copilot;
    assert.ok(factory, 'copilot is available in this build');
    const runner = factory({}, {}) as InstalledCliRunner;
    assert.ok(runner instanceof InstalledCliRunner);
    assert.equal((runner as any).pkg.version, COPILOT_VERSION);
    assert.equal(((factory({ versions: { copilot: '1.0.200' } }, {}) as any).pkg as { version: string }).version, '1.0.200');
    const made = (runner as any).make('/opt/x/copilot');
    assert.ok(made instanceof CopilotAgentRunner);
    assert.equal((made as any).opts.pkgCache, '/opt/x/sea-cache');
  });
});

describe('adapters/agents: CopilotAgentRunner over a station environment that replays the recording', () => {
  it('reads the stream, then the usage file: tool calls, usage, cost, claim, version; the proxy key goes to the CLI', async () => {
    const calls: { argv: string[]; opts: ExecOptions }[] = [];
    const env = {
      exec: async (argv: string[], opts: ExecOptions): Promise<ExecResult> => {
        calls.push({ argv, opts });
        const done = (output: string, exitCode = 0): ExecResult => ({ exitCode, output, durationMs: 1, truncated: false, endReason: 'exited' });
        if (argv.includes('--version')) return done('GitHub Copilot CLI 1.0.102.\nRun \'copilot update\' to check for updates.\n');
        if (argv[0] === 'sh' && argv[3] === 'copilot-usage') return done(fixture('session-usage.json'));
        opts.onOutput?.(fixture('session.jsonl'));
        return done('');
      },
    } as unknown as StationEnvironment;
    const task = agentTask(env, 'Fix note.txt', { modelAccess: { env: { OPENAI_BASE_URL: 'http://proxy:9/openai/v1', OPENAI_API_KEY: 'sf-proxy-token' } } });
    const r = await new CopilotAgentRunner({ model: 'gpt-5.4', command: ['/opt/copilot'] }).run(task);
    assert.equal(r.outcome, 'done', r.output);
    assert.equal(r.version, '@github/copilot@1.0.102');
    assert.equal(r.claim?.terminal, 'PR_READY');
    assert.deepEqual(r.toolCalls?.map((t) => t.name), ['bash', 'apply_patch', 'apply_patch', 'bash']);
    assert.deepEqual(r.usage, [{ model: 'gpt-5.4', inputTokens: 6550, outputTokens: 175, cacheReadTokens: 200 }]);
    assert.deepEqual(r.cost, { inputTokens: 6550, outputTokens: 175 });
    assert.equal(r.sessionId, '09428a99-360a-4b28-b4b1-8527475f113a');
    const run = calls[1]!;
    assert.deepEqual(run.argv.slice(0, 4), ['sh', '-c', 'exec "$@" </dev/null 2>&1', 'copilot']);
    const usageArg = run.argv.find((a) => a.startsWith('--usage-output-file='))!;
    assert.match(usageArg, /^--usage-output-file=\/tmp\/shopfloor-copilot-usage-[0-9a-f-]{36}\.json$/);
    assert.equal(calls[2]!.argv[4], usageArg.slice('--usage-output-file='.length), 'the usage file read is the one the CLI was told to write');
    assert.equal(run.opts.env?.COPILOT_PROVIDER_API_KEY, 'sf-proxy-token');
    assert.equal(run.opts.env?.COPILOT_PROVIDER_BASE_URL, 'http://proxy:9/openai/v1');
    assert.ok(r.output.includes('[usage] gpt-5.4: 6550 in, 175 out, 200 cache read'));
  });
});

import { strict as assert } from 'node:assert';
import { codexArgv } from '../../../../src/adapters/agents/codex';
import { geminiArgv, geminiGatewaySettings } from '../../../../src/adapters/agents/gemini';
import { GATEWAY_TOKEN_ENV } from '../../../../src/adapters/agents/codex';
import { needsLoopbackRelay } from '../../../../src/adapters/agents/loopback-relay';
import { opencodeArgv } from '../../../../src/adapters/agents/opencode';

describe('adapters/agents: the Codex command line', () => {
  it('exec with the custom provider, the bypass flags, and the prompt after --, under the CODEX_HOME wrapper', () => {
    const argv = codexArgv({ command: ['codex'], model: 'gpt-x', baseUrl: 'http://proxy:1/v1', envKey: 'OPENAI_API_KEY', prompt: '-rf "quoted"' });
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    assert.match(argv[2]!, /CODEX_HOME="\$\{CODEX_HOME:-/);
    assert.match(argv[2]!, /exec "\$@" <\/dev\/null 2>&1$/);
    assert.deepEqual(argv.slice(4, 7), ['codex', 'exec', '--json']);
    assert.ok(argv.includes('--dangerously-bypass-approvals-and-sandbox'));
    assert.ok(argv.includes('model_providers.shopfloor.base_url="http://proxy:1/v1"'));
    assert.ok(argv.includes('model_providers.shopfloor.env_key="OPENAI_API_KEY"'));
    assert.deepEqual(argv.slice(-2), ['--', '-rf "quoted"'], 'the prompt is one argument after --');
  });

  it('a session resumes: exec resume … -- SESSION PROMPT; without a base URL no provider is defined', () => {
    const argv = codexArgv({ command: ['/opt/codex'], model: 'm', envKey: 'K', prompt: 'p', session: 'abc' });
    assert.deepEqual(argv.slice(4, 7), ['/opt/codex', 'exec', 'resume']);
    assert.deepEqual(argv.slice(-3), ['--', 'abc', 'p']);
    assert.ok(!argv.some((a) => a.startsWith('model_provider')));
  });
});

describe('adapters/agents: the Gemini command line', () => {
  it('the prompt is one --prompt= argument, approvals off, the session resumed by id, under the settings wrapper', () => {

    const argv = geminiArgv({ command: ['gemini'], model: 'm', prompt: '-x "q"', session: 'abc' });
    assert.match(argv[2]!, /settings\.json/);
    assert.match(argv[2]!, /exec "\$@" <\/dev\/null 2>&1$/);
    assert.deepEqual(argv.slice(4), ['gemini', '--prompt=-x "q"', '-o', 'stream-json', '-m', 'm', '--approval-mode', 'yolo', '--resume', 'abc']);
  });

  it('with the run gateway, only its MCP server is allowed, and the wrapper gives the CLI its own home and starts the relay', () => {
    const argv = geminiArgv({ command: ['gemini'], model: 'm', prompt: 'p', mcpServer: 'shopfloor' });
    assert.deepEqual(argv.slice(4), ['gemini', '--prompt=p', '-o', 'stream-json', '-m', 'm', '--approval-mode', 'yolo', '--allowed-mcp-server-names', 'shopfloor']);
    assert.match(argv[2]!, /GEMINI_CLI_HOME=/);
    assert.match(argv[2]!, /SHOPFLOOR_RELAY_TARGET/);
  });

  it('the gateway settings carry the URL and a $VAR reference to the token, never the token', () => {
    const s = JSON.stringify(geminiGatewaySettings({ name: 'shopfloor', url: 'http://172.18.0.1:4000/mcp' }));
    assert.equal(s, JSON.stringify({ mcpServers: { shopfloor: { httpUrl: 'http://172.18.0.1:4000/mcp', headers: { Authorization: `Bearer \${${GATEWAY_TOKEN_ENV}}` }, trust: true } } }));
  });
});

describe('adapters/agents: the OpenCode command line', () => {
  it('run --format json with permissions approved, the session continued by id, the prompt after --, stderr merged', () => {
    assert.deepEqual(opencodeArgv({ command: ['opencode'], model: 'openai/gpt-5', prompt: '-p', session: 'ses_1' }), [
      'sh', '-c', 'exec "$@" 2>&1', 'opencode',
      'opencode', 'run', '--format', 'json', '-m', 'openai/gpt-5', '--auto', '--session', 'ses_1', '--', '-p',
    ]);
  });
});

describe('adapters/agents: which base URLs need the loopback relay', () => {
  it('plain HTTP to a host that is not loopback, with its port (80 by default) and path', () => {
    assert.deepEqual(needsLoopbackRelay('http://172.18.0.1:4000/gemini/'), { target: '172.18.0.1:4000', path: '/gemini' });
    assert.deepEqual(needsLoopbackRelay('http://proxy/gemini'), { target: 'proxy:80', path: '/gemini' });
    assert.deepEqual(needsLoopbackRelay('http://[fd00::1]:9/'), { target: '[fd00::1]:9', path: '' });
  });
  it('not HTTPS, loopback, or what is not a URL', () => {
    for (const u of ['https://generativelanguage.googleapis.com', 'http://127.0.0.1:4000', 'http://localhost:1/x', 'http://[::1]:2', 'not a url']) assert.equal(needsLoopbackRelay(u), undefined, u);
  });
});

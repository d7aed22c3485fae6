import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlAgentRunner } from '../../../src/adapters/agents/jsonl-agent';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { dockerEnvironments } from '../../../src/app/docker-environments';
import type { StationEnvironment } from '../../../src/core/run/ports';
import { agentTask } from '../../support/agent-clis';
import { requireDocker } from '../support/docker';

/**
 * A small agent written in node that speaks docs/agent-protocol.md, run by the generic
 * JSONL adapter inside a real station container (shopfloor/node:bookworm, network none).
 * Its behaviour is picked by the MODE variable of the station command's env.
 */
const AGENT = String.raw`
const fs = require('fs');
const say = (e) => process.stdout.write(JSON.stringify(e) + '\n');
const mode = process.env.MODE;
if (mode === 'work') {
  say({ type: 'session', id: 'sess-' + process.env.SHOPFLOOR_ROLE });
  say({ type: 'log', text: 'env ' + [process.env.SHOPFLOOR_ROLE, process.env.SHOPFLOOR_SESSION, process.env.OPENAI_BASE_URL, JSON.parse(process.env.SHOPFLOOR_PACKET).id, process.env.SHOPFLOOR_READ_ONLY].join('|') });
  console.log('plain text from the agent');
  console.error('a warning on stderr');
  const t0 = Date.now();
  fs.writeFileSync('fixed.txt', process.env.SHOPFLOOR_PROMPT + '\n');
  say({ type: 'tool', name: 'Edit', outcome: 'ok', durationMs: Date.now() - t0 });
  say({ type: 'tool', name: 'Bash', outcome: 'error' });
  say({ type: 'usage', model: 'model-a', inputTokens: 100, outputTokens: 20, cacheReadTokens: 50 });
  say({ type: 'usage', model: 'model-a', inputTokens: 10, outputTokens: 2 });
  say({ type: 'usage', model: 'model-b', inputTokens: 'many', outputTokens: 1 });
  const claim = { terminal: 'PR_READY', summary: 'wrote fixed.txt', filesChanged: ['fixed.txt'], validationRun: ['cat fixed.txt'] };
  say({ type: 'final', text: 'Done.\n\x60\x60\x60shopfloor-claim\n' + JSON.stringify(claim) + '\n\x60\x60\x60' });
} else if (mode === 'flood') {
  for (let i = 0; i < 20000; i++) console.log('noise line ' + i + ' ' + 'x'.repeat(80));
  process.stdout.write('{"type":"log","text":"' + 'y'.repeat(1200000) + '"}\n');
  for (let i = 0; i < 2000; i++) say({ type: 'tool', name: 'Read', outcome: 'ok' });
  say({ type: 'final', text: 'survived the flood' });
} else if (mode === 'crash') {
  say({ type: 'tool', name: 'Edit', outcome: 'ok' });
  throw new Error('agent blew up');
} else if (mode === 'hang') {
  say({ type: 'log', text: 'thinking forever' });
  setInterval(() => {}, 1000);
} else if (mode === 'silent') {
  console.log('no events at all');
}
`;

/**
 * An agent in sh that writes large events with blocking writes and a stderr line after
 * each (node's own stdout may queue a partial write and let stderr overtake it, which no
 * reader can undo; a blocking writer is what the adapter can keep whole).
 */
const INTERLEAVE = String.raw`
z=$(head -c 90000 /dev/zero | tr '\0' z)
i=0
while [ $i -lt 30 ]; do
  printf '{"type":"log","text":"big %s %s"}\n' $i "$z"
  echo "stderr between events $i" >&2
  i=$((i+1))
done
printf '{"type":"final","text":"all whole"}\n'
`;

describe('agents: the generic JSONL adapter in a real station container', function () {
  this.timeout(180_000);
  let env: StationEnvironment;
  let ws: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    await requireDocker();
    const repo = mkdtempSync(join(tmpdir(), 'sf-jsonl-'));
    ws = join(repo, 'ws');
    execFileSync('mkdir', ['-p', ws]);
    writeFileSync(join(ws, 'agent.js'), AGENT);
    writeFileSync(join(ws, 'interleave.sh'), INTERLEAVE);
    const runId = `20261202-000000-${Math.random().toString(16).slice(2, 8)}`;
    const docker = dockerEnvironments({ repo, scratchDir: join(runFolder(repo, runId).dir, 'scratch') });
    env = await docker.provider.prepare({ runId, stationId: 'implement', workspaceDir: ws, network: { mode: 'none' }, env: {}, mounts: [] });
    cleanup = async () => {
      await docker.provider.cleanup(runId);
      await docker.dispose();
    };
  });
  after(() => cleanup?.());

  const runner = new JsonlAgentRunner();
  const task = (mode: string, over: Parameters<typeof agentTask>[2] = {}) =>
    agentTask(env, 'the prompt text', over, { agent: 'jsonl', command: { argv: ['node', 'agent.js'], env: { MODE: mode } } } as never);

  it('an agent that edits a file and reports tool calls, usage and a claim: done, with everything in the result', async () => {
    const log: string[] = [];
    const r = await runner.run(task('work', { session: 'prev-1', modelAccess: { env: { OPENAI_BASE_URL: 'http://proxy.invalid/v1' } }, onOutput: (c) => log.push(c) }));
    assert.equal(r.outcome, 'done', r.output);
    assert.equal(r.exitCode, 0);
    assert.equal(r.agent, 'jsonl:node agent.js');
    assert.equal(readFileSync(join(ws, 'fixed.txt'), 'utf8'), 'the prompt text\n', 'SHOPFLOOR_PROMPT is task.prompt.text and the write reached the workspace');
    assert.equal(r.sessionId, 'sess-implement');
    assert.deepEqual(r.toolCalls?.map((t) => [t.name, t.outcome]), [
      ['Edit', 'ok'],
      ['Bash', 'error'],
    ]);
    assert.equal(typeof r.toolCalls![0]!.durationMs, 'number');
    assert.deepEqual(r.usage, [{ model: 'model-a', inputTokens: 110, outputTokens: 22, cacheReadTokens: 50 }], 'the invalid usage line is skipped');
    assert.deepEqual(r.claim, { terminal: 'PR_READY', summary: 'wrote fixed.txt', filesChanged: ['fixed.txt'], validationRun: ['cat fixed.txt'], residualUncertainty: '' });
    assert.match(r.text ?? '', /^Done\./);
    const text = log.join('');
    assert.match(text, /^env implement\|prev-1\|http:\/\/proxy\.invalid\/v1\|pkt-1\|0$/m, 'role, session, model access, packet and read-only flag arrive in env');
    assert.match(text, /^plain text from the agent$/m);
    assert.match(text, /^a warning on stderr$/m);
    assert.match(text, /^\[shopfloor\] skipped an invalid agent event \(type "usage"\): at inputTokens: /m);
    assert.match(text, /^\[tool\] Edit ok/m);
  });

  it('a flood of text, an over-long line and many events: the line is cut, the events still count, the final message is read', async () => {
    const log: string[] = [];
    const r = await runner.run(task('flood', { onOutput: (c) => log.push(c) }));
    assert.match(log.join(''), /^\[shopfloor\] skipped an output line longer than 1000000 characters$/m);
    assert.match(log.join(''), /^noise line 19999 x+$/m);
    assert.equal(r.outcome, 'done', r.output.slice(-2000));
    assert.equal(r.text, 'survived the flood');
    assert.equal(r.toolCalls?.length, 2000);
    assert.match(r.output, /survived the flood/);
    assert.ok(r.output.length <= 20_000, 'the result keeps a tail only');
    assert.equal(r.claimProblem, 'the final message has no ```shopfloor-claim block');
  });

  it('stderr written between large events never splits an event line (stderr shares the stdout pipe)', async () => {
    const log: string[] = [];
    const r = await runner.run(agentTask(env, 'p', { onOutput: (c) => log.push(c) }, { agent: 'jsonl', command: { argv: ['sh', 'interleave.sh'] } } as never));
    assert.equal(r.outcome, 'done', r.output.slice(-500));
    const lines = log.join('').split('\n');
    assert.equal(lines.filter((l) => l.startsWith('big ')).length, 30, 'every large event was read as an event: ' + lines.filter((l) => !l.startsWith('big ')).map((l) => l.slice(0, 120)).join('\n'));
    assert.equal(lines.filter((l) => l.startsWith('stderr between events')).length, 30);
    assert.ok(!lines.some((l) => l.includes('{"type"')), 'no event line was broken into text');
  });

  it('an agent that crashes: error with its exit code, the events before the crash kept', async () => {
    const r = await runner.run(task('crash'));
    assert.equal(r.outcome, 'error');
    assert.equal(r.exitCode, 1);
    assert.equal(r.endDetail, 'the agent exited with code 1');
    assert.match(r.output, /agent blew up/);
    assert.deepEqual(r.toolCalls?.map((t) => t.name), ['Edit']);
    assert.equal(r.claim, undefined);
  });

  it('an agent that hangs: timeout at the station limit, with the reason', async () => {
    const r = await runner.run(task('hang', { timeoutMs: 3000 }));
    assert.equal(r.outcome, 'timeout');
    assert.match(r.endDetail ?? '', /3000 ms/);
    assert.match(r.output, /thinking forever/);
  });

  it('an agent that exits 0 without a final event: error, saying so', async () => {
    const r = await runner.run(task('silent'));
    assert.equal(r.outcome, 'error');
    assert.equal(r.endDetail, 'the agent exited 0 without a final message');
  });

  it('a station without a command: error naming the fix, nothing run', async () => {
    const r = await runner.run(agentTask(env, 'p', {}, { agent: 'jsonl' } as never));
    assert.equal(r.outcome, 'error');
    assert.match(r.output, /names no command/);
  });
});

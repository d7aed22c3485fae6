import { strict as assert } from 'node:assert';
import { JsonlAgentRunner } from '../../../../src/adapters/agents/jsonl-agent';
import type { ExecOptions, ExecResult, StationEnvironment } from '../../../../src/core/run/ports';
import { agentTask } from '../../../support/agent-clis';

/** A fake station environment: replays `chunks` to onOutput, then waits for the abort signal when `hang`, and records what it was asked to run. */
function fakeEnv(chunks: string[], o: { exitCode?: number; hang?: boolean } = {}): StationEnvironment & { calls: { argv: readonly string[]; options: ExecOptions }[] } {
  const calls: { argv: readonly string[]; options: ExecOptions }[] = [];
  return {
    calls,
    async exec(argv, options = {}): Promise<ExecResult> {
      calls.push({ argv, options });
      for (const c of chunks) options.onOutput?.(c);
      if (o.hang) {
        await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
        return { exitCode: null, endReason: 'cancelled', endDetail: 'cancelled', durationMs: 1, output: '', truncated: false };
      }
      return { exitCode: o.exitCode ?? 0, endReason: 'exited', durationMs: 1, output: chunks.join(''), truncated: false };
    },
    async dispose() {},
  };
}

const station = { agent: 'jsonl', command: { argv: ['my-agent', '--flag'], env: { OPENAI_BASE_URL: 'forged' } } } as never;

describe('adapters/agents: the stream runner (through the JSONL adapter, on a fake environment)', () => {
  it('the budget signal stops the agent: budget-exceeded with the figures, the events so far kept', async () => {
    const budget = new AbortController();
    const env = fakeEnv(['{"type":"usage","model":"m","inputTokens":9000,"outputTokens":2000}\n'], { hang: true });
    const run = new JsonlAgentRunner().run(
      agentTask(env, 'p', { modelAccess: { env: {}, budgetSignal: budget.signal, budgetExceeded: () => (budget.signal.aborted ? 'station tokens 11000 of 10000' : undefined) } }, station),
    );
    await new Promise((r) => setTimeout(r, 20));
    budget.abort();
    const r = await run;
    assert.equal(r.outcome, 'budget-exceeded');
    assert.equal(r.endDetail, 'stopped: station tokens 11000 of 10000');
    assert.deepEqual(r.usage, [{ model: 'm', inputTokens: 9000, outputTokens: 2000 }]);
  });

  it('runs the command with stderr merged, the protocol env and model access last (a station env cannot forge it); exit 3 gives up', async () => {
    const env = fakeEnv(['{"type":"log","text":"hm"}\n'], { exitCode: 3 });
    const r = await new JsonlAgentRunner().run(agentTask(env, 'the prompt', { modelAccess: { env: { OPENAI_BASE_URL: 'http://proxy/v1' } }, feedback: 'tests failed' }, station));
    assert.equal(r.outcome, 'gave-up');
    const { argv, options } = env.calls[0]!;
    assert.deepEqual(argv, ['sh', '-c', 'exec "$@" 2>&1', 'my-agent', 'my-agent', '--flag']);
    assert.equal(options.env?.OPENAI_BASE_URL, 'http://proxy/v1');
    assert.equal(options.env?.SHOPFLOOR_PROMPT, 'the prompt');
    assert.equal(options.env?.SHOPFLOOR_FEEDBACK, 'tests failed');
  });

  it('events split across chunks are read whole; an invalid claim is a claim problem, not a failure', async () => {
    const final = JSON.stringify({ type: 'final', text: 'ok\n```shopfloor-claim\n{"terminal":"SHIP"}\n```' });
    const env = fakeEnv([final.slice(0, 7), final.slice(7, 30), `${final.slice(30)}\n`]);
    const r = await new JsonlAgentRunner().run(agentTask(env, 'p', {}, station));
    assert.equal(r.outcome, 'done');
    assert.equal(r.claim, undefined);
    assert.match(r.claimProblem ?? '', /invalid at terminal/);
  });
});

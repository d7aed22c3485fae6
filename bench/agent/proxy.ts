// The model proxy's added latency per model call (src/adapters/model-proxy): the same
// request to a local upstream double directly and through the proxy, interleaved (the
// order alternates each round), over keep-alive connections as agent CLIs use them.
// Prints a Markdown table. Usage: npx tsx bench/agent/proxy.ts [--calls N]
import { Agent, request } from 'node:http';
import { startModelProxy } from '../../src/adapters/model-proxy';
import { anthropicStream, startUpstream } from '../../test/support/model-double/upstream';

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1]) || 2000;

function call(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function main(): Promise<void> {
  const up = await startUpstream();
  up.replies.set('/v1/messages', { sse: anthropicStream('claude-sonnet-4-5', 1200, 300, 'x'.repeat(2000)) });
  up.replies.set('/v1/chat/completions', { json: { id: 'c', object: 'chat.completion', model: 'gpt-4o', choices: [{ message: { role: 'assistant', content: 'x'.repeat(2000) } }], usage: { prompt_tokens: 1200, completion_tokens: 300 } } });
  const proxy = await startModelProxy({ runId: 'bench', host: '127.0.0.1', upstreams: { anthropic: up.url, openai: up.url, gemini: up.url }, keys: { anthropic: 'sk-real', openai: 'sk-real' } });
  const access = await proxy.forStation('implement', 1, undefined);
  const token = access.env.ANTHROPIC_API_KEY!;
  // A request body the size of an agent turn with some context (about 40 kB).
  const body = JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, max_tokens: 4096, messages: [{ role: 'user', content: 'y'.repeat(40_000) }] });
  const cases: { name: string; direct: string; proxied: string; headers: Record<string, string> }[] = [
    { name: 'Anthropic Messages, streaming SSE', direct: `${up.url}/v1/messages`, proxied: `${access.env.ANTHROPIC_BASE_URL}/v1/messages`, headers: { 'x-api-key': token } },
    { name: 'OpenAI Chat Completions, JSON', direct: `${up.url}/v1/chat/completions`, proxied: `${access.env.OPENAI_BASE_URL}/chat/completions`, headers: { authorization: `Bearer ${token}` } },
  ];
  const rows: string[] = [];
  for (const c of cases.filter((_, i) => !process.argv.includes('--only') || String(i) === process.argv[process.argv.indexOf('--only') + 1])) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const direct: number[] = [];
    const proxied: number[] = [];
    for (let i = 0; i < 50; i++) await call(agent, c.proxied, c.headers, body); // warm-up
    for (let i = 0; i < calls; i++) {
      // The double keeps every request it saw; the bench does not need them (they would only grow the heap).
      up.seen.length = 0;
      if (i % 2) {
        direct.push(await call(agent, c.direct, c.headers, body));
        proxied.push(await call(agent, c.proxied, c.headers, body));
      } else {
        proxied.push(await call(agent, c.proxied, c.headers, body));
        direct.push(await call(agent, c.direct, c.headers, body));
      }
    }
    agent.destroy();
    const added = proxied.map((p, i) => p - direct[i]!);
    const f = (x: number) => `${x.toFixed(2)} ms`;
    rows.push(`| ${c.name} | ${f(quantile(direct, 0.5))} | ${f(quantile(direct, 0.95))} | ${f(quantile(proxied, 0.5))} | ${f(quantile(proxied, 0.95))} | ${f(quantile(added, 0.5))} | ${f(quantile(added, 0.95))} | ≤ 2 ms median |`);
  }
  await access.release();
  await proxy.close();
  await up.close();
  console.log(`${calls} calls each way per case, interleaved; 40 kB request, 2 kB response; usage metered and priced on every proxied call.\n`);
  console.log('| case | direct median | direct p95 | through proxy median | through proxy p95 | added median | added p95 | target |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

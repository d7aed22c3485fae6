import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { ensureEgressNetwork } from '../../../src/adapters/docker/egress-network';
import { startModelProxy } from '../../../src/adapters/model-proxy';
import { defaultEnvironment } from '../../../src/core/container';
import { RUN_LAYOUT } from '../../../src/core/run/layout';
import { anthropicStream, startUpstream } from '../../support/model-double/upstream';
import { IMAGE, collect, requireEngine, testRuntime, workspace } from './support';

/** In the station: one Anthropic Messages call to ANTHROPIC_BASE_URL with ANTHROPIC_API_KEY, printed as `status body`. */
const CALL = `
const http = require('http');
const u = new URL(process.env.ANTHROPIC_BASE_URL + '/v1/messages');
const req = http.request(u, { method: 'POST', headers: { 'x-api-key': process.env.ANTHROPIC_API_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, timeout: 10000 }, (res) => {
  let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => console.log(res.statusCode + ' ' + b.length + ' ' + (b.includes('message_stop') ? 'streamed' : b)));
});
req.on('error', (e) => console.log('error ' + e.code));
req.end(JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, max_tokens: 10, messages: [] }));
`;

/** In the station: where the needle (given reversed, so this process's argv does not hold it) appears: env, any /proc/PID/environ, files under /workspaces, HOME and /tmp. */
const SCAN = `
const fs = require('fs'); const path = require('path');
const needle = process.argv[1].split('').reverse().join('');
const hits = [];
if (JSON.stringify(process.env).includes(needle)) hits.push('env');
let procs = 0;
for (const p of fs.readdirSync('/proc')) {
  if (!/^\\d+$/.test(p)) continue;
  try { procs++; if (fs.readFileSync('/proc/' + p + '/environ', 'latin1').includes(needle)) hits.push('/proc/' + p + '/environ'); } catch {}
}
let files = 0;
const walk = (d) => { let es; try { es = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
  for (const e of es) { const f = path.join(d, e.name);
    if (e.isDirectory()) walk(f);
    else if (e.isFile()) { try { files++; if (fs.readFileSync(f, 'latin1').includes(needle)) hits.push(f); } catch {} } } };
for (const d of ['/workspaces', process.env.HOME || '/root', '/tmp']) walk(d);
console.log(JSON.stringify({ hits, procs, files }));
`;

describe('docker: a station reaches the model proxy on the egress network with a placeholder; the real key stays on the host', () => {
  const { rt, owner, cleanup } = testRuntime('mproxy');
  before(() => requireEngine(rt));
  after(cleanup);

  it('the call goes through with the real key added on the host; the canary key is nowhere in the container or the run folder', async () => {
    const CANARY = `sk-ant-canary-${process.pid}-9f3b2c7d`;
    const up = await startUpstream();
    up.replies.set('/v1/messages', { sse: anthropicStream('claude-sonnet-4-5', 100, 20) });
    const runDir = mkdtempSync(join(tmpdir(), 'sf-run-'));
    const { gateway } = await ensureEgressNetwork(new Docker(), owner);
    const proxy = await startModelProxy({ runId: 'mproxy-1', host: gateway, upstreams: { anthropic: up.url, openai: up.url, gemini: up.url }, keys: { anthropic: CANARY }, usageLog: join(runDir, RUN_LAYOUT.modelUsage) });
    try {
      const access = await proxy.forStation('implement', 1, { tokens: 100_000 });
      assert.ok(access.env.ANTHROPIC_BASE_URL!.startsWith(`http://${gateway}:`));
      // An egress station (HTTP_PROXY set by the runtime) with the model access env on its process, as the agent adapter passes it.
      const ws = workspace();
      writeFileSync(join(ws, 'index.js'), 'module.exports = 1;\n');
      const s = await rt.prepare(defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo', network: { egressAllow: ['registry.npmjs.org'] } }), { runId: 'mproxy-1', sessionId: 'sess', workspaceDir: ws });
      try {
        const out = collect();
        const r = await s.exec(['node', '-e', CALL], { env: access.env, timeoutMs: 30_000, onStdout: out.sink, onStderr: out.sink });
        assert.equal(r.exitCode, 0, out.text());
        assert.match(out.text().trim(), /^200 \d+ streamed$/);
        assert.equal(up.seen.length, 1);
        assert.equal(up.seen[0]!.headers['x-api-key'], CANARY, 'the real key reached the upstream');
        assert.ok(!JSON.stringify(up.seen[0]).includes(access.env.ANTHROPIC_API_KEY!), 'the placeholder did not');
        assert.deepEqual(access.usage!().map((u) => [u.model, u.inputTokens, u.outputTokens]), [['claude-sonnet-4-5', 100, 20]]);

        const scan = collect();
        const reversed = CANARY.split('').reverse().join('');
        // A long-lived process with the model access env, so /proc holds one more environ to search.
        await s.exec(['sh', '-c', 'sleep 30 >/dev/null 2>&1 &'], { env: access.env, timeoutMs: 10_000 });
        const sr = await s.exec(['node', '-e', SCAN, reversed], { env: access.env, timeoutMs: 60_000, onStdout: scan.sink, onStderr: scan.sink });
        assert.equal(sr.exitCode, 0, scan.text());
        const found = JSON.parse(scan.text().trim()) as { hits: string[]; procs: number; files: number };
        assert.deepEqual(found.hits, [], 'the canary key inside the container');
        assert.ok(found.procs >= 2 && found.files >= 1, `the scan saw processes and files: ${scan.text()}`);
        // Positive control: the same scan finds the placeholder token in its own environment.
        const ctl = collect();
        await s.exec(['node', '-e', SCAN, access.env.ANTHROPIC_API_KEY!.split('').reverse().join('')], { env: access.env, timeoutMs: 60_000, onStdout: ctl.sink });
        assert.ok((JSON.parse(ctl.text().trim()) as { hits: string[] }).hits.includes('env'), 'the scan does find what is there');
      } finally {
        await s.remove();
      }
      await access.release();
    } finally {
      await proxy.close();
      await up.close();
    }
    const runFiles: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d)) {
        const f = join(d, e);
        if (statSync(f).isDirectory()) walk(f);
        else runFiles.push(f);
      }
    };
    walk(runDir);
    assert.ok(runFiles.length >= 1, 'the usage log was written');
    for (const f of runFiles) assert.ok(!readFileSync(f, 'utf8').includes(CANARY), `canary key in ${f}`);
  });
});

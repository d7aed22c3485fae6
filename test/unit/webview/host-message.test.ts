import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { METHOD_ROUTES, PROTOCOL_VERSION } from '../../../src/contracts/protocol-wire';
import { Methods } from '../../../src/contracts/protocol';
import { HostClient } from '../../../webview-ui/client';

describe('webview-ui: what the webview takes from the host (protocol-wire)', () => {
  it('drops and logs a message of another version, kind or direction, and an unknown method; passes a response and a host notification', () => {
    const warned: string[] = [];
    const seen: string[] = [];
    const client = new HostClient({ postMessage: () => {} }, (n) => seen.push(n.method), (t) => warned.push(t));
    const bad: unknown[] = [
      null,
      'state/didChange',
      { v: 2, kind: 'notification', method: 'state/didChange', params: {} },
      { v: PROTOCOL_VERSION, kind: 'request', id: 'x', method: 'gate/decide', params: {} },
      { v: PROTOCOL_VERSION, kind: 'notification', method: 'gate/decide', params: {} },
      { v: PROTOCOL_VERSION, kind: 'notification', method: 'webview/ready', params: {} },
      { v: PROTOCOL_VERSION, kind: 'notification', method: '__proto__', params: {} },
      { v: PROTOCOL_VERSION, kind: 'notification', method: 'toString', params: {} },
      { v: PROTOCOL_VERSION, kind: 'response', ok: true },
      { v: PROTOCOL_VERSION, kind: 'response', id: 'w1', ok: 'yes' },
      { v: PROTOCOL_VERSION, kind: 'response', id: 'w1', ok: false, error: 'no message' },
    ];
    for (const m of bad) client.receive(m);
    assert.equal(warned.length, bad.length, warned.join('\n'));
    assert.deepEqual(seen, []);
    client.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'review/didStep', params: { delta: 1 } });
    client.receive({ v: PROTOCOL_VERSION, kind: 'response', id: 'w9', ok: true, result: {} });
    assert.deepEqual(seen, ['review/didStep']);
    assert.match(warned.at(-1)!, /response to no request \(w9\)/);
  });

  it('a request resolves with the result the host sent, or with the host\'s error', async () => {
    const posted: Array<{ id: string }> = [];
    const client = new HostClient({ postMessage: (m) => void posted.push(m as { id: string }) }, () => {});
    const a = client.request('diff/open', { runId: 'r1', path: 'index.js' });
    const b = client.request('diff/open', { runId: 'r1', path: 'other.js' });
    client.receive({ v: PROTOCOL_VERSION, kind: 'response', id: posted[1]!.id, ok: false, error: { message: 'no such file' } });
    client.receive({ v: PROTOCOL_VERSION, kind: 'response', id: posted[0]!.id, ok: true, result: { opened: true } });
    assert.deepEqual(await a, { ok: true, result: { opened: true } });
    assert.deepEqual(await b, { ok: false, error: 'no such file' });
  });

  it('every method has one route, the same in the schemas\' map', () => {
    assert.deepEqual(Object.keys(METHOD_ROUTES).sort(), Object.keys(Methods).sort());
    for (const [name, route] of Object.entries(METHOD_ROUTES)) {
      const m = Methods[name as keyof typeof Methods];
      assert.deepEqual({ dir: m.dir, kind: m.kind }, route, name);
    }
  });

  it('the panel\'s script bundles no zod and no schema module (the first paint pays for every byte evaluated)', async function () {
    this.timeout(60_000);
    const r = await build({ entryPoints: ['webview-ui/main.ts'], bundle: true, write: false, metafile: true, platform: 'browser', format: 'esm', loader: { '.css': 'css' }, outdir: 'out', logLevel: 'silent' });
    const inputs = Object.keys(r.metafile.inputs);
    assert.ok(inputs.some((p) => p.includes('lit-html')), 'the metafile lists the bundle\'s inputs');
    assert.deepEqual(inputs.filter((p) => /node_modules[\\/]zod[\\/]/.test(p)), []);
    const contracts = inputs.filter((p) => p.startsWith('src/'));
    assert.deepEqual(contracts, ['src/contracts/protocol-wire.ts']);
  });
});

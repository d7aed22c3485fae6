import { strict as assert } from 'node:assert';
import { makeNonce, panelCsp, panelHtml } from '../../../src/host/panel/html';

describe('host/panel/html: the panel shell and its CSP', () => {
  const html = panelHtml({ cspSource: 'vscode-webview://abc', nonce: 'N0nce+/=', scriptUri: 'https://x/main.js', styleUri: 'https://x/panel.css' });

  it('starts from default-src none, scripts only by nonce, no eval or inline', () => {
    const csp = panelCsp('vscode-webview://abc', 'n1');
    assert.match(csp, /^default-src 'none'/);
    assert.match(csp, /script-src 'nonce-n1'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|\*/);
  });

  it('every <script> carries the nonce and a src (no inline script)', () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs!, /nonce="N0nce\+\/="/);
      assert.match(attrs!, /src="https:\/\/x\/main\.js"/);
      assert.equal(body!.trim(), '');
    }
    assert.match(html, /<meta http-equiv="Content-Security-Policy"/);
  });

  it('nonces are 128-bit and differ each time', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 16);
  });
});

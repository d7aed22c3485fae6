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

  it('an embedded first snapshot is a JSON data block that repository text cannot end or turn into markup', () => {
    const hostile = '</script><script>alert(1)</script><!-- & >';
    const page = panelHtml({ cspSource: 'c', nonce: 'n', scriptUri: 's', styleUri: 't', initial: { v: 1, kind: 'notification', method: 'state/didChange', params: { text: hostile } } });
    const blocks = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(blocks.length, 2, 'the data block and the module script, nothing more');
    const data = blocks.find(([, attrs]) => /type="application\/json"/.test(attrs!))!;
    assert.doesNotMatch(data[1]!, /nonce|src=/, 'a data block needs no nonce: it is never executed');
    assert.doesNotMatch(data[2]!, /[<>&]/);
    assert.equal(JSON.parse(data[2]!).params.text, hostile);
  });

  it('nonces are 128-bit and differ each time', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 16);
  });
});

import { randomBytes } from 'node:crypto';

/** A fresh CSP nonce: 128 bits from the OS CSPRNG, base64 (never Math.random; style.md). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The Content-Security-Policy for the panel: nothing by default; scripts only by nonce,
 * styles, fonts and images only from the webview's own resource origin; no eval, no inline
 * script. Source: VS Code webview guide, "Content security policy".
 */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Inputs to the panel's HTML: webview URIs already converted with asWebviewUri. */
export interface PanelHtmlInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  codiconUri?: string;
  /**
   * The first message to show, embedded in the page (a `state/didChange` envelope), so the
   * panel draws the moment its script runs instead of after the ready round trip (about
   * 50 ms of the first paint). A JSON data block: it is never executed, so the CSP's
   * script-src does not apply to it.
   */
  initial?: unknown;
}

/**
 * `value` as JSON safe inside an HTML `<script>` data block: `<`, `>` and `&` as \u escapes,
 * so no `</script>` or `<!--` in repository text can end or change the block. JSON.parse reads
 * the escapes back as the same characters. Pure.
 */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** The panel's HTML shell; everything it shows is rendered by the script from host snapshots. */
export function panelHtml(i: PanelHtmlInput): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(panelCsp(i.cspSource, i.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${i.codiconUri ? `<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(i.codiconUri)}">\n` : ''}<link rel="stylesheet" href="${attr(i.styleUri)}">
<title>Shopfloor</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">Connecting to Shopfloor…</p></main>
${i.initial !== undefined ? `<script type="application/json" id="shopfloor-initial">${jsonForScriptBlock(i.initial)}</script>\n` : ''}<script type="module" nonce="${attr(i.nonce)}" src="${attr(i.scriptUri)}"></script>
</body>
</html>`;
}

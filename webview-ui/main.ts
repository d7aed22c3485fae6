import './boot-mark';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { startPanel } from './panel-app';
import { vscodeApi } from './vscode-api';

/**
 * Panel entry point: starts the panel (panel-app.ts) in #app and feeds it the host's
 * messages. Only view state lives in the webview (style.md "Webview done right").
 */
const app = startPanel(document.getElementById('app') as HTMLElement, vscodeApi(), window);
window.addEventListener('message', (event: MessageEvent) => app.receive(event.data));

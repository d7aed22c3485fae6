import * as vscode from 'vscode';
import { notification, parseMessage, PROTOCOL_VERSION, type Envelope, type PanelSnapshot } from '../../contracts';
import type { HostContext } from '../context';
import { makeNonce, panelHtml } from './html';

/** The webview panel's view type; also its activation event `onWebviewPanel:shopfloor.panel`. */
export const PANEL_VIEW_TYPE = 'shopfloor.panel';

/**
 * The Shopfloor panel: one webview, one transport (postMessage), a ready handshake before
 * anything is sent, and numbered snapshots (style.md "Ready handshake"). Every message in
 * either direction is validated against src/contracts/protocol.ts; bad ones are dropped and logged.
 */
export class ShopfloorPanel implements vscode.Disposable {
  private static current: ShopfloorPanel | undefined;
  private seq = 0;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly readyWaiters: Array<() => void> = [];

  /** Shows the panel, creating it (or revealing the open one). */
  static show(ctx: HostContext): ShopfloorPanel {
    if (ShopfloorPanel.current) {
      ShopfloorPanel.current.panel.reveal();
      return ShopfloorPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Shopfloor', vscode.ViewColumn.Active, ShopfloorPanel.options(ctx));
    ShopfloorPanel.current = new ShopfloorPanel(panel, ctx);
    return ShopfloorPanel.current;
  }

  /** Re-attaches a panel VS Code restored after a reload (registerWebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, ctx: HostContext): ShopfloorPanel {
    panel.webview.options = ShopfloorPanel.options(ctx);
    ShopfloorPanel.current?.dispose();
    ShopfloorPanel.current = new ShopfloorPanel(panel, ctx);
    return ShopfloorPanel.current;
  }

  /** The open panel, if any (for tests and commands). */
  static get instance(): ShopfloorPanel | undefined {
    return ShopfloorPanel.current;
  }

  private static options(ctx: HostContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = ctx.extension.extensionUri;
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(root, 'media'), vscode.Uri.joinPath(root, 'dist', 'webview')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly ctx: HostContext,
  ) {
    const webview = panel.webview;
    const root = ctx.extension.extensionUri;
    panel.iconPath = vscode.Uri.joinPath(root, 'media', 'shopfloor.svg');
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview', 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview', 'panel.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.push()),
    );
    ctx.log.info(`panel opened (protocol v${PROTOCOL_VERSION})`);
  }

  /** Resolves once the webview has completed its ready handshake. */
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  private onMessage(raw: unknown): void {
    const parsed = parseMessage(raw, 'toHost');
    if (!parsed.ok) {
      this.ctx.log.warn(`dropped a webview message: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    if (m.kind === 'notification' && m.method === 'webview/ready') {
      this.ready = true;
      this.ctx.log.info('webview ready handshake complete');
      this.push();
      this.readyWaiters.splice(0).forEach((r) => r());
    } else if (m.kind === 'notification' && m.method === 'log/show') {
      this.ctx.log.show(true);
    } else if (m.kind === 'request') {
      // No run is open yet: gate requests are answered as not accepted rather than dropped,
      // so the webview never waits on a response that will not come.
      void this.post({ v: PROTOCOL_VERSION, kind: 'response', id: m.id, ok: false, error: { message: 'no open gate' } });
    }
  }

  private snapshot(): PanelSnapshot {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return {
      seq: ++this.seq,
      workspace: folder ? { name: folder.name, trusted: vscode.workspace.isTrusted } : null,
      run: null,
      extensionVersion: this.ctx.version,
    };
  }

  /** Pushes a fresh numbered snapshot, once the webview is ready. */
  push(): void {
    if (!this.ready) return;
    void this.post(notification('state/didChange', this.snapshot()));
  }

  private post(message: Envelope): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (ShopfloorPanel.current === this) ShopfloorPanel.current = undefined;
    this.disposables.splice(0).forEach((d) => d.dispose());
    this.panel.dispose();
  }
}

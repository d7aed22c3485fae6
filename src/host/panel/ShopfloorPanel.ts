import * as vscode from 'vscode';
import { notification, PROTOCOL_VERSION, snapshotProblem, type Envelope, type PanelSnapshot } from '../../contracts';
import type { HostContext } from '../context';
import type { PanelRequestHandler, PanelState } from './panel-state';
import { makeNonce, panelHtml } from './html';
import { PanelMessageRouter } from './message-router';
import { PANEL_VIEW_TYPE } from './view-type';

export { PANEL_VIEW_TYPE } from './view-type';

/** What the panel needs besides the host context: the state it shows and who answers its requests. */
export interface PanelServices {
  state: PanelState;
  requests: PanelRequestHandler;
  /** Re-reads the registry for the comparison shown (the view's Refresh button). */
  refreshComparison?(): void;
}


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
  private readonly router: PanelMessageRouter;

  /** Shows the panel, creating it (or revealing the open one). */
  static show(ctx: HostContext, services: PanelServices): ShopfloorPanel {
    if (ShopfloorPanel.current) {
      ShopfloorPanel.current.panel.reveal();
      return ShopfloorPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Shopfloor', vscode.ViewColumn.Active, ShopfloorPanel.options(ctx));
    ShopfloorPanel.current = new ShopfloorPanel(panel, ctx, services);
    return ShopfloorPanel.current;
  }

  /** Re-attaches a panel VS Code restored after a reload (registerWebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, ctx: HostContext, services: PanelServices): ShopfloorPanel {
    panel.webview.options = ShopfloorPanel.options(ctx);
    ShopfloorPanel.current?.dispose();
    ShopfloorPanel.current = new ShopfloorPanel(panel, ctx, services);
    return ShopfloorPanel.current;
  }

  /** The open panel, if any (for tests and commands). */
  static get instance(): ShopfloorPanel | undefined {
    return ShopfloorPanel.current;
  }

  /** Whether the panel is on screen (VS Code's own notion: visible in its editor group). */
  get visible(): boolean {
    return this.panel.visible;
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
    private readonly services: PanelServices,
  ) {
    const webview = panel.webview;
    const root = ctx.extension.extensionUri;
    panel.iconPath = vscode.Uri.joinPath(root, 'media', 'shopfloor.svg');
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview', 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview', 'panel.css')).toString(),
      codiconUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview', 'codicon.css')).toString(),
      initial: this.checkedSnapshot(),
    });
    this.router = new PanelMessageRouter({
      log: ctx.log,
      post: (m) => this.post(m),
      requests: services.requests,
      onReady: () => {
        this.ready = true;
        this.ctx.log.info('webview ready handshake complete');
        this.push();
        this.readyWaiters.splice(0).forEach((r) => r());
      },
      onShowLog: () => this.ctx.log.show(true),
      onCloseComparison: () => services.state.setComparison(null),
      onRefreshComparison: () => services.refreshComparison?.(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw) => this.router.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.push()),
      services.state.onDidChange(() => this.push()),
    );
    ctx.log.info(`panel opened (protocol v${PROTOCOL_VERSION})`);
  }

  /** Resolves once the webview has completed its ready handshake. */
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  private snapshot(): PanelSnapshot {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return {
      seq: ++this.seq,
      workspace: folder ? { name: folder.name, trusted: vscode.workspace.isTrusted } : null,
      run: this.services.state.run,
      packet: this.services.state.packet,
      review: this.services.state.review,
      comparison: this.services.state.comparison,
      extensionVersion: this.ctx.version,
    };
  }

  /** Pushes a fresh numbered snapshot, once the webview is ready. */
  push(): void {
    if (!this.ready) return;
    const message = this.checkedSnapshot();
    if (message) void this.post(message);
  }

  /** A fresh snapshot as a `state/didChange` message, or undefined (logged) when it fails the schema: the panel keeps the last one. */
  private checkedSnapshot(): Envelope | undefined {
    const snapshot = this.snapshot();
    const problem = snapshotProblem(snapshot);
    if (!problem) return notification('state/didChange', snapshot);
    this.ctx.log.error(`panel snapshot ${snapshot.seq} not sent (the panel keeps the last one): ${problem}`);
    return undefined;
  }

  /** Moves reviewer mode one section on (1) or back (-1): the section shown is the webview's view state. */
  step(delta: 1 | -1): void {
    if (this.ready) void this.post(notification('review/didStep', { delta }));
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

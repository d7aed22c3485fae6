import * as vscode from 'vscode';
import { parseMessage, PROTOCOL_VERSION, RequestEnvelopeSchema, type Envelope, type ParsedRequest } from '../../contracts';
import type { PanelRequestHandler } from './panel-state';

/** Where the router reports what it dropped or refused (the "Shopfloor" log channel). */
export interface PanelLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the router does with the messages that pass. */
export interface PanelRouterDeps {
  log: PanelLog;
  /** Posts an envelope to the webview. */
  post(message: Envelope): Thenable<boolean>;
  requests: PanelRequestHandler;
  /** The webview's ready handshake, with the view state it restored (unused by the host today). */
  onReady(viewState: Record<string, unknown> | undefined): void;
  /** The webview asked to show the log. */
  onShowLog(): void;
  /** The webview closed the comparison view. */
  onCloseComparison?(): void;
  /** The webview asked to read the registry again for the comparison shown. */
  onRefreshComparison?(): void;
}

/**
 * The host's end of the panel's message channel: every message from the webview is parsed
 * against the protocol (parseMessage: raw size, depth and forbidden keys first, then the
 * envelope and the method's params); what does not parse is dropped and logged, and a
 * request among them still gets an error response so the webview never waits forever.
 * Requests run through `requests` (which refuses decisions for another run's gate or for
 * content no longer shown); a cancel cancels its request's token.
 */
export class PanelMessageRouter {
  private readonly pending = new Map<string, vscode.CancellationTokenSource>();

  constructor(private readonly deps: PanelRouterDeps) {}

  receive(raw: unknown): void {
    const parsed = parseMessage(raw, 'toHost');
    if (!parsed.ok) {
      this.deps.log.warn(`dropped a webview message: ${parsed.error.slice(0, 2000)}`);
      // Only a request whose envelope parses is answered; its id is then a bounded string.
      const req = parsed.error.startsWith('refused message') ? undefined : RequestEnvelopeSchema.safeParse(raw);
      if (req?.success) void this.deps.post({ v: PROTOCOL_VERSION, kind: 'response', id: req.data.id, ok: false, error: { message: parsed.error.slice(0, 2000) } });
      return;
    }
    const m = parsed.message;
    if (m.kind === 'notification' && m.method === 'webview/ready') this.deps.onReady(m.params.viewState);
    else if (m.kind === 'notification' && m.method === 'log/show') this.deps.onShowLog();
    else if (m.kind === 'notification' && m.method === 'comparison/close') this.deps.onCloseComparison?.();
    else if (m.kind === 'notification' && m.method === 'comparison/refresh') this.deps.onRefreshComparison?.();
    else if (m.kind === 'request') void this.answer(m);
    else if (m.kind === 'cancel') this.pending.get(m.id)?.cancel();
    else this.deps.log.warn(`dropped a webview message: a ${m.kind} is not sent to the host`);
  }

  /** Runs a request's handler and always answers. */
  private async answer(m: ParsedRequest): Promise<void> {
    const cts = new vscode.CancellationTokenSource();
    this.pending.set(m.id, cts);
    try {
      const result = await this.deps.requests.handle(m, cts.token);
      await this.deps.post({ v: PROTOCOL_VERSION, kind: 'response', id: m.id, ok: true, result });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.deps.log.error(`panel request ${m.method} failed: ${message}`);
      await this.deps.post({ v: PROTOCOL_VERSION, kind: 'response', id: m.id, ok: false, error: { message } });
    } finally {
      this.pending.delete(m.id);
      cts.dispose();
    }
  }
}

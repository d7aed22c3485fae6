import {
  notification,
  parseMessage,
  parseResult,
  PROTOCOL_VERSION,
  type NotificationMethod,
  type ParamsOf,
  type ParsedNotification,
  type RequestMethod,
  type ResultOf,
} from '../src/contracts/protocol';
import type { VsCodeApi } from './vscode-api';

/** A request's outcome: the result, parsed with the method's result schema, or why there is none. */
export type Reply<M extends RequestMethod> = { ok: true; result: ResultOf<M> } | { ok: false; error: string };

/**
 * The webview's end of the protocol (src/contracts/protocol.ts): typed requests whose
 * results are parsed against the method's result schema on arrival (no casts), typed
 * notifications, and every message from the host validated before use; what does not
 * parse is dropped and logged to the webview console. Pending requests live here, not in
 * module globals, so a test can drive it with a fake `postMessage`.
 */
export class HostClient {
  private nextId = 0;
  /** Request id → how to settle it from the raw response (the waiter parses with its own method's schema). */
  private readonly waiting = new Map<string, (ok: boolean, raw: unknown, error?: string) => void>();

  constructor(
    private readonly api: Pick<VsCodeApi, 'postMessage'>,
    private readonly onNotification: (n: ParsedNotification) => void,
    private readonly warn: (text: string) => void = (t) => console.warn(`[shopfloor] ${t}`),
  ) {}

  /** Sends request `method` and resolves with its parsed result (the host always answers). */
  request<M extends RequestMethod>(method: M, params: ParamsOf<M>): Promise<Reply<M>> {
    const id = `w${++this.nextId}`;
    return new Promise<Reply<M>>((resolve) => {
      this.waiting.set(id, (ok, raw, error) => resolve(ok ? parseResult(method, raw) : { ok: false, error: error ?? 'the host refused the request' }));
      this.api.postMessage({ v: PROTOCOL_VERSION, kind: 'request', id, method, params });
    });
  }

  /** Sends notification `method`. */
  notify<M extends NotificationMethod>(method: M, params: ParamsOf<M>): void {
    this.api.postMessage(notification(method, params));
  }

  /** Handles one message from the host (the `message` event's data). */
  receive(data: unknown): void {
    const parsed = parseMessage(data, 'toWebview');
    if (!parsed.ok) {
      this.warn(`dropped a host message: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    if (m.kind === 'response') {
      const settle = this.waiting.get(m.id);
      if (!settle) return this.warn(`dropped a response to no request (${m.id})`);
      this.waiting.delete(m.id);
      settle(m.ok, m.result, m.error?.message);
    } else if (m.kind === 'notification') this.onNotification(m);
  }
}

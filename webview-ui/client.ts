import { checkHostMessage, PROTOCOL_VERSION } from '../src/contracts/protocol-wire';
import type { NotificationMethod, ParamsOf, ParsedNotification, RequestMethod, ResultOf } from '../src/contracts/protocol';
import type { VsCodeApi } from './vscode-api';

/** A request's outcome: the result the host sent for method `M`, or why there is none. */
export type Reply<M extends RequestMethod> = { ok: true; result: ResultOf<M> } | { ok: false; error: string };

/**
 * The webview's end of the protocol (src/contracts/protocol.ts): requests and
 * notifications typed by the method map, and every message from the host checked by
 * checkHostMessage (version, kind, direction) before use; what fails is dropped and logged
 * to the webview console. Payloads are typed by their method, not parsed: the host is the
 * trusted side and zod stays out of the panel's script (protocol-wire.ts says why).
 * Pending requests live here, not in module globals, so a test can drive it with a fake
 * `postMessage`.
 */
export class HostClient {
  private nextId = 0;
  /** Request id → how to settle it from the response (the waiter knows its own method's result type). */
  private readonly waiting = new Map<string, (ok: boolean, raw: unknown, error?: string) => void>();

  constructor(
    private readonly api: Pick<VsCodeApi, 'postMessage'>,
    private readonly onNotification: (n: ParsedNotification) => void,
    private readonly warn: (text: string) => void = (t) => console.warn(`[shopfloor] ${t}`),
  ) {}

  /** Sends request `method` and resolves with its result (the host always answers). */
  request<M extends RequestMethod>(method: M, params: ParamsOf<M>): Promise<Reply<M>> {
    const id = `w${++this.nextId}`;
    return new Promise<Reply<M>>((resolve) => {
      // The one place a result gets its method's type: the host answered this id, sent for `method`, with a value typed ResultOf<M> on its side.
      this.waiting.set(id, (ok, raw, error) => resolve(ok ? { ok: true, result: raw as ResultOf<M> } : { ok: false, error: error ?? 'the host refused the request' }));
      this.api.postMessage({ v: PROTOCOL_VERSION, kind: 'request', id, method, params });
    });
  }

  /** Sends notification `method`. */
  notify<M extends NotificationMethod>(method: M, params: ParamsOf<M>): void {
    this.api.postMessage({ v: PROTOCOL_VERSION, kind: 'notification', method, params });
  }

  /** Handles one message from the host (the `message` event's data). */
  receive(data: unknown): void {
    const parsed = checkHostMessage(data);
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
    } else this.onNotification({ v: PROTOCOL_VERSION, ...m } as ParsedNotification); // typed by its method, as the host built it
  }
}

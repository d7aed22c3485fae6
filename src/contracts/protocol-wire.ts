/**
 * The zod-free half of the webview protocol (protocol.ts holds the schemas): the version,
 * each method's direction and envelope kind, the vocabularies the panel's controls list,
 * and the check the webview runs on what the host sends. The panel's script imports only
 * this module and types from the others, so zod (193 KB of the script's 337 KB, and most
 * of its evaluation time) stays out of it (issue 14 "Start-up cost": panel first paint).
 *
 * Why the webview does not parse the host's params and results with the schemas: the
 * untrusted side of this boundary is the webview, and the host parses every message from
 * it (parseMessage 'toHost'). What the webview receives comes only from the extension
 * host (VS Code delivers a webview's messages from its host, nothing else), built from
 * values the compiler checked against the same method map; the unit tests parse every
 * snapshot their webview tests push with the schema, so the two cannot drift unnoticed.
 * The webview still refuses a message of another protocol version, kind or direction.
 */

/** The protocol version every message carries; a message of another version is dropped. */
export const PROTOCOL_VERSION = 1;

/** Most lines one `log/range` request may ask for. */
export const LOG_RANGE_MAX = 500;

/** Longest plan, in characters, that a reviewer may send back edited from a gate. */
export const PLAN_MAX_CHARS = 200_000;

/**
 * Direction and envelope kind of every method (protocol.ts's Methods spreads these, so a
 * method's route is written once). Method names read `noun/verb` for requests and
 * `noun/didX` for notifications.
 */
export const METHOD_ROUTES = {
  'webview/ready': { dir: 'toHost', kind: 'notification' },
  'state/didChange': { dir: 'toWebview', kind: 'notification' },
  'gate/decide': { dir: 'toHost', kind: 'request' },
  'packet/save': { dir: 'toHost', kind: 'request' },
  'packet/approve': { dir: 'toHost', kind: 'request' },
  'run/start': { dir: 'toHost', kind: 'request' },
  'run/push': { dir: 'toHost', kind: 'request' },
  'log/range': { dir: 'toHost', kind: 'request' },
  'log/search': { dir: 'toHost', kind: 'request' },
  'diff/open': { dir: 'toHost', kind: 'request' },
  'review/verdict': { dir: 'toHost', kind: 'request' },
  'review/open': { dir: 'toHost', kind: 'request' },
  'review/didStep': { dir: 'toWebview', kind: 'notification' },
  'comparison/close': { dir: 'toHost', kind: 'notification' },
  'comparison/refresh': { dir: 'toHost', kind: 'notification' },
  'log/show': { dir: 'toHost', kind: 'notification' },
} as const;

/** A method name of the protocol. */
export type RoutedMethod = keyof typeof METHOD_ROUTES;

/** A notification the host sends the webview. */
export type WebviewNotificationMethod = { [M in RoutedMethod]: (typeof METHOD_ROUTES)[M] extends { dir: 'toWebview'; kind: 'notification' } ? M : never }[RoutedMethod];

/** The four terminal states, in the decision table's order (terminal-state.ts builds its schema from this list). */
export const TERMINAL_STATES = ['PR_READY', 'NO_OP', 'ESCALATE', 'RETRYABLE_FAILURE'] as const;
/** A task packet's output formats (packet.ts). */
export const OUTPUT_FORMATS = ['pr', 'patch', 'investigation-note', 'no-op-report', 'escalation'] as const;
/** A task packet's risk classes (packet.ts). */
export const RISK_CLASSES = ['auto-ship', 'one-reviewer', 'hard-stop'] as const;
/** A reviewer's verdicts on an evidence bundle (review.ts). */
export const REVIEW_VERDICTS = ['accept', 'request-changes', 'reject'] as const;

/** A message from the host as the webview's check leaves it: envelope fields checked, payload as sent. */
export type HostMessage =
  | { kind: 'response'; id: string; ok: boolean; result: unknown; error?: { message: string } }
  | { kind: 'notification'; method: WebviewNotificationMethod; params: unknown };

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * Checks the envelope of a message the webview received: this protocol's version, a
 * response (string id, boolean ok, an error with a string message if any) or a
 * notification of a method the host sends the webview. Returns the message or why it was
 * refused; never throws. The payload is not parsed (see the module comment). Pure.
 */
export function checkHostMessage(raw: unknown): { ok: true; message: HostMessage } | { ok: false; error: string } {
  if (!isObject(raw)) return { ok: false, error: 'not an object' };
  if (raw.v !== PROTOCOL_VERSION) return { ok: false, error: `protocol version ${JSON.stringify(raw.v)}, expected ${PROTOCOL_VERSION}` };
  if (raw.kind === 'response') {
    if (typeof raw.id !== 'string' || !raw.id) return { ok: false, error: 'a response without an id' };
    if (typeof raw.ok !== 'boolean') return { ok: false, error: `response ${raw.id}: "ok" is not a boolean` };
    const error = raw.error;
    if (error !== undefined && !(isObject(error) && typeof error.message === 'string')) return { ok: false, error: `response ${raw.id}: "error" has no message` };
    return { ok: true, message: { kind: 'response', id: raw.id, ok: raw.ok, result: raw.result, ...(error ? { error: { message: error.message as string } } : {}) } };
  }
  if (raw.kind === 'notification') {
    const method = raw.method;
    const route = typeof method === 'string' && Object.hasOwn(METHOD_ROUTES, method) ? METHOD_ROUTES[method as RoutedMethod] : undefined;
    if (!route) return { ok: false, error: `unknown method ${JSON.stringify(method)}` };
    if (route.dir !== 'toWebview' || route.kind !== 'notification') return { ok: false, error: `method "${String(method)}" is not a notification to the webview` };
    return { ok: true, message: { kind: 'notification', method: method as WebviewNotificationMethod, params: raw.params } };
  }
  return { ok: false, error: `kind ${JSON.stringify(raw.kind)} is not sent to the webview` };
}

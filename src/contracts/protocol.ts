import { z } from 'zod';
import { AgentClaimSchema, BudgetSchema } from './agent';
import { GateChoiceSchema, GateRefSchema } from './run-event';
import { TerminalStateSchema } from './terminal-state';
import { ReviewVerdictKindSchema, ReviewViewSchema, VERDICT_COMMENT_MAX } from './review';
import { ComparisonViewSchema } from './comparison';
import { LOG_RANGE_MAX, METHOD_ROUTES as R, PLAN_MAX_CHARS, PROTOCOL_VERSION } from './protocol-wire';

/**
 * The webview protocol between the host and the panel (style.md "One contract").
 * Envelope kinds: request, response, notification, cancel. Every message carries the
 * protocol version; requests carry an id that their response and cancel repeat. The host
 * `safeParse`s every message from the webview and drops (and logs) what does not parse;
 * the webview checks envelopes only (protocol-wire.ts says why).
 * Method names read `noun/verb` for requests and `noun/didX` for notifications.
 */
export { PROTOCOL_VERSION, PLAN_MAX_CHARS, LOG_RANGE_MAX, METHOD_ROUTES, checkHostMessage, type HostMessage } from './protocol-wire';

const v = z.literal(PROTOCOL_VERSION);
const id = z.string().min(1).max(64);

export const RequestEnvelopeSchema = z.object({ v, kind: z.literal('request'), id, method: z.string(), params: z.unknown() });
export const ResponseEnvelopeSchema = z.object({
  v,
  kind: z.literal('response'),
  id,
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.object({ message: z.string(), code: z.string().optional() }).optional(),
});
export const NotificationEnvelopeSchema = z.object({ v, kind: z.literal('notification'), method: z.string(), params: z.unknown() });
export const CancelEnvelopeSchema = z.object({ v, kind: z.literal('cancel'), id });

export const EnvelopeSchema = z
  .discriminatedUnion('kind', [RequestEnvelopeSchema, ResponseEnvelopeSchema, NotificationEnvelopeSchema, CancelEnvelopeSchema])
  .describe('A webview protocol message.');
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** A station as the panel shows it. */
export const StationViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  status: z.enum(['pending', 'gate', 'running', 'passed', 'failed', 'skipped']),
  durationMs: z.number().min(0).nullable().default(null).describe("The last attempt's wall time, in milliseconds, once it finished."),
  attempts: z.number().int().min(0).default(0).describe('Attempts started so far.'),
  agent: z.string().nullable().default(null).describe("An agent station's agent: its name and CLI version, e.g. claude-code (@anthropic-ai/claude-code@2.1.3)."),
  usd: z.number().min(0).nullable().default(null).describe('What its agent attempts cost, in US dollars, when known.'),
  tokens: z.number().int().min(0).nullable().default(null).describe('Input plus output tokens of its agent attempts, when reported.'),
  note: z.string().nullable().default(null).describe('What the status means here, e.g. a reproduction that failed as it must ("reproduced: exit 1").'),
  failureExpected: z.boolean().default(false).describe('A reproduce station that failed as it must: every judged command reproduced the problem (its failure is the evidence, not an error).'),
});

/** A decided gate in the run's timeline: who decided what, when, after how long. */
export const GateDecisionViewSchema = z.object({
  gateId: z.string(),
  stationId: z.string(),
  position: z.enum(['before', 'after']),
  decision: z.string(),
  by: z.string().describe('The human (name <email>) or policy that decided.'),
  decidedAt: z.string().describe('ISO 8601 timestamp.'),
  humanMs: z.number().min(0).describe('Milliseconds the gate waited for the decision.'),
  reason: z.string().nullable().default(null),
});

/** An agent's claim at a gate (src/contracts/agent.ts AgentClaim), with the end it makes the line take, if any. */
export const GateClaimViewSchema = z.object({
  ...AgentClaimSchema.shape,
  claimEnded: z.enum(['NO_OP', 'ESCALATE']).nullable().default(null).describe('The implement agent ended on this claim and changed nothing; a human approval accepts it (rule T8c).'),
});
export type GateClaimView = z.infer<typeof GateClaimViewSchema>;

/** What the line itself found, shown beside an agent's claim so the reviewer need not take the agent's word. */
export const GateFactsViewSchema = z.object({
  packetRisk: z.string(),
  filesChanged: z.array(z.string()).describe('Files the diff under review changes (from the workspace, not the agent).'),
  diffFlags: z.array(z.string()),
  touchedRiskPaths: z.array(z.string()),
  preexistingFailures: z.array(z.string()),
  stations: z.array(z.object({ id: z.string(), role: z.string(), status: z.string() })).describe('Stations of the line that have finished, with their status (reproduction and validation results).'),
});
export type GateFactsView = z.infer<typeof GateFactsViewSchema>;

/** A budget gate's figures. */
export const GateBudgetViewSchema = z.object({
  exceeded: z.string().describe('Which budget was reached, with the figures.'),
  current: BudgetSchema.nullable().describe("The station's budget now; null: none set on the station (the run's budget was reached)."),
  agent: z.string().nullable(),
  outputTail: z.string().nullable(),
});
export type GateBudgetView = z.infer<typeof GateBudgetViewSchema>;

/** A written reproduction at the gate after its reproduce station (issue 11): the script, how it should fail, how it did. */
export const GateReproductionViewSchema = z.object({
  statement: z.string(),
  sha256: z.string(),
  expected: z.array(z.string()).describe('How it should fail, one line per stated condition, e.g. "exits with code 1".'),
  files: z.array(z.object({ path: z.string(), text: z.string() })),
  runs: z.array(
    z.object({
      argv: z.array(z.string()),
      exitCode: z.number().nullable(),
      timedOut: z.boolean(),
      verdict: z.string().nullable().describe('reproduced / not-reproduced / refused, with why.'),
      outputTail: z.string(),
    }),
  ),
});
export type GateReproductionView = z.infer<typeof GateReproductionViewSchema>;

/** The live log of the station running now (its readable agent or command output), capped to the last lines. */
export const StationLogViewSchema = z.object({
  stationId: z.string(),
  lines: z.array(z.string()).max(500).describe('The last lines of the log (lines [dropped, dropped+lines.length)); the panel asks `log/range` for the others.'),
  dropped: z.number().int().min(0).describe('Earlier lines not in this snapshot (the full log is in the run folder, served by `log/range`).'),
  total: z.number().int().min(0).optional().describe('Lines of the whole log (dropped + lines.length); absent from older hosts.'),
});

/** A `log/range` or `log/search` the host would not serve (another run's log, no such station), and why; the host logs it too. */
export const LogRefusalSchema = z.object({ refused: z.string().describe('Why the request was not served.') });
export type StationLogView = z.infer<typeof StationLogViewSchema>;

/** A command a station ran, as its gate shows it: argv, exit code (null: killed), whether it hit its bound, the tail of its output. */
export const GateCommandViewSchema = z.object({ argv: z.array(z.string()), exitCode: z.number().nullable(), timedOut: z.boolean(), outputTail: z.string() });
export type GateCommandView = z.infer<typeof GateCommandViewSchema>;

/** The task packet as a gate before a station shows it: the fields a person checks before letting the station run. */
export const GatePacketViewSchema = z.object({
  intent: z.string(),
  scope: z.array(z.string()),
  nonGoals: z.array(z.string()),
  reproduction: z.array(z.array(z.string())),
  validation: z.array(z.array(z.string())),
  risk: z.string(),
  outputFormat: z.string(),
});
export type GatePacketView = z.infer<typeof GatePacketViewSchema>;

/** A tool call the MCP gateway held for the output gate (issue 12), as the gate card lists it: approving the gate runs it unless the reviewer declines it. */
export const GateEffectViewSchema = z.object({
  id: z.string(),
  stationId: z.string(),
  tool: z.string().describe('Namespaced `server__tool`.'),
  reason: z.string().describe('Why it was held (its annotations, or the MCP config).'),
  arguments: z.string().describe('The call\'s arguments as JSON text, capped.'),
});
export type GateEffectView = z.infer<typeof GateEffectViewSchema>;

/** A pinned MCP tool whose definition changed during the run (src/contracts/mcp.ts ToolDrift): field by field, before and after. */
export const GateToolDriftViewSchema = z.object({
  tool: z.string(),
  pinned: z.string(),
  current: z.string(),
  changes: z.array(z.object({ field: z.string(), before: z.string(), after: z.string() })),
});
export type GateToolDriftView = z.infer<typeof GateToolDriftViewSchema>;

/** The gate waiting for a human, as the panel shows it (built by the host from the engine's Gate). */
export const OpenGateViewSchema = z.object({
  ...GateRefSchema.shape,
  runId: z.string().describe('The run whose gate this is: a decision names it and is refused at any other run.'),
  contentHash: z.string().describe('SHA-256 of what is under review; a decision carries it back and is refused when it no longer matches.'),
  summary: z.string(),
  content: z.string().describe('What is under review (diff, plan, results) as text, capped.'),
  allowed: z.array(GateChoiceSchema),
  plan: z.string().nullable().default(null).describe('The plan the reviewer may edit and approve at this gate; null where there is none to edit.'),
  claim: GateClaimViewSchema.nullable().default(null).describe("The station agent's claim, shown beside the line's own facts; null where the agent made none (or the station is not an agent's)."),
  facts: GateFactsViewSchema.nullable().default(null).describe("The line's own facts at this gate (diff flags, risk paths, earlier stations' results); null where there are none."),
  budget: GateBudgetViewSchema.nullable().default(null).describe('At a budget gate: what was reached and the budget now; the reviewer may retry with a raised budget. Null elsewhere.'),
  reproduction: GateReproductionViewSchema.nullable().default(null).describe('After a reproduce station whose agent wrote the reproduction: script, expected failure and actual output side by side. Null elsewhere.'),
  commands: z.array(GateCommandViewSchema).nullable().default(null).describe('After a command station: the commands it ran with their exit codes. Null elsewhere.'),
  text: z.string().nullable().default(null).describe('After a station that wrote text (a plan, an investigation note): the text. Null elsewhere.'),
  packet: GatePacketViewSchema.nullable().default(null).describe('At a gate before a station: the task packet it will work from. Null elsewhere.'),
  diffFiles: z.array(z.object({ path: z.string(), status: z.string() })).nullable().default(null).describe('After implement: each changed file with its status (added, modified, deleted, renamed). Null elsewhere.'),
  effects: z.array(GateEffectViewSchema).nullable().default(null).describe('At the output gate: tool calls the MCP gateway held; approving runs each one the reviewer did not decline. Null elsewhere.'),
  toolDrift: z.array(GateToolDriftViewSchema).nullable().default(null).describe('Pinned MCP tools whose definitions changed during the run (hidden from agents); approving this gate re-approves them. Null when none.'),
});
export type OpenGateView = z.infer<typeof OpenGateViewSchema>;

/** A problem in a document, with the path of the bad field (`reproduction[0].argv`). */
export const FieldProblemSchema = z.object({ path: z.string(), message: z.string() });
export type FieldProblem = z.infer<typeof FieldProblemSchema>;

/** The task packet open in the panel's form: its raw value (possibly invalid) and what is wrong with it. */
export const PacketViewSchema = z.object({
  file: z.string().describe('Workspace-relative path of the packet file.'),
  value: z.record(z.string(), z.unknown()).describe('The packet as stored, valid or not.'),
  problems: z.array(FieldProblemSchema),
  approval: z.object({ by: z.string(), at: z.string(), valid: z.boolean() }).nullable().describe('valid: the approval matches the current content hash.'),
  contentHash: z.string().nullable(),
  readOnly: z.boolean().describe('True in an untrusted workspace: nothing there is changed or approved.'),
});
export type PacketView = z.infer<typeof PacketViewSchema>;

/** What the panel shows; the host owns it and pushes numbered snapshots (stale ones are dropped). */
export const PanelSnapshotSchema = z.object({
  seq: z.number().int().min(0).describe('Increases with every push; the webview ignores lower numbers.'),
  workspace: z.object({ name: z.string(), trusted: z.boolean() }).nullable(),
  run: z
    .object({
      runId: z.string(),
      blueprint: z.string(),
      stations: z.array(StationViewSchema),
      gates: z.array(GateDecisionViewSchema).default([]).describe('Gates decided so far, in order.'),
      openGate: OpenGateViewSchema.nullable(),
      terminal: TerminalStateSchema.nullable(),
      evidence: z.string().nullable().default(null).describe('Path of the evidence Markdown, once written.'),
      output: z.string().nullable().default(null).describe('Output branch or report, once created.'),
      branch: z.string().nullable().default(null).describe('The output branch of a PR_READY run, which the user may push.'),
      log: StationLogViewSchema.nullable().default(null).describe('The running station\'s live output; null when no station runs.'),
    })
    .nullable(),
  packet: PacketViewSchema.nullable().default(null),
  review: ReviewViewSchema.nullable().default(null).describe("The evidence bundle shown: the finished run's, or one opened in reviewer mode; null when none."),
  comparison: ComparisonViewSchema.nullable().default(null).describe('A registry blueprint against its parent and forks ("Shopfloor: Compare Blueprint Versions"); null when none is shown.'),
  extensionVersion: z.string(),
});
export type PanelSnapshot = z.infer<typeof PanelSnapshotSchema>;

/** Descriptors of every method: direction, envelope kind, and the schema of its params (and result). */
export const Methods = {
  /** Webview → host, once its script has loaded: the host answers with `state/didChange`. */
  'webview/ready': { ...R['webview/ready'], params: z.object({ viewState: z.record(z.string(), z.unknown()).optional() }) },
  /** Host → webview: a new snapshot. */
  'state/didChange': { ...R['state/didChange'], params: PanelSnapshotSchema },
  /** Webview → host: a human gate decision from the panel. */
  'gate/decide': { ...R['gate/decide'],
    params: z
      .object({
        gateId: z.string(),
        runId: z.string().optional().describe('The run the decision is for; refused when another run\'s gate is open.'),
        contentHash: z.string().optional().describe('The content hash that was shown; refused when the open gate shows other content.'),
        decision: GateChoiceSchema,
        reason: z.string().max(4000).optional(),
        terminal: TerminalStateSchema.refine((t) => t.state === 'ESCALATE' || t.state === 'NO_OP', 'a rejection ends ESCALATE or NO_OP').optional(),
        editedPlan: z.string().max(PLAN_MAX_CHARS).optional().describe('With `edit`: the plan as the reviewer edited it; approved with the decision.'),
        raisedBudget: BudgetSchema.optional().describe('With `retry` at a budget gate: the station\'s new budget (the gate rules refuse it anywhere else).'),
        declinedEffects: z.array(z.string().max(200)).max(500).optional().describe('With `approve` at the output gate: ids of held tool calls the reviewer declined (discarded; the others run).'),
      })
      .refine((p) => p.decision !== 'edit' || (p.editedPlan !== undefined && p.editedPlan.trim() !== ''), {
        message: 'an edit carries the edited plan',
        path: ['editedPlan'],
      })
      .refine((p) => p.raisedBudget === undefined || p.decision === 'retry', { message: 'a raised budget comes only with retry', path: ['raisedBudget'] }),
    result: z.object({ accepted: z.boolean(), problem: z.string().optional().describe('Why the decision was not accepted; the gate stays open.') }),
  },
  /** Webview → host: validate and save the packet edited in the form; invalid values are not written. */
  'packet/save': { ...R['packet/save'],
    params: z.object({ file: z.string(), value: z.record(z.string(), z.unknown()) }),
    result: z.object({ saved: z.boolean(), problems: z.array(FieldProblemSchema) }),
  },
  /** Webview → host: the "Approve packet" gate, decided by the human who clicked it. */
  'packet/approve': { ...R['packet/approve'],
    params: z.object({ file: z.string() }),
    result: z.object({ approved: z.boolean(), message: z.string().optional() }),
  },
  /** Webview → host: start a run from the approved packet open in the form. */
  'run/start': { ...R['run/start'], params: z.object({ file: z.string() }), result: z.object({ started: z.boolean(), message: z.string().optional() }) },
  /** Webview → host: push a PR_READY run's branch to a remote of the user's repository and offer its pull request page. */
  'run/push': { ...R['run/push'],
    params: z.object({ runId: z.string() }),
    result: z.object({ pushed: z.boolean(), remote: z.string().optional(), url: z.string().optional(), message: z.string().optional() }),
  },
  /** Webview → host: lines [from, from+count) of a station's full log in the panel's run (the snapshot carries only its last lines). */
  'log/range': { ...R['log/range'],
    params: z.object({ runId: z.string().max(200), stationId: z.string().max(200), from: z.number().int().min(0), count: z.number().int().min(1).max(LOG_RANGE_MAX) }),
    result: z.union([z.object({ lines: z.array(z.string()).max(LOG_RANGE_MAX), total: z.number().int().min(0) }), LogRefusalSchema]),
  },
  /** Webview → host: the next or previous line of a station's log containing `query` (case-insensitive plain text), from `fromLine` (exclusive). */
  'log/search': { ...R['log/search'],
    params: z.object({ runId: z.string().max(200), stationId: z.string().max(200), query: z.string().min(1).max(500), fromLine: z.number().int().min(-1), direction: z.enum(['next', 'previous']) }),
    result: z.union([
      z.object({ line: z.number().int().min(0).nullable(), complete: z.boolean().describe('False when the search stopped at its time budget; ask again from `searchedTo`.'), searchedTo: z.number().int() }),
      LogRefusalSchema,
    ]),
  },
  /** Webview → host: open VS Code's diff editor for one file the run changed: the base commit on the left, the run's workspace (or output branch) on the right. */
  'diff/open': { ...R['diff/open'],
    params: z.object({ runId: z.string().max(200), path: z.string().min(1).max(1000) }),
    result: z.object({ opened: z.boolean(), message: z.string().optional() }),
  },
  /** Webview → host: record the reviewer's verdict on the bundle shown, in its run folder. */
  'review/verdict': { ...R['review/verdict'],
    params: z.object({
      runId: z.string().max(200),
      verdict: ReviewVerdictKindSchema,
      comment: z.string().max(VERDICT_COMMENT_MAX),
      sectionComments: z.record(z.string().max(64), z.string().max(VERDICT_COMMENT_MAX)).refine((r) => Object.keys(r).length <= 50, 'at most 50 section comments').default({}),
    }),
    result: z.object({ recorded: z.boolean(), message: z.string().optional() }),
  },
  /** Webview → host: switch the panel to reviewer mode on the finished run it shows (the same as "Shopfloor: Review Evidence Bundle" for that run). */
  'review/open': { ...R['review/open'], params: z.object({ runId: z.string().max(200) }), result: z.object({ opened: z.boolean(), message: z.string().optional() }) },
  /** Host → webview: the reviewer's next/previous section command (`Shopfloor: Next Evidence Section`). */
  'review/didStep': { ...R['review/didStep'], params: z.object({ delta: z.union([z.literal(1), z.literal(-1)]) }) },
  /** Webview → host: close the comparison view (the snapshot's `comparison` goes back to null). */
  'comparison/close': { ...R['comparison/close'], params: z.object({}) },
  /** Webview → host: read the registry again for the comparison shown (a remote registry is not watched); the new figures come as a snapshot. */
  'comparison/refresh': { ...R['comparison/refresh'], params: z.object({}) },
  /** Webview → host: show the log output channel. */
  'log/show': { ...R['log/show'], params: z.object({}) },
} as const;
export type MethodName = keyof typeof Methods;
// Every routed method has its schemas here (a route without them fails to compile).
const everyRouteHasSchemas: Record<keyof typeof R, unknown> = Methods;
void everyRouteHasSchemas;
export type ParamsOf<M extends MethodName> = z.infer<(typeof Methods)[M]['params']>;

/** Most characters (string contents and keys, summed) a message from the webview may carry; a bigger one is dropped unread. */
export const MAX_MESSAGE_CHARS = 2_000_000;
/** Deepest nesting a message from the webview may have. */
const MAX_MESSAGE_DEPTH = 64;
/** Keys that would reach an object's prototype when copied by assignment (prototype pollution); a message carrying one is dropped. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks the raw shape of a message from the webview before any schema reads it: at most
 * MAX_MESSAGE_CHARS characters of strings and keys, at most 64 levels deep, no
 * `__proto__`/`constructor`/`prototype` key anywhere. Walks iteratively and stops at the
 * first problem, so a 10 MB payload costs one bounded pass. Returns the problem or undefined. Pure.
 */
export function inspectRawMessage(raw: unknown): string | undefined {
  let chars = 0;
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: raw, depth: 0, path: '' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === 'string') chars += value.length;
    else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_MESSAGE_DEPTH) return `nested deeper than ${MAX_MESSAGE_DEPTH} levels at ${path || '(root)'}`;
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) return `forbidden key "${key}" at ${path || '(root)'}`;
        chars += key.length;
        stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: `${path}.${key}` });
      }
    }
    if (chars > MAX_MESSAGE_CHARS) return `larger than ${MAX_MESSAGE_CHARS} characters`;
  }
  return undefined;
}

/** A method of the protocol that is a request (it has a result). */
export type RequestMethod = { [M in MethodName]: (typeof Methods)[M]['kind'] extends 'request' ? M : never }[MethodName];
/** A method of the protocol that is a notification. */
export type NotificationMethod = Exclude<MethodName, RequestMethod>;
/** The result type of request method `M`, from its result schema. */
export type ResultOf<M extends RequestMethod> = Results[M];
type Results = { [M in RequestMethod]: z.infer<(typeof Methods)[M]['result']> };

/** A request as parsed: method and params typed together (switching on `method` narrows `params`). */
export type ParsedRequest = { [M in RequestMethod]: { v: typeof PROTOCOL_VERSION; kind: 'request'; id: string; method: M; params: ParamsOf<M> } }[RequestMethod];
/** A notification as parsed: method and params typed together. */
export type ParsedNotification = { [M in NotificationMethod]: { v: typeof PROTOCOL_VERSION; kind: 'notification'; method: M; params: ParamsOf<M> } }[NotificationMethod];
/** Any message after parseMessage: requests and notifications typed by method; responses and cancels as enveloped. */
export type ParsedMessage = ParsedRequest | ParsedNotification | z.infer<typeof ResponseEnvelopeSchema> | z.infer<typeof CancelEnvelopeSchema>;

/** Each request's result schema, keyed so that indexing with a generic method keeps its type (the compiler checks every entry against Methods). */
const RESULT_PARSERS: { [M in RequestMethod]: (x: unknown) => z.ZodSafeParseResult<Results[M]> } = {
  'gate/decide': (x) => Methods['gate/decide'].result.safeParse(x),
  'packet/save': (x) => Methods['packet/save'].result.safeParse(x),
  'packet/approve': (x) => Methods['packet/approve'].result.safeParse(x),
  'run/start': (x) => Methods['run/start'].result.safeParse(x),
  'run/push': (x) => Methods['run/push'].result.safeParse(x),
  'diff/open': (x) => Methods['diff/open'].result.safeParse(x),
  'log/range': (x) => Methods['log/range'].result.safeParse(x),
  'log/search': (x) => Methods['log/search'].result.safeParse(x),
  'review/verdict': (x) => Methods['review/verdict'].result.safeParse(x),
  'review/open': (x) => Methods['review/open'].result.safeParse(x),
};

/**
 * Parses a request's result against its method's result schema (the webview does this with
 * every response: results are typed because they were parsed, never by a cast).
 */
export function parseResult<M extends RequestMethod>(method: M, result: unknown): { ok: true; result: ResultOf<M> } | { ok: false; error: string } {
  const r = RESULT_PARSERS[method](result);
  return r.success ? { ok: true, result: r.data } : { ok: false, error: `bad result for ${method}: ${z.prettifyError(r.error)}` };
}

/**
 * Parses an incoming message: for messages to the host, the raw shape first
 * (inspectRawMessage: size, depth, forbidden keys), then the envelope, then the method's params.
 * Returns `{ ok: false, error }` with a path-qualified message for anything malformed,
 * unknown, or sent in the wrong direction; never throws.
 */
export function parseMessage(raw: unknown, expectDir: 'toHost' | 'toWebview'): { ok: true; message: ParsedMessage } | { ok: false; error: string } {
  // The host's own snapshots may be large (logs, evidence) and carry repository keys; only the webview's messages are untrusted input.
  if (expectDir === 'toHost') {
    const problem = inspectRawMessage(raw);
    if (problem) return { ok: false, error: `refused message: ${problem}` };
  }
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) return { ok: false, error: `bad envelope: ${z.prettifyError(env.error)}` };
  const m = env.data;
  if (m.kind === 'request' || m.kind === 'notification') {
    const d = (Methods as Record<string, { dir: string; kind: string; params: z.ZodType }>)[m.method];
    if (!d) return { ok: false, error: `unknown method "${m.method}"` };
    if (d.dir !== expectDir) return { ok: false, error: `method "${m.method}" is not sent ${expectDir}` };
    if (d.kind !== m.kind) return { ok: false, error: `method "${m.method}" is a ${d.kind}, got a ${m.kind}` };
    const p = d.params.safeParse(m.params);
    if (!p.success) return { ok: false, error: `bad params for ${m.method}: ${z.prettifyError(p.error)}` };
    // The method is known, its kind matches, and its params parsed with that method's own schema: this is the one place the pairing is asserted.
    return { ok: true, message: { ...m, params: p.data } as ParsedRequest | ParsedNotification };
  }
  return { ok: true, message: m };
}

/**
 * Why the host must not send snapshot `s`, or undefined when PanelSnapshotSchema accepts
 * it. The webview does not parse what the host sends (protocol-wire.ts), so the host
 * checks its own snapshots: a bug that puts NaN in a figure or drops a field is logged
 * with the path to the bad field, and the panel keeps showing the last good snapshot. Pure.
 */
export function snapshotProblem(s: PanelSnapshot): string | undefined {
  const r = PanelSnapshotSchema.safeParse(s);
  return r.success ? undefined : z.prettifyError(r.error);
}

/** Builds a notification envelope for `method`. */
export function notification<M extends MethodName>(method: M, params: ParamsOf<M>): Envelope {
  return { v: PROTOCOL_VERSION, kind: 'notification', method, params };
}

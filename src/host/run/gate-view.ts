import { AgentClaimSchema, BudgetSchema, type GateBudgetView, type GateCommandView, type GatePacketView, type GateClaimView, type GateFactsView, type GateReproductionView, type GateEffectView, type OpenGateView } from '../../contracts';
import type { Gate } from '../../core/run/ports';
import { describeExpectedFailure } from '../../core/run/reproduction-check';

/** How much of a gate's content (diff, plan, results) the panel shows, in characters. */
export const GATE_CONTENT_CAP = 200_000;

/**
 * The panel's view of an open gate (OpenGateView): the content as capped text, plus,
 * read from the engine's gate content and risk facts (engine.ts afterContent, GateRisk),
 * the agent's claim as a readable record, the line's own facts beside it, and a budget
 * gate's figures. Content that does not have the expected shape is only shown as text
 * (a claim that does not parse is not presented as one). The `facts.stations` list is
 * left empty here; the run view model fills it from the stations it has seen finish. Pure.
 */
export function openGateView(gate: Gate): OpenGateView {
  const c = (gate.content && typeof gate.content === 'object' ? gate.content : {}) as Record<string, unknown>;
  return {
    runId: gate.runId,
    gateId: gate.gateId,
    stationId: gate.stationId,
    position: gate.position,
    contentHash: gate.contentHash,
    summary: gate.summary,
    content: textOf(gate.content),
    allowed: [...gate.allowed],
    plan: gate.plan ?? null,
    claim: claimOf(c),
    facts: factsOf(gate, c),
    budget: budgetOf(gate, c),
    reproduction: reproductionOf(c),
    commands: c.reproduction ? null : commandsOf(c),
    text: typeof c.text === 'string' ? c.text : null,
    packet: gate.position === 'before' ? packetOf(c) : null,
    effects: effectsOf(c),
    toolDrift: gate.toolDrift?.length ? gate.toolDrift.map((d) => ({ tool: d.tool, pinned: d.pinned, current: d.current, changes: d.changes.map((x) => ({ field: x.field, before: x.before, after: x.after })) })) : null,
    diffFiles: Array.isArray(c.files) && typeof c.patch === 'string' ? c.files.map((f) => (typeof f === 'string' ? { path: f, status: 'changed' } : { path: String((f as { path?: unknown }).path ?? ''), status: String((f as { status?: unknown }).status ?? 'changed') })).filter((f) => f.path) : null,
  };
}

/** How much of a held call's arguments the gate card shows, in characters. */
const EFFECT_ARGS_CAP = 4000;

/** The tool calls the output gate holds (engine.ts run(): content `effects`, ProposedEffect), read field by field; null when it holds none. */
function effectsOf(c: Record<string, unknown>): GateEffectView[] | null {
  if (!Array.isArray(c.effects) || !c.effects.length) return null;
  return c.effects
    .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object' && typeof (e as { id?: unknown }).id === 'string')
    .map((e) => {
      const args = JSON.stringify(e.arguments ?? {}, null, 2) ?? '{}';
      return {
        id: String(e.id),
        stationId: typeof e.stationId === 'string' ? e.stationId : '',
        tool: `${String(e.server ?? '')}__${String(e.tool ?? '')}`,
        reason: typeof e.reason === 'string' ? e.reason : '',
        arguments: args.length > EFFECT_ARGS_CAP ? `${args.slice(0, EFFECT_ARGS_CAP)}\n… [${args.length - EFFECT_ARGS_CAP} more characters; see artifacts/tools/effects.json]` : args,
      };
    });
}

/** The commands of a command station's after gate (engine.ts afterContent `commands`), or null. */
function commandsOf(c: Record<string, unknown>): GateCommandView[] | null {
  if (!Array.isArray(c.commands)) return null;
  return c.commands
    .filter((x): x is Record<string, unknown> => !!x && typeof x === 'object')
    .map((x) => ({ argv: strings(x.argv), exitCode: typeof x.exitCode === 'number' ? x.exitCode : null, timedOut: x.timedOut === true, outputTail: typeof x.outputTail === 'string' ? x.outputTail : '' }));
}

/** The packet a before gate carries (engine.ts: `{ packet, plan }`), read field by field; null when it has none. */
function packetOf(c: Record<string, unknown>): GatePacketView | null {
  const p = c.packet as Record<string, unknown> | undefined;
  if (!p || typeof p !== 'object' || typeof p.intent !== 'string') return null;
  const argvs = (v: unknown) => (Array.isArray(v) ? v.map((x) => strings((x as { argv?: unknown } | null)?.argv)) : []);
  const scope = (p.scope as { paths?: unknown } | undefined)?.paths;
  return {
    intent: p.intent,
    scope: Array.isArray(scope) ? scope.map((s) => (s as { path?: unknown } | null)?.path).filter((x): x is string => typeof x === 'string') : [],
    nonGoals: strings(p.nonGoals),
    reproduction: argvs(p.reproduction),
    validation: argvs(p.validation),
    risk: typeof p.risk === 'string' ? p.risk : '',
    outputFormat: typeof p.outputFormat === 'string' ? p.outputFormat : '',
  };
}

/** The written reproduction under review (engine.ts afterContent `reproduction`), or null. */
function reproductionOf(c: Record<string, unknown>): GateReproductionView | null {
  const r = c.reproduction as { statement?: unknown; sha256?: unknown; expectFailure?: unknown; files?: unknown } | undefined;
  if (!r || typeof r.statement !== 'string' || typeof r.sha256 !== 'string' || !Array.isArray(r.files)) return null;
  const files = r.files.filter((f): f is { path: string; text: string } => !!f && typeof f.path === 'string' && typeof f.text === 'string');
  const runs = (Array.isArray(c.commands) ? c.commands : []).map((x: Record<string, unknown>) => {
    const v = x.verdict as { verdict?: unknown; reason?: unknown } | null | undefined;
    return {
      argv: strings(x.argv),
      exitCode: typeof x.exitCode === 'number' ? x.exitCode : null,
      timedOut: x.timedOut === true,
      verdict: v && typeof v.verdict === 'string' ? `${v.verdict}${typeof v.reason === 'string' && v.reason ? `: ${v.reason}` : ''}` : null,
      outputTail: typeof x.outputTail === 'string' ? x.outputTail : '',
    };
  });
  return { statement: r.statement, sha256: r.sha256, expected: describeExpectedFailure(r.expectFailure), files, runs };
}

function claimOf(c: Record<string, unknown>): GateClaimView | null {
  const parsed = AgentClaimSchema.safeParse(c.claim);
  if (!parsed.success) return null;
  const ended = c.claimEnded === 'NO_OP' || c.claimEnded === 'ESCALATE' ? c.claimEnded : null;
  return { ...parsed.data, claimEnded: ended };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function factsOf(gate: Gate, c: Record<string, unknown>): GateFactsView | null {
  // Shown at gates after a station (where there is a result to weigh), not before one.
  if (gate.position !== 'after' || gate.risk.budgetExceeded !== undefined) return null;
  const files = Array.isArray(c.files) ? c.files.map((f) => (typeof f === 'string' ? f : f && typeof f === 'object' && typeof (f as { path?: unknown }).path === 'string' ? (f as { path: string }).path : undefined)).filter((f): f is string => !!f) : [];
  return {
    packetRisk: gate.risk.packetRisk,
    filesChanged: files,
    diffFlags: [...new Set([...gate.risk.diffFlags, ...strings(c.flags)])],
    touchedRiskPaths: [...new Set([...gate.risk.touchedRiskPaths, ...strings(c.touchedRiskPaths)])],
    preexistingFailures: gate.risk.preexistingFailures ?? [],
    stations: [],
  };
}

function budgetOf(gate: Gate, c: Record<string, unknown>): GateBudgetView | null {
  if (gate.risk.budgetExceeded === undefined) return null;
  const current = BudgetSchema.safeParse(c.budget);
  return {
    exceeded: gate.risk.budgetExceeded,
    current: c.budget && current.success ? current.data : null,
    agent: typeof c.agent === 'string' ? c.agent : null,
    outputTail: typeof c.outputTail === 'string' ? c.outputTail : null,
  };
}

function textOf(content: unknown): string {
  const text = typeof content === 'string' ? content : (JSON.stringify(content, null, 2) ?? '');
  return text.length > GATE_CONTENT_CAP ? `${text.slice(0, GATE_CONTENT_CAP)}\n… [${text.length - GATE_CONTENT_CAP} more characters not shown; see the run folder]` : text;
}

import type { ToolDefinition } from '../../contracts/mcp';

/**
 * Whether a tool's calls change the world and must be held for the output gate. MCP tool
 * annotations (spec 2025-06-18, "Tool annotations") are hints: `readOnlyHint` defaults to
 * false and `destructiveHint` to true, so a tool is effectful unless it says it is
 * read-only, and always when it says it is destructive or the config marks it so.
 * Returns the reason, or undefined for a read-only tool.
 */
export function effectReason(def: ToolDefinition, configEffectful: readonly string[] = []): string | undefined {
  if (configEffectful.includes(def.name)) return 'marked effectful in the MCP config';
  const a = def.annotations ?? {};
  if (a['destructiveHint'] === true && a['readOnlyHint'] !== true) return 'its annotations say it is destructive';
  if (a['readOnlyHint'] !== true) return 'its annotations do not say it is read-only';
  return undefined;
}

/**
 * What becomes of the held effects after the output gate: which run and why each other one
 * is discarded. The one rule (issue 12, "Effects held at the gate"): a held call runs only
 * when the change shipped (`shipped`: the output gate was approved and the run ends
 * PR_READY), a human (not a policy) approved that gate, and that human did not decline the
 * call (`declinedEffects` of the gate decision, effect ids). Pure.
 */
export interface EffectPlan {
  /** Effect ids to execute, in the order given. */
  run: string[];
  /** Effect ids to discard, each with the reason the evidence and the audit log give. */
  discard: { id: string; reason: string }[];
}

export function planEffects(effectIds: readonly string[], shipped: boolean, answer?: { by: { kind: 'human' | 'policy'; name: string }; declinedEffects?: readonly string[] }): EffectPlan {
  const why = (id: string): string | undefined => {
    if (!shipped || !answer) return 'the output gate did not approve the change';
    if (answer.by.kind !== 'human') return `the output gate was decided by ${answer.by.name}: only a human approves held tool calls`;
    if (answer.declinedEffects?.includes(id)) return `declined at the output gate by ${answer.by.name}`;
    return undefined;
  };
  const plan: EffectPlan = { run: [], discard: [] };
  for (const id of effectIds) {
    const reason = why(id);
    if (reason === undefined) plan.run.push(id);
    else plan.discard.push({ id, reason });
  }
  return plan;
}

/** The ids of the held effects an output gate's content lists (engine.ts `effects`), or none. Pure. */
export function heldEffectIds(content: unknown): string[] {
  const effects = content && typeof content === 'object' ? (content as { effects?: unknown }).effects : undefined;
  if (!Array.isArray(effects)) return [];
  return effects.map((e) => (e && typeof e === 'object' ? (e as { id?: unknown }).id : undefined)).filter((id): id is string => typeof id === 'string');
}

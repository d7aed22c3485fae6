import { z } from 'zod';
import { TerminalStateNameSchema } from './terminal-state';

/**
 * What a coding-agent CLI reports, normalised (issue 10). Every agent adapter
 * (src/adapters/agents/<cli>.ts) turns its CLI's own event stream (Claude Code
 * stream-json, Codex `exec --json`, Gemini CLI stream-json, ...) into these events; the
 * generic `jsonl` adapter reads them as they are, one JSON object per line on stdout
 * (docs/agent-protocol.md, schema `schemas/agent-event.schema.json`).
 */

/** One tool call the agent made: name as the CLI names it, how long it took, how it ended. */
export const AgentToolCallSchema = z.object({
  name: z.string().min(1).max(200).describe('Tool name as the CLI reports it, e.g. Edit, Bash, mcp__gateway__search.'),
  durationMs: z.number().min(0).optional().describe('Wall time from the call to its result, in milliseconds, when known.'),
  outcome: z.enum(['ok', 'error', 'unknown']).describe('ok: the tool returned a result; error: it reported a failure; unknown: no result was seen.'),
});
export type AgentToolCall = z.infer<typeof AgentToolCallSchema>;

/** Tokens (and money, when priced) one model consumed in a station. */
export const AgentUsageSchema = z.object({
  model: z.string().min(1).max(200).describe('Model name as sent to the provider.'),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cacheReadTokens: z.number().int().min(0).optional(),
  cacheWriteTokens: z.number().int().min(0).optional(),
  usd: z.number().min(0).optional().describe('Cost in US dollars, from the price table (or as the CLI reported it).'),
});
export type AgentUsage = z.infer<typeof AgentUsageSchema>;

/**
 * The agent's machine-readable claim, the last thing it writes (a fenced `shopfloor-claim`
 * JSON block in its final message, core/agent/claim.ts). Evidence, not a decision: the
 * engine still reproduces, validates and decides, and a human still decides gates.
 */
export const AgentClaimSchema = z.object({
  terminal: TerminalStateNameSchema.describe('The terminal state the agent believes the job has reached.'),
  summary: z.string().min(1).max(4000).describe('What was done, or why nothing was.'),
  filesChanged: z.array(z.string().max(1000)).max(1000).default([]),
  validationRun: z.array(z.string().max(2000)).max(200).default([]).describe('Commands the agent ran to check its work.'),
  residualUncertainty: z.string().max(4000).default('').describe('What the agent is not sure of.'),
  reasoning: z.string().max(8000).optional().describe('For NO_OP or ESCALATE: why, for the human at the gate.'),
});
export type AgentClaim = z.infer<typeof AgentClaimSchema>;

/**
 * The generic agent event protocol (docs/agent-protocol.md): one JSON object per line on
 * the agent's stdout. Lines that are not JSON are kept as log text. Only `final` is
 * required of an agent that finishes; the rest are optional and may repeat.
 */
export const AgentEventSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('log'), text: z.string().max(100_000).describe('A line for the station log.') }),
    z.object({ type: z.literal('session'), id: z.string().min(1).max(200).describe('Session id a revise round may continue.') }),
    z.object({ type: z.literal('tool'), ...AgentToolCallSchema.shape }),
    z.object({ type: z.literal('usage'), ...AgentUsageSchema.shape }),
    z.object({ type: z.literal('final'), text: z.string().max(200_000).describe("The agent's final message (holds the claim block).") }),
  ])
  .describe('One event of the Shopfloor agent JSONL protocol.');
export type AgentEvent = z.infer<typeof AgentEventSchema>;

/** Limits on one station or one run: tokens (input + output), money and wall time; absent: no limit of that kind. */
export const BudgetSchema = z.object({
  tokens: z.number().int().positive().max(1e10).optional().describe('Input plus output tokens.'),
  usd: z.number().positive().max(1e6).optional().describe('US dollars at the price table.'),
  wallMs: z.number().int().positive().max(2_147_483_647).optional().describe('Wall time in milliseconds.'),
});
export type Budget = z.infer<typeof BudgetSchema>;

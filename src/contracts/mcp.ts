import { z } from 'zod';
import { Sha256Schema, SlugSchema, TimestampSchema, boundedList } from './common';

/**
 * Contracts of the MCP gateway (design.md "Security"; issue 12): the team's MCP servers
 * as configured, the tools a station is shown, the calls it made (audit records) and the
 * effects held for the output gate. The protocol itself is MCP (modelcontextprotocol.io,
 * revision 2025-06-18), spoken through @modelcontextprotocol/sdk; these are Shopfloor's
 * own records around it.
 */

/** Name of a host environment variable (credentials are read from the host's environment by the gateway, never written into config). */
const EnvNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

const ServerCommon = {
  name: SlugSchema.refine((s) => !s.includes('__'), 'a server name may not contain "__" (it separates server and tool in a namespaced tool name)').describe('Namespace of the server\'s tools: a station sees `<name>__<tool>`.'),
  effectful: boundedList(z.string()).optional().describe('Tool names of this server that change the world whatever their annotations say: their calls are held for the output gate.'),
  timeoutMs: z.number().int().min(100).max(600_000).optional().describe('Per-call limit, milliseconds (default 30000).'),
};

/** A team MCP server started by the gateway on the host, spoken to over stdio. */
export const StdioToolServerSchema = z.object({
  ...ServerCommon,
  transport: z.literal('stdio'),
  command: z.string().min(1),
  args: boundedList(z.string()).default([]),
  cwd: z.string().optional(),
  env: z.record(z.string(), EnvNameSchema).optional().describe('Variables the server process gets, each read from the named host variable (credentials stay on the host).'),
});

/** A team MCP server reached over Streamable HTTP. */
export const HttpToolServerSchema = z.object({
  ...ServerCommon,
  transport: z.literal('http'),
  url: z.url(),
  headers: z.record(z.string(), EnvNameSchema).optional().describe('Request headers the gateway adds, each read from the named host variable (e.g. {"Authorization": "DOCS_TOKEN"}).'),
});

/** One team MCP server behind the gateway. */
export const ToolServerSchema = z.discriminatedUnion('transport', [StdioToolServerSchema, HttpToolServerSchema]);
export type ToolServer = z.infer<typeof ToolServerSchema>;

/** `.shopfloor/mcp.json` (workspace, trusted workspaces only) or `~/.shopfloor/mcp.json` (user): the team MCP servers the gateway may reach. */
export const McpConfigSchema = z
  .object({ servers: boundedList(ToolServerSchema).default([]) })
  .strict()
  .describe('Shopfloor MCP gateway configuration: the team MCP servers agents may reach through the gateway (only the tools a packet allows).');
export type McpConfig = z.infer<typeof McpConfigSchema>;

/** What the gateway pins of a tool definition (MCP `Tool`): the fields a station's agent reads. */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/** A tool's definition pinned by hash: `tool` is the namespaced name (`server__tool`). */
export const ToolPinSchema = z.object({ tool: z.string(), sha256: Sha256Schema });
export type ToolPin = z.infer<typeof ToolPinSchema>;

/** A pinned tool whose definition changed during the run: hidden from stations until a human re-approves it at a gate. */
export const ToolDriftSchema = z.object({
  tool: z.string(),
  pinned: Sha256Schema,
  current: Sha256Schema,
  /** Field by field, what changed (description, inputSchema, annotations): before and after as JSON text. */
  changes: z.array(z.object({ field: z.string(), before: z.string(), after: z.string() })),
});
export type ToolDrift = z.infer<typeof ToolDriftSchema>;

/** What the gateway decided about one call. */
export const ToolDecisionSchema = z.enum(['allowed', 'denied', 'queued', 'executed', 'discarded']);
export type ToolDecision = z.infer<typeof ToolDecisionSchema>;

/**
 * One line of the run's audit log (`tools/audit.jsonl`): a call or listing the gateway
 * answered. Arguments and results are kept only as SHA-256 digests of their canonical
 * JSON. `hash` = SHA-256 of `prev` + the canonical JSON of the record without `hash`, and
 * `prev` is the previous line's hash (64 zeros for the first): a changed, removed or
 * reordered line breaks the chain at that line.
 */
export const AuditRecordSchema = z.object({
  seq: z.number().int().min(1),
  at: TimestampSchema,
  runId: z.string(),
  stationId: z.string(),
  attempt: z.number().int().min(0),
  agent: z.string().describe('The agent identity the station token was issued to (e.g. claude).'),
  delegatedBy: z.string().describe('The human the agent acts for (who started the run), or `unattended`.'),
  server: z.string().describe('Team server name, or `shopfloor` for the factory tools.'),
  tool: z.string(),
  decision: ToolDecisionSchema,
  reason: z.string().optional(),
  durationMs: z.number().min(0),
  argsSha256: Sha256Schema,
  resultSha256: Sha256Schema.optional(),
  isError: z.boolean().optional(),
  prev: Sha256Schema,
  hash: Sha256Schema,
}).describe('One record of the MCP gateway\'s hash-chained audit log (artifacts/tools/audit.jsonl): a tool call and what the gateway decided, with digests of its arguments and result.');
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/**
 * A call of an effectful tool held by the gateway (`tools/effects.json`): shown at the
 * output gate and executed only after it approves. Its arguments are kept raw (a human
 * must see what would be done) in the run folder, which stays on this machine.
 */
export const ProposedEffectSchema = z.object({
  id: z.string(),
  stationId: z.string(),
  attempt: z.number().int().min(0),
  server: z.string(),
  tool: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  argsSha256: Sha256Schema,
  reason: z.string().describe('Why it is effectful (annotations or config).'),
  proposedAt: TimestampSchema,
});
export type ProposedEffect = z.infer<typeof ProposedEffectSchema>;

/** What became of a proposed effect after the output gate. */
export const EffectOutcomeSchema = z.object({
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  argsSha256: Sha256Schema,
  state: z.enum(['executed', 'failed', 'discarded']),
  resultSha256: Sha256Schema.optional(),
  /** The result's text content, cut to 2000 characters, for the evidence. */
  resultText: z.string().optional(),
  detail: z.string().optional(),
});
export type EffectOutcome = z.infer<typeof EffectOutcomeSchema>;

/** The evidence bundle's account of the gateway: calls by decision, effects and their outcomes, drift. */
export const ToolEvidenceSchema = z.object({
  audit: z.string().describe('Run-folder path of the audit log.'),
  auditHead: z
    .object({ records: z.number().int().min(0), hash: Sha256Schema })
    .optional()
    .describe("The audit log's length and last hash when the evidence was written: the journal binds the evidence, so a cut or rewritten log fails `shopfloor verify`."),
  calls: z.array(z.object({ at: TimestampSchema, stationId: z.string(), server: z.string(), tool: z.string(), decision: ToolDecisionSchema, reason: z.string().optional(), durationMs: z.number(), argsSha256: Sha256Schema, resultSha256: Sha256Schema.optional() })),
  effects: z.array(EffectOutcomeSchema),
  pins: z.array(ToolPinSchema),
  drift: z.array(ToolDriftSchema),
  /** Artifacts the agents recorded with `record_evidence`: run-folder path, label and digest. */
  recorded: z.array(z.object({ stationId: z.string(), label: z.string(), path: z.string(), sha256: Sha256Schema })),
  /** Terminal states the agents reported with `report_terminal_state`: claims, never decisions. */
  claims: z.array(z.object({ stationId: z.string(), state: z.string(), reason: z.string().optional(), detail: z.string().optional() })),
});
export type ToolEvidence = z.infer<typeof ToolEvidenceSchema>;

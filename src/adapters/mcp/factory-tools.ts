import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CommandSpec, ToolDefinition } from '../../contracts';
import { TERMINAL_STATES } from '../../contracts';
import type { StationEnvironment, ToolStation } from '../../core/run/ports';
import { errorResult } from './upstream';

/** Characters of a command's output a factory tool returns (its tail). */
const OUTPUT_TAIL = 8000;

/**
 * The factory tools the gateway serves itself (issue 12, item 2). They run in the
 * station's own container (`run_reproduction`, `run_validation`), hand the agent its
 * packet, or record what it says: `record_evidence` stores an artifact, and
 * `report_terminal_state` records the agent's claim as evidence. No tool decides a gate.
 */
export const FACTORY_TOOLS: readonly ToolDefinition[] = [
  {
    name: 'get_task_packet',
    description: 'The task packet this station works on (intent, scope, non-goals, reproduction, validation, no-op rules, evidence required), as JSON.',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'run_reproduction',
    description: "Runs the packet's reproduction in this station's container and returns each command's exit code and output tail. While the problem exists it is expected to fail.",
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: 'run_validation',
    description: "Runs the packet's validation commands in this station's container and returns each command's exit code and output tail; all must pass after the change.",
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: 'record_evidence',
    description: 'Records an artifact (text, at most 256 KiB) with a label in the run\'s evidence bundle, for the reviewer.',
    inputSchema: { type: 'object', properties: { label: { type: 'string', maxLength: 200 }, content: { type: 'string' } }, required: ['label', 'content'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'report_terminal_state',
    description: 'Reports the terminal state you claim for this task (PR_READY, NO_OP, ESCALATE, RETRYABLE_FAILURE) with a reason. It is recorded as evidence beside the line\'s own; a human and the line\'s rules decide the run.',
    inputSchema: { type: 'object', properties: { state: { type: 'string', enum: [...TERMINAL_STATES] }, reason: { type: 'string' }, detail: { type: 'string' } }, required: ['state'] },
    annotations: { readOnlyHint: true },
  },
];

/** What the factory tools need from the gateway: where to store a recorded artifact and claim. */
export interface FactorySink {
  recordEvidence(station: ToolStation, label: string, content: string): Promise<{ path: string }>;
  recordClaim(station: ToolStation, claim: { state: string; reason?: string; detail?: string }): void;
}

/** Calls a factory tool for a station. Never throws: bad arguments and failed commands are error results. */
export async function callFactoryTool(name: string, args: Record<string, unknown>, station: ToolStation, sink: FactorySink): Promise<CallToolResult> {
  switch (name) {
    case 'get_task_packet':
      return text(JSON.stringify(station.packet, null, 2));
    case 'run_reproduction':
      return runCommands(station.environment, station.packet.reproduction, 'reproduction');
    case 'run_validation':
      return runCommands(station.environment, station.packet.validation, 'validation');
    case 'record_evidence': {
      const label = args['label'];
      const content = args['content'];
      if (typeof label !== 'string' || !label.trim() || label.length > 200) return errorResult('record_evidence: `label` must be a non-empty string of at most 200 characters');
      if (typeof content !== 'string') return errorResult('record_evidence: `content` must be a string');
      if (Buffer.byteLength(content, 'utf8') > 256 * 1024) return errorResult('record_evidence: `content` is over 256 KiB');
      const { path } = await sink.recordEvidence(station, label, content);
      return text(`recorded as ${path}`);
    }
    case 'report_terminal_state': {
      const state = args['state'];
      if (typeof state !== 'string' || !(TERMINAL_STATES as readonly string[]).includes(state)) return errorResult(`report_terminal_state: \`state\` must be one of ${TERMINAL_STATES.join(', ')}`);
      const reason = typeof args['reason'] === 'string' ? args['reason'] : undefined;
      const detail = typeof args['detail'] === 'string' ? args['detail'] : undefined;
      sink.recordClaim(station, { state, ...(reason ? { reason } : {}), ...(detail ? { detail } : {}) });
      return text(`recorded your claim ${state} as evidence; the run is decided by its gates and rules`);
    }
    default:
      return errorResult(`no factory tool ${name}`);
  }
}

async function runCommands(env: StationEnvironment, commands: readonly CommandSpec[], what: string): Promise<CallToolResult> {
  if (!commands.length) return errorResult(`the packet has no ${what} commands`);
  const results = [];
  for (const c of commands) {
    let out = '';
    const r = await env.exec(c.argv, { ...(c.cwd ? { cwd: c.cwd } : {}), ...(c.env ? { env: c.env } : {}), timeoutMs: (c.timeoutSec ?? 600) * 1000, onOutput: (s) => (out = (out + s).slice(-OUTPUT_TAIL)) });
    results.push({ argv: c.argv, exitCode: r.exitCode, endReason: r.endReason, durationMs: r.durationMs, outputTail: out });
  }
  return { content: [{ type: 'text', text: JSON.stringify(results, null, 2) }], structuredContent: { results }, isError: false };
}

function text(t: string): CallToolResult {
  return { content: [{ type: 'text', text: t }] };
}

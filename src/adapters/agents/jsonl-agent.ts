import type { CommandSpec } from '../../contracts';
import { parseProtocolLine } from '../../core/agent/events';
import type { AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';
import { commandName, GIVE_UP_EXIT } from './command-agent';
import { mergeStderr, runStreamAgent } from './stream-agent';

/**
 * The generic JSONL agent (blueprint `agent: 'jsonl'`): runs the station's `command` (else
 * `fallback`) in the station environment; the command speaks the Shopfloor agent protocol
 * of docs/agent-protocol.md on stdout (one AgentEvent per line, schema
 * schemas/agent-event.schema.json). The task arrives in environment variables:
 * SHOPFLOOR_PROMPT (the station prompt text), SHOPFLOOR_ROLE, SHOPFLOOR_PACKET (JSON),
 * SHOPFLOOR_PLAN, SHOPFLOOR_SESSION (a session of an earlier round, or empty),
 * SHOPFLOOR_FEEDBACK, SHOPFLOOR_READ_ONLY (`1` or `0`), plus task.modelAccess.env (model
 * proxy URLs, placeholder keys). Exit 0 with a `final` event: done; exit 3: gave up.
 * Non-JSON lines (its stderr too: it is merged onto stdout, see mergeStderr) are log text;
 * an invalid event is logged with its bad field and skipped.
 */
export class JsonlAgentRunner implements AgentRunner {
  constructor(private readonly fallback?: CommandSpec) {}

  async run(task: AgentTask): Promise<AgentResult> {
    const spec = (task.station.kind === 'agent' ? task.station.command : undefined) ?? this.fallback;
    if (!spec)
      return {
        outcome: 'error',
        exitCode: null,
        durationMs: 0,
        output: `station ${task.station.id} uses the jsonl agent but names no command: give it a command that speaks docs/agent-protocol.md`,
        truncated: false,
        agent: 'jsonl:none',
      };
    return runStreamAgent({
      task,
      argv: mergeStderr(spec.argv),
      cwd: spec.cwd,
      env: { ...(spec.env ?? {}), ...protocolEnv(task) },
      parser: { line: (line) => [parseProtocolLine(line)] },
      agent: `jsonl:${commandName(spec.argv).slice('command:'.length)}`,
      giveUpExit: GIVE_UP_EXIT,
    });
  }
}

/** The protocol's environment variables for `task` (docs/agent-protocol.md "Environment"); model access last, so a station's own env cannot fake it. */
export function protocolEnv(task: AgentTask): Record<string, string> {
  return {
    SHOPFLOOR_PROMPT: task.prompt?.text ?? (task.station.kind === 'agent' ? (task.station.prompt ?? '') : ''),
    SHOPFLOOR_ROLE: task.role,
    SHOPFLOOR_PACKET: JSON.stringify(task.packet),
    SHOPFLOOR_PLAN: task.plan ?? '',
    SHOPFLOOR_SESSION: task.session ?? '',
    SHOPFLOOR_FEEDBACK: task.feedback ?? '',
    SHOPFLOOR_READ_ONLY: task.readOnly ? '1' : '0',
    ...(task.modelAccess?.env ?? {}),
  };
}

import type { CommandSpec } from '../../contracts';
import type { AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';

/** Exit code by which a command agent says it gives up (the task cannot be done as asked). */
export const GIVE_UP_EXIT = 3;

/**
 * An AgentRunner that runs a plain command in the station environment: the station's own
 * `command`, else `fallback`. The task is passed in environment variables:
 * SHOPFLOOR_ROLE, SHOPFLOOR_PACKET (JSON), SHOPFLOOR_PLAN, SHOPFLOOR_FEEDBACK,
 * SHOPFLOOR_PROMPT. Exit 0: done (its output is the plan or note for those roles);
 * exit 3: gave up; anything else: error. Real agent CLI adapters (Claude Code, Codex, ...)
 * come in a later issue and implement the same port.
 */
export class CommandAgentRunner implements AgentRunner {
  constructor(private readonly fallback?: CommandSpec) {}

  async run(task: AgentTask): Promise<AgentResult> {
    const spec = (task.station.kind === 'agent' ? task.station.command : undefined) ?? this.fallback;
    const name = spec ? commandName(spec.argv) : 'none';
    if (!spec)
      return {
        outcome: 'error',
        exitCode: null,
        durationMs: 0,
        output: `no agent is wired for station ${task.station.id}: give the station a command or pass --agent-command`,
        truncated: false,
        agent: name,
      };
    const r = await task.environment.exec(spec.argv, {
      cwd: spec.cwd,
      timeoutMs: task.timeoutMs,
      signal: task.signal,
      onOutput: task.onOutput,
      env: {
        ...(spec.env ?? {}),
        SHOPFLOOR_ROLE: task.role,
        SHOPFLOOR_PACKET: JSON.stringify(task.packet),
        SHOPFLOOR_PLAN: task.plan ?? '',
        SHOPFLOOR_FEEDBACK: task.feedback ?? '',
        SHOPFLOOR_PROMPT: task.station.kind === 'agent' ? (task.station.prompt ?? '') : '',
      },
    });
    const outcome: AgentResult['outcome'] = r.endReason === 'timeout' ? 'timeout' : r.endReason === 'exited' && r.exitCode === 0 ? 'done' : r.endReason === 'exited' && r.exitCode === GIVE_UP_EXIT ? 'gave-up' : 'error';
    return {
      outcome,
      exitCode: r.exitCode,
      endReason: r.endReason,
      endDetail: r.endDetail,
      durationMs: r.durationMs,
      output: r.output,
      truncated: r.truncated,
      text: outcome === 'done' ? r.output : undefined,
      agent: name,
    };
  }
}

/**
 * A short name for a command agent, for the `Agent:` commit trailer and the evidence:
 * `command:` and the argv, cut at 60 characters and at the first line break.
 */
export function commandName(argv: readonly string[]): string {
  const text = argv.join(' ').split('\n')[0]!;
  return `command:${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
}

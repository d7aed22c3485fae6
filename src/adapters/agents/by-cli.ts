import type { AGENT_CLIS, Station } from '../../contracts';

type AgentCli = (typeof AGENT_CLIS)[number];
import type { AgentPreparation, AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';

/**
 * An AgentRunner that hands each agent station to the runner of its `agent` CLI (e.g.
 * `claude` to ClaudeCodeRunner) and every other station, or one whose CLI has no runner
 * here, to `fallback` (the command agent). `prepare` is the chosen runner's.
 */
export class AgentRunnerByCli implements AgentRunner {
  constructor(
    private readonly runners: Partial<Record<AgentCli, AgentRunner>>,
    private readonly fallback: AgentRunner,
  ) {}

  async prepare(station: Station): Promise<AgentPreparation> {
    return (await this.pick(station).prepare?.(station)) ?? { volumes: [] };
  }

  run(task: AgentTask): Promise<AgentResult> {
    return this.pick(task.station).run(task);
  }

  private pick(station: Station): AgentRunner {
    return (station.kind === 'agent' && station.agent ? this.runners[station.agent] : undefined) ?? this.fallback;
  }
}

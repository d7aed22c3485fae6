import type { Station } from '../../contracts';
import type { AgentPreparation, AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';
import { AiderOutputParser } from './aider-events';
import { protocolEnv } from './jsonl-agent';
import { runStreamAgent } from './stream-agent';

/** What a station says when its image has no Aider: Aider is a Python CLI, not on npm, so the agent-CLI install cache cannot bring it. */
export const AIDER_MISSING = 'the aider agent needs Aider installed in the station image (pip install aider-chat, so that `aider` is on the PATH); this image has none';

/** How the Aider adapter reaches the CLI and the model. */
export interface AiderOptions {
  /** Model name passed with `--model` (an OpenAI model name: the model proxy's OpenAI endpoint serves it). */
  model: string;
  /** argv prefix that starts the CLI inside the station; default `['aider']` (on the image's PATH). */
  command?: readonly string[];
  /** The OpenAI endpoint and the variable of model access holding its key; defaults task.modelAccess.env.OPENAI_BASE_URL and `OPENAI_API_KEY`. */
  provider?: { baseUrl?: string; envKey?: string };
}

/**
 * Runs Aider (`aider-chat` from PyPI) in the station environment, expecting it on the station
 * image's PATH (nothing installs it: the agent-CLI cache installs npm packages only):
 * `aider --message=PROMPT --model MODEL --yes-always --no-pretty --no-stream --no-auto-commits
 * --no-dirty-commits --no-gitignore --no-check-update --no-show-release-notes --no-analytics
 * --no-fancy-input --no-detect-urls --no-suggest-shell-commands </dev/null` in the workspace, with
 * OPENAI_API_BASE and OPENAI_API_KEY from model access (the run's model proxy and its
 * placeholder key; Aider's --openai-api-base sets the same variable), the protocol variables
 * of the jsonl adapter and task.modelAccess.env. Aider's own commits are off: the line
 * commits the station's work itself. First `aider --version`: when that fails the station
 * ends in error with AIDER_MISSING and Aider is not started. Output is read by
 * AiderOutputParser. Aider keeps no resumable session here (its chat history is a file in
 * the workspace), so task.session is not used. Aider exits 0 after `--message` even when the
 * model call failed: the parser reports those errors as failures.
 */
export class AiderAgentRunner implements AgentRunner {
  constructor(private readonly opts: AiderOptions) {}

  /** Nothing to mount (Aider comes with the image); the station needs the model proxy. */
  async prepare(_station: Station): Promise<AgentPreparation> {
    return { volumes: [], needsModel: true };
  }

  async run(task: AgentTask): Promise<AgentResult> {
    const command = this.opts.command ?? ['aider'];
    const access = task.modelAccess?.env ?? {};
    const env: Record<string, string> = { ...protocolEnv(task), ...aiderEnv({ baseUrl: this.opts.provider?.baseUrl ?? access.OPENAI_BASE_URL, key: access[this.opts.provider?.envKey ?? 'OPENAI_API_KEY'] }) };
    const started = Date.now();
    const v = await task.environment.exec(inStation([...command, '--version']), { env, timeoutMs: 60_000, signal: task.signal }).catch(() => undefined);
    const m = v?.exitCode === 0 ? /^\s*(?:aider\s+)?v?(\d+\.\d+\.\d+\S*)\s*$/m.exec(v.output) : null;
    if (!m) {
      const output = `[shopfloor] station ${task.station.id}: ${AIDER_MISSING}${v ? ` (\`${command.join(' ')} --version\` exited ${v.exitCode}: ${v.output.trim().split('\n').slice(-3).join(' / ').slice(0, 500)})` : ''}\n`;
      task.onOutput?.(output);
      return { outcome: 'error', exitCode: v?.exitCode ?? null, durationMs: Date.now() - started, output, truncated: false, endDetail: AIDER_MISSING, agent: 'aider' };
    }
    const prompt = task.prompt?.text ?? (task.station.kind === 'agent' ? (task.station.prompt ?? '') : '');
    return runStreamAgent({ task, argv: inStation(aiderArgv({ command, model: this.opts.model, prompt })), env, parser: new AiderOutputParser(this.opts.model), agent: 'aider', version: `aider-chat@${m[1]}` });
  }
}

/** Aider's environment for the model proxy (litellm reads OPENAI_API_BASE), exported for tests. */
export function aiderEnv(o: { baseUrl?: string; key?: string }): Record<string, string> {
  return { ...(o.baseUrl ? { OPENAI_API_BASE: o.baseUrl } : {}), ...(o.key ? { OPENAI_API_KEY: o.key } : {}), NO_COLOR: '1' };
}

/** The argv of one Aider station run (without the station wrapper), exported for tests. */
export function aiderArgv(o: { command: readonly string[]; model: string; prompt: string }): string[] {
  return [
    ...o.command,
    // `--message=TEXT`: one argument however the text starts.
    `--message=${o.prompt}`,
    '--model', o.model,
    '--yes-always',
    '--no-pretty',
    '--no-stream',
    '--no-auto-commits',
    '--no-dirty-commits',
    '--no-gitignore',
    '--no-check-update',
    '--no-show-release-notes',
    '--no-analytics',
    '--no-fancy-input',
    '--no-detect-urls',
    '--no-suggest-shell-commands',
  ];
}

/** Runs argv with stdin from /dev/null and stderr onto stdout (mergeStderr in stream-agent.ts says why); argv stays positional. */
function inStation(argv: readonly string[]): string[] {
  return ['sh', '-c', 'exec "$@" </dev/null 2>&1', 'aider', ...argv];
}

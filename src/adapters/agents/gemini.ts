import type { AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';
import { GeminiEventParser } from './gemini-events';
import { protocolEnv } from './jsonl-agent';
import { runStreamAgent } from './stream-agent';

/** How the Gemini adapter reaches the CLI and the model. */
export interface GeminiOptions {
  /** Model name passed with `-m`. */
  model: string;
  /** argv prefix that starts the CLI inside the station; default `['gemini']`. */
  command?: readonly string[];
  /**
   * The Gemini API base URL as the station sees it (HTTPS, or a loopback address: the CLI
   * refuses plain HTTP elsewhere) and the variable holding its placeholder key. Defaults:
   * task.modelAccess.env.GOOGLE_GEMINI_BASE_URL and `GEMINI_API_KEY`.
   */
  provider?: { baseUrl?: string; envKey?: string };
}

/**
 * Settings the adapter writes to `$HOME/.gemini/settings.json` when there is none: API-key
 * auth (the CLI asks for a login otherwise) and no usage statistics.
 */
export const GEMINI_SETTINGS = { security: { auth: { selectedType: 'gemini-api-key' } }, privacy: { usageStatisticsEnabled: false } };

/**
 * Runs the Gemini CLI (`@google/gemini-cli`) in the station environment:
 * `gemini --prompt=PROMPT -o stream-json -m MODEL --approval-mode yolo [--resume SESSION]`
 * in the workspace, with GEMINI_CLI_TRUST_WORKSPACE=true, the key variable the CLI reads
 * (GEMINI_API_KEY, from model access), GOOGLE_GEMINI_BASE_URL, the protocol variables of the
 * jsonl adapter and task.modelAccess.env. Approvals are off (`yolo`) because nobody can
 * answer them: the station container is the sandbox, and a read-only role has a read-only
 * workspace mount. Its stream is read by GeminiEventParser; the version comes from
 * `gemini --version` in the same environment.
 */
export class GeminiAgentRunner implements AgentRunner {
  constructor(private readonly opts: GeminiOptions) {}

  async run(task: AgentTask): Promise<AgentResult> {
    const command = this.opts.command ?? ['gemini'];
    const access = task.modelAccess?.env ?? {};
    const baseUrl = this.opts.provider?.baseUrl ?? access.GOOGLE_GEMINI_BASE_URL;
    const envKey = this.opts.provider?.envKey ?? 'GEMINI_API_KEY';
    const prompt = task.prompt?.text ?? (task.station.kind === 'agent' ? (task.station.prompt ?? '') : '');
    const env: Record<string, string> = {
      ...protocolEnv(task),
      GEMINI_CLI_TRUST_WORKSPACE: 'true',
      SHOPFLOOR_GEMINI_SETTINGS: JSON.stringify(GEMINI_SETTINGS),
      ...(baseUrl ? { GOOGLE_GEMINI_BASE_URL: baseUrl } : {}),
      ...(envKey !== 'GEMINI_API_KEY' && access[envKey] ? { GEMINI_API_KEY: access[envKey]! } : {}),
    };
    const v = await task.environment.exec(withSettings([...command, '--version']), { env, timeoutMs: 30_000, signal: task.signal }).catch(() => undefined);
    const m = v?.exitCode === 0 ? /^\s*(\d+\.\d+\.\d+\S*)\s*$/m.exec(v.output) : null;
    return runStreamAgent({ task, argv: geminiArgv({ command, model: this.opts.model, prompt, session: task.session }), env, parser: new GeminiEventParser(), agent: 'gemini', version: m ? `@google/gemini-cli@${m[1]}` : undefined });
  }
}

/** The argv of one Gemini station run, exported for tests. */
export function geminiArgv(o: { command: readonly string[]; model: string; prompt: string; session?: string }): string[] {
  // `--prompt=TEXT`: one argument however the text starts.
  return withSettings([...o.command, `--prompt=${o.prompt}`, '-o', 'stream-json', '-m', o.model, '--approval-mode', 'yolo', ...(o.session ? ['--resume', o.session] : [])]);
}

/**
 * Wraps argv in `sh -c` that writes $SHOPFLOOR_GEMINI_SETTINGS to `$HOME/.gemini/settings.json`
 * unless one exists, then runs argv with stdin from /dev/null and stderr onto stdout
 * (mergeStderr in stream-agent.ts says why). argv stays positional, never spliced in.
 */
function withSettings(argv: readonly string[]): string[] {
  return ['sh', '-c', 'd="${HOME:-/tmp}/.gemini"; mkdir -p "$d" && { [ -f "$d/settings.json" ] || printf %s "$SHOPFLOOR_GEMINI_SETTINGS" > "$d/settings.json"; } && exec "$@" </dev/null 2>&1', 'gemini', ...argv];
}

import type { AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';
import { GeminiEventParser } from './gemini-events';
import { protocolEnv } from './jsonl-agent';
import { runStreamAgent } from './stream-agent';
import { GATEWAY_TOKEN_ENV } from './codex';
import { LOOPBACK_RELAY_JS, needsLoopbackRelay, relayShell } from './loopback-relay';

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
 * Settings the adapter writes to the CLI's settings file in its own home
 * (`$GEMINI_CLI_HOME/.gemini/settings.json`, withSettings): API-key auth (the CLI asks for
 * a login otherwise) and no usage statistics.
 */
export const GEMINI_SETTINGS = { security: { auth: { selectedType: 'gemini-api-key' } }, privacy: { usageStatisticsEnabled: false } };

/**
 * The settings that make the run's MCP gateway the CLI's MCP server, merged into
 * GEMINI_SETTINGS: Streamable HTTP (`httpUrl`) with the station's token read from
 * GATEWAY_TOKEN_ENV by the CLI's own `$VAR` expansion in settings, so the token is in the
 * environment, not in a file. `--allowed-mcp-server-names` (geminiArgv) keeps out any other
 * server, such as one in the repository's own `.gemini/settings.json`. (Not the system
 * settings file, GEMINI_CLI_SYSTEM_SETTINGS_PATH: the CLI skips one whose folder is not owned
 * by root, and stations run as a user.)
 */
export function geminiGatewaySettings(gateway: { name: string; url: string }): object {
  return { mcpServers: { [gateway.name]: { httpUrl: gateway.url, headers: { Authorization: `Bearer \${${GATEWAY_TOKEN_ENV}}` }, trust: true } } };
}

/**
 * Runs the Gemini CLI (`@google/gemini-cli`) in the station environment:
 * `gemini --prompt=PROMPT -o stream-json -m MODEL --approval-mode yolo [--resume SESSION]`
 * in the workspace, with GEMINI_CLI_TRUST_WORKSPACE=true, the key variable the CLI reads
 * (GEMINI_API_KEY, from model access), GOOGLE_GEMINI_BASE_URL, the protocol variables of the
 * jsonl adapter and task.modelAccess.env. Approvals are off (`yolo`) because nobody can
 * answer them: the station container is the sandbox, and a read-only role has a read-only
 * workspace mount. Its stream is read by GeminiEventParser; the version comes from
 * `gemini --version` in the same environment.
 *
 * The CLI refuses a plain-HTTP base URL that is not loopback, and the model proxy is at the
 * station's egress gateway: for such a URL a TCP relay (loopback-relay.ts) is started in the
 * station on 127.0.0.1 and the CLI is given that address instead. With the run's MCP gateway
 * (task.toolAccess), the gateway is the CLI's only MCP server (geminiGatewaySettings).
 */
export class GeminiAgentRunner implements AgentRunner {
  constructor(private readonly opts: GeminiOptions) {}

  async run(task: AgentTask): Promise<AgentResult> {
    const command = this.opts.command ?? ['gemini'];
    const access = task.modelAccess?.env ?? {};
    const baseUrl = this.opts.provider?.baseUrl ?? access.GOOGLE_GEMINI_BASE_URL;
    const envKey = this.opts.provider?.envKey ?? 'GEMINI_API_KEY';
    const prompt = task.prompt?.text ?? (task.station.kind === 'agent' ? (task.station.prompt ?? '') : '');
    const gateway = task.toolAccess?.server;
    const token = gateway ? /^Bearer (\S+)$/.exec(gateway.headers.Authorization ?? '')?.[1] : undefined;
    const relay = baseUrl ? needsLoopbackRelay(baseUrl) : undefined;
    const env: Record<string, string> = {
      ...protocolEnv(task),
      GEMINI_CLI_TRUST_WORKSPACE: 'true',
      SHOPFLOOR_GEMINI_SETTINGS: JSON.stringify({ ...GEMINI_SETTINGS, ...(gateway && token ? geminiGatewaySettings(gateway) : {}) }),
      ...(baseUrl ? { GOOGLE_GEMINI_BASE_URL: baseUrl } : {}),
      ...(relay ? { SHOPFLOOR_RELAY_TARGET: relay.target, SHOPFLOOR_RELAY_PATH: relay.path, SHOPFLOOR_RELAY_JS: LOOPBACK_RELAY_JS } : {}),
      ...(gateway && token ? { [GATEWAY_TOKEN_ENV]: token } : {}),
      ...(envKey !== 'GEMINI_API_KEY' && access[envKey] ? { GEMINI_API_KEY: access[envKey]! } : {}),
    };
    const v = await task.environment.exec(withSettings([...command, '--version']), { env, timeoutMs: 30_000, signal: task.signal }).catch(() => undefined);
    const m = v?.exitCode === 0 ? /^\s*(\d+\.\d+\.\d+\S*)\s*$/m.exec(v.output) : null;
    return runStreamAgent({ task, argv: geminiArgv({ command, model: this.opts.model, prompt, session: task.session, ...(gateway && token ? { mcpServer: gateway.name } : {}) }), env, parser: new GeminiEventParser(), agent: 'gemini', version: m ? `@google/gemini-cli@${m[1]}` : undefined });
  }
}

/** The argv of one Gemini station run, exported for tests. */
export function geminiArgv(o: { command: readonly string[]; model: string; prompt: string; session?: string; mcpServer?: string }): string[] {
  // `--prompt=TEXT`: one argument however the text starts. With the gateway, only its server is allowed.
  return withSettings([
    ...o.command,
    `--prompt=${o.prompt}`,
    '-o', 'stream-json',
    '-m', o.model,
    '--approval-mode', 'yolo',
    ...(o.mcpServer ? ['--allowed-mcp-server-names', o.mcpServer] : []),
    ...(o.session ? ['--resume', o.session] : []),
  ]);
}

/**
 * Wraps argv in `sh -c` that gives the CLI a home of its own (GEMINI_CLI_HOME, kept when
 * given, else `$HOME/.gemini-shopfloor`, as Codex gets CODEX_HOME): a developer's own
 * `~/.gemini` (their MCP servers, their login) is never read, and the sessions a revise
 * round resumes stay where the next round looks. It writes $SHOPFLOOR_GEMINI_SETTINGS to
 * that home's `.gemini/settings.json`, starts the loopback relay (when SHOPFLOOR_RELAY_TARGET
 * is set; relayShell), then runs argv with stdin from /dev/null and stderr onto stdout
 * (mergeStderr in stream-agent.ts says why). argv stays positional, never spliced in.
 */
function withSettings(argv: readonly string[]): string[] {
  const script = [
    'export GEMINI_CLI_HOME="${GEMINI_CLI_HOME:-${HOME:-/tmp}/.gemini-shopfloor}"; d="$GEMINI_CLI_HOME/.gemini"',
    'mkdir -p "$d" && printf %s "$SHOPFLOOR_GEMINI_SETTINGS" > "$d/settings.json" || exit 1',
    relayShell('GOOGLE_GEMINI_BASE_URL'),
    'exec "$@" </dev/null 2>&1',
  ].join('\n');
  return ['sh', '-c', script, 'gemini', ...argv];
}

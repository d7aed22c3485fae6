import * as fs from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { parseDocument } from '../../core/documents/load';
import { runLine, type RunOutcome } from '../../core/run/engine';
import { PolicyGatekeeper } from '../../core/run/gate-policy';
import type { Gatekeeper, RunObserver } from '../../core/run/ports';
import { newRunId } from '../../core/run/run-id';
import { FileArtifactStore } from '../../adapters/store/artifact-store';
import { runFolder } from '../../adapters/store/run-folder';
import { composeRun } from '../../app/compose';
import { freshRunSetup, loadRunSetup, saveRunSetup, type EnvironmentKind, type RunSetup } from '../../app/run-setup';
import { openTerminal, TerminalGatekeeper, TerminalHumanStation } from '../terminal-prompt';

/** Options of `shopfloor run`, also stored with the run so `--resume` runs it the same way. */
interface RunOptions {
  repo: string;
  packet?: string;
  blueprint?: string;
  unattended?: boolean;
  json?: boolean;
  environment: string;
  agentCommand?: string;
  resume?: string;
  setup: boolean;
  holdout?: string;
  dockerHost?: string;
  image?: string;
}

/** Exit codes: 0 PR_READY or NO_OP, 3 ESCALATE, 4 RETRYABLE_FAILURE (2: usage or internal error). */
export const RUN_EXIT = { PR_READY: 0, NO_OP: 0, ESCALATE: 3, RETRYABLE_FAILURE: 4 } as const;

export { defaultBlueprint, scenariosResolver } from '../../app/run-setup';

function humanName(repo: string): string {
  try {
    const n = execFileSync('git', ['config', '--get', 'user.name'], { cwd: repo, encoding: 'utf8' }).trim();
    if (n) return n;
  } catch {
    // no git identity configured
  }
  return userInfo().username || 'human';
}

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
          return w(`  · ${e.message}\n`);
        case 'run/terminal':
          return w(`■ ${e.terminal.state} (${e.terminal.reason})\n`);
        default:
          return;
      }
    },
  };
}

/**
 * Runs (or resumes) one run and returns its outcome. The CLI's composition root: the
 * shared run composition (src/app/compose.ts: journal, workspace clone,
 * Docker devcontainers by default) plus a terminal prompt or the unattended policy at gates.
 */
export async function runCommand(opts: RunOptions): Promise<{ outcome: RunOutcome; folder: string }> {
  const repo = resolve(opts.repo);
  const runId = opts.resume ?? newRunId(Date.now());
  const folder = runFolder(repo, runId);
  const artifacts = new FileArtifactStore(folder.dir);
  let setup: RunSetup;
  if (opts.resume) {
    setup = await loadRunSetup(artifacts, runId);
  } else {
    if (!opts.packet) throw new Error('--packet FILE is required (or --resume RUN)');
    const packet = parseDocument('packet', opts.packet, fs.readFileSync(opts.packet, 'utf8'));
    setup = await freshRunSetup({
      repo,
      packet,
      blueprint: opts.blueprint,
      unattended: !!opts.unattended,
      environment: environmentKind(opts.environment),
      agentCommand: opts.agentCommand,
      holdout: opts.holdout,
      profile: opts.setup,
    });
    fs.mkdirSync(folder.dir, { recursive: true });
    await saveRunSetup(artifacts, setup);
  }
  if (setup.environment === 'local' && !opts.json) process.stderr.write('shopfloor: stations run on this machine WITHOUT isolation (--environment local)\n');
  if (!setup.packet.approval) process.stderr.write('shopfloor: warning: the packet carries no approval\n');

  const name = humanName(repo);
  const term = openTerminal();
  let gatekeeper: Gatekeeper;
  if (setup.unattended) gatekeeper = new PolicyGatekeeper(term ? new TerminalGatekeeper(term, name) : undefined);
  else if (term) gatekeeper = new TerminalGatekeeper(term, name);
  else throw new Error('an interactive run needs a terminal for its gates; pass --unattended for policy gates');

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const verbose = !opts.json || !!process.stderr.isTTY;
  const composed = await composeRun({
    repo,
    runId,
    setup,
    gatekeeper,
    humans: new TerminalHumanStation(term, name),
    observer: progress(!!opts.json),
    signal: controller.signal,
    logger: verbose ? stderrLogger() : undefined,
    dockerHost: opts.dockerHost ?? process.env.SHOPFLOOR_DOCKER_HOST,
    defaultImage: opts.image ?? process.env.SHOPFLOOR_DEFAULT_IMAGE,
    engineVersion: 'shopfloor-cli',
  });
  try {
    const outcome = await runLine(composed.inputs, composed.ports);
    return { outcome, folder: folder.dir };
  } finally {
    process.removeListener('SIGINT', onSigint);
    await composed.close();
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
    .option('--agent-command <argv>', 'command run for agent stations that name none (whitespace-separated or a JSON array; no shell)')
    .option('--no-setup', 'do not profile the repository for set-up commands')
    .option('--resume <run>', 'resume a run that was interrupted, from its journal')
    .option('--holdout <dir>', 'folder of holdout scenarios for verifier stations (default ~/.shopfloor/holdout; never inside the repository)')
    .action(async (opts: RunOptions) => {
      const { outcome, folder } = await runCommand(opts);
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
        process.stdout.write(`${summary.terminalState} (${summary.reason}) run ${summary.runId}\n${outcome.evidence.summary}\nevidence: ${summary.evidenceMarkdown}\n`);
        if (outcome.output?.branch) process.stdout.write(`branch:   ${outcome.output.branch} (${outcome.output.commit?.slice(0, 12)}); push it with: git push <remote> ${outcome.output.branch}\n`);
        if (outcome.output?.report) process.stdout.write(`report:   ${join(folder, outcome.output.report)}\n`);
      }
      process.exitCode = RUN_EXIT[outcome.terminal.state];
    });
}

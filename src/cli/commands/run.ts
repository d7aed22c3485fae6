import * as fs from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { BlueprintSchema, TaskPacketSchema, type Blueprint, type TaskPacket } from '../../contracts';
import { parseDocument } from '../../core/documents/load';
import { lookupIn, profileFacts, resolveBlueprint } from '../../core/blueprints';
import { CommandAgentRunner } from '../../core/run/command-agent';
import { runLine, type RunOutcome } from '../../core/run/engine';
import { PolicyGatekeeper } from '../../core/run/gate-policy';
import type { Gatekeeper, ProfileFacts, RunObserver } from '../../core/run/ports';
import { newRunId } from '../../core/run/run-id';
import { systemClock } from '../../core/ports';
import { profileRepository } from '../../core/profile/profile';
import { FileJournal } from '../../adapters/store/file-journal';
import { FileArtifactStore } from '../../adapters/store/artifact-store';
import { runFolder } from '../../adapters/store/run-folder';
import { GitWorkspaceProvider } from '../../adapters/git/worktree';
import { GitOutputPublisher } from '../../adapters/git/output';
import { GitRepoReader } from '../../adapters/git/repo-reader';
import { LocalEnvironmentProvider } from '../../adapters/local/local-environment';
import { DirectorySetupCache } from '../../adapters/local/setup-cache';
import { openTerminal, TerminalGatekeeper, TerminalHumanStation } from '../../adapters/local/terminal-prompt';

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
}

/** What a run folder keeps to resume: the exact packet, resolved blueprint, profile facts and options. */
interface RunSetup {
  packet: TaskPacket;
  blueprint: Blueprint;
  profile: ProfileFacts;
  unattended: boolean;
  environment: string;
  agentCommand?: string;
  holdout?: string;
}

/** Exit codes: 0 PR_READY or NO_OP, 3 ESCALATE, 4 RETRYABLE_FAILURE (2: usage or internal error). */
export const RUN_EXIT = { PR_READY: 0, NO_OP: 0, ESCALATE: 3, RETRYABLE_FAILURE: 4 } as const;

/** Picks the built-in blueprint for a packet when none is named. */
export function defaultBlueprint(packet: TaskPacket): string {
  if (packet.outputFormat === 'investigation-note') return 'investigation';
  if (packet.source.kind === 'advisory') return 'cve-remediation';
  return 'bugfix';
}

function loadBlueprint(ref: string, packet: TaskPacket, repo: string): Blueprint {
  const local: Blueprint[] = [];
  const dir = join(repo, '.shopfloor', 'blueprints');
  if (fs.existsSync(dir))
    for (const f of fs.readdirSync(dir).filter((n) => /\.(json|ya?ml)$/.test(n))) local.push(parseDocument('blueprint', join(dir, f), fs.readFileSync(join(dir, f), 'utf8')));
  const lookup = lookupIn(local);
  const asFile = isAbsolute(ref) || ref.includes('/') || /\.(json|ya?ml)$/.test(ref) ? resolve(ref) : undefined;
  const bp = asFile ? parseDocument('blueprint', asFile, fs.readFileSync(asFile, 'utf8')) : lookup(ref || defaultBlueprint(packet));
  if (!bp) throw new Error(`no blueprint named ${ref}; built-ins: bugfix, cve-remediation, investigation`);
  return resolveBlueprint(bp, lookup);
}

function humanName(repo: string): string {
  try {
    const n = execFileSync('git', ['config', '--get', 'user.name'], { cwd: repo, encoding: 'utf8' }).trim();
    if (n) return n;
  } catch {
    // no git identity configured
  }
  return userInfo().username || 'human';
}

/**
 * Finds a verifier's holdout scenarios: an absolute path, or a path under the holdout
 * folder. Scenarios inside the repository are refused: the implementing station could see them.
 */
export function scenariosResolver(repo: string, holdout: string | undefined): (ref: string) => string | undefined {
  return (ref) => {
    const p = isAbsolute(ref) ? ref : resolve(holdout ?? join(homedir(), '.shopfloor', 'holdout'), ref);
    const rel = relative(repo, p);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return undefined;
    return fs.existsSync(p) ? p : undefined;
  };
}

function parseArgv(cmd: string): string[] {
  const t = cmd.trim();
  if (t.startsWith('[')) return JSON.parse(t) as string[];
  return t.split(/\s+/).filter(Boolean);
}

async function freshSetup(opts: RunOptions, repo: string): Promise<RunSetup> {
  if (!opts.packet) throw new Error('--packet FILE is required (or --resume RUN)');
  const packet = parseDocument('packet', opts.packet, fs.readFileSync(opts.packet, 'utf8'));
  const blueprint = loadBlueprint(opts.blueprint ?? '', packet, repo);
  let profile: ProfileFacts = { setup: [], dependencyCheck: [], registryHosts: [] };
  if (opts.setup) profile = profileFacts(await profileRepository(new GitRepoReader(repo)));
  const holdout = resolve(opts.holdout ?? join(homedir(), '.shopfloor', 'holdout'));
  return { packet, blueprint, profile, unattended: !!opts.unattended, environment: opts.environment, agentCommand: opts.agentCommand, holdout };
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
 * Runs (or resumes) one run and returns its outcome. Composition root of the run engine
 * for the CLI: file journal and artifacts under .shopfloor/runs/<id>, a git clone as the
 * workspace, the local no-isolation environment, and a terminal prompt or the unattended
 * policy at gates.
 */
export async function runCommand(opts: RunOptions): Promise<{ outcome: RunOutcome; folder: string }> {
  const repo = resolve(opts.repo);
  const runId = opts.resume ?? newRunId(Date.now());
  const folder = runFolder(repo, runId);
  const artifacts = new FileArtifactStore(folder.dir);
  let setup: RunSetup;
  if (opts.resume) {
    const saved = await artifacts.read('artifacts/run-setup.json');
    if (!saved) throw new Error(`no run ${runId} to resume in ${repo}`);
    const raw = JSON.parse(saved) as RunSetup;
    setup = { ...raw, packet: TaskPacketSchema.parse(raw.packet), blueprint: BlueprintSchema.parse(raw.blueprint) };
  } else {
    setup = await freshSetup(opts, repo);
    fs.mkdirSync(folder.dir, { recursive: true });
    await artifacts.write('artifacts/run-setup.json', JSON.stringify(setup, null, 2));
  }
  if (setup.environment !== 'local') throw new Error(`--environment ${setup.environment} is not available yet; use --environment local`);
  if (!opts.json) process.stderr.write('shopfloor: stations run on this machine WITHOUT isolation (--environment local)\n');
  if (!setup.packet.approval) process.stderr.write('shopfloor: warning: the packet carries no approval\n');

  const name = humanName(repo);
  const term = openTerminal();
  let gatekeeper: Gatekeeper;
  if (setup.unattended) gatekeeper = new PolicyGatekeeper(term ? new TerminalGatekeeper(term, name) : undefined);
  else if (term) gatekeeper = new TerminalGatekeeper(term, name);
  else throw new Error('an interactive run needs a terminal for its gates; pass --unattended for policy gates');

  const workspaces = new GitWorkspaceProvider(repo);
  const journal = FileJournal.open(folder.journal);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const outcome = await runLine(
      { runId, repo, packet: setup.packet, blueprint: setup.blueprint, profile: setup.profile, engineVersion: 'shopfloor-cli' },
      {
        journal,
        artifacts,
        workspaces,
        environments: new LocalEnvironmentProvider((id) => join(runFolder(repo, id).dir, 'local-env')),
        gatekeeper,
        agents: new CommandAgentRunner(setup.agentCommand ? { argv: parseArgv(setup.agentCommand) } : undefined),
        humans: new TerminalHumanStation(term, name),
        output: new GitOutputPublisher(repo),
        setupCache: new DirectorySetupCache(join(await workspaces.stateDir(), 'setup-cache')),
        scenarios: scenariosResolver(repo, setup.holdout),
        clock: systemClock,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        observer: progress(!!opts.json),
        signal: controller.signal,
      },
    );
    return { outcome, folder: folder.dir };
  } finally {
    process.removeListener('SIGINT', onSigint);
    journal.close();
    term?.close();
  }
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
    .option('--environment <kind>', 'where stations run: local (no isolation)', 'local')
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

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { version } from '../../package.json';
import type { RunEvent, TaskPacket } from '../contracts';
import { humanIdentity } from '../adapters/git/identity';
import { FileArtifactStore } from '../adapters/store/artifact-store';
import { readJournal } from '../adapters/store/file-journal';
import { ledgerRefusal, readLedgerEntry, recordJournalHead, recordRunStart } from '../adapters/store/run-ledger';
import { GitWorkspaceProvider } from '../adapters/git/worktree';
import { runFolder, type RunFolder } from '../adapters/store/run-folder';
import { parseDocument } from '../core/documents/load';
import { approvalRefusal } from '../core/packet/approval';
import type { Logger } from '../core/ports';
import { runLine, type RunOutcome } from '../core/run/engine';
import type { Gatekeeper, HumanStation, RunObserver } from '../core/run/ports';
import { newRunId } from '../core/run/run-id';
import type { ComposeFn, ComposeRequest, ModelAccessFactory } from './compose';
import type { ToolServer } from '../contracts/mcp';
import type { ModelProxyConfig } from '../adapters/model-proxy/config';
import { agentRefusal, agentSettingsOf } from './agent-routing';
import { freshRunSetup, loadRunSetup, saveRunSetup, type RunOptions, type RunSetup } from './run-setup';

export type { RunOptions };

/**
 * The run session: the one run lifecycle both entry points call (design.md "src/app").
 * The CLI (`shopfloor run`) and the editor (Start Run, Resume Run) differ only in their
 * UI port (how gates are asked, how progress is shown); everything else, the approval
 * rule, the identity, the engine version, the run folder and the resume replay, is here.
 */

/** The engine version recorded in every run's evidence, the same from the CLI and the editor (package.json). */
export const ENGINE_VERSION = `shopfloor ${version}`;

/** A run could not start or resume; nothing was written. `message` says why, in words a user can act on. */
export class RunRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRefusedError';
  }
}

/** What a UI gives a run: who decides gates and does human stations, and who watches. */
export interface RunUi {
  gatekeeper: Gatekeeper;
  humans: HumanStation;
  /** Gets every journal record of a resumed run first, then the live events. */
  observer?: RunObserver;
  logger?: Logger;
}

/** Engine settings that are not part of a run's set-up (they may differ between a start and its resume). */
export interface EngineSettings {
  dockerHost?: string;
  defaultImage?: string;
  signal?: AbortSignal;
  /** Another composition of the ports (unit tests); default src/app/compose.ts, loaded on first use. */
  compose?: ComposeFn;
  /** Model access for agent stations (the run's model proxy); absent: none. */
  modelAccess?: ModelAccessFactory;
  /** npm version per agent CLI (setting shopfloor.agent.versions). */
  agentVersions?: Record<string, string>;
  /** Keys, upstreams and prices of the run's model proxy (the editor's SecretStorage keys); absent: from the host environment. */
  modelConfig?: ModelProxyConfig;
  /** Team MCP servers behind the run's gateway (adapters/mcp/config.ts loadToolServers); absent: the gateway serves its factory tools only. */
  toolServers?: readonly ToolServer[];
  /** Another MCP gateway for agent stations (tests); absent on Docker: the run's own gateway. */
  toolAccess?: ComposeRequest['toolAccess'];
  /**
   * Called once the run has its terminal state and its containers are gone, e.g. the
   * registry's outcome sync (src/app/registry-sync.ts). Whatever it throws is logged and
   * never fails the run; absent: nothing is called.
   */
  onFinished?: (run: { outcome: RunOutcome; folder: RunFolder; setup: RunSetup }) => Promise<void>;
}

/** A run ready to execute: started (set-up written) or found for resume. */
export interface RunSession {
  readonly runId: string;
  /** The run's folder, computed once here and passed down. */
  readonly folder: RunFolder;
  readonly setup: RunSetup;
  /** True when the run folder already had a journal (this is a resume). */
  readonly resumed: boolean;
  /** Who a human decision or approval is recorded as: `Name <email>` from git, else the OS user (one source for every UI). */
  identity(): Promise<string>;
  /**
   * Composes the ports, replays a resumed run's journal to the observer, and runs the
   * line to its terminal state; the journal is closed and the run's containers removed
   * whatever happens, and this machine's ledger records how far the journal got. Rejects as runLine does (RunInterruptedError leaves the run
   * resumable), plus composeRun's LockHeldError and JournalCorruptError.
   */
  execute(ui: RunUi, settings?: EngineSettings): Promise<RunOutcome>;
}

/**
 * Starts a run from a packet file: reads and validates it, refuses it unless its approval
 * matches its content, makes the run id, builds the set-up (blueprint, profile) and writes
 * it to the new run folder. I/O: reads the packet and blueprint files, profiles the
 * repository through git, creates `.shopfloor/runs/<id>/artifacts/run-setup.json`.
 * Throws RunRefusedError (unapproved or stale packet), ValidationError (malformed packet or
 * blueprint, with the path of the bad field), Error (unreadable file, unknown blueprint).
 */
export async function startRun(o: {
  repo: string;
  packetFile: string;
  options: RunOptions;
  now?: number;
  /** Asked after the approval check passes, before anything is written (the editor confirms an approval not made in it); false refuses. */
  confirmApproval?: (packet: TaskPacket) => Promise<boolean>;
  /**
   * Asked once the set-up is built, before anything is written, when the run has agent
   * stations: the agent for those that name none and match no routing rule (the editor's
   * per-run pick), or undefined to keep `options.agent`. Throwing RunRefusedError cancels
   * the start. The choice is stored as the set-up's `agentDefault`, so a resume keeps it.
   */
  chooseAgent?: (setup: RunSetup) => Promise<string | undefined>;
}): Promise<RunSession> {
  const repo = resolve(o.repo);
  const packet = parseDocument('packet', o.packetFile, readFileSync(o.packetFile, 'utf8'));
  refuseUnapproved(packet);
  if (o.confirmApproval && !(await o.confirmApproval(packet))) throw new RunRefusedError('the approval was not confirmed');
  let setup = await freshRunSetup({ repo, packet, ...o.options });
  const chosen = o.chooseAgent && setup.blueprint.stations.some((st) => st.kind === 'agent') ? await o.chooseAgent(setup) : undefined;
  if (chosen) setup = { ...setup, agentDefault: chosen };
  refuseUnavailableAgents(setup);
  const folder = runFolder(repo, newRunId(o.now ?? Date.now()));
  mkdirSync(folder.dir, { recursive: true });
  const text = await saveRunSetup(new FileArtifactStore(folder.dir), setup);
  recordRunStart(await stateDirOf(repo), folder.runId, text);
  return session(folder, setup, false);
}

/**
 * Finds an interrupted run for resume: reads and parses its stored set-up and refuses it
 * unless the packet it stored is still approved as stored. I/O: reads the run folder.
 * Throws RunRefusedError (no such run, unapproved packet), ValidationError (a run file that
 * does not parse, with the path of the bad field).
 */
export async function resumeRun(o: { repo: string; runId: string }): Promise<RunSession> {
  const folder = runFolder(resolve(o.repo), o.runId);
  const stateDir = await stateDirOf(folder.repo);
  const journal = existsSync(folder.journal) ? readJournal(folder.journal).records : [];
  let setup: RunSetup;
  try {
    setup = await loadRunSetup(new FileArtifactStore(folder.dir), o.runId, (text) => {
      // Before anything of the folder is used: a run folder that came with the repository never runs here.
      const why = ledgerRefusal(readLedgerEntry(stateDir, o.runId), text, journal, o.runId);
      if (why) throw new RunRefusedError(why);
    });
  } catch (e) {
    if ((e as Error).name === 'ValidationError' || e instanceof RunRefusedError) throw e;
    throw new RunRefusedError(`no run ${o.runId} to resume in ${folder.repo}`);
  }
  refuseUnapproved(setup.packet);
  // The build resuming the run may lack an agent the one that started it had.
  refuseUnavailableAgents(setup);
  return session(folder, setup, true);
}

/** Refuses a run with an agent station whose agent is unknown or not in this build (before anything is written), naming the station and the agent. */
function refuseUnavailableAgents(setup: RunSetup): void {
  const why = agentRefusal(setup.blueprint, setup.packet, agentSettingsOf(setup));
  if (why) throw new RunRefusedError(`${why}; choose another with --agent or the shopfloor.agent.default setting, or name one in the blueprint`);
}

function refuseUnapproved(packet: TaskPacket): void {
  const why = approvalRefusal(packet);
  if (why) throw new RunRefusedError(why);
}

function session(folder: RunFolder, setup: RunSetup, resumed: boolean): RunSession {
  let who: Promise<string> | undefined;
  return {
    runId: folder.runId,
    folder,
    setup,
    resumed,
    identity: () => (who ??= humanIdentity(folder.repo)),
    execute: async (ui, settings = {}) => {
      // Loaded on first use, not at activation: it pulls in dockerode and the Docker runtime.
      // A require (not import()) so it also loads under tsx's CommonJS hook; esbuild keeps it lazy.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const compose = settings.compose ?? (require('./compose') as typeof import('./compose')).composeRun;
      const composed = await compose({
        folder,
        setup,
        gatekeeper: ui.gatekeeper,
        humans: ui.humans,
        observer: ui.observer,
        signal: settings.signal,
        logger: ui.logger,
        dockerHost: settings.dockerHost,
        defaultImage: settings.defaultImage,
        engineVersion: ENGINE_VERSION,
        modelAccess: settings.modelAccess,
        agentVersions: settings.agentVersions,
        modelConfig: settings.modelConfig,
        toolServers: settings.toolServers,
        toolAccess: settings.toolAccess,
        delegatedBy: () => (who ??= humanIdentity(folder.repo)),
      });
      let outcome: RunOutcome;
      try {
        replayToObserver(composed.ports.journal.existing.map((r) => r.event), ui.observer);
        outcome = await runLine(composed.inputs, composed.ports);
      } finally {
        await composed.close();
        await recordHead(folder);
      }
      await settings.onFinished?.({ outcome, folder, setup }).catch((e: unknown) => ui.logger?.warn(`after the run: ${(e as Error).message}`));
      return outcome;
    },
  };
}

/** The git state folder of `repo` (inside its `.git`), where this machine's ledger lives. */
function stateDirOf(repo: string): Promise<string> {
  return new GitWorkspaceProvider(repo).stateDir();
}

/** Records in this machine's ledger how far the journal was written, so a cut or rewritten journal is refused on resume. */
async function recordHead(folder: RunFolder): Promise<void> {
  if (!existsSync(folder.journal)) return;
  const records = readJournal(folder.journal).records;
  const last = records.at(-1);
  // A ledger that cannot be written costs only this check on the next resume; it never fails the run.
  if (last) await stateDirOf(folder.repo).then((dir) => recordJournalHead(dir, folder.runId, records.length, last.hash)).catch(() => undefined);
}

/** A resumed run's recorded events reach the observer before the live ones, so a display shows what already happened. */
function replayToObserver(events: readonly RunEvent[], observer: RunObserver | undefined): void {
  if (!observer?.onEvent) return;
  for (const e of events) observer.onEvent(e);
}

import { loadToolServers } from '../../adapters/mcp/config';
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StationResultSchema, type ParamsOf, type TaskPacket } from '../../contracts';
import { parseRunFile } from '../../core/run/run-file';
import { resumeRun, RunRefusedError, startRun, type EngineSettings, type RunSession } from '../../app/run-session';
import type { RunOutcome } from '../../core/run/engine';
import { RunInterruptedError } from '../../core/run/errors';
import { RUN_LAYOUT } from '../../core/run/layout';
import { describeBlueprintSource } from '../../core/run/markdown';
import type { HostContext } from '../context';
import { asLogger } from '../log';
import type { PanelState } from '../panel/panel-state';
import { APPROVED_HERE } from '../packet/packet-session';
import { EditorHumanStation } from './panel-human-station';
import { PanelGatekeeper } from './panel-gatekeeper';
import { StationLogs } from './station-logs';
import { RunViewModel } from './run-view';
import { loadReview } from '../review/review-loader';
import { ShopfloorPanel } from '../panel/ShopfloorPanel';
import { pickRunAgent, type AgentVolumeQuery } from './agent-pick';
import { readModelKeys, readModelUpstreams } from '../model-keys';
import { modelProxyConfigFromEnv, type ModelProxyConfig } from '../../adapters/model-proxy/config';
import { registryOutcomeSync } from '../../app/registry-sync';
import { registryLocationOf } from '../commands/registryCommands';

const STARTED_RUNS = 'shopfloor.startedRuns';
/** Longest wait, in ms, before a station's new output reaches the panel. */
const OUTPUT_PUSH_MS = 250;

/** A run in progress in this window. */
interface ActiveRun {
  runId: string;
  cts: vscode.CancellationTokenSource;
  gatekeeper: PanelGatekeeper;
}

type Started = { started: boolean; message?: string };

/**
 * Drives runs from the editor through the run session (src/app/run-session.ts), the same
 * lifecycle as `shopfloor run`: starts one from an approved packet (or resumes one from its
 * journal), shows progress in a cancellable notification, the status bar and the panel,
 * routes the panel's gate decisions to the human gatekeeper, and reports the terminal state
 * with a way to open the evidence. One run at a time per window; the journal's lock keeps
 * a second window from writing the same run. A cancel interrupts the run (resumable).
 */
export class RunController implements vscode.Disposable {
  private active: ActiveRun | undefined;
  /** The station logs of the last launched run (kept after it ends: the panel still shows its log). */
  private logs: StationLogs | undefined;

  /** The station logs of the last launched run, for the panel's `log/range` and `log/search`. */
  get stationLogs(): StationLogs | undefined {
    return this.logs;
  }
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a run starts or ends (the Runs view refreshes). */
  readonly onDidChangeRuns = this.changed.event;
  /** Set synchronously while a start or resume is being prepared, so a double click cannot launch two runs. */
  private starting = false;
  /** The last launched run's execution, for tests and for dispose. */
  private running: Promise<void> | undefined;

  constructor(
    private readonly ctx: HostContext,
    private readonly state: PanelState,
    private readonly statusBar: vscode.StatusBarItem,
    /** Another composition of the run's ports (unit tests); default: the session's own. */
    private readonly compose?: EngineSettings['compose'],
    /** Which agent CLI volumes exist, for the agent pick (unit tests); default: asked of the Docker engine (dockerVolumeQuery). */
    private readonly agentVolumes?: AgentVolumeQuery,
    /** Told once a finished run's outcome sync has ended (delivered or queued): the comparison view shown re-reads the registry. */
    private readonly onRegistryChanged: () => void = () => undefined,
  ) {}

  /** Run ids started in this workspace by this editor; only these are offered for resume (a repository cannot plant one). */
  /** `sync`, then onRegistryChanged (registryOutcomeSync never throws, so a run's result never depends on this). */
  private syncThenTell<A>(sync: (a: A) => Promise<void>): (a: A) => Promise<void> {
    return async (a) => {
      await sync(a);
      this.onRegistryChanged();
    };
  }

  private get startedHere(): string[] {
    return this.ctx.extension.workspaceState.get<string[]>(STARTED_RUNS, []);
  }

  /** Whether `runId` was started by this editor in this workspace. */
  isOwnRun(runId: string): boolean {
    return this.startedHere.includes(runId);
  }

  get isRunning(): boolean {
    return this.active !== undefined;
  }

  /** Id of the run in progress in this window, if any. */
  get activeRunId(): string | undefined {
    return this.active?.runId;
  }

  /** Resolves when the last launched run has ended (its terminal state, an interruption or an error). */
  whenIdle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Starts a run from a workspace-relative packet file. Resolves once the run has started (not ended). */
  async start(file: string): Promise<Started> {
    return this.prepare(async (folder) => {
      if (!/^\.shopfloor\/packets\/[^/]+\.(json|ya?ml)$/.test(file.replace(/\\/g, '/'))) throw new RunRefusedError(`${file} is not a packet file under .shopfloor/packets/`);
      const config = vscode.workspace.getConfiguration('shopfloor');
      const session = await startRun({
        repo: folder,
        packetFile: join(folder, file),
        options: { blueprint: config.get<string>('run.blueprint') || undefined, unattended: false, environment: 'docker', agentCommand: config.get<string>('agent.command') || undefined, agent: config.get<string>('agent.default') || undefined, profile: true },
        confirmApproval: (packet) => this.confirmApproval(packet),
        chooseAgent: (setup) => pickRunAgent(setup, this.ctx.extension.secrets, this.agentVolumes),
        environmentCheck: { dockerHost: config.get<string>('docker.host') || undefined, defaultImage: config.get<string>('devcontainer.defaultImage') || undefined },
      });
      await this.ctx.extension.workspaceState.update(STARTED_RUNS, [...this.startedHere, session.runId].slice(-200));
      return session;
    });
  }

  /**
   * Resumes a run whose journal has no terminal state (the editor or the machine went down
   * mid-run). Only runs this editor started here, and only in Docker: a run folder is plain
   * files in the repository, so one that arrived with a commit is never resumed.
   */
  async resume(runId: string): Promise<Started> {
    return this.prepare(async (folder) => {
      if (!this.isOwnRun(runId)) throw new RunRefusedError(`run ${runId} was not started by this editor in this workspace; resume it from a terminal with shopfloor run --resume`);
      const session = await resumeRun({ repo: folder, runId });
      if (session.setup.environment !== 'docker') throw new RunRefusedError(`run ${runId} was set up for the ${session.setup.environment} environment; the editor resumes only isolated (docker) runs`);
      return session;
    });
  }

  /** Applies a human gate decision from the panel; a refusal says why and is logged. */
  async decideGate(p: ParamsOf<'gate/decide'>): Promise<{ accepted: boolean; problem?: string }> {
    const r = (await this.active?.gatekeeper.answer(p)) ?? { accepted: false, problem: 'no run is in progress' };
    if (!r.accepted) this.ctx.log.warn(`gate decision ${p.decision} on ${p.gateId} refused: ${r.problem}`);
    return r;
  }

  /** Cancels the run in progress: the station is stopped, the journal keeps what was done, and the run can be resumed. */
  cancel(): boolean {
    if (!this.active) return false;
    this.active.cts.cancel();
    return true;
  }

  private async prepare(make: (repo: string) => Promise<RunSession>): Promise<Started> {
    const refusal = this.refusal();
    if (refusal) return { started: false, message: refusal };
    this.starting = true;
    try {
      this.launch(await make(vscode.workspace.workspaceFolders![0]!.uri.fsPath));
      return { started: true };
    } catch (e) {
      return { started: false, message: (e as Error).message };
    } finally {
      this.starting = false;
    }
  }

  /** An approval is a claim written in the file; one not made in this editor is confirmed by the person starting the run. */
  private async confirmApproval(packet: TaskPacket): Promise<boolean> {
    if (this.ctx.extension.workspaceState.get<string[]>(APPROVED_HERE, []).includes(packet.approval!.contentHash)) return true;
    const ok = await vscode.window.showWarningMessage(
      `This packet says it was approved by ${packet.approval!.by}, but not in this editor. Start the run anyway?`,
      { modal: true, detail: 'Shopfloor records approvals made here; this one came with the file (for example from a commit).' },
      'Start Run',
    );
    return ok === 'Start Run';
  }

  private refusal(): string | undefined {
    if (!vscode.workspace.isTrusted) return 'this workspace is not trusted: Shopfloor runs nothing from it (restricted mode)';
    if (!vscode.workspace.workspaceFolders?.length) return 'open a repository folder first';
    if (this.active) return `run ${this.active.runId} is still in progress`;
    if (this.starting) return 'a run is being started';
    return undefined;
  }

  private launch(session: RunSession): void {
    const { runId, setup } = session;
    const cts = new vscode.CancellationTokenSource();
    const model = new RunViewModel(runId, setup.blueprint, setup.blueprintSource ? describeBlueprintSource(setup.blueprintSource) : undefined);
    // Output can come in hundreds of chunks a second: the panel gets at most a few snapshots a second of it.
    let outputTimer: ReturnType<typeof setTimeout> | undefined;
    const push = () => {
      clearTimeout(outputTimer);
      outputTimer = undefined;
      this.state.setRun(model.view());
    };
    const pushSoon = () => (outputTimer ??= setTimeout(push, OUTPUT_PUSH_MS));
    // A new run's panel shows no earlier bundle.
    if (this.state.review?.mode === 'run') this.state.setReview(null);
    const gatekeeper = new PanelGatekeeper(
      () => session.identity(),
      (gate) => {
        model.setGate(gate);
        push();
        if (gate) this.setStatus(`$(debug-pause) Shopfloor: gate ${gate.position} ${gate.stationId}`, 'A gate is waiting for your decision. Click to open the panel.');
        // A decided gate no longer waits: the bar said "gate after decide" through the whole output step (seen on the e2e screenshots).
        else this.setStatus(`$(sync~spin) Shopfloor: run ${runId}`, `Run ${runId} is going on. Click to open the panel.`);
        // Someone working elsewhere in the editor hears of the gate; with the panel in view it is already on screen.
        if (gate && !ShopfloorPanel.instance?.visible)
          void vscode.window.showInformationMessage(`Shopfloor: gate ${gate.position} ${gate.stationId} of run ${runId} waits for your decision.`, 'Open Gate').then((c) => c && vscode.commands.executeCommand('shopfloor.openPanel'));
      },
      () => vscode.workspace.getConfiguration('shopfloor').get<boolean>('gates.confirmWithModal', false),
      cts.token,
    );
    // The whole log goes to the run folder; the panel reads it by range (the snapshot has only its tail).
    const logs = new StationLogs(runId, session.folder.path('.'), (m) => this.ctx.log.warn(`run ${runId}: ${m}`));
    this.logs = logs;
    this.active = { runId, cts, gatekeeper };
    this.changed.fire();
    push();
    void vscode.commands.executeCommand('shopfloor.openPanel');
    const log = this.ctx.log;
    log.info(`run ${runId}${session.resumed ? ' (resumed)' : ''}: ${setup.blueprint.name}@${setup.blueprint.version}${setup.blueprintSource ? ` (${describeBlueprintSource(setup.blueprintSource)})` : ''} on ${session.folder.repo}`);
    for (const r of setup.refusedBlueprints ?? []) {
      log.warn(`${r.file} was not loaded: ${r.reason}`);
      void vscode.window.showWarningMessage(`Shopfloor: ${r.file} was not loaded: ${r.reason}`);
    }

    this.running = Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Shopfloor run ${runId}`, cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => cts.cancel());
        const abort = new AbortController();
        cts.token.onCancellationRequested(() => abort.abort());
        let lastSpend: { short: string; long: string } | undefined;
        try {
          const config = vscode.workspace.getConfiguration('shopfloor');
          const outcome = await session.execute(
            {
              gatekeeper,
              humans: new EditorHumanStation(() => session.identity()),
              logger: asLogger(log),
              observer: {
                onEvent: (e) => {
                  model.apply(e);
                  push();
                  if (e.type === 'station/started') {
                    progress.report({ message: `station ${e.stationId}` });
                    this.setStatus(`$(sync~spin) Shopfloor: ${e.stationId}`, `Run ${runId}: station ${e.stationId} is running. Click to open the panel.`);
                  }
                  // The notification said "station X" while a gate after X waited for a person: say what it waits for.
                  if (e.type === 'gate/opened') progress.report({ message: `waiting for your decision at the gate ${e.position} ${e.stationId}` });
                  if (e.type === 'gate/decided') progress.report({ message: `gate decided: ${e.decision.decision}` });
                  if (e.type === 'run/terminal') {
                    progress.report({ message: `${e.terminal.state}: writing the evidence and the output` });
                    this.setStatus(`$(sync~spin) Shopfloor: ${e.terminal.state}`, `Run ${runId} ended ${e.terminal.state}; its evidence and output are being written. Click to open the panel.`);
                  }
                  if (e.type === 'station/finished' && e.artifact) {
                    // The result file holds what the timeline shows beyond the journal record: the agent, its cost, a reproduction's verdict.
                    try {
                      model.addResult(parseRunFile(StationResultSchema, e.artifact, readFileSync(session.folder.path(e.artifact), 'utf8')));
                    } catch (err) {
                      log.debug(`run ${runId}: ${e.artifact} not shown in the timeline: ${err instanceof Error ? err.message : String(err)}`);
                    }
                    const spent = spendSoFar(model.spent());
                    if (spent) this.setStatus(`$(sync~spin) Shopfloor: run ${runId} · ${spent}`, `Run ${runId} is going on; its agents have spent ${spent} so far. Click to open the panel.`);
                  }
                  if (e.type === 'station/finished') log.info(`run ${runId}: ${e.stationId} ${e.outcome} in ${(e.durationMs / 1000).toFixed(1)} s`);
                  if (e.type === 'gate/decided') log.info(`run ${runId}: gate ${e.decision.gateId} ${e.decision.decision} by ${e.decision.by.kind} ${e.decision.by.name}`);
                },
                onOutput: (stationId, chunk) => {
                  log.trace(`[${stationId}] ${chunk.trimEnd()}`);
                  model.addOutput(stationId, chunk);
                  logs.append(stationId, chunk);
                  pushSoon();
                },
              },
            },
            {
              signal: abort.signal,
              dockerHost: config.get<string>('docker.host') || undefined,
              defaultImage: config.get<string>('devcontainer.defaultImage') || undefined,
              agentVersions: config.get<Record<string, string>>('agent.versions') || undefined,
              compose: this.compose,
              // The keys set with "Shopfloor: Set Model API Key" reach the run's model proxy (and only it).
              modelConfig: await this.modelConfig(),
              // Runs start only in trusted workspaces (see refusal above), so the workspace's .shopfloor/mcp.json is read too.
              toolServers: loadToolServers(session.folder.repo, { trusted: vscode.workspace.isTrusted }),
              // The finished run's outcome goes to the registry (issue 13); a failure is a log warning, never the run's result.
              onFinished: config.get<boolean>('registry.syncOutcomes', true) && this.ctx.extension.globalStorageUri ? this.syncThenTell(registryOutcomeSync({ location: registryLocationOf(this.ctx), logger: asLogger(log) })) : undefined,
            },
          );
          model.setEvidence(session.folder.path(outcome.evidenceMarkdownPath));
          push();
          // The bundle itself, verified, goes to the panel (the evidence view under the run).
          try {
            this.state.setReview(loadReview(session.folder.repo, runId, 'run'));
          } catch (e) {
            log.warn(`run ${runId}: the evidence could not be shown: ${e instanceof Error ? e.message : String(e)}`);
          }
          lastSpend = spendText(outcome.evidence.agentTotals);
          void this.announce(session, outcome);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          model.stopped();
          push();
          if (e instanceof RunInterruptedError) {
            log.info(`run ${runId} interrupted: ${message}`);
            void vscode.window.showInformationMessage(`Shopfloor: run ${runId} was stopped. Its journal is kept; resume it with "Shopfloor: Resume Run".`);
          } else {
            log.error(`run ${runId} stopped: ${message}`);
            void vscode.window
              .showErrorMessage(`Shopfloor: run ${runId} stopped: ${message}. Its journal is kept; resume it with "Shopfloor: Resume Run".`, 'Show Log')
              .then((a) => a && log.show());
          }
        } finally {
          clearTimeout(outputTimer);
          if (this.active?.runId === runId) this.active = undefined;
          cts.dispose();
          // What the last run's agents spent stays in view until the next run starts.
          this.setStatus(lastSpend ? `$(tools) Shopfloor · ${lastSpend.short}` : '$(tools) Shopfloor', lastSpend ? `Shopfloor: no run in progress. Run ${runId}'s agents: ${lastSpend.long}. Click to open the panel.` : 'Shopfloor: no run in progress. Click to open the panel.');
          this.changed.fire();
        }
      }),
    );
  }

  private async announce(session: RunSession, outcome: RunOutcome): Promise<void> {
    const t = outcome.terminal;
    this.ctx.log.info(`run ${outcome.runId}: ${t.state} (${t.reason})${t.detail ? `: ${t.detail}` : ''}`);
    const evidence = vscode.Uri.file(session.folder.path(RUN_LAYOUT.evidenceMd));
    const text = `Shopfloor run ${outcome.runId}: ${t.state} (${t.reason})${outcome.output?.branch ? ` on branch ${outcome.output.branch}` : ''}.`;
    const show = t.state === 'PR_READY' || t.state === 'NO_OP' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    const choice = await show(text, 'Open Evidence');
    if (choice === 'Open Evidence' && existsSync(evidence.fsPath)) await vscode.commands.executeCommand('markdown.showPreview', evidence);
  }

  /** The run's model proxy configuration: SecretStorage keys over the environment's, the user's base URLs, the prices from the environment. */
  private async modelConfig(): Promise<ModelProxyConfig> {
    const fromEnv = modelProxyConfigFromEnv(process.env);
    return { ...fromEnv, keys: await readModelKeys(this.ctx.extension.secrets, fromEnv.keys), upstreams: readModelUpstreams() };
  }

  private setStatus(text: string, tooltip: string): void {
    this.statusBar.text = text;
    this.statusBar.tooltip = tooltip;
  }

  dispose(): void {
    this.active?.cts.cancel();
    this.changed.dispose();
  }
}

/** What a running run's agents have spent so far, for the status bar (`$0.0123 · 12.3k tokens`); undefined when nothing is known. */
export function spendSoFar(s: { usd?: number; tokens?: number } | undefined): string | undefined {
  if (!s) return undefined;
  return [s.usd !== undefined ? usdText(s.usd) : undefined, s.tokens !== undefined ? tokensText(s.tokens) : undefined].filter(Boolean).join(' · ') || undefined;
}

const usdText = (usd: number): string => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
const tokensText = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(1)}k tokens` : `${n} tokens`);

/**
 * The status bar's words for what a run's agents spent (evidence `agentTotals`): short,
 * e.g. `$0.42 · 12.3k tokens`, and long with the stations and agent time; undefined when no
 * agent station ran.
 */
export function spendText(t: { stations: number; inputTokens: number; outputTokens: number; usd?: number; wallMs: number } | undefined): { short: string; long: string } | undefined {
  if (!t || t.stations === 0) return undefined;
  const tok = tokensText(t.inputTokens + t.outputTokens);
  const usd = t.usd !== undefined ? usdText(t.usd) : undefined;
  return {
    short: [usd, tok].filter(Boolean).join(' · '),
    long: `${t.stations} agent attempt(s), ${t.inputTokens} input and ${t.outputTokens} output tokens${usd ? `, ${usd}` : ''}, ${Math.round(t.wallMs / 1000)} s of agent time`,
  };
}

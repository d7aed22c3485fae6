import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamsOf } from '../../contracts';
import { humanIdentity } from '../../adapters/git/identity';
import { listRemotes, pullRequestUrl, pushBranch } from '../../adapters/git/push';
import { listRuns } from '../../adapters/store/run-list';
import type { ComposedRun } from '../../app/compose';
import { freshRunSetup, loadRunSetup, saveRunSetup } from '../../app/run-setup';
import { FileArtifactStore } from '../../adapters/store/artifact-store';
import { runFolder } from '../../adapters/store/run-folder';
import { parseDocument } from '../../core/documents/load';
import { approvalStatus } from '../../core/packet/approval';
import { runLine, type RunOutcome } from '../../core/run/engine';
import { newRunId } from '../../core/run/run-id';
import type { HostContext } from '../context';
import { asLogger } from '../log';
import type { PanelState } from '../panel/panel-state';
import { EditorHumanStation } from './panel-human-station';
import { APPROVED_HERE } from '../packet/packet-session';
import { PanelGatekeeper } from './panel-gatekeeper';
import { RunViewModel } from './run-view';

const STARTED_RUNS = 'shopfloor.startedRuns';


/** A run in progress in this window. */
interface ActiveRun {
  runId: string;
  cts: vscode.CancellationTokenSource;
  gatekeeper: PanelGatekeeper;
}

/**
 * Drives runs from the editor: starts one from an approved packet (or resumes one from its
 * journal), shows progress in a cancellable notification, the status bar and the panel,
 * routes the panel's gate decisions to the human gatekeeper, and reports the terminal state
 * with a way to open the evidence. One run at a time per window; the journal's lock keeps
 * a second window from writing the same run.
 */
export class RunController implements vscode.Disposable {
  private active: ActiveRun | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a run starts or ends (the Runs view refreshes). */
  readonly onDidChangeRuns = this.changed.event;

  /** Set synchronously while a start or resume is being prepared, so a double click cannot launch two runs. */
  private starting = false;

  constructor(
    private readonly ctx: HostContext,
    private readonly state: PanelState,
    private readonly statusBar: vscode.StatusBarItem,
  ) {}

  /** Run ids started in this workspace by this editor; only these are offered for resume (a repository cannot plant one). */
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

  /** Starts a run from a workspace-relative packet file. Resolves once the run has started (not ended). */
  async start(file: string): Promise<{ started: boolean; message?: string }> {
    const refusal = this.refusal();
    if (refusal) return { started: false, message: refusal };
    if (!/^\.shopfloor\/packets\/[^/]+\.(json|ya?ml)$/.test(file.replace(/\\/g, '/'))) return { started: false, message: `${file} is not a packet file under .shopfloor/packets/` };
    this.starting = true;
    try {
      const folder = vscode.workspace.workspaceFolders![0]!;
      const path = join(folder.uri.fsPath, file);
      let packet;
      try {
        packet = parseDocument('packet', file, Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(path))).toString('utf8'));
      } catch (e) {
        return { started: false, message: (e as Error).message };
      }
      const approval = approvalStatus(packet);
      if (approval.state !== 'approved') {
        return { started: false, message: approval.state === 'stale' ? 'the packet changed after it was approved: approve it again' : 'approve the packet first: the run starts only from an approved packet' };
      }
      // An approval is a claim written in the file; one not made in this editor is confirmed by the person starting the run.
      if (!this.ctx.extension.workspaceState.get<string[]>(APPROVED_HERE, []).includes(packet.approval!.contentHash)) {
        const ok = await vscode.window.showWarningMessage(
          `This packet says it was approved by ${approval.by}, but not in this editor. Start the run anyway?`,
          { modal: true, detail: 'Shopfloor records approvals made here; this one came with the file (for example from a commit).' },
          'Start Run',
        );
        if (ok !== 'Start Run') return { started: false, message: 'the approval was not confirmed' };
      }
      const repo = folder.uri.fsPath;
      const runId = newRunId(Date.now());
      const config = vscode.workspace.getConfiguration('shopfloor');
      const setup = await freshRunSetup({
        repo,
        packet,
        blueprint: config.get<string>('run.blueprint') || undefined,
        unattended: false,
        environment: 'docker',
        agentCommand: config.get<string>('agent.command') || undefined,
        profile: true,
      });
      const artifacts = new FileArtifactStore(runFolder(repo, runId).dir);
      await saveRunSetup(artifacts, setup);
      await this.ctx.extension.workspaceState.update(STARTED_RUNS, [...this.startedHere, runId].slice(-200));
      this.launch(repo, runId, setup);
      return { started: true };
    } catch (e) {
      return { started: false, message: (e as Error).message };
    } finally {
      this.starting = false;
    }
  }

  /**
   * Resumes a run whose journal has no terminal state (the editor or the machine went down
   * mid-run). Only runs this editor started here, only in Docker, and only from an
   * approved packet: a run folder is plain files in the repository, so one that arrived
   * with a commit is never resumed.
   */
  async resume(runId: string): Promise<{ started: boolean; message?: string }> {
    const refusal = this.refusal();
    if (refusal) return { started: false, message: refusal };
    if (!this.isOwnRun(runId)) return { started: false, message: `run ${runId} was not started by this editor in this workspace; resume it from a terminal with shopfloor run --resume` };
    this.starting = true;
    try {
      const repo = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
      const setup = await loadRunSetup(new FileArtifactStore(runFolder(repo, runId).dir), runId);
      if (setup.environment !== 'docker') return { started: false, message: `run ${runId} was set up for the ${setup.environment} environment; the editor resumes only isolated (docker) runs` };
      if (approvalStatus(setup.packet).state !== 'approved') return { started: false, message: `run ${runId}'s packet is not approved` };
      this.launch(repo, runId, setup);
      return { started: true };
    } catch (e) {
      return { started: false, message: (e as Error).message };
    } finally {
      this.starting = false;
    }
  }

  /** Applies a human gate decision from the panel. */
  async decideGate(p: ParamsOf<'gate/decide'>): Promise<{ accepted: boolean; problem?: string }> {
    const r = (await this.active?.gatekeeper.answer(p)) ?? { accepted: false, problem: 'no run is in progress' };
    if (!r.accepted) this.ctx.log.warn(`gate decision ${p.decision} on ${p.gateId} refused: ${r.problem}`);
    return r;
  }

  /**
   * Pushes a PR_READY run's branch to a remote of the user's repository (asking which when
   * there are several) with the user's own git credentials, then offers the hosting
   * service's pull request page when the remote URL names a known host.
   */
  async push(runId: string): Promise<{ pushed: boolean; remote?: string; url?: string; message?: string }> {
    if (!vscode.workspace.isTrusted) return { pushed: false, message: 'this workspace is not trusted' };
    const repo = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!repo) return { pushed: false, message: 'open a repository folder first' };
    const run = listRuns(repo).find((r) => r.id === runId);
    const branch = run?.output?.branch;
    if (!branch || run?.terminal?.state !== 'PR_READY') return { pushed: false, message: `run ${runId} has no PR_READY branch to push` };
    const remotes = await listRemotes(repo);
    if (!remotes.length) return { pushed: false, message: `the repository has no remote; add one (git remote add origin URL) and push ${branch}` };
    const remote =
      remotes.length === 1
        ? remotes[0]
        : (await vscode.window.showQuickPick(remotes.map((r) => ({ label: r.name, description: r.url, remote: r })), { placeHolder: `Push ${branch} to…` }))?.remote;
    if (!remote) return { pushed: false, message: 'no remote chosen' };
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing ${branch} to ${remote.name}` }, () => pushBranch(repo, remote.name, branch));
    } catch (e) {
      this.ctx.log.error(`push of ${branch} to ${remote.name} failed: ${(e as Error).message}`);
      return { pushed: false, remote: remote.name, message: (e as Error).message };
    }
    this.ctx.log.info(`pushed ${branch} to ${remote.name} (${remote.url})`);
    const url = pullRequestUrl(remote.url, branch);
    if (url) {
      void vscode.window.showInformationMessage(`Shopfloor: pushed ${branch} to ${remote.name}.`, 'Open Pull Request').then((a) => {
        if (a) void vscode.env.openExternal(vscode.Uri.parse(url));
      });
    } else void vscode.window.showInformationMessage(`Shopfloor: pushed ${branch} to ${remote.name}.`);
    return { pushed: true, remote: remote.name, url };
  }

  /** Cancels the run in progress: stations are stopped, the journal keeps what was done. */
  cancel(): boolean {
    if (!this.active) return false;
    this.active.cts.cancel();
    return true;
  }

  private refusal(): string | undefined {
    if (!vscode.workspace.isTrusted) return 'this workspace is not trusted: Shopfloor runs nothing from it (restricted mode)';
    if (!vscode.workspace.workspaceFolders?.length) return 'open a repository folder first';
    if (this.active) return `run ${this.active.runId} is still in progress`;
    if (this.starting) return 'a run is being started';
    return undefined;
  }

  private launch(repo: string, runId: string, setup: Awaited<ReturnType<typeof freshRunSetup>>): void {
    const cts = new vscode.CancellationTokenSource();
    const model = new RunViewModel(runId, setup.blueprint);
    const push = () => this.state.setRun(model.view());
    const who = () => humanIdentity(repo);
    const gatekeeper = new PanelGatekeeper(
      who,
      (gate) => {
        model.setGate(gate);
        push();
        if (gate) this.setStatus(`$(debug-pause) Shopfloor: gate ${gate.position} ${gate.stationId}`, 'A gate is waiting for your decision. Click to open the panel.');
      },
      () => vscode.workspace.getConfiguration('shopfloor').get<boolean>('gates.confirmWithModal', false),
      cts.token,
    );
    this.active = { runId, cts, gatekeeper };
    this.changed.fire();
    push();
    void vscode.commands.executeCommand('shopfloor.openPanel');
    const log = this.ctx.log;
    log.info(`run ${runId}: ${setup.blueprint.name}@${setup.blueprint.version} on ${repo}`);

    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Shopfloor run ${runId}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => cts.cancel());
        const abort = new AbortController();
        cts.token.onCancellationRequested(() => abort.abort());
        let composed: ComposedRun | undefined;
        try {
          const config = vscode.workspace.getConfiguration('shopfloor');
          // Loaded on the first run, not at activation: it pulls in dockerode and the Docker runtime.
          const { composeRun } = await import('../../app/compose');
          composed = await composeRun({
            repo,
            runId,
            setup,
            gatekeeper,
            humans: new EditorHumanStation(who),
            signal: abort.signal,
            logger: asLogger(log),
            dockerHost: config.get<string>('docker.host') || undefined,
            defaultImage: config.get<string>('devcontainer.defaultImage') || undefined,
            engineVersion: `shopfloor-vscode ${this.ctx.version}`,
            observer: {
              onEvent: (e) => {
                model.apply(e);
                push();
                if (e.type === 'station/started') {
                  progress.report({ message: `station ${e.stationId}` });
                  this.setStatus(`$(sync~spin) Shopfloor: ${e.stationId}`, `Run ${runId}: station ${e.stationId} is running. Click to open the panel.`);
                }
                if (e.type === 'station/finished') log.info(`run ${runId}: ${e.stationId} ${e.outcome} in ${(e.durationMs / 1000).toFixed(1)} s`);
                if (e.type === 'gate/decided') log.info(`run ${runId}: gate ${e.decision.gateId} ${e.decision.decision} by ${e.decision.by.kind} ${e.decision.by.name}`);
              },
              onOutput: (stationId, chunk) => log.trace(`[${stationId}] ${chunk.trimEnd()}`),
            },
          });
          const outcome = await runLine(composed.inputs, composed.ports);
          model.setEvidence(join(runFolder(repo, runId).dir, outcome.evidenceMarkdownPath));
          push();
          void this.announce(repo, outcome);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          log.error(`run ${runId} stopped: ${message}`);
          model.stopped();
          push();
          void vscode.window.showErrorMessage(
            `Shopfloor: run ${runId} stopped: ${message}. Its journal is kept; resume it with "Shopfloor: Resume Run".`,
            'Show Log',
          ).then((a) => a && log.show());
        } finally {
          try {
            await composed?.close();
          } catch (e) {
            log.warn(`run ${runId}: cleanup failed: ${(e as Error).message}`);
          }
          if (this.active?.runId === runId) this.active = undefined;
          cts.dispose();
          this.setStatus('$(tools) Shopfloor', 'Shopfloor: no run in progress. Click to open the panel.');
          this.changed.fire();
        }
      },
    );
  }

  private async announce(repo: string, outcome: RunOutcome): Promise<void> {
    const t = outcome.terminal;
    this.ctx.log.info(`run ${outcome.runId}: ${t.state} (${t.reason})${t.detail ? `: ${t.detail}` : ''}`);
    const evidence = vscode.Uri.file(join(runFolder(repo, outcome.runId).dir, outcome.evidenceMarkdownPath));
    const text = `Shopfloor run ${outcome.runId}: ${t.state} (${t.reason})${outcome.output?.branch ? ` on branch ${outcome.output.branch}` : ''}.`;
    const show = t.state === 'PR_READY' || t.state === 'NO_OP' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    const choice = await show(text, 'Open Evidence');
    if (choice === 'Open Evidence' && existsSync(evidence.fsPath)) await vscode.commands.executeCommand('markdown.showPreview', evidence);
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

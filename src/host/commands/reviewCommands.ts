import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import { listNotedCommits } from '../../adapters/git/notes-read';
import { NOTES_REF } from '../../adapters/git/output';
import { isRunId } from '../../adapters/store/run-folder';
import { listRuns } from '../../adapters/store/run-list';
import { BlueprintRegistry } from '../../adapters/registry/blueprint-registry';
import { registryReviewChoices } from '../../core/registry/review-choices';
import { registryLocationOf } from './registryCommands';
import type { HostContext } from '../context';
import { ShopfloorPanel, type PanelServices } from '../panel/ShopfloorPanel';
import { loadNoteReview } from '../review/note-review-loader';
import { loadReview } from '../review/review-loader';

/** A run folder picked by the user: `<repo>/.shopfloor/runs/<runId>`. */
function runOfFolder(dir: string): { repo: string; runId: string } | undefined {
  const runId = basename(dir);
  const runs = dirname(dir);
  const shopfloor = dirname(runs);
  if (!isRunId(runId) || basename(runs) !== 'runs' || basename(shopfloor) !== '.shopfloor') return undefined;
  return { repo: dirname(shopfloor), runId };
}

/** Scheme of the read-only documents holding a note's Markdown (nothing on disk to edit or save). */
const NOTE_SCHEME = 'shopfloor-note';

/** The Markdown of the notes opened this session, by document path: a read-only document per note. */
class NoteContent implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  show(key: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: NOTE_SCHEME, path: `/${key}.md` });
    this.texts.set(uri.path, text);
    this.changed.fire(uri);
    return uri;
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }
}

/**
 * Reviewer mode (issue 14): "Shopfloor: Review Evidence Bundle" opens a run's bundle in the
 * panel (a finished run of this workspace, or any run folder picked from disk), verified
 * first; "Next/Previous Evidence Section" step through it. The Runs view's "Open
 * Evidence" opens the same view for its run. "Review Evidence from a Branch or Commit…"
 * (also on the Source Control view's title bar) starts from the refs/notes/shopfloor note
 * of a branch or commit: the note's trailer names the run and its evidence.json's SHA-256;
 * the run folder, when this workspace has it, is verified as above and must hold that
 * evidence; without it only the note's Markdown is shown, marked as not verified
 * (decideNoteReview). "Review Evidence from the Registry…" lists the registry's run
 * outcomes (registryReviewChoices) and opens the bundle of one this workspace has; the
 * registry holds no bundles, so for any other run it says where the bundle is. It reads
 * the registry (its location may be a workspace setting naming a remote), so it refuses in
 * restricted mode. The others are available there: they show evidence and run git only to
 * read, with USER_REPO_SAFE_CONFIG (no hooks, no fsmonitor, no auto-gc).
 */
export function registerReviewCommands(ctx: HostContext, services: PanelServices): vscode.Disposable[] {
  const open = async (repo: string, runId: string) => {
    const view = loadReview(repo, runId, 'review');
    services.state.setReview(view);
    ShopfloorPanel.show(ctx, services);
    ctx.log.info(`reviewer mode: run ${runId} (${view.trusted ? 'verified' : `NOT verified: ${view.problems.join('; ')}`})`);
  };
  const pickRun = async (): Promise<{ repo: string; runId: string } | undefined> => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const runs = folder ? listRuns(folder).filter((r) => r.status !== 'open') : [];
    const browse = { label: '$(folder-opened) Browse for a run folder…', runId: '' };
    const pick = await vscode.window.showQuickPick([...runs.map((r) => ({ label: r.id, description: `${r.blueprint ?? ''}${r.verified ? '' : '  (journal does not verify)'}`, runId: r.id })), browse], {
      placeHolder: runs.length ? 'Run whose evidence bundle to review' : 'No finished runs in this workspace: browse for a run folder',
    });
    if (!pick) return undefined;
    if (pick.runId && folder) return { repo: folder, runId: pick.runId };
    const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Review this run', title: 'A run folder (.shopfloor/runs/<run id>)' });
    const dir = chosen?.[0]?.fsPath;
    if (!dir) return undefined;
    const run = runOfFolder(dir);
    if (!run) void vscode.window.showErrorMessage(`Shopfloor: ${dir} is not a run folder (.shopfloor/runs/<run id>).`);
    return run;
  };
  const notes = new NoteContent();
  const pickNoted = async (repo: string): Promise<string | undefined> => {
    const noted = await listNotedCommits(repo);
    const enter = { label: '$(edit) Enter a branch or commit…', rev: '' };
    const items = [
      ...noted.flatMap((c) => c.branches.map((b) => ({ label: `$(git-branch) ${b}`, description: c.commit.slice(0, 10), detail: c.subject, rev: b }))),
      ...noted.map((c) => ({ label: `$(git-commit) ${c.commit.slice(0, 10)}`, description: c.date.slice(0, 16).replace('T', ' '), detail: c.subject, rev: c.commit })),
      enter,
    ];
    const pick = await vscode.window.showQuickPick(items, {
      placeHolder: noted.length ? `Branch or commit whose evidence note (${NOTES_REF}) to review` : `No branch or commit here carries an evidence note (${NOTES_REF}): enter one`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick) return undefined;
    if (pick.rev) return pick.rev;
    return (await vscode.window.showInputBox({ prompt: 'A branch, tag or commit id whose Shopfloor evidence note to review', placeHolder: 'shopfloor/<run id>' }))?.trim() || undefined;
  };
  const reviewFromNote = async (repo: string, rev: string) => {
    const { commit, note: parsed, decision } = await loadNoteReview(repo, rev);
    if (!parsed || !decision) {
      void vscode.window.showInformationMessage(`Shopfloor: ${rev} (${commit.slice(0, 10)}) has no evidence note (${NOTES_REF}).`);
      return;
    }
    const runId = parsed.trailer?.runId;
    if (decision.view) {
      services.state.setReview(decision.view);
      ShopfloorPanel.show(ctx, services);
    }
    if (decision.markdown !== null) {
      const uri = notes.show(`${commit.slice(0, 12)}${runId ? `-${runId}` : ''}`, decision.markdown);
      // The built-in Markdown preview; when it is unavailable (extension disabled), the read-only document itself.
      await vscode.commands.executeCommand('markdown.showPreview', uri).then(undefined, async () => vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true }));
    }
    const problems = decision.view?.problems ?? [parsed.problem ?? 'no trailer'];
    ctx.log.info(`reviewer mode: note of ${rev} (${commit.slice(0, 12)}), run ${runId ?? 'unknown'} (${decision.view?.trusted ? 'verified' : `NOT verified: ${problems.join('; ')}`})`);
    if (!decision.view?.trusted) void vscode.window.showWarningMessage(`Shopfloor: the evidence of ${rev} is NOT verified: ${problems[0] ?? ''}`);
  };
  return [
    vscode.workspace.registerTextDocumentContentProvider(NOTE_SCHEME, notes),
    vscode.commands.registerCommand('shopfloor.reviewFromNote', async (arg?: string | { rev?: string }) => {
      // The first workspace folder, as everywhere in reviewer mode (the panel records verdicts and reads logs there), also
      // when started from the title bar of another repository's source control (passed as the argument, not used).
      const repo = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!repo) {
        void vscode.window.showErrorMessage('Shopfloor: open the repository folder to review the evidence of its branches.');
        return;
      }
      try {
        // Only a string or { rev } names a rev; the SCM title bar's source control does not.
        const given = typeof arg === 'string' ? arg : typeof arg === 'object' && arg && typeof arg.rev === 'string' ? arg.rev : undefined;
        const rev = given ?? (await pickNoted(repo));
        if (rev) await reviewFromNote(repo, rev);
      } catch (e) {
        void vscode.window.showErrorMessage(`Shopfloor: ${(e as Error).message}`);
      }
    }),
    vscode.commands.registerCommand('shopfloor.reviewFromRegistry', async () => {
      // The registry location may come from a workspace setting naming a remote: not read in restricted mode, as every registry command.
      if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('Shopfloor: this workspace is not trusted; the registry is not read in restricted mode. Review a run folder or a branch\'s evidence note instead.');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      try {
        const snapshot = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Shopfloor: reading the registry' }, async () => (await BlueprintRegistry.open(registryLocationOf(ctx))).pull());
        const local = new Set(folder ? listRuns(folder).map((r) => r.id) : []);
        const choices = registryReviewChoices(snapshot.outcomes, snapshot.verdicts, local);
        if (!choices.length) return void vscode.window.showInformationMessage('Shopfloor: the registry has no run outcomes yet (they arrive with "Registry: Sync Run Outcomes" or at the end of a run).');
        const pick = await vscode.window.showQuickPick(
          choices.map((c) => ({
            label: `${c.here ? '$(folder-active)' : '$(cloud)'} ${c.runId}`,
            description: `${c.blueprint} · ${c.terminal} · verdict ${c.verdict}`,
            detail: `${c.endedAt.slice(0, 16).replace('T', ' ')} · ${c.here ? 'bundle in this workspace' : 'outcome only: the bundle is in the workspace that ran it'}`,
            choice: c,
          })),
          { placeHolder: 'Run whose evidence to review (the registry has outcomes; bundles stay in run folders)', matchOnDescription: true, matchOnDetail: true },
        );
        if (!pick) return;
        if (pick.choice.here && folder) return void (await open(folder, pick.choice.runId));
        const c = pick.choice;
        ctx.log.info(`reviewer mode: registry run ${c.runId} has no run folder here (${c.blueprint}, ${c.terminal}, verdict ${c.verdict}, ended ${c.endedAt})`);
        void vscode.window.showInformationMessage(
          `Shopfloor: the registry holds only the outcome of run ${c.runId} (${c.blueprint}, ${c.terminal}, verdict ${c.verdict}); its evidence bundle stays in the run folder of the workspace that ran it. Open that workspace, or review its output branch's evidence note.`,
        );
      } catch (e) {
        void vscode.window.showErrorMessage(`Shopfloor: could not read the registry: ${(e as Error).message}`);
      }
    }),
    vscode.commands.registerCommand('shopfloor.reviewEvidence', async (arg?: { runId?: string }) => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const run = arg?.runId && folder ? { repo: folder, runId: arg.runId } : await pickRun();
      if (run) await open(run.repo, run.runId);
    }),
    vscode.commands.registerCommand('shopfloor.reviewNextSection', () => ShopfloorPanel.instance?.step(1)),
    vscode.commands.registerCommand('shopfloor.reviewPreviousSection', () => ShopfloorPanel.instance?.step(-1)),
  ];
}

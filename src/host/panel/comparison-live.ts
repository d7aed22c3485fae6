import * as vscode from 'vscode';
import { BlueprintRegistry, watchRegistry, type RegistryWatch } from '../../adapters/registry';
import { ComparisonRefresher, loadComparison } from '../../app/blueprint-comparison';
import type { ComparisonView } from '../../contracts';
import type { HostContext } from '../context';
import { registryLocationOf } from '../commands/registryCommands';
import type { PanelState } from './panel-state';

/**
 * The comparison view kept current while it is shown (issue 13): `open` shows a blueprint's
 * comparison (the command; run again on the same blueprint it re-reads in place), and
 * `refresh` re-reads the one shown. Refreshes come from the host's own registry writes
 * (registry commands, a finished run's outcome sync, a verdict sync), the view's Refresh
 * button, and, for a registry on this machine (the embedded default), a watch on its
 * branch, so a CLI sync or another clone's push shows too. The watch runs only while a
 * comparison is shown.
 */
export class LiveComparison implements vscode.Disposable {
  private readonly refresher: ComparisonRefresher;
  private watch: RegistryWatch | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly ctx: HostContext,
    private readonly state: PanelState,
  ) {
    this.refresher = new ComparisonRefresher({
      load: async (name) => loadComparison(await BlueprintRegistry.open(registryLocationOf(ctx)), name),
      shown: () => state.comparison,
      show: (view) => state.setComparison(view),
      onError: (e) => ctx.log.warn(`registry: comparison not refreshed: ${(e as Error).message}`),
    });
    this.disposables = [
      state.onDidChange(() => this.follow()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('shopfloor.registry.url')) return;
        this.stopWatch();
        this.follow();
        void this.refresh();
      }),
    ];
  }

  /** Reads blueprint `name`'s comparison and shows it (replacing any comparison shown); resolves with the view. */
  open(name: string): Promise<ComparisonView> {
    return this.refresher.open(name);
  }

  /** Re-reads the comparison shown, if any (no-op otherwise, and in an untrusted workspace). */
  refresh(): Promise<void> {
    return vscode.workspace.isTrusted ? this.refresher.refresh() : Promise.resolve();
  }

  /** Watches the registry while a comparison is shown, and only then. */
  private follow(): void {
    if (!this.state.comparison) return this.stopWatch();
    if (this.watch) return;
    this.watch = watchRegistry(registryLocationOf(this.ctx), () => {
      this.ctx.log.info('registry: its branch moved; refreshing the comparison shown');
      void this.refresh();
    });
  }

  private stopWatch(): void {
    this.watch?.dispose();
    this.watch = undefined;
  }

  dispose(): void {
    this.stopWatch();
    this.disposables.splice(0).forEach((d) => d.dispose());
  }
}

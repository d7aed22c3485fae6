import * as vscode from 'vscode';
import type { HumanStation } from '../../core/run/ports';

/**
 * A `human` station in the editor: the person does the step in their editor, then marks
 * it done (or not) in a dialog that names the station and its instructions.
 */
export class EditorHumanStation implements HumanStation {
  constructor(private readonly who: () => Promise<string>) {}

  async perform(request: { stationId: string; instructions: string }): Promise<{ done: boolean; by: string; note?: string }> {
    const choice = await vscode.window.showInformationMessage(
      `Shopfloor: station "${request.stationId}" is yours.`,
      { modal: true, detail: `${request.instructions}\n\nDo the work in the run's workspace, then mark the station done.` },
      'Mark done',
      'Could not do it',
    );
    return { done: choice === 'Mark done', by: await this.who(), note: choice ? undefined : 'dialog dismissed' };
  }
}

import * as vscode from 'vscode';
import { SEED_KINDS, type Seed, type SeedKind, type TaskPacket } from '../../contracts';
import { GitRepoReader } from '../../adapters/git/repo-reader';
import { draftPacket } from '../../core/packet/draft';
import { buildRefinementPrompt, parseRefinement } from '../../core/packet/refine';
import { guessSeedKind } from '../../core/packet/seed';
import type { HostContext } from '../context';

/** What the Testing view passes: a TestItem (testing/item/context) or {test, message} (testing/message/context). */
interface TestArg {
  test?: vscode.TestItem;
  message?: vscode.TestMessage;
  id?: string;
  label?: string;
  uri?: vscode.Uri;
  range?: vscode.Range;
}

function isTestArg(a: unknown): a is TestArg {
  return !!a && typeof a === 'object' && ('test' in a || ('id' in a && 'label' in a));
}

function messageText(m: vscode.TestMessage | undefined): string {
  if (!m) return '';
  const body = typeof m.message === 'string' ? m.message : m.message.value;
  const expected = m.expectedOutput !== undefined ? `\nExpected: ${m.expectedOutput}\nActual: ${m.actualOutput ?? ''}` : '';
  const stack = (m as { stackTrace?: { label: string; uri?: vscode.Uri; position?: vscode.Position }[] }).stackTrace ?? [];
  const frames = stack.map((f) => `    at ${f.label} (${f.uri?.fsPath ?? '?'}:${(f.position?.line ?? 0) + 1}:${(f.position?.character ?? 0) + 1})`).join('\n');
  return `${body}${expected}${frames ? `\n${frames}` : ''}`;
}

function refOf(uri: vscode.Uri | undefined, line: number | undefined): string | undefined {
  if (!uri) return undefined;
  return `${vscode.workspace.asRelativePath(uri, false)}${line !== undefined ? `:${line + 1}` : ''}`;
}

/** Asks where the seed comes from: selection, TODO at the cursor, clipboard or typed text. */
async function seedFromUser(): Promise<Seed | undefined> {
  const editor = vscode.window.activeTextEditor;
  const sel = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  const cursorLine = editor ? editor.document.lineAt(editor.selection.active.line).text : '';
  const todo = /\b(TODO|FIXME|XXX|HACK)\b/.test(cursorLine) ? cursorLine : undefined;
  const items: (vscode.QuickPickItem & { id: string })[] = [
    ...(sel ? [{ id: 'selection', label: '$(selection) From the selection', description: refOf(editor!.document.uri, editor!.selection.start.line) }] : []),
    ...(todo ? [{ id: 'todo', label: '$(checklist) From the TODO/FIXME at the cursor', description: todo.trim().slice(0, 80) }] : []),
    { id: 'clipboard', label: '$(clippy) From the clipboard', description: 'issue page, advisory, CI log, test output' },
    { id: 'input', label: '$(edit) Type or paste a seed' },
  ];
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Draft a task packet from…' });
  if (!pick) return undefined;
  if (pick.id === 'selection') {
    const note = await vscode.window.showInputBox({ prompt: 'What should change in the selected code? (without a note the draft is flagged missing-context)', ignoreFocusOut: true });
    if (note === undefined) return undefined;
    const lang = editor!.document.languageId;
    return { kind: 'selection', text: `${note.trim()}\n\n\`\`\`${lang}\n${sel}\n\`\`\``, ref: refOf(editor!.document.uri, editor!.selection.start.line)! };
  }
  if (pick.id === 'todo') return { kind: 'todo', text: todo!, ref: refOf(editor!.document.uri, editor!.selection.active.line)! };
  const text = pick.id === 'clipboard' ? await vscode.env.clipboard.readText() : await vscode.window.showInputBox({ prompt: 'Seed: issue text, failing test, advisory, CI log…', ignoreFocusOut: true });
  if (!text?.trim()) {
    if (pick.id === 'clipboard') void vscode.window.showWarningMessage('Shopfloor: the clipboard is empty.');
    return undefined;
  }
  const guessed = guessSeedKind(text);
  const kinds = [guessed, ...SEED_KINDS.filter((k) => k !== guessed && k !== 'selection')];
  const kind = await vscode.window.showQuickPick(
    kinds.map((k) => ({ label: k, description: k === guessed ? 'guessed from the text' : undefined })),
    { placeHolder: 'Seed kind' },
  );
  return kind ? { kind: kind.label as SeedKind, text } : undefined;
}

/** Allowed tools from user settings only in an untrusted workspace (workspace settings are not read there). */
function allowedTools(trusted: boolean): string[] | undefined {
  const cfg = vscode.workspace.getConfiguration('shopfloor.draft');
  const v = trusted ? cfg.get<string[]>('allowedTools') : cfg.inspect<string[]>('allowedTools')?.globalValue;
  return Array.isArray(v) && v.length ? v : undefined;
}

/**
 * "Shopfloor: Draft Task Packet": drafts a packet from the selection, the TODO at the
 * cursor, the clipboard, typed text, or a failing test in the Testing view; writes it to
 * `.shopfloor/packets/<id>.json` (with `$schema` for completion) and opens it. Drafting
 * only reads the repository through git, so it works in restricted mode too; it never
 * runs anything. When a chat model is available and the user agrees, a model suggestion
 * opens beside the draft as a diff; the draft itself is never overwritten.
 */
export function registerDraftPacket(ctx: HostContext): vscode.Disposable {
  return vscode.commands.registerCommand('shopfloor.draftPacket', async (arg?: unknown) => {
    const folder = (vscode.window.activeTextEditor && vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') {
      void vscode.window.showWarningMessage('Shopfloor: open a folder (a git repository on disk) to draft a task packet.');
      return;
    }
    let seed: Seed | undefined;
    if (isTestArg(arg)) {
      const test = arg.test ?? (arg as vscode.TestItem);
      const msg = messageText(arg.message);
      seed = { kind: 'failing-test', text: `${test.label}${msg ? `\n${msg}` : ''}`, ...(refOf(test.uri, test.range?.start.line) ? { ref: refOf(test.uri, test.range?.start.line)! } : {}) };
    } else seed = await seedFromUser();
    if (!seed) return;

    const trusted = vscode.workspace.isTrusted;
    if (!trusted) ctx.log.info('untrusted workspace: drafting reads the repository through git only; workspace settings were not read and nothing was run');
    // Drafting reads only through git, but a large repository can take a while: the
    // notification's Cancel stops every git child (the reader's signal).
    const abort = new AbortController();
    try {
      const reader = new GitRepoReader(folder.uri.fsPath, { signal: abort.signal });
      const tools = allowedTools(trusted);
      const { packet, notes } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Shopfloor: drafting task packet', cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          return draftPacket({ seed: seed!, reader, ...(tools ? { options: { allowedTools: tools } } : {}) });
        },
      );
      const schema = vscode.Uri.joinPath(ctx.extension.extensionUri, 'schemas', 'task-packet.schema.json').toString();
      const uri = vscode.Uri.joinPath(folder.uri, '.shopfloor', 'packets', `${packet.id}.json`);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify({ $schema: schema, ...packet }, null, 2) + '\n'));
      ctx.log.info(`drafted ${vscode.workspace.asRelativePath(uri)} from a ${seed.kind} seed${packet.flags.length ? ` (flags: ${packet.flags.join(', ')})` : ''}`);
      for (const n of notes) ctx.log.info(`  ${n}`);
      const doc = await vscode.window.showTextDocument(uri);
      void vscode.commands.executeCommand('shopfloor.openPacket', uri).then(undefined, () => undefined);
      if (packet.flags.includes('missing-context'))
        void vscode.window.showWarningMessage(`Shopfloor: the seed is too vague to act on; the packet is flagged missing-context. ${packet.intent}`);
      await offerRefinement(ctx, packet, reader, doc.document.uri);
    } catch (e) {
      if (abort.signal.aborted) {
        ctx.log.info('drafting cancelled: no packet was written');
        return;
      }
      ctx.log.error(e instanceof Error ? e : String(e));
      void vscode.window.showErrorMessage(`Shopfloor: drafting failed: ${(e as Error).message}`, 'Show Log').then((a) => a && ctx.log.show());
    }
  });
}

/** Asks an available chat model for a suggestion and shows it as a diff beside the draft. Optional; never required. */
async function offerRefinement(ctx: HostContext, packet: TaskPacket, reader: GitRepoReader, draftUri: vscode.Uri): Promise<void> {
  const mode = vscode.workspace.getConfiguration('shopfloor.draft').get<string>('modelRefinement', 'ask');
  if (mode === 'off' || !vscode.lm?.selectChatModels) return;
  let models: vscode.LanguageModelChat[] = [];
  try {
    models = await vscode.lm.selectChatModels();
  } catch {
    return;
  }
  const model = models[0];
  if (!model) return;
  const go = await vscode.window.showInformationMessage(`Ask ${model.name} to suggest refinements? The suggestion opens beside the draft; nothing is overwritten.`, 'Suggest', 'Not now');
  if (go !== 'Suggest') return;
  const files = await reader.listFiles();
  const tracked = new Set(files.map((f) => f.path));
  const cts = new vscode.CancellationTokenSource();
  try {
    const prompt = buildRefinementPrompt(packet, { files: packet.scope.paths.map((p) => p.path) });
    const res = await model.sendRequest([vscode.LanguageModelChatMessage.User(prompt)], { justification: 'Shopfloor suggests refinements to a task packet you drafted.' }, cts.token);
    let answer = '';
    for await (const chunk of res.text) answer += chunk;
    const r = parseRefinement(answer, packet, tracked, model.name);
    for (const x of r.rejected) ctx.log.warn(`model suggestion: ${x}`);
    if (!r.suggestion || !r.changes.length) {
      void vscode.window.showInformationMessage(`Shopfloor: ${model.name} suggested no usable change.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(r.suggestion, null, 2) + '\n' });
    await vscode.commands.executeCommand('vscode.diff', draftUri, doc.uri, `${packet.id}: draft ↔ ${model.name} suggestion`);
    ctx.log.info(`model suggestion from ${model.name}: ${r.changes.join(', ')}${r.why ? ` (${r.why})` : ''}`);
  } catch (e) {
    ctx.log.warn(`model refinement skipped: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    cts.dispose();
  }
}

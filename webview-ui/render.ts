import { html, nothing, render, type TemplateResult } from 'lit-html';
import type { PanelSnapshot } from '../src/contracts/protocol';
import type { RenderContext } from './context';
import { comparisonView } from './comparison-view';
import { evidenceView } from './evidence-view';
import { packetForm } from './packet-form';
import { runView } from './run-view';
import { fold } from './section';

/**
 * The whole panel for one snapshot, as a lit-html template. lit keeps the DOM of the last
 * render and patches only the bindings whose values changed (and `repeat`/`keyed` keep
 * stations and gates by id), so a new snapshot leaves focus, selection, scroll, open
 * sections and half-typed text where they were. Text is bound as text nodes, never HTML.
 */
export function panelTemplate(s: PanelSnapshot, ctx: RenderContext): TemplateResult {
  const form = s.packet ? packetForm(ctx, s.packet) : nothing;
  return html`
    <header class="header">
      <h1>Shopfloor</h1>
      <span class="badge" data-testid="version">v${s.extensionVersion}</span>
    </header>
    ${s.workspace
      ? html`<p class="workspace">Workspace: ${s.workspace.name}${s.workspace.trusted ? '' : ' (restricted mode: nothing from this workspace runs)'}</p>`
      : html`<p class="muted">No folder is open. Open a repository to draft a task packet.</p>`}
    <p class="message${ctx.status.isError ? ' error' : ''}" data-testid="message" role="status">${ctx.status.text}</p>
    ${s.comparison ? comparisonView(ctx, s.comparison) : nothing}
    ${s.review?.mode === 'review' ? evidenceView(ctx, s.review) : nothing}
    ${s.run ? runView(ctx, s.run) : nothing}
    ${s.review && s.review.mode === 'run' ? evidenceView(ctx, s.review) : nothing}
    ${s.packet && s.run
      ? // While a run is shown, the packet it came from folds away under the run.
        fold(ctx, 'packet-fold', `Task packet · ${s.packet.file}`, form, { className: 'packet-fold' })
      : form}
    ${!s.run && !s.packet && !s.review && !s.comparison
      ? html`<section class="empty">
          <h2>No run yet</h2>
          <p>Shopfloor drafts a task packet from a seed (an issue, a failing test, an advisory), runs each station of a blueprint in a local devcontainer, and stops at a gate for your approval between steps.</p>
        </section>`
      : nothing}
    <footer class="footer">
      <span class="status" data-testid="connection">Connected to host</span>
      <vscode-button secondary @click=${() => ctx.actions.showLog()}>Show log</vscode-button>
    </footer>`;
}

/** Renders (or patches) `s` into `root`, then draws the station log's lines in view (and applies follow mode). */
export function renderSnapshot(root: HTMLElement, s: PanelSnapshot, ctx: RenderContext): void {
  // The host's placeholder ("Connecting…") is not lit's: clear it once, before the first render.
  if (!(root as { _$litPart$?: unknown })._$litPart$) root.replaceChildren();
  ctx.store.keepOnlyGate(s.run?.openGate?.gateId);
  render(panelTemplate(s, ctx), root);
  ctx.log.afterRender(root);
  ctx.reviewLog.afterRender(root);
}

import { html, nothing, type TemplateResult } from 'lit-html';
import { keyed } from 'lit-html/directives/keyed.js';
import { repeat } from 'lit-html/directives/repeat.js';
import type { PanelSnapshot } from '../src/contracts/protocol';
import type { RenderContext } from './context';
import { gateCard } from './gate-card';
import { icon } from './section';
import { stationLogView } from './station-log';

type RunView = NonNullable<PanelSnapshot['run']>;

/** Codicon per station status. */
const STATUS_ICON: Record<string, string> = { pending: 'circle-large-outline', gate: 'debug-pause', running: 'loading codicon-modifier-spin', passed: 'pass', failed: 'error', skipped: 'debug-step-over' };

/**
 * A run: its stations (keyed by id, so a snapshot patches only the rows that changed), the
 * live log, the open gate (keyed by gate id: the same gate keeps its card and what was
 * typed into it; a new gate gets a fresh one), and the terminal state with the output.
 */
export function runView(ctx: RenderContext, run: RunView): TemplateResult {
  const gate = run.openGate;
  const running = run.log ? run.stations.some((s) => s.id === run.log!.stationId && s.status === 'running') : false;
  return html`<section class="run" aria-label="Run" data-testid="run">
    <h2>Run ${run.runId} · ${run.blueprint}</h2>
    <ol class="stations" aria-label="Stations">
      ${repeat(
        run.stations,
        (s) => s.id,
        (st) => html`<li class="station status-${st.status}" data-station=${st.id} data-status=${st.status}>${icon(STATUS_ICON[st.status] ?? 'circle-small')}<span>${st.title} (${st.kind}): ${st.status}</span></li>`,
      )}
    </ol>
    ${run.log ? stationLogView(ctx, run.runId, run.log, running) : nothing}
    ${gate ? keyed(gate.gateId, gateCard(ctx, gate)) : nothing}
    ${run.terminal
      ? html`<p class="terminal terminal-${run.terminal.state}" data-testid="terminal"><strong>${run.terminal.state}</strong><span> (${run.terminal.reason})${run.terminal.detail ? `: ${run.terminal.detail}` : ''}</span></p>
          ${run.output ? html`<p data-testid="output">Output: ${run.output}</p>` : nothing}
          ${run.branch && run.terminal.state === 'PR_READY'
            ? html`<div class="actions"><vscode-button data-testid="push" @click=${() => ctx.actions.pushBranch(run.runId)}>Push branch and open pull request</vscode-button></div>`
            : nothing}
          ${run.evidence ? html`<p>Evidence: ${run.evidence}</p>` : nothing}`
      : nothing}
  </section>`;
}

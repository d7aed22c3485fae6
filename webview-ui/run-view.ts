import { html, nothing, type TemplateResult } from 'lit-html';
import { keyed } from 'lit-html/directives/keyed.js';
import { repeat } from 'lit-html/directives/repeat.js';
import type { PanelSnapshot } from '../src/contracts/protocol';
import type { RenderContext } from './context';
import { gateCard } from './gate-card';
import { icon } from './section';
import { stationLogView } from './station-log';

type RunView = NonNullable<PanelSnapshot['run']>;
type StationView = RunView['stations'][number];
type GateDecisionView = RunView['gates'][number];

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
        (st) => stationRow(st, run.gates.filter((g) => g.stationId === st.id)),
      )}
    </ol>
    ${run.log ? stationLogView(ctx, run.runId, run.log, running) : nothing}
    ${gate ? keyed(gate.gateId, gateCard(ctx, gate)) : nothing}
    ${run.terminal
      ? html`<p class="terminal terminal-${run.terminal.state}" data-testid="terminal"><strong>${run.terminal.state}</strong><span> (${run.terminal.reason})${run.terminal.detail ? `: ${run.terminal.detail}` : ''}</span></p>
          ${run.output ? html`<p data-testid="output">Output: ${run.output}</p>` : nothing}
          <div class="actions">
            ${run.evidence
              ? html`<vscode-button data-testid="review-open" ?secondary=${run.terminal.state === 'PR_READY'} aria-label="Review the evidence bundle of this run, section by section" @click=${() => ctx.actions.openReview(run.runId)}>Review evidence</vscode-button>`
              : nothing}
            ${run.branch && run.terminal.state === 'PR_READY'
              ? html`<vscode-button data-testid="push" @click=${() => ctx.actions.pushBranch(run.runId)}>Push branch and open pull request</vscode-button>`
              : nothing}
          </div>
          ${run.evidence ? html`<p>Evidence: ${run.evidence}</p>` : nothing}`
      : nothing}
  </section>`;
}

/** Milliseconds for a person: 850 ms, 12.3 s, 4 min 05 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** US dollars: four decimals under a dollar (agent attempts often cost a fraction of a cent), else two. */
function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k tokens` : `${n} tokens`;
}

/** What is known of a station beyond its status: duration, attempts, agent, cost. */
function stationFacts(st: StationView): string[] {
  return [
    st.durationMs !== null ? formatDuration(st.durationMs) : undefined,
    st.attempts > 1 ? `${st.attempts} attempts` : undefined,
    st.agent ?? undefined,
    st.usd !== null ? formatUsd(st.usd) : undefined,
    st.tokens !== null ? formatTokens(st.tokens) : undefined,
  ].filter((x): x is string => x !== undefined);
}

/** One decided gate: who decided what, when, after how long (the time is local; the full timestamp is its tooltip). */
function gateDecisionRow(g: GateDecisionView): TemplateResult {
  const at = new Date(g.decidedAt);
  const when = Number.isNaN(at.getTime()) ? g.decidedAt : at.toLocaleTimeString();
  return html`<li class="gate-decision decision-${g.decision}" data-gate=${g.gateId}>${icon('debug-pause')}<span>Gate ${g.position}: <strong>${g.decision}</strong> by ${g.by} at <time datetime=${g.decidedAt} title=${g.decidedAt}>${when}</time>, after ${formatDuration(g.humanMs)}${g.reason ? html` · <q>${g.reason}</q>` : nothing}</span></li>`;
}

/** A station of the timeline with its facts, its note (what a reproduction's failure means) and its decided gates. */
function stationRow(st: StationView, gates: GateDecisionView[]): TemplateResult {
  const facts = stationFacts(st);
  const expected = st.status === 'failed' && st.failureExpected;
  return html`<li class="station status-${st.status}${expected ? ' failure-expected' : ''}" data-station=${st.id} data-status=${st.status}>
    ${icon(expected ? 'bug' : (STATUS_ICON[st.status] ?? 'circle-small'))}<span class="station-title">${st.title} (${st.kind}): ${expected ? 'failed as it must (the problem is there)' : st.status}</span>${facts.length ? html`<span class="station-facts" data-testid="station-facts"> · ${facts.join(' · ')}</span>` : nothing}
    ${st.note ? html`<div class="station-note" data-testid="station-note">${st.note}</div>` : nothing}
    ${gates.length ? html`<ul class="gate-decisions" aria-label=${`Gates of ${st.title}`}>${repeat(gates, (g) => g.gateId, gateDecisionRow)}</ul>` : nothing}
  </li>`;
}

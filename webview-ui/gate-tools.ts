import { html, nothing, type TemplateResult } from 'lit-html';
import type { GateEffectView, GateToolDriftView } from '../src/contracts/protocol';
import type { RenderContext } from './context';
import { fold } from './section';

/**
 * The MCP gateway's parts of a gate (issue 12): the tool calls held for the output gate,
 * each with a checkbox to decline it, and the tool definitions that changed since they were
 * approved, field by field. Arguments and definitions are agent and server text: every
 * value is a lit text binding, never HTML.
 */

const declineKey = (gateId: string, effectId: string) => `gate:${gateId}:decline:${effectId}`;

/** The held calls the reviewer unticked at this gate (drafts of the gate, view state): sent as `declinedEffects` with approve. */
export function declinedEffects(ctx: RenderContext, gateId: string, effects: readonly GateEffectView[] | null): string[] {
  return (effects ?? []).filter((e) => ctx.store.draft(declineKey(gateId, e.id)) === 'declined').map((e) => e.id);
}

/**
 * The held calls, beside the diff: approving the gate runs every ticked one after the gate,
 * a rejection discards them all. `canDecide` false (a gate that cannot be approved) shows
 * them without checkboxes.
 */
export function effectsView(ctx: RenderContext, gateId: string, effects: readonly GateEffectView[], canDecide: boolean): TemplateResult {
  const declined = new Set(declinedEffects(ctx, gateId, effects));
  const runs = effects.length - declined.size;
  return html`<section class="effects" aria-label="Held tool calls" data-testid="gate-effects">
    <h4>Held tool calls (${effects.length})</h4>
    <p class="muted">These calls change something outside the workspace. They have not run: approving runs the ticked ones after this gate; rejecting discards them all.</p>
    <ul class="effect-list">
      ${effects.map((e) => {
        const on = !declined.has(e.id);
        const toggle = (ev: Event) => {
          ctx.store.setDraft(declineKey(gateId, e.id), (ev.currentTarget as HTMLInputElement).checked ? undefined : 'declined');
          ctx.rerender();
        };
        return html`<li class=${on ? 'effect' : 'effect declined'} data-testid="gate-effect" data-effect=${e.id}>
          ${canDecide
            ? html`<label><input type="checkbox" data-testid="effect-run" .checked=${on} @change=${toggle}
                aria-label=${`Run ${e.tool} (${e.id}) after approval`} /> <code>${e.tool}</code></label>`
            : html`<code>${e.tool}</code>`}
          <span class="muted"> ${e.id} · from ${e.stationId} · held because ${e.reason}</span>${on ? nothing : html` <strong data-testid="effect-declined">declined</strong>`}
          ${fold(ctx, `gate:${gateId}:effect-args:${e.id}`, 'Arguments', html`<pre class="gate-content" tabindex="0" aria-label=${`Arguments of ${e.id}`}>${e.arguments}</pre>`)}
        </li>`;
      })}
    </ul>
    ${canDecide ? html`<p data-testid="effects-summary">Approving runs ${runs} of ${effects.length}${declined.size ? `; ${declined.size} declined (discarded)` : ''}.</p>` : nothing}
  </section>`;
}

/** Tool definitions that changed since approval: hidden from agents until this gate is approved, which re-approves them. */
export function toolDriftView(ctx: RenderContext, gateId: string, drift: readonly GateToolDriftView[]): TemplateResult {
  return html`<section class="tool-drift flagged" aria-label="Changed tool definitions" data-testid="gate-tool-drift">
    <h4>Changed tool definitions (${drift.length})</h4>
    <p class="muted">These MCP tools changed after they were approved and are hidden from agents. Approving this gate re-approves the new definitions; rejecting keeps them hidden.</p>
    ${drift.map(
      (d) => html`<div class="fact" data-testid="drift-tool">
        <h5><code>${d.tool}</code> <span class="muted">sha256 ${d.pinned.slice(0, 12)} → ${d.current.slice(0, 12)}</span></h5>
        ${d.changes.map((c, i) =>
          fold(
            ctx,
            `gate:${gateId}:drift:${d.tool}:${i}`,
            html`${c.field} changed`,
            html`<div class="gate-columns">
              <div><h5>Approved</h5><pre class="gate-content" tabindex="0" aria-label=${`${d.tool} ${c.field} as approved`}>${c.before}</pre></div>
              <div><h5>Now</h5><pre class="gate-content" tabindex="0" aria-label=${`${d.tool} ${c.field} now`}>${c.after}</pre></div>
            </div>`,
            { byDefault: true, testid: 'drift-change' },
          ),
        )}
      </div>`,
    )}
  </section>`;
}

import { html, nothing, type TemplateResult } from 'lit-html';
import type { StationLogView } from '../src/contracts/protocol';
import type { RenderContext } from './context';
import type { LogWindow } from './log-window';

/** The draft key of the log's search text. */
const SEARCH = 'log:search';

/**
 * The station's output (issue 14), as a window onto the whole log however long
 * (./log-window.ts draws the lines in view): ANSI colours as theme colours, a search of
 * the whole log (Enter: next match, Shift+Enter: previous; the match is scrolled to and
 * highlighted), and follow mode (on: the log stays at its end as lines arrive; scrolling
 * up turns it off; End or the checkbox turns it on). The log is focusable and scrolls by
 * PageUp, PageDown, Home and End. Lines are text nodes, never HTML.
 */
export function stationLogView(ctx: RenderContext, runId: string, log: StationLogView, running: boolean, w: LogWindow = ctx.log): TemplateResult {
  w.show(runId, log);
  const query = ctx.store.draft(SEARCH) ?? '';
  return html`<section class="station-log" aria-label=${`Log of ${log.stationId}`} data-testid="station-log">
    <h3>${running ? 'Live output' : 'Output'} · ${log.stationId} <span class="muted">(${w.lines} line${w.lines === 1 ? '' : 's'})</span></h3>
    <div class="log-tools">
      <input type="search" placeholder="Search the output" aria-label="Search the output (Enter: next match, Shift+Enter: previous)" aria-keyshortcuts="Enter Shift+Enter" data-testid="log-search" .value=${query}
        @input=${(e: Event) => {
          ctx.store.setDraft(SEARCH, (e.currentTarget as HTMLInputElement).value, '');
          w.clearSearch();
          ctx.rerender();
        }}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          void w.search((e.currentTarget as HTMLInputElement).value, e.shiftKey ? 'previous' : 'next');
        }} />
      <label><input type="checkbox" data-testid="log-follow" .checked=${ctx.store.follow}
        @change=${(e: Event) => w.setFollow((e.currentTarget as HTMLInputElement).checked)} /> Follow</label>
      <span class="muted" data-testid="log-matches" role="status">${w.searchStatus}</span>
    </div>
    ${w.note ? html`<p class="muted" data-testid="log-note">${w.note}</p>` : nothing}
    ${w.count
      ? html`<div class="station-log-text" tabindex="0" role="region" aria-label=${`Output of ${log.stationId}, ${w.lines} lines (PageUp, PageDown, Home, End)`} data-testid="station-log-text" data-log-slot=${w.slot}
          @scroll=${() => w.onScroll()} @keydown=${(e: KeyboardEvent) => w.onKey(e)}><div class="log-spacer"><div class="log-rows"></div></div></div>`
      : html`<p class="muted">No output yet.</p>`}
  </section>`;
}

import { html, nothing, type TemplateResult } from 'lit-html';
import type { StationLogView } from '../src/contracts/protocol';
import { ansiSegments } from './ansi';
import type { RenderContext } from './context';

/** The draft key of the log's search text. */
const SEARCH = 'log:search';

function line(text: string): TemplateResult {
  return html`<span class="log-line">${ansiSegments(text).map((s) => (s.classes.length ? html`<span class=${s.classes.join(' ')}>${s.text}</span>` : s.text))}</span>\n`;
}

/**
 * The running station's output: ANSI colours as theme colours, a search that keeps only
 * the lines containing its text, and follow mode (the log scrolls to each new line while
 * on; scrolling up turns it off, back to the end turns it on). Lines are text nodes, never
 * HTML. `afterRender` applies follow mode once the lines are in the page.
 */
export function stationLogView(ctx: RenderContext, log: StationLogView, running: boolean): TemplateResult {
  const query = ctx.store.draft(SEARCH) ?? '';
  const q = query.toLowerCase();
  const shown = q ? log.lines.filter((l) => l.toLowerCase().includes(q)) : log.lines;
  return html`<section class="station-log" aria-label=${`Log of ${log.stationId}`} data-testid="station-log">
    <h3>${running ? 'Live output' : 'Output'} · ${log.stationId}</h3>
    <div class="log-tools">
      <input type="search" placeholder="Search the output" aria-label="Search the output" data-testid="log-search" .value=${query}
        @input=${(e: Event) => {
          ctx.store.setDraft(SEARCH, (e.currentTarget as HTMLInputElement).value, '');
          ctx.rerender();
        }} />
      <label><input type="checkbox" data-testid="log-follow" .checked=${ctx.store.follow}
        @change=${(e: Event) => {
          ctx.store.follow = (e.currentTarget as HTMLInputElement).checked;
          ctx.rerender();
        }} /> Follow</label>
      ${q ? html`<span class="muted" data-testid="log-matches">${shown.length} of ${log.lines.length} lines</span>` : nothing}
    </div>
    ${log.dropped ? html`<p class="muted">${log.dropped} earlier line(s) not shown; the full log is in the run folder.</p>` : nothing}
    ${log.lines.length
      ? html`<pre class="station-log-text" tabindex="0" aria-label=${`Output of ${log.stationId}`} data-testid="station-log-text"
          @scroll=${(e: Event) => {
            const pre = e.currentTarget as HTMLElement;
            ctx.store.follow = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
          }}>${shown.map(line)}</pre>`
      : html`<p class="muted">No output yet.</p>`}
  </section>`;
}

/** Follow mode: scrolls the log to its end when it is on. Call after each render. */
export function followLog(root: ParentNode, follow: boolean): void {
  const pre = root.querySelector<HTMLElement>('[data-testid="station-log-text"]');
  if (pre && follow) pre.scrollTop = pre.scrollHeight;
}

import { html, nothing, svg, type TemplateResult } from 'lit-html';
import type { ComparisonFigures, ComparisonView, ComparisonVersion, MedianView, ProportionView } from '../src/contracts/comparison';
import { TERMINAL_STATES } from '../src/contracts/protocol-wire';
import type { RenderContext } from './context';

/**
 * The comparison view (issue 13): a registry blueprint beside its parent and its forks, per
 * version. Two charts drawn as SVG with no chart library (the terminal-state mix as stacked
 * bars; reviewer acceptance, first-attempt validation and median human minutes as interval
 * marks), each with a text alternative, then every figure as text in a table, and plain
 * statements of what the data can and cannot say. Colours are classes styled with the
 * theme's chart variables (panel.css); widths are SVG attributes (the CSP allows no inline
 * style). Every value is bound as text.
 */

type Figure = 'reviewerAcceptance' | 'firstAttemptValidation' | 'acceptedNoEdit';
const FIGURE_LABEL: Record<Figure, string> = {
  reviewerAcceptance: 'Reviewer acceptance',
  firstAttemptValidation: 'First-attempt validation pass rate',
  acceptedNoEdit: 'Accepted with no edit at any gate',
};

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** A proportion as text: "67% (95% interval 30–90%, n=6)", or "no samples (n=0)". */
export function proportionText(p: ProportionView, confidence: number): string {
  if (!p.n || p.rate === null) return 'no samples (n=0)';
  return `${pct(p.rate)} (${p.k} of ${p.n}; ${pct(confidence)} interval ${pct(p.interval[0])}–${pct(p.interval[1])})`;
}

/** A median as text: "2.0 min (95% interval 1.0–3.5, n=6)", or "no samples (n=0)". */
export function medianText(m: MedianView, confidence: number, unit = 'min'): string {
  if (!m.n || m.median === null) return 'no samples (n=0)';
  return `${m.median.toFixed(1)} ${unit} (n=${m.n}${m.interval ? `; ${pct(confidence)} interval ${m.interval[0].toFixed(1)}–${m.interval[1].toFixed(1)}` : ''})`;
}

/** The terminal-state mix as text: "PR_READY 6, NO_OP 2, ESCALATE 1, RETRYABLE_FAILURE 1 of 10 runs". */
export function mixText(f: Pick<ComparisonFigures, 'runs' | 'terminal'>): string {
  if (!f.runs) return 'no runs recorded';
  return `${TERMINAL_STATES.map((s) => `${s} ${f.terminal[s]}`).join(', ')} of ${f.runs} run${f.runs === 1 ? '' : 's'}`;
}

const ref = (v: Pick<ComparisonVersion, 'name' | 'version'>) => `${v.name}@${v.version}`;
const ROLE_LABEL: Record<ComparisonVersion['role'], string> = { blueprint: 'this blueprint', parent: 'parent', fork: 'fork' };

/**
 * What the figures let one say, one plain sentence each: per fork and figure, better or worse
 * (intervals apart), no clear difference (they overlap), or too little data (fewer than minN
 * samples on a side); and when there is nothing to compare with or no runs at all, that.
 */
export function comparisonStatements(c: ComparisonView): string[] {
  const out: string[] = [];
  if (!c.versions.some((v) => v.runs)) out.push(`No runs of ${c.name}${c.parent || c.pairs.length ? ' or the blueprints it is compared with' : ''} are recorded in the registry yet: there is nothing to say.`);
  if (!c.pairs.length) out.push(`${c.name} is not a fork and has no forks in the registry: there is no parent or fork to compare it with.`);
  for (const p of c.pairs)
    for (const f of p.figures) {
      const label = FIGURE_LABEL[f.figure];
      if (f.verdict === 'too-thin') out.push(`${label}: too little data to say whether ${p.fork} differs from ${p.parent} (n=${f.fork.n} and n=${f.parent.n}; at least ${c.minN} on each side are needed).`);
      else if (f.verdict === 'no-clear-difference') out.push(`${label}: no clear difference between ${p.fork} (${proportionText(f.fork, c.confidence)}) and ${p.parent} (${proportionText(f.parent, c.confidence)}); the intervals overlap.`);
      else out.push(`${label}: ${p.fork} is ${f.verdict} than ${p.parent} (${proportionText(f.fork, c.confidence)} against ${proportionText(f.parent, c.confidence)}; the intervals do not overlap).`);
    }
  return out;
}

/** One version's terminal-state mix as a stacked bar (widths in percent of its runs). */
function mixBar(v: ComparisonVersion): TemplateResult {
  let x = 0;
  const segs = TERMINAL_STATES.filter((s) => v.terminal[s] > 0).map((s) => {
    const w = (v.terminal[s] / v.runs) * 100;
    const seg = svg`<rect class="seg seg-${s}" data-state=${s} x=${x} y="0" width=${w} height="10"><title>${s}: ${v.terminal[s]} of ${v.runs} (${pct(v.terminal[s] / v.runs)})</title></rect>`;
    x += w;
    return seg;
  });
  return html`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=${`${ref(v)}: ${mixText(v)}`}>
    <rect class="bar-track" x="0" y="0" width="100" height="10"></rect>${segs}
  </svg>`;
}

/** An interval mark on a 0..1 (or 0..max) scale: the interval as a line, the estimate as a dot; nothing but the track when there are no samples. */
function intervalMark(label: string, lo: number | null, hi: number | null, point: number | null, scale: number, text: string): TemplateResult {
  const at = (x: number) => Math.max(0, Math.min(100, (x / scale) * 100));
  return html`<svg class="interval" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=${`${label}: ${text}`}>
    <line class="interval-track" x1="0" y1="5" x2="100" y2="5"></line>
    ${lo !== null && hi !== null ? svg`<rect class="interval-range" x=${at(lo)} y="2" width=${Math.max(0.5, at(hi) - at(lo))} height="6"></rect>` : nothing}
    ${point !== null ? svg`<rect class="interval-point" x=${Math.max(0, at(point) - 0.75)} y="0" width="1.5" height="10"></rect>` : nothing}
  </svg>`;
}

function legend(): TemplateResult {
  return html`<ul class="legend" aria-label="Terminal states">
    ${TERMINAL_STATES.map((s) => html`<li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class="seg seg-${s}" x="0" y="0" width="10" height="10"></rect></svg>${s}</li>`)}
  </ul>`;
}

function thinNote(v: ComparisonVersion, minN: number): string {
  if (!v.runs) return 'no runs yet';
  return v.runs < minN ? `thin: ${v.runs} run${v.runs === 1 ? '' : 's'}, fewer than ${minN}` : '';
}

/** The comparison section of the panel. */
export function comparisonView(ctx: RenderContext, c: ComparisonView): TemplateResult {
  const rows = c.versions;
  const withRuns = rows.filter((v) => v.runs);
  // Headroom above the largest value (to the next half minute past +20%), so the largest mark is not drawn on the edge of the track.
  const top = Math.max(0, ...rows.map((v) => v.humanMinutes.interval?.[1] ?? v.humanMinutes.median ?? 0));
  const maxMinutes = top > 0 ? Math.ceil(top * 1.2 * 2) / 2 : 1;
  return html`<section class="comparison" aria-labelledby="comparison-title" data-testid="comparison">
    <h2 id="comparison-title">Compare ${c.name}${c.parent ? ` · fork of ${c.parent}` : ''}</h2>
    <p class="muted">From the registry at ${c.at}. Intervals: Wilson score for proportions, percentile bootstrap for medians, at ${pct(c.confidence)}. A difference is stated only with at least ${c.minN} samples on each side and intervals that do not overlap.</p>
    ${c.problem ? html`<p class="banner untrusted" role="alert" data-testid="comparison-problem">The registry could not be read: ${c.problem}</p>` : nothing}
    <ul class="statements" data-testid="comparison-statements">${comparisonStatements(c).map((s) => html`<li>${s}</li>`)}</ul>
    ${withRuns.length
      ? html`<figure class="chart" data-testid="comparison-mix">
            <figcaption id="comparison-mix-caption">Terminal-state mix per version (share of its runs). Every figure is in the table below as text.</figcaption>
            ${legend()}
            <ol class="bars" aria-describedby="comparison-mix-caption">
              ${withRuns.map((v) => html`<li class="bar-row role-${v.role}" data-version=${ref(v)}><span class="bar-label">${ref(v)}</span>${mixBar(v)}<span class="bar-n">n=${v.runs}</span></li>`)}
            </ol>
          </figure>
          <figure class="chart" data-testid="comparison-intervals">
            <figcaption id="comparison-intervals-caption">Estimates (mark) with their intervals (band) per version: reviewer acceptance and first-attempt validation on 0–100%, median human minutes on 0–${maxMinutes.toFixed(1)} min.</figcaption>
            <table class="interval-table" aria-describedby="comparison-intervals-caption">
              <thead><tr><th scope="col">Version</th><th scope="col">Reviewer acceptance</th><th scope="col">First-attempt validation</th><th scope="col">Median human minutes</th></tr></thead>
              <tbody>${withRuns.map(
                (v) => html`<tr data-version=${ref(v)}>
                  <th scope="row">${ref(v)}</th>
                  <td>${intervalMark(`${ref(v)} reviewer acceptance`, v.reviewerAcceptance.n ? v.reviewerAcceptance.interval[0] : null, v.reviewerAcceptance.n ? v.reviewerAcceptance.interval[1] : null, v.reviewerAcceptance.rate, 1, proportionText(v.reviewerAcceptance, c.confidence))}</td>
                  <td>${intervalMark(`${ref(v)} first-attempt validation`, v.firstAttemptValidation.n ? v.firstAttemptValidation.interval[0] : null, v.firstAttemptValidation.n ? v.firstAttemptValidation.interval[1] : null, v.firstAttemptValidation.rate, 1, proportionText(v.firstAttemptValidation, c.confidence))}</td>
                  <td>${intervalMark(`${ref(v)} median human minutes`, v.humanMinutes.interval?.[0] ?? null, v.humanMinutes.interval?.[1] ?? null, v.humanMinutes.median, maxMinutes, medianText(v.humanMinutes, c.confidence))}</td>
                </tr>`,
              )}</tbody>
            </table>
          </figure>`
      : nothing}
    <table class="figures" data-testid="comparison-table">
      <caption>Every figure per version, as text</caption>
      <thead><tr>
        <th scope="col">Version</th><th scope="col">Role</th><th scope="col">Runs</th><th scope="col">Terminal-state mix</th>
        <th scope="col">Reviewer acceptance</th><th scope="col">First-attempt validation</th><th scope="col">Median human minutes</th><th scope="col">Sample</th>
      </tr></thead>
      <tbody>${rows.map(
        (v) => html`<tr data-version=${ref(v)}>
          <th scope="row">${ref(v)}</th><td>${ROLE_LABEL[v.role]}</td><td>${v.runs}</td><td>${mixText(v)}</td>
          <td>${proportionText(v.reviewerAcceptance, c.confidence)}</td><td>${proportionText(v.firstAttemptValidation, c.confidence)}</td>
          <td>${medianText(v.humanMinutes, c.confidence)}</td><td class="thin">${thinNote(v, c.minN)}</td>
        </tr>`,
      )}</tbody>
    </table>
    <div class="actions"><vscode-button secondary data-testid="comparison-refresh" @click=${() => ctx.actions.refreshComparison()}>Refresh</vscode-button><vscode-button secondary data-testid="comparison-close" @click=${() => ctx.actions.closeComparison()}>Close comparison</vscode-button></div>
  </section>`;
}

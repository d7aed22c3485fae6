import { html, nothing, type TemplateResult } from 'lit-html';
import type { Budget } from '../src/contracts/agent';
import type { GateBudgetView, GateClaimView, GateCommandView, GateFactsView, GatePacketView, GateReproductionView } from '../src/contracts/protocol';
import type { RenderContext } from './context';
import { fold } from './section';

/**
 * The structured parts of a gate: the agent's claim as a readable record beside the line's
 * own facts, a budget gate's figures with the raised budget to retry with, and a written
 * reproduction. Every value is a lit text binding (a text node), never HTML: claims and
 * outputs are agent and repository text.
 */

/** A labelled list of strings, or a "none" line. */
function list(title: string, items: readonly string[], testid: string, none = 'none'): TemplateResult {
  return html`<div class="fact" data-testid=${testid}>
    <h5>${title}</h5>
    ${items.length ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : html`<p class="muted">${none}</p>`}
  </div>`;
}

function para(title: string, text: string, testid: string): TemplateResult {
  return html`<div class="fact" data-testid=${testid}><h5>${title}</h5><p class="prose">${text}</p></div>`;
}

/** The agent's claim: what it says it did, the end it claims, what it checked and what it is unsure of. It is the agent's word, and says so. */
export function claimView(c: GateClaimView): TemplateResult {
  return html`<section class="claim" aria-label="The agent's claim" data-testid="gate-claim">
    <h4>The agent's claim</h4>
    <p class="muted">What the agent says; weigh it against the line's own facts.</p>
    <p data-testid="claim-terminal"><strong>Claims: </strong><span class="claim-state claim-${c.terminal}">${c.terminal}</span>${c.claimEnded ? ` (ended the station: it changed nothing; approving accepts ${c.claimEnded})` : nothing}</p>
    ${para('Summary', c.summary, 'claim-summary')}
    ${list('Files it says it changed', c.filesChanged, 'claim-files')}
    ${list('Validation it says it ran', c.validationRun, 'claim-validation')}
    ${para('Residual uncertainty', c.residualUncertainty || 'none stated', 'claim-uncertainty')}
    ${c.reasoning ? para('Reasoning', c.reasoning, 'claim-reasoning') : nothing}
  </section>`;
}

/** What each diff flag (src/core/run/diff-check.ts) means for the reviewer. */
const FLAG_TEXT: Record<string, string> = {
  'out-of-scope': 'files outside the packet\'s scope changed',
  'deleted-tests': 'tests were deleted',
  'skipped-tests': 'tests were skipped or focused',
  'loosened-assertions': 'assertions were loosened (fewer, or strict traded for loose)',
  'reproduction-changed': 'a file the reproduction runs or names changed',
};
const flagText = (f: string) => (FLAG_TEXT[f] ? `${f}: ${FLAG_TEXT[f]}` : f);

/**
 * What the line found itself: the diff's flags and risk paths, the files the diff really
 * changes (each with a button opening the editor's own diff against the base commit, when
 * `openDiff` is given), and how the earlier stations ended.
 */
export function factsView(f: GateFactsView, claim: GateClaimView | null, openDiff?: (path: string) => void, statuses: ReadonlyMap<string, string> = new Map()): TemplateResult {
  const flagged = f.diffFlags.length > 0 || f.touchedRiskPaths.length > 0;
  // A file the agent says it changed that the diff does not change (or the reverse) is the first thing a reviewer should see.
  const claimed = new Set(claim?.filesChanged ?? []);
  const unclaimed = claim ? f.filesChanged.filter((p) => !claimed.has(p)) : [];
  const notInDiff = claim ? [...claimed].filter((p) => !f.filesChanged.includes(p)) : [];
  return html`<section class="facts${flagged ? ' flagged' : ''}" aria-label="The line's own facts" data-testid="gate-facts">
    <h4>The line's own facts</h4>
    <p class="muted">Packet risk: ${f.packetRisk}</p>
    <div class="fact" data-testid="facts-files">
      <h5>Files the diff changes</h5>
      ${f.filesChanged.length
        ? html`<ul class="files">${f.filesChanged.map(
            (p) => html`<li>
              <span class="path">${p}</span>${statuses.get(p) ? html`<span class="muted"> ${statuses.get(p)}</span>` : nothing}
              ${openDiff
                ? html`<vscode-button secondary data-testid="open-diff" data-path=${p} aria-label=${`Open the diff of ${p} against the base commit`} @click=${() => openDiff(p)}>Diff</vscode-button>`
                : nothing}
            </li>`,
          )}</ul>`
        : html`<p class="muted">none</p>`}
    </div>
    ${list('Diff flags', f.diffFlags.map(flagText), 'facts-flags')}
    ${list('Risk paths touched', f.touchedRiskPaths, 'facts-risk-paths')}
    ${unclaimed.length || notInDiff.length
      ? html`<div class="fact mismatch" role="note" data-testid="facts-claim-mismatch">
          <h5>Claim and diff disagree</h5>
          <ul>
            ${unclaimed.map((p) => html`<li>${p}: changed, not in the agent's claim</li>`)}
            ${notInDiff.map((p) => html`<li>${p}: claimed, not changed by the diff</li>`)}
          </ul>
        </div>`
      : nothing}
    ${list('Stations so far (reproduction, validation)', f.stations.map((s) => `${s.id} (${s.role}): ${s.status}`), 'facts-stations', 'none finished yet')}
    ${f.preexistingFailures.length ? list('Failing on the base commit too (pre-existing, not blamed on the change)', f.preexistingFailures, 'facts-preexisting') : nothing}
  </section>`;
}

function describe(b: Budget): string {
  const parts = [b.tokens !== undefined ? `${b.tokens} tokens` : '', b.usd !== undefined ? `$${b.usd}` : '', b.wallMs !== undefined ? `${b.wallMs / 60_000} min wall` : ''].filter(Boolean);
  return parts.join(', ') || 'no limits';
}

/** A positive number (rounded when `integer`), `undefined` for an empty field, or 'bad'. */
function positive(text: string, integer: boolean): number | undefined | 'bad' {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0) return 'bad';
  return integer ? Math.round(n) : n;
}

/**
 * A budget gate: what was reached, the budget now, the agent's last output, and fields for
 * the raised budget (tokens, US dollars, wall minutes; a field left empty keeps no limit of
 * that kind). `retry(budget)` sends `retry` with it; a value that is not a positive number
 * is refused here with a message, and the host's gate rules check it again. The typed
 * values are drafts of this gate (view state).
 */
export function budgetView(ctx: RenderContext, gateId: string, b: GateBudgetView, retry: (budget: Budget) => void): TemplateResult {
  const now = b.current;
  const errorKey = `gate:${gateId}:budget`;
  const initial = { tokens: now?.tokens, usd: now?.usd, wallMin: now?.wallMs !== undefined ? now.wallMs / 60_000 : undefined };
  const value = (k: keyof typeof initial) => ctx.store.draft(`gate:${gateId}:budget-${k}`) ?? (initial[k] !== undefined ? String(initial[k]) : '');
  const field = (k: keyof typeof initial, label: string, step: string) => html`<label class="budget-field"><span>${label}</span><input
      type="number" min="0" step=${step} aria-label=${label} data-testid="budget-${k}"
      placeholder=${initial[k] !== undefined ? String(initial[k]) : 'no limit'}
      .value=${value(k)}
      @input=${(e: Event) => {
        ctx.store.setDraft(`gate:${gateId}:budget-${k}`, (e.currentTarget as HTMLInputElement).value);
        if (ctx.errors.delete(errorKey)) ctx.rerender();
      }}
    /></label>`;
  const submit = () => {
    const t = positive(value('tokens'), true);
    const u = positive(value('usd'), false);
    const w = positive(value('wallMin'), false);
    const fail = (m: string) => {
      ctx.errors.set(errorKey, m);
      ctx.rerender();
    };
    if (t === 'bad' || u === 'bad' || w === 'bad') return fail('Each limit must be a positive number, or empty for no limit of that kind.');
    if (t === undefined && u === undefined && w === undefined) return fail('Give at least one limit (tokens, dollars or minutes).');
    ctx.errors.delete(errorKey);
    retry({ ...(t !== undefined ? { tokens: t } : {}), ...(u !== undefined ? { usd: u } : {}), ...(w !== undefined ? { wallMs: Math.round(w * 60_000) } : {}) });
  };
  return html`<section class="budget" aria-label="Budget reached" data-testid="gate-budget">
    <h4>Budget reached${b.agent ? ` (${b.agent})` : ''}</h4>
    <p data-testid="budget-exceeded">${b.exceeded}</p>
    <p class="muted">Budget now: ${now ? describe(now) : 'none on the station (the run budget)'}</p>
    ${b.outputTail ? fold(ctx, `gate:${gateId}:budget-output`, "The agent's last output", html`<pre class="gate-content">${b.outputTail}</pre>`) : nothing}
    <div class="budget-fields">${field('tokens', 'Tokens', '1')}${field('usd', 'US dollars', '0.01')}${field('wallMin', 'Wall minutes', '1')}</div>
    <p class="error" role="alert" data-testid="budget-error">${ctx.errors.get(errorKey) ?? ''}</p>
    <div class="actions"><vscode-button data-testid="gate-raise-budget" @click=${submit}>Raise budget and retry</vscode-button></div>
  </section>`;
}

/**
 * A written reproduction side by side (issue 11): the script the agent wrote, how it says it
 * fails, and how it failed when the line ran it on the base commit, with the line's verdict.
 */
export function reproductionView(r: GateReproductionView): TemplateResult {
  return html`<section class="reproduction" aria-label="The written reproduction" data-testid="gate-reproduction">
    <h4>The written reproduction</h4>
    <p class="prose" data-testid="repro-statement">${r.statement}</p>
    <p class="muted">Frozen on approval: sha256 ${r.sha256.slice(0, 12)}; later stations run this copy, read-only.</p>
    <div class="gate-columns">
      <div class="fact" data-testid="repro-script">
        <h5>Script</h5>
        ${r.files.map((f) => html`<p class="muted">${f.path}</p><pre class="gate-content" tabindex="0" aria-label=${`File ${f.path}`}>${f.text}</pre>`)}
      </div>
      ${list('Expected failure', r.expected, 'repro-expected')}
      <div class="fact" data-testid="repro-actual">
        <h5>Actual (base commit)</h5>
        ${r.runs.map(
          (x) => html`<p>${x.argv.join(' ')}: ${x.timedOut ? 'stopped at its bound' : `exit ${x.exitCode ?? 'none'}`}</p>
            <p class="prose" data-testid="repro-verdict">Verdict: ${x.verdict ?? 'not judged'}</p>
            <pre class="gate-content" tabindex="0" aria-label="Output">${x.outputTail}</pre>`,
        )}
      </div>
    </div>
  </section>`;
}

/**
 * The commands a station ran, each with its exit code, and its output one click away. At a
 * reproduce station (`mustFail`) a failing command is what was wanted (the problem is there)
 * and a passing one is the warning.
 */
export function commandsView(ctx: RenderContext, gateId: string, cmds: readonly GateCommandView[], mustFail = false): TemplateResult {
  const passed = (c: GateCommandView) => c.exitCode === 0 && !c.timedOut;
  const cls = (c: GateCommandView) => (mustFail ? (passed(c) ? 'bad' : 'expected') : passed(c) ? 'ok' : 'bad');
  return html`<section class="commands-run" aria-label="Commands run" data-testid="gate-commands">
    <h4>Commands run</h4>
    ${cmds.length
      ? html`<ul class="commands">${cmds.map(
          (c, i) => html`<li class=${cls(c)} data-testid="gate-command">
            <code>${c.argv.join(' ')}</code> · <strong>${c.timedOut ? 'stopped at its bound' : c.exitCode === null ? 'killed' : `exit ${c.exitCode}`}</strong>${mustFail ? (passed(c) ? ' (passes: the problem is not there)' : ' (fails: the problem is there)') : nothing}
            ${c.outputTail ? fold(ctx, `gate:${gateId}:cmd:${i}`, 'Output', html`<pre class="gate-content">${c.outputTail}</pre>`) : nothing}
          </li>`,
        )}</ul>`
      : html`<p class="muted">none</p>`}
  </section>`;
}

/** The task packet a gate before a station shows: what the station will work from. */
export function gatePacketView(p: GatePacketView): TemplateResult {
  const argvs = (xs: string[][]) => (xs.length ? html`<ul>${xs.map((a) => html`<li><code>${a.join(' ')}</code></li>`)}</ul>` : html`<span class="muted">none</span>`);
  return html`<section class="gate-packet" aria-label="The task packet" data-testid="gate-packet">
    <h4>The task packet</h4>
    <dl class="kv">
      <dt>Intent</dt><dd class="prose">${p.intent}</dd>
      <dt>Scope</dt><dd>${p.scope.join(', ') || 'none'}</dd>
      <dt>Non-goals</dt><dd>${p.nonGoals.join('; ') || 'none'}</dd>
      <dt>Reproduction</dt><dd>${argvs(p.reproduction)}</dd>
      <dt>Validation</dt><dd>${argvs(p.validation)}</dd>
      <dt>Risk</dt><dd>${p.risk}</dd>
      <dt>Output</dt><dd>${p.outputFormat}</dd>
    </dl>
  </section>`;
}

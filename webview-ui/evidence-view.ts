import { html, nothing, type TemplateResult } from 'lit-html';
import { keyed } from 'lit-html/directives/keyed.js';
import type { CommandResult, EvidenceBundle } from '../src/contracts/evidence';
import type { ToolEvidence } from '../src/contracts/mcp';
import type { ReviewView } from '../src/contracts/review';
import { REVIEW_VERDICTS } from '../src/contracts/protocol-wire';
import type { RenderContext } from './context';
import { fold } from './section';
import { stationLogView } from './station-log';

type Bundle = EvidenceBundle;

/**
 * One section of the evidence bundle view. The list below is the extension point: later
 * data (the MCP gateway's tool calls, registry outcomes) is one more entry, not a rewrite.
 * `show` false hides a section the bundle has nothing for.
 */
export interface EvidenceSection {
  key: string;
  title: string;
  show(b: Bundle, view?: ReviewView): boolean;
  render(b: Bundle, ctx: RenderContext, view: ReviewView): TemplateResult;
}

const ms = (n: number) => (n >= 60_000 ? `${(n / 60_000).toFixed(1)} min` : `${(n / 1000).toFixed(1)} s`);
const exit = (c: CommandResult | undefined) => (!c ? 'not run' : c.timedOut ? 'timed out' : c.exitCode === null ? 'killed' : `exit ${c.exitCode}`);
const argv = (c: CommandResult) => c.command.argv.join(' ');

function commandRows(cmds: CommandResult[], ctx: RenderContext, keyPrefix: string): TemplateResult {
  if (!cmds.length) return html`<p class="muted">none</p>`;
  return html`<ul class="commands">${cmds.map(
    (c, i) => html`<li class=${c.exitCode === 0 ? 'ok' : 'bad'}>
      <code>${argv(c)}</code> · <strong>${exit(c)}</strong> · ${ms(c.durationMs)}${c.endDetail ? ` · ${c.endDetail}` : ''}${c.reproduction ? html` · <em>${c.reproduction.verdict}</em>: ${c.reproduction.reason}` : nothing}
      ${c.outputTail ? fold(ctx, `${keyPrefix}:${i}`, 'Output', html`<pre class="gate-content">${c.outputTail}</pre>`) : nothing}
    </li>`,
  )}</ul>`;
}

/** Every section of the bundle, in the order a reviewer reads it (design.md "Evidence bundle"). */
export const EVIDENCE_SECTIONS: readonly EvidenceSection[] = [
  {
    key: 'summary',
    title: 'Summary and terminal state',
    show: () => true,
    render: (b) => html`<p class="prose">${b.summary}</p>
      <p class="terminal terminal-${b.terminal.state}" data-testid="evidence-terminal"><strong>${b.terminal.state}</strong> (${b.terminal.reason})${b.terminal.detail ? `: ${b.terminal.detail}` : ''}</p>
      ${b.decision
        ? html`<p data-testid="evidence-rule">Decided by rule <strong>${b.decision.rule}</strong> of the terminal decision table (docs/terminal-decision.md)${b.decision.rejectedAt ? `, rejected at ${b.decision.rejectedAt}` : ''}.</p>
            ${b.decision.walls.length ? html`<p>Walls hit: ${b.decision.walls.map((w) => `${w.stationId}#${w.attempt} ${w.wall}${w.detail ? ` (${w.detail})` : ''}`).join('; ')}</p>` : nothing}`
        : html`<p class="muted">The bundle does not record which rule decided (written before it was recorded).</p>`}`,
  },
  {
    key: 'task',
    title: 'The task: packet and seed',
    show: () => true,
    render: (b, ctx) => html`<dl class="kv">
        <dt>Intent</dt><dd class="prose">${b.packet.intent}</dd>
        <dt>Scope</dt><dd>${b.packet.scope.paths.map((p) => p.path).join(', ') || 'none'}</dd>
        <dt>Non-goals</dt><dd>${b.packet.nonGoals.join('; ') || 'none'}</dd>
        <dt>Risk</dt><dd>${b.packet.risk}</dd>
        <dt>Output</dt><dd>${b.packet.outputFormat}</dd>
      </dl>
      ${b.seed.text ? fold(ctx, 'evidence:seed', `Seed (${b.seed.kind})`, html`<pre class="gate-content">${b.seed.text}</pre>`) : nothing}`,
  },
  {
    key: 'reproduction',
    title: 'Reproduction before and after',
    show: () => true,
    render: (b) => {
      const n = Math.max(b.reproduction.before.length, b.reproduction.after.length);
      return html`${b.reproduction.written ? html`<p class="prose">Written by the ${b.reproduction.written.stationId} station's agent and approved: ${b.reproduction.written.statement}</p>` : nothing}
        ${n
          ? html`<table class="side-by-side" data-testid="evidence-repro-table">
              <thead><tr><th scope="col">Command</th><th scope="col">Before (base commit)</th><th scope="col">After (the change)</th></tr></thead>
              <tbody>${Array.from({ length: n }, (_, i) => {
                const before = b.reproduction.before[i];
                const after = b.reproduction.after[i];
                return html`<tr>
                  <td><code>${argv((before ?? after)!)}</code></td>
                  <td class=${before && before.exitCode !== 0 ? 'expected' : 'bad'}>${exit(before)}${before ? (before.exitCode !== 0 ? ' (fails: the problem is there)' : ' (passes: the problem is not there)') : ''}<pre class="tail">${before?.outputTail.slice(-800) ?? ''}</pre></td>
                  <td class=${after && after.exitCode === 0 ? 'ok' : 'bad'}>${exit(after)}${after ? (after.exitCode === 0 ? ' (passes: fixed)' : ' (still fails)') : ''}<pre class="tail">${after?.outputTail.slice(-800) ?? ''}</pre></td>
                </tr>`;
              })}</tbody>
            </table>`
          : html`<p class="muted">No reproduction ran.</p>`}
        ${b.reproduction.sha256 ? html`<p class="muted">Reproduction content hash ${b.reproduction.sha256.slice(0, 12)}.</p>` : nothing}`;
    },
  },
  { key: 'plan', title: 'Plan', show: (b) => !!b.plan, render: (b) => html`<pre class="gate-content prose">${b.plan}</pre>` },
  {
    key: 'diff',
    title: 'The change',
    show: (b) => !!b.diff,
    render: (b, ctx, view) => html`${b.diff!.flags.length ? html`<p class="flags">${b.diff!.flags.map((f) => html`<span class="flag">${f}</span>`)}</p>` : nothing}
      <ul class="files">${b.diff!.files.map(
        (p) => html`<li><span class="path">${p}</span><vscode-button secondary data-testid="evidence-open-diff" aria-label=${`Open the diff of ${p} against the base commit`} @click=${() => ctx.actions.openDiff(view.runId, p)}>Diff</vscode-button></li>`,
      )}</ul>
      ${b.diff!.patchSha256 ? html`<p class="muted">Approved patch SHA-256 ${b.diff!.patchSha256.slice(0, 12)}.</p>` : nothing}
      ${fold(ctx, 'evidence:patch', 'The patch', html`<pre class="gate-content">${b.diff!.patch}</pre>`)}`,
  },
  {
    key: 'validation',
    title: 'Validation',
    show: () => true,
    render: (b, ctx) => html`${commandRows(b.validation, ctx, 'evidence:validation')}
      ${b.baseline
        ? html`<h4>Against the baseline (the base commit)</h4>
            <ul>${b.baseline.verdicts.map((v) => html`<li><code>${v.argv.join(' ')}</code>: before ${v.before ?? 'not run'}, after ${v.after ?? 'killed'}: <strong>${v.verdict}</strong></li>`)}</ul>
            ${b.baseline.preexistingFailures.length ? html`<p>Pre-existing failures (not blamed on the change): ${b.baseline.preexistingFailures.join(', ')}</p>` : nothing}
            ${b.baseline.regressions.length ? html`<p class="error">Regressions: ${b.baseline.regressions.join(', ')}</p>` : nothing}`
        : nothing}`,
  },
  {
    key: 'gates',
    title: 'Gate decisions',
    show: () => true,
    render: (b) =>
      b.gates.length
        ? html`<table data-testid="evidence-gates"><thead><tr><th scope="col">Gate</th><th scope="col">Decision</th><th scope="col">By</th><th scope="col">When</th><th scope="col">Took</th><th scope="col">Reason</th></tr></thead>
            <tbody>${b.gates.map((g) => html`<tr><td>${g.position} ${g.stationId}</td><td>${g.decision}${g.terminal ? ` → ${g.terminal.state} (${g.terminal.reason})` : ''}</td><td>${g.by.name} (${g.by.kind})</td><td>${g.decidedAt}</td><td>${ms(g.humanMs)}</td><td class="prose">${g.reason ?? ''}</td></tr>`)}</tbody></table>`
        : html`<p class="muted">No gate was decided.</p>`,
  },
  {
    key: 'cost',
    title: 'Cost',
    show: () => true,
    render: (b) => html`<dl class="kv">
        <dt>Tokens</dt><dd>${b.cost.inputTokens ?? 0} in, ${b.cost.outputTokens ?? 0} out</dd>
        <dt>Money</dt><dd>${b.cost.usd !== undefined ? `$${b.cost.usd.toFixed(4)}` : 'not priced'}</dd>
        <dt>Machine time</dt><dd>${ms(b.cost.machineMs)}</dd>
        <dt>Wall time</dt><dd>${ms(b.cost.wallMs)}</dd>
        <dt>Human time at gates</dt><dd>${ms(b.cost.humanMs)}</dd>
      </dl>
      ${b.agents.length
        ? html`<table><thead><tr><th scope="col">Station</th><th scope="col">Agent</th><th scope="col">Outcome</th><th scope="col">Tokens</th><th scope="col">$</th><th scope="col">Time</th></tr></thead>
            <tbody>${b.agents.map((a) => html`<tr><td>${a.stationId}#${a.attempt}</td><td>${a.agent}${a.version ? ` ${a.version}` : ''}</td><td>${a.outcome}</td><td>${(a.inputTokens ?? 0) + (a.outputTokens ?? 0)}</td><td>${a.usd?.toFixed(4) ?? ''}</td><td>${ms(a.wallMs)}</td></tr>`)}</tbody></table>`
        : nothing}`,
  },
  {
    key: 'claims',
    title: "The agents' claims",
    show: (b) => b.agents.some((a) => a.claim),
    render: (b) => html`${b.agents
      .filter((a) => a.claim)
      .map((a) => html`<div class="fact"><h5>${a.stationId}#${a.attempt} (${a.agent}) claims ${a.claim!.terminal}</h5><p class="prose">${a.claim!.summary}</p><p class="muted">Files it says it changed: ${a.claim!.filesChanged.join(', ') || 'none'}. The line's own evidence is in the sections above.</p></div>`)}`,
  },
  {
    key: 'tools',
    title: 'Tool calls',
    show: () => true,
    render: (b) => (b.tools ? gatewayAccount(b.tools) : b.toolCalls.length
        ? html`<ul>${b.toolCalls.map((t) => html`<li>${t.at} <code>${t.tool}</code> ${t.allowed ? 'allowed' : html`<strong class="error">refused</strong>`} · args ${t.argsDigest.slice(0, 12)}</li>`)}</ul>`
        : html`<p class="muted">No tool calls were audited for this run (agents' own tool use is counted under Cost).</p>`),
  },
  {
    key: 'risk',
    title: 'Residual risk and open questions',
    show: () => true,
    render: (b) => html`${b.residualRisk.length ? html`<ul>${b.residualRisk.map((r) => html`<li class="prose">${r}</li>`)}</ul>` : html`<p class="muted">None stated.</p>`}
      ${b.noOpOrEscalation
        ? html`<h4>Why no change shipped</h4><p class="prose">${b.noOpOrEscalation.reason}</p>${b.noOpOrEscalation.openQuestions.length ? html`<ul>${b.noOpOrEscalation.openQuestions.map((q) => html`<li class="prose">${q}</li>`)}</ul>` : nothing}`
        : nothing}`,
  },
  {
    key: 'output',
    title: 'Station output',
    // Reviewer mode reads the run folder's station logs by range; after a run, the run view shows its log.
    show: (_b, view) => view?.mode === 'review' && view.logs.length > 0,
    render: (_b, ctx, view) => stationOutput(ctx, view),
  },
  {
    key: 'environment',
    title: 'Environment',
    show: () => true,
    render: (b) => html`<dl class="kv">
      <dt>Blueprint</dt><dd>${b.environment.blueprint} (sha256 ${b.environment.blueprintHash.slice(0, 12)})</dd>
      <dt>Base commit</dt><dd>${b.environment.baseCommit ?? 'not recorded'}</dd>
      <dt>Image</dt><dd>${b.environment.imageDigest ?? 'not recorded'}</dd>
      <dt>Engine</dt><dd>${b.environment.engineVersion ?? 'not recorded'}</dd>
      <dt>Started / ended</dt><dd>${b.startedAt} / ${b.endedAt}</dd>
    </dl>`,
  },
];

/** The run folder's station logs: one station's at a time (the choice is view state), windowed like the live log. */
function stationOutput(ctx: RenderContext, view: ReviewView): TemplateResult {
  const key = `log:station:${view.runId}`;
  const chosen = view.logs.find((l) => l.stationId === ctx.store.draft(key)) ?? view.logs[view.logs.length - 1]!;
  return html`<div class="actions" role="group" aria-label="Station">${view.logs.map(
    (l) => html`<vscode-button ?secondary=${l !== chosen} data-testid="output-station" data-station=${l.stationId} aria-pressed=${l === chosen ? 'true' : 'false'}
      @click=${() => {
        ctx.store.setDraft(key, l.stationId);
        ctx.rerender();
      }}>${l.stationId} (${l.total})</vscode-button>`,
  )}</div>
    ${stationLogView(ctx, view.runId, { stationId: chosen.stationId, lines: [], dropped: chosen.total, total: chosen.total }, false, ctx.reviewLog)}`;
}

const VERDICT_LABEL: Record<(typeof REVIEW_VERDICTS)[number], string> = { accept: 'Accept', 'request-changes': 'Request changes', reject: 'Reject' };

/** The verdict: the one recorded so far, and the form to record one (accept, request changes, reject, with a comment). */
function verdictView(ctx: RenderContext, view: ReviewView): TemplateResult {
  const key = `review:${view.runId}:comment`;
  const sectionPrefix = `review:${view.runId}:section:`;
  const comment = ctx.store.draft(key) ?? '';
  const v = view.verdict;
  const pending = Object.keys(ctx.store.draftsUnder(sectionPrefix)).length;
  const titles = new Map(EVIDENCE_SECTIONS.map((s) => [s.key, s.title]));
  return html`<section class="verdict" aria-label="Verdict" data-testid="review-verdict">
    <h3>Verdict</h3>
    ${v
      ? html`<p data-testid="review-verdict-recorded"><strong>${VERDICT_LABEL[v.verdict]}</strong> by ${v.by} at ${v.at}${v.trusted ? '' : ' (given on a bundle that did not verify)'}${v.comment ? html`: <span class="prose">${v.comment}</span>` : nothing}</p>`
      : html`<p class="muted">No verdict yet.</p>`}
    ${v && Object.keys(v.sectionComments).length
      ? html`<ul data-testid="review-section-comments-recorded">${Object.entries(v.sectionComments).map(([k, t]) => html`<li><strong>${titles.get(k) ?? k}:</strong> <span class="prose">${t}</span></li>`)}</ul>`
      : nothing}
    ${pending ? html`<p class="muted" data-testid="review-pending-comments">${pending} section comment(s) will be recorded with the verdict.</p>` : nothing}
    <textarea rows="3" aria-label="Comment with the verdict" placeholder="Comment (stored with the verdict in the run folder)" data-testid="review-comment" .value=${comment}
      @input=${(e: Event) => ctx.store.setDraft(key, (e.currentTarget as HTMLTextAreaElement).value, '')}></textarea>
    <div class="actions">${REVIEW_VERDICTS.map(
      (k) => html`<vscode-button ?secondary=${k !== 'accept'} data-testid="review-${k}" aria-label=${`${VERDICT_LABEL[k]}: record this verdict`}
        @click=${() => ctx.actions.recordVerdict(view.runId, k, ctx.store.draft(key) ?? '', ctx.store.draftsUnder(sectionPrefix))}>${VERDICT_LABEL[k]}</vscode-button>`,
    )}</div>
  </section>`;
}

/** The sections this bundle has, in order. */
export function sectionsOf(b: Bundle, view?: ReviewView): EvidenceSection[] {
  return EVIDENCE_SECTIONS.filter((s) => s.show(b, view));
}

/**
 * The evidence bundle view. On top, always, whether it verified: a bundle whose journal or
 * evidence fails verification says so with every problem and is never marked trusted.
 * In reviewer mode the sections are stepped through one at a time (Previous/Next, or the
 * `Shopfloor: Next/Previous Evidence Section` commands), the section shown being view
 * state; after a run every section is a fold. The verdict form ends both.
 */
export function evidenceView(ctx: RenderContext, view: ReviewView): TemplateResult {
  const trust = view.trusted
    ? html`<p class="banner trusted" role="status" data-testid="review-trusted">Verified: the journal's hash chain and seal hold and every file it binds matches its SHA-256.</p>`
    : html`<div class="banner untrusted" role="alert" data-testid="review-untrusted">
        <span class="codicon codicon-error" aria-hidden="true"></span> <strong>Not verified: do not trust this bundle.</strong> Its journal or evidence failed verification:
        <ul>${view.problems.map((p) => html`<li>${p}</li>`)}</ul>
      </div>`;
  const b = view.bundle;
  const header = html`<h2>${view.mode === 'review' ? 'Reviewing' : 'Evidence'} · run ${view.runId}</h2><p class="muted">${view.folder}</p>${trust}`;
  if (!b) return html`<section class="evidence" aria-label="Evidence bundle" data-testid="evidence">${header}</section>`;
  const sections = sectionsOf(b, view);
  const cls = `evidence${view.trusted ? '' : ' is-untrusted'}`;
  if (view.mode !== 'review') {
    return html`<section class=${cls} aria-label="Evidence bundle" data-testid="evidence">${header}
      ${sections.map((s) => fold(ctx, `evidence:${s.key}`, s.title, html`<div class="evidence-section" data-testid="evidence-${s.key}">${s.render(b, ctx, view)}</div>`, { byDefault: s.key === 'summary' }))}
      ${verdictView(ctx, view)}</section>`;
  }
  const at = sectionIndex(ctx, view.runId, sections);
  const current = sections[at]!;
  const go = (i: number) => {
    ctx.store.reviewSection = `${view.runId}/${sections[Math.min(sections.length - 1, Math.max(0, i))]!.key}`;
    ctx.rerender();
  };
  return html`<section class=${cls} aria-label="Evidence bundle" data-testid="evidence">${header}
    <nav class="stepper" aria-label="Sections of the bundle">
      <vscode-button secondary data-testid="review-previous" aria-label="Previous section" ?disabled=${at === 0} @click=${() => go(at - 1)}>Previous</vscode-button>
      <span data-testid="review-position" aria-live="polite">Section ${at + 1} of ${sections.length}: ${current.title}</span>
      <vscode-button secondary data-testid="review-next" aria-label="Next section" ?disabled=${at === sections.length - 1} @click=${() => go(at + 1)}>Next</vscode-button>
    </nav>
    <ol class="toc">${sections.map((s, i) => html`<li><a href="#" aria-current=${i === at ? 'step' : nothing} @click=${(e: Event) => (e.preventDefault(), go(i))}>${s.title}</a></li>`)}</ol>
    <section class="evidence-section" data-testid="evidence-${current.key}" aria-label=${current.title}><h3>${current.title}</h3>${current.render(b, ctx, view)}</section>
    ${keyed(current.key, html`<label class="section-comment">Comment on this section
      <textarea rows="2" data-testid="review-section-comment" aria-label=${`Comment on ${current.title}`} placeholder="Recorded with the verdict"
        .value=${ctx.store.draft(`review:${view.runId}:section:${current.key}`) ?? ''}
        @input=${(e: Event) => {
          const had = ctx.store.hasDrafts(`review:${view.runId}:section:`);
          ctx.store.setDraft(`review:${view.runId}:section:${current.key}`, (e.currentTarget as HTMLTextAreaElement).value, '');
          if (had !== ctx.store.hasDrafts(`review:${view.runId}:section:`)) ctx.rerender();
        }}></textarea></label>`)}
    ${verdictView(ctx, view)}
  </section>`;
}

/** Steps reviewer mode by `delta` sections (the host's next/previous commands). */
export function stepReview(ctx: RenderContext, view: ReviewView | null, delta: 1 | -1): void {
  if (!view?.bundle) return;
  const sections = sectionsOf(view.bundle, view);
  const at = sectionIndex(ctx, view.runId, sections);
  ctx.store.reviewSection = `${view.runId}/${sections[Math.min(sections.length - 1, Math.max(0, at + delta))]!.key}`;
  ctx.rerender();
}

/** The section of run `runId` shown (view state `<runId>/<section>`; another run's bundle starts at its first section). */
function sectionIndex(ctx: RenderContext, runId: string, sections: readonly EvidenceSection[]): number {
  const stored = ctx.store.reviewSection;
  if (!stored?.startsWith(`${runId}/`)) return 0;
  return Math.max(0, sections.findIndex((s) => s.key === stored.slice(runId.length + 1)));
}

/** How each gateway decision reads for a reviewer: a queued call was held for the output gate, not refused. */
const DECISION_TEXT: Record<ToolEvidence['calls'][number]['decision'], string> = {
  allowed: 'allowed',
  denied: 'refused',
  queued: 'held for the output gate',
  executed: 'run after the output gate',
  discarded: 'discarded',
};

/**
 * The MCP gateway's account (evidence `tools`, issue 12): every audited call with the
 * gateway's decision and reason, what became of each held call, changed definitions that
 * were not re-approved, and the audit log's head that `shopfloor verify` checks.
 */
function gatewayAccount(t: ToolEvidence): TemplateResult {
  const tool = (server: string, name: string) => (server === 'shopfloor' ? name : `${server}__${name}`);
  return html`${t.calls.length
      ? html`<table data-testid="tool-calls"><thead><tr><th scope="col">Time</th><th scope="col">Station</th><th scope="col">Tool</th><th scope="col">Decision</th><th scope="col">Why</th><th scope="col">Time taken</th><th scope="col">Arguments</th></tr></thead>
          <tbody>${t.calls.map((c) => html`<tr class=${`decision-${c.decision}`}><td>${c.at}</td><td>${c.stationId}</td><td><code>${tool(c.server, c.tool)}</code></td>
            <td>${c.decision === 'denied' ? html`<strong class="error">${DECISION_TEXT[c.decision]}</strong>` : DECISION_TEXT[c.decision]}</td><td class="prose">${c.reason ?? ''}</td><td>${Math.round(c.durationMs)} ms</td><td><code>${c.argsSha256.slice(0, 12)}</code></td></tr>`)}</tbody></table>`
      : html`<p class="muted">The gateway served no tool call in this run.</p>`}
    ${t.effects.length
      ? html`<h4>Held calls</h4><ul data-testid="tool-effects">${t.effects.map((e) => html`<li><code>${e.server}__${e.tool}</code> ${e.id}: <strong>${e.state}</strong>${e.detail ? html` <span class="prose">(${e.detail})</span>` : nothing}</li>`)}</ul>`
      : nothing}
    ${t.drift.length ? html`<p class="error" data-testid="tool-drift">Changed tool definitions not re-approved (hidden from agents): ${t.drift.map((d) => d.tool).join(', ')}</p>` : nothing}
    ${t.auditHead ? html`<p class="muted">Audit log ${t.audit}: ${t.auditHead.records} record(s), head ${t.auditHead.hash.slice(0, 12)} (checked by <code>shopfloor verify</code>).</p>` : nothing}`;
}

import type { GateBudgetView, GateClaimView, GateFactsView, GateReproductionView, StationLogView } from '../src/contracts/protocol';
import type { Budget } from '../src/contracts/agent';
import { el } from './render-dom';

/**
 * The structured parts of a gate and the live station log: the agent's claim as a
 * readable record beside the line's own facts, a budget gate's figures with the raised
 * budget to retry with, and the running station's output. Everything is set as text
 * (render-dom `el`): claims and logs are agent and repository text.
 */

/** A labelled list of strings, or a "none" line. */
function list(title: string, items: readonly string[], testid: string, none = 'none'): HTMLElement {
  const dl = el('div', { className: 'fact', attrs: { 'data-testid': testid } }, [el('h5', { text: title })]);
  if (!items.length) dl.append(el('p', { className: 'muted', text: none }));
  else dl.append(el('ul', {}, items.map((i) => el('li', { text: i }))));
  return dl;
}

function para(title: string, text: string, testid: string): HTMLElement {
  return el('div', { className: 'fact', attrs: { 'data-testid': testid } }, [el('h5', { text: title }), el('p', { className: 'prose', text })]);
}

/** The agent's claim: what it says it did, the end it claims, what it checked and what it is unsure of. It is the agent's word, and says so. */
export function renderClaim(c: GateClaimView): HTMLElement {
  const box = el('section', { className: 'claim', attrs: { 'aria-label': "The agent's claim", 'data-testid': 'gate-claim' } }, [
    el('h4', { text: "The agent's claim" }),
    el('p', { className: 'muted', text: 'What the agent says; weigh it against the line\'s own facts.' }),
    el('p', { attrs: { 'data-testid': 'claim-terminal' } }, [el('strong', { text: 'Claims: ' }), el('span', { className: `claim-state claim-${c.terminal}`, text: c.terminal }), ...(c.claimEnded ? [el('span', { text: ` (ended the station: it changed nothing; approving accepts ${c.claimEnded})` })] : [])]),
    para('Summary', c.summary, 'claim-summary'),
    list('Files it says it changed', c.filesChanged, 'claim-files'),
    list('Validation it says it ran', c.validationRun, 'claim-validation'),
    para('Residual uncertainty', c.residualUncertainty || 'none stated', 'claim-uncertainty'),
  ]);
  if (c.reasoning) box.append(para('Reasoning', c.reasoning, 'claim-reasoning'));
  return box;
}

/** What the line found itself: the diff's flags and risk paths, the files the diff really changes, and how the earlier stations ended. */
export function renderFacts(f: GateFactsView): HTMLElement {
  const flagged = f.diffFlags.length > 0 || f.touchedRiskPaths.length > 0;
  return el('section', { className: `facts${flagged ? ' flagged' : ''}`, attrs: { 'aria-label': "The line's own facts", 'data-testid': 'gate-facts' } }, [
    el('h4', { text: "The line's own facts" }),
    el('p', { className: 'muted', text: `Packet risk: ${f.packetRisk}` }),
    list('Files the diff changes', f.filesChanged, 'facts-files'),
    list('Diff flags', f.diffFlags, 'facts-flags'),
    list('Risk paths touched', f.touchedRiskPaths, 'facts-risk-paths'),
    list('Stations so far (reproduction, validation)', f.stations.map((s) => `${s.id} (${s.role}): ${s.status}`), 'facts-stations', 'none finished yet'),
    ...(f.preexistingFailures.length ? [list('Failing on the base commit too', f.preexistingFailures, 'facts-preexisting')] : []),
  ]);
}

/** What the reviewer has typed into the raised-budget fields, kept across re-renders of the same gate. */
const budgetDraft: { gateId?: string; tokens?: string; usd?: string; wallMin?: string } = {};

/**
 * A budget gate: what was reached, the budget now, the agent's last output, and fields for
 * the raised budget (tokens, US dollars, wall minutes; a field left empty keeps no limit of
 * that kind). `retry(budget)` sends `retry` with it; a value that is not a positive number
 * is refused here with a message, and the host's gate rules check it again.
 */
export function renderBudget(gateId: string, b: GateBudgetView, retry: (budget: Budget) => void): HTMLElement {
  if (budgetDraft.gateId !== gateId) {
    Object.assign(budgetDraft, { gateId, tokens: undefined, usd: undefined, wallMin: undefined });
  }
  const now = b.current;
  const box = el('section', { className: 'budget', attrs: { 'aria-label': 'Budget reached', 'data-testid': 'gate-budget' } }, [
    el('h4', { text: `Budget reached${b.agent ? ` (${b.agent})` : ''}` }),
    el('p', { text: b.exceeded, attrs: { 'data-testid': 'budget-exceeded' } }),
    el('p', { className: 'muted', text: `Budget now: ${now ? describe(now) : 'none on the station (the run budget)'}` }),
  ]);
  if (b.outputTail) box.append(el('details', {}, [el('summary', { text: "The agent's last output" }), el('pre', { className: 'gate-content', text: b.outputTail })]));
  const problem = el('p', { className: 'error', attrs: { role: 'alert', 'data-testid': 'budget-error' } });
  const field = (key: 'tokens' | 'usd' | 'wallMin', label: string, current: number | undefined, step: string) => {
    const input = el('input', { attrs: { type: 'number', min: '0', step, 'aria-label': label, 'data-testid': `budget-${key}`, placeholder: current !== undefined ? String(current) : 'no limit' } });
    input.value = budgetDraft[key] ?? (current !== undefined ? String(current) : '');
    input.addEventListener('input', () => {
      budgetDraft[key] = input.value;
      problem.textContent = '';
    });
    return { input, row: el('label', { className: 'budget-field' }, [el('span', { text: label }), input]) };
  };
  const tokens = field('tokens', 'Tokens', now?.tokens, '1');
  const usd = field('usd', 'US dollars', now?.usd, '0.01');
  const wall = field('wallMin', 'Wall minutes', now?.wallMs !== undefined ? now.wallMs / 60_000 : undefined, '1');
  const button = el('vscode-button' as keyof HTMLElementTagNameMap, { text: 'Raise budget and retry', attrs: { 'data-testid': 'gate-raise-budget' } });
  button.addEventListener('click', () => {
    const read = (v: string, int: boolean): number | undefined | 'bad' => {
      if (!v.trim()) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) return 'bad';
      return int ? Math.round(n) : n;
    };
    const t = read(tokens.input.value, true);
    const u = read(usd.input.value, false);
    const w = read(wall.input.value, false);
    if (t === 'bad' || u === 'bad' || w === 'bad') {
      problem.textContent = 'Each limit must be a positive number, or empty for no limit of that kind.';
      return;
    }
    if (t === undefined && u === undefined && w === undefined) {
      problem.textContent = 'Give at least one limit (tokens, dollars or minutes).';
      return;
    }
    problem.textContent = '';
    retry({ ...(t !== undefined ? { tokens: t } : {}), ...(u !== undefined ? { usd: u } : {}), ...(w !== undefined ? { wallMs: Math.round(w * 60_000) } : {}) });
  });
  box.append(el('div', { className: 'budget-fields' }, [tokens.row, usd.row, wall.row]), problem, el('div', { className: 'actions' }, [button]));
  return box;
}

function describe(b: Budget): string {
  const parts = [b.tokens !== undefined ? `${b.tokens} tokens` : '', b.usd !== undefined ? `$${b.usd}` : '', b.wallMs !== undefined ? `${b.wallMs / 60_000} min wall` : ''].filter(Boolean);
  return parts.join(', ') || 'no limits';
}

/** Whether the log was scrolled to its end at the last render: only then does a new render follow the output. */
let following = true;

/** The running station's live output, scrolled to its end while the reader keeps it there. */
export function renderStationLog(log: StationLogView, running: boolean): HTMLElement {
  const pre = el('pre', { className: 'station-log-text', text: log.lines.join('\n'), attrs: { tabindex: '0', 'aria-label': `Output of ${log.stationId}`, 'data-testid': 'station-log-text' } });
  pre.addEventListener('scroll', () => (following = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4));
  requestAnimationFrame(() => {
    if (following) pre.scrollTop = pre.scrollHeight;
  });
  return el('section', { className: 'station-log', attrs: { 'aria-label': `Log of ${log.stationId}`, 'data-testid': 'station-log' } }, [
    el('h3', { text: `${running ? 'Live output' : 'Output'} · ${log.stationId}` }),
    ...(log.dropped ? [el('p', { className: 'muted', text: `${log.dropped} earlier line(s) not shown; the full log is in the run folder.` })] : []),
    log.lines.length ? pre : el('p', { className: 'muted', text: 'No output yet.' }),
  ]);
}

/**
 * A written reproduction side by side (issue 11): the script the agent wrote, how it says it
 * fails, and how it failed when the line ran it on the base commit, with the line's verdict.
 */
export function renderReproduction(r: GateReproductionView): HTMLElement {
  const script = el('div', { className: 'fact', attrs: { 'data-testid': 'repro-script' } }, [
    el('h5', { text: 'Script' }),
    ...r.files.flatMap((f) => [el('p', { className: 'muted', text: f.path }), el('pre', { className: 'gate-content', text: f.text, attrs: { tabindex: '0', 'aria-label': `File ${f.path}` } })]),
  ]);
  const expected = list('Expected failure', r.expected, 'repro-expected');
  const actual = el('div', { className: 'fact', attrs: { 'data-testid': 'repro-actual' } }, [
    el('h5', { text: 'Actual (base commit)' }),
    ...r.runs.flatMap((x) => [
      el('p', { text: `${x.argv.join(' ')}: ${x.timedOut ? 'stopped at its bound' : `exit ${x.exitCode ?? 'none'}`}` }),
      el('p', { className: 'prose', text: `Verdict: ${x.verdict ?? 'not judged'}`, attrs: { 'data-testid': 'repro-verdict' } }),
      el('pre', { className: 'gate-content', text: x.outputTail, attrs: { tabindex: '0', 'aria-label': 'Output' } }),
    ]),
  ]);
  return el('section', { className: 'reproduction', attrs: { 'aria-label': 'The written reproduction', 'data-testid': 'gate-reproduction' } }, [
    el('h4', { text: 'The written reproduction' }),
    el('p', { className: 'prose', text: r.statement, attrs: { 'data-testid': 'repro-statement' } }),
    el('p', { className: 'muted', text: `Frozen on approval: sha256 ${r.sha256.slice(0, 12)}; later stations run this copy, read-only.` }),
    el('div', { className: 'gate-columns' }, [script, expected, actual]),
  ]);
}

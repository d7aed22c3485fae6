import { html, nothing, type TemplateResult } from 'lit-html';
import { OUTPUT_FORMATS, RISK_CLASSES as RISKS } from '../src/contracts/protocol-wire';
import type { FieldProblem, PacketView } from '../src/contracts/protocol';
import type { RenderContext } from './context';
import { fold } from './section';

type Json = Record<string, unknown>;

interface FieldSpec {
  key: string;
  label: string;
  help: string;
  kind: 'text' | 'lines' | 'commands' | 'scope' | 'select';
  options?: readonly string[];
}

const FIELDS: FieldSpec[] = [
  { key: 'intent', label: 'Intent', help: 'What should be true after the job.', kind: 'text' },
  { key: 'scope', label: 'Scope', help: 'Files or folders, one per line, most likely first.', kind: 'scope' },
  { key: 'reproduction', label: 'Reproduction', help: 'Commands that FAIL while the problem exists: one JSON argv per line, e.g. ["npm","test"].', kind: 'commands' },
  { key: 'validation', label: 'Validation', help: 'Commands that must pass after the change: one JSON argv per line.', kind: 'commands' },
  { key: 'nonGoals', label: 'Non-goals', help: 'What the job must not do, one per line.', kind: 'lines' },
  { key: 'allowedTools', label: 'Allowed tools', help: 'Tools the implementing agent may call, one per line.', kind: 'lines' },
  { key: 'evidenceRequired', label: 'Evidence required', help: 'One per line.', kind: 'lines' },
  { key: 'outputFormat', label: 'Output format', help: '', kind: 'select', options: OUTPUT_FORMATS },
  { key: 'risk', label: 'Risk', help: 'hard-stop always stops for a human, even unattended.', kind: 'select', options: RISKS },
];

/** The problems that belong to a form field: those whose path starts with its key. */
export function problemsFor(key: string, problems: FieldProblem[]): FieldProblem[] {
  return problems.filter((p) => p.path === key || p.path.startsWith(`${key}.`) || p.path.startsWith(`${key}[`));
}

interface Origin {
  source?: string;
  file?: string;
  line?: number;
  note?: string;
}

/** "seed line 3", "package.json:12", "default": where a drafted value came from, for the reviewer. */
export function describeOrigin(o: Origin): string {
  const where = o.source === 'seed' ? `seed${o.line ? ` line ${o.line}` : ''}` : o.file ? `${o.file}${o.line ? `:${o.line}` : ''}` : (o.source ?? 'unknown');
  return o.note ? `${where} (${o.note})` : where;
}

/** Origins of a field: the packet's provenance map entries for it, and per-item `origin`s. */
export function originsFor(key: string, v: Json): string[] {
  const out: string[] = [];
  const prov = (v.provenance ?? {}) as Record<string, Origin>;
  for (const [path, o] of Object.entries(prov)) if (path === key || path.startsWith(`${key}[`) || path.startsWith(`${key}.`)) out.push(`${path}: ${describeOrigin(o)}`);
  const items = key === 'scope' ? ((v.scope as { paths?: Array<{ path?: string; origin?: Origin }> } | undefined)?.paths ?? []) : Array.isArray(v[key]) ? (v[key] as Array<{ origin?: Origin; argv?: unknown }>) : [];
  items.forEach((item, i) => {
    if (item && typeof item === 'object' && item.origin) out.push(`${key === 'scope' ? (item as { path?: string }).path : `line ${i + 1}`}: ${describeOrigin(item.origin)}`);
  });
  return out;
}

function commandLines(value: unknown): string {
  return Array.isArray(value) ? value.map((c) => JSON.stringify((c as { argv?: unknown }).argv ?? [])).join('\n') : '';
}

/**
 * Reads the form back into a packet value, starting from `base` so fields the form does
 * not show (source, noOpRules, origins, flags) are kept. Command lines that are not JSON
 * string arrays are reported as problems instead of guessed at.
 */
export function readForm(root: HTMLElement, base: Json): { value: Json; problems: FieldProblem[] } {
  const value: Json = structuredClone(base);
  const problems: FieldProblem[] = [];
  const text = (key: string) => ((root.querySelector(`[data-field="${key}"]`) as HTMLTextAreaElement | HTMLSelectElement | null)?.value ?? '');
  const lines = (key: string) => text(key).split('\n').map((l) => l.trim()).filter(Boolean);
  for (const f of FIELDS) {
    if (f.kind === 'text' || f.kind === 'select') value[f.key] = text(f.key);
    else if (f.kind === 'lines') value[f.key] = lines(f.key);
    else if (f.kind === 'scope') {
      const old = ((base.scope as { paths?: Array<{ path: string }> } | undefined)?.paths ?? []) as Array<{ path: string }>;
      value.scope = { ...(base.scope as Json | undefined), paths: lines('scope').map((p) => old.find((o) => o.path === p) ?? { path: p }) };
    } else {
      const old = (Array.isArray(base[f.key]) ? base[f.key] : []) as Array<{ argv?: unknown }>;
      value[f.key] = lines(f.key).map((line, i) => {
        try {
          const argv = JSON.parse(line) as unknown;
          if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new Error('not a string array');
          return old.find((o) => JSON.stringify(o.argv) === JSON.stringify(argv)) ?? { argv };
        } catch {
          problems.push({ path: `${f.key}[${i}]`, message: `line ${i + 1} is not a JSON array of strings, e.g. ["npm","test"]` });
          return { argv: [] };
        }
      });
    }
  }
  return { value, problems };
}

/** The text a field shows for the host's value (before any draft). */
function hostText(f: FieldSpec, v: Json): string {
  if (f.kind === 'text' || f.kind === 'select') return String(v[f.key] ?? '');
  if (f.kind === 'lines') return Array.isArray(v[f.key]) ? (v[f.key] as unknown[]).map(String).join('\n') : '';
  if (f.kind === 'scope') return ((v.scope as { paths?: Array<{ path: string }> } | undefined)?.paths ?? []).map((p) => p.path).join('\n');
  return commandLines(v[f.key]);
}

/** The draft key of a packet field: drafts belong to one packet file. */
export const packetDraftKey = (file: string, field: string): string => `packet:${file}:${field}`;

/**
 * The packet form. Each field shows the reader's draft when there is one (typed, not yet
 * saved: view state, kept across snapshots, hiding and reloads), else the host's value; a
 * snapshot during a run therefore never wipes a half-typed edit. Every value is a text or
 * property binding, never HTML.
 */
export function packetForm(ctx: RenderContext, view: PacketView): TemplateResult {
  const v = view.value;
  const problems = [...ctx.localProblems, ...view.problems];
  const approvalText = view.approval
    ? view.approval.valid
      ? `Approved by ${view.approval.by} at ${view.approval.at}`
      : `Approval by ${view.approval.by} no longer matches the content: approve again`
    : 'Not approved';
  const flags = Array.isArray(v.flags) ? (v.flags as string[]) : [];
  const seed = v.source as { kind?: string; text?: string } | undefined;
  const prefix = packetDraftKey(view.file, '');
  const edited = ctx.store.hasDrafts(prefix);
  const other = problems.filter((p) => !FIELDS.some((f) => problemsFor(f.key, [p]).length));
  const field = (f: FieldSpec) => {
    const id = `field-${f.key}`;
    const host = hostText(f, v);
    const draftKey = packetDraftKey(view.file, f.key);
    const shown = ctx.store.draft(draftKey) ?? host;
    const own = problemsFor(f.key, problems);
    const onInput = (e: Event) => {
      ctx.store.setDraft(draftKey, (e.currentTarget as HTMLTextAreaElement | HTMLSelectElement).value, host);
      if (edited !== ctx.store.hasDrafts(prefix)) ctx.rerender();
    };
    const noRepro = f.key === 'reproduction' && !host.trim();
    const origins = originsFor(f.key, v);
    const input =
      f.kind === 'select'
        ? html`<select id=${id} data-field=${f.key} ?disabled=${view.readOnly} aria-invalid=${own.length ? 'true' : nothing} @change=${onInput}>
            ${(f.options ?? []).map((o) => html`<option value=${o} ?selected=${o === shown}>${o}</option>`)}
          </select>`
        : html`<textarea id=${id} data-field=${f.key} rows=${f.kind === 'text' ? '3' : '4'} spellcheck="false" ?disabled=${view.readOnly}
            aria-invalid=${own.length ? 'true' : nothing}
            placeholder=${noRepro ? 'None yet (or type one: one JSON argv per line)' : nothing}
            .value=${shown} @input=${onInput}></textarea>`;
    return html`<div class=${own.length ? 'field invalid' : 'field'}>
      <label for=${id}>${f.label}${ctx.store.draft(draftKey) !== undefined ? html` <span class="edited" data-testid="edited-${f.key}">(edited)</span>` : nothing}</label>
      ${noRepro ? html`<p class="notice" role="note" data-testid="no-reproduction">No reproduction yet: Shopfloor will ask the agent to write one at the reproduce station.</p>` : nothing}
      ${input}
      ${f.help ? html`<small class="help">${f.help}</small>` : nothing}
      ${origins.length
        ? fold(ctx, `packet:${view.file}:origins:${f.key}`, `Where this came from (${origins.length})`, html`<ul>${origins.map((o) => html`<li>${o}</li>`)}</ul>`, { className: 'origins' })
        : nothing}
      ${own.map((p) => html`<div class="error" role="alert" data-testid="error-${f.key}">${p.path}: ${p.message}</div>`)}
    </div>`;
  };
  return html`<section class="packet" aria-label="Task packet" data-testid="packet-form">
    <h2>Task packet · ${view.file}</h2>
    <p class=${view.approval?.valid ? 'approval ok' : 'approval'} data-testid="approval">${approvalText}</p>
    ${flags.includes('missing-context')
      ? html`<div class="banner warning" role="alert" data-testid="missing-context"><strong>Missing context. </strong><span>The seed is too vague to act on; Shopfloor did not invent a task. Add what is missing (where, how to reproduce) or let the run end NO_OP/ESCALATE.</span></div>`
      : nothing}
    ${flags.length ? html`<p class="flags" aria-label="Flags">${flags.map((f) => html`<vscode-badge class="flag">${f}</vscode-badge>`)}</p>` : nothing}
    ${seed?.text ? fold(ctx, `packet:${view.file}:seed`, `Seed (${seed.kind ?? 'unknown'})`, html`<pre>${seed.text}</pre>`, { className: 'seed' }) : nothing}
    ${edited
      ? html`<div class="banner" role="status" data-testid="packet-unsaved">Unsaved edits (kept while the panel updates).
          <vscode-button secondary data-testid="packet-discard" @click=${() => {
            ctx.store.dropDrafts(prefix);
            ctx.rerender();
          }}>Discard edits</vscode-button></div>`
      : nothing}
    <form class="fields" novalidate @submit=${(e: Event) => e.preventDefault()}>
      ${FIELDS.map(field)}
      ${other.map((p) => html`<div class="error" role="alert">${p.path || '(packet)'}: ${p.message}</div>`)}
    </form>
    <div class="actions">
      <vscode-button data-testid="save" secondary ?disabled=${view.readOnly}
        @click=${(e: Event) => {
          const r = readForm((e.currentTarget as HTMLElement).closest('section')!, v);
          ctx.actions.savePacket(view.file, r.value, r.problems);
        }}>Save packet</vscode-button>
      <vscode-button data-testid="approve" ?disabled=${view.readOnly || problems.length > 0} @click=${() => ctx.actions.approvePacket(view.file)}>Approve packet</vscode-button>
      <vscode-button data-testid="start-run" ?disabled=${view.readOnly || !view.approval?.valid} @click=${() => ctx.actions.startRun(view.file)}>Start run</vscode-button>
    </div>
  </section>`;
}

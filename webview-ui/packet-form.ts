import type { FieldProblem, PacketView } from '../src/contracts/protocol';
import { el } from './render-dom';

/** Enumerations the form offers; kept in step with src/contracts/packet.ts by the schema (the host re-validates). */
const OUTPUT_FORMATS = ['pr', 'patch', 'investigation-note', 'no-op-report', 'escalation'];
const RISKS = ['auto-ship', 'one-reviewer', 'hard-stop'];

type Json = Record<string, unknown>;

/** Callbacks from the form to the host, each a protocol request. */
export interface PacketFormActions {
  /** `problems` are found in the form itself (unparseable command lines); nothing is sent then. */
  save(value: Json, problems: FieldProblem[]): void;
  approve(): void;
  startRun(): void;
}

interface FieldSpec {
  key: string;
  label: string;
  help: string;
  kind: 'text' | 'lines' | 'commands' | 'scope' | 'select';
  options?: string[];
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
  const own = key === 'scope' ? ['scope'] : [key];
  return problems.filter((p) => own.some((k) => p.path === k || p.path.startsWith(`${k}.`) || p.path.startsWith(`${k}[`)));
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

/** Renders the packet form; every value is set as text or a property, never as HTML. */
export function renderPacketForm(view: PacketView, actions: PacketFormActions, localProblems: FieldProblem[] = []): HTMLElement {
  const v = view.value;
  const problems = [...localProblems, ...view.problems];
  const section = el('section', { className: 'packet', attrs: { 'aria-label': 'Task packet', 'data-testid': 'packet-form' } });
  const approvalText = view.approval
    ? view.approval.valid
      ? `Approved by ${view.approval.by} at ${view.approval.at}`
      : `Approval by ${view.approval.by} no longer matches the content: approve again`
    : 'Not approved';
  section.append(
    el('h2', { text: `Task packet · ${view.file}` }),
    el('p', { className: view.approval?.valid ? 'approval ok' : 'approval', text: approvalText, attrs: { 'data-testid': 'approval' } }),
  );
  const flags = Array.isArray(v.flags) ? (v.flags as string[]) : [];
  if (flags.includes('missing-context')) {
    section.append(
      el('div', { className: 'banner warning', attrs: { role: 'alert', 'data-testid': 'missing-context' } }, [
        el('strong', { text: 'Missing context. ' }),
        el('span', { text: 'The seed is too vague to act on; Shopfloor did not invent a task. Add what is missing (where, how to reproduce) or let the run end NO_OP/ESCALATE.' }),
      ]),
    );
  }
  if (flags.length) section.append(el('p', { className: 'flags', attrs: { 'aria-label': 'Flags' } }, flags.map((f) => el('span', { className: 'flag', text: f }))));
  const seed = v.source as { kind?: string; text?: string } | undefined;
  if (seed?.text) {
    const details = el('details', { className: 'seed' }, [el('summary', { text: `Seed (${seed.kind ?? 'unknown'})` }), el('pre', { text: seed.text })]);
    section.append(details);
  }

  const form = el('form', { className: 'fields', attrs: { novalidate: '' } });
  for (const f of FIELDS) {
    const id = `field-${f.key}`;
    let input: HTMLTextAreaElement | HTMLSelectElement;
    if (f.kind === 'select') {
      const select = el('select', { attrs: { id, 'data-field': f.key } });
      for (const o of f.options ?? []) select.append(el('option', { text: o, attrs: { value: o } }));
      select.value = String(v[f.key] ?? '');
      input = select;
    } else {
      const area = el('textarea', { attrs: { id, 'data-field': f.key, rows: f.kind === 'text' ? '3' : '4', spellcheck: 'false' } });
      area.value =
        f.kind === 'text'
          ? String(v[f.key] ?? '')
          : f.kind === 'lines'
            ? (Array.isArray(v[f.key]) ? (v[f.key] as unknown[]).map(String).join('\n') : '')
            : f.kind === 'scope'
              ? (((v.scope as { paths?: Array<{ path: string }> } | undefined)?.paths ?? []).map((p) => p.path).join('\n'))
              : commandLines(v[f.key]);
      input = area;
    }
    input.disabled = view.readOnly;
    const own = problemsFor(f.key, problems);
    if (own.length) input.setAttribute('aria-invalid', 'true');
    const group = el('div', { className: own.length ? 'field invalid' : 'field' }, [el('label', { text: f.label, attrs: { for: id } }), input]);
    if (f.help) group.append(el('small', { className: 'help', text: f.help }));
    // No reproduction is not a blank to fill in: the reproduce station's agent writes one (issue 11).
    if (f.key === 'reproduction' && !commandLines(v[f.key]).trim()) {
      input.setAttribute('placeholder', 'None yet (or type one: one JSON argv per line)');
      group.insertBefore(el('p', { className: 'notice', text: 'No reproduction yet: Shopfloor will ask the agent to write one at the reproduce station.', attrs: { role: 'note', 'data-testid': 'no-reproduction' } }), input);
    }
    const origins = originsFor(f.key, v);
    if (origins.length) {
      group.append(
        el('details', { className: 'origins' }, [el('summary', { text: `Where this came from (${origins.length})` }), el('ul', {}, origins.map((o) => el('li', { text: o })))]),
      );
    }
    for (const p of own) group.append(el('div', { className: 'error', text: `${p.path}: ${p.message}`, attrs: { role: 'alert', 'data-testid': `error-${f.key}` } }));
    form.append(group);
  }
  const other = problems.filter((p) => !FIELDS.some((f) => problemsFor(f.key, [p]).length));
  for (const p of other) form.append(el('div', { className: 'error', text: `${p.path || '(packet)'}: ${p.message}`, attrs: { role: 'alert' } }));
  section.append(form);

  const buttons = el('div', { className: 'actions' });
  const button = (label: string, testid: string, onClick: () => void, secondary = false, disabled = false) => {
    const b = el('vscode-button' as keyof HTMLElementTagNameMap, { text: label, attrs: { 'data-testid': testid } });
    if (secondary) b.setAttribute('secondary', '');
    if (disabled) b.setAttribute('disabled', '');
    b.addEventListener('click', onClick);
    buttons.append(b);
  };
  const formRoot = section;
  button('Save packet', 'save', () => {
    const r = readForm(formRoot, v);
    actions.save(r.value, r.problems);
  }, true, view.readOnly);
  button('Approve packet', 'approve', () => actions.approve(), false, view.readOnly || problems.length > 0);
  button('Start run', 'start-run', () => actions.startRun(), false, view.readOnly || !view.approval?.valid);
  section.append(buttons);
  return section;
}

import { formatProblem } from '../core/validate';
import type { PacketEntry } from '../adapters/store/packet-list';

/** What a packet row offers: the menus in package.json match these `contextValue`s. */
export type PacketRowState = 'draft' | 'stale' | 'approved' | 'invalid';

/**
 * One row of the Packets view, without vscode: the thin provider (src/host/packets-view.ts)
 * turns it into a tree item. `icon` is a codicon id; `tooltip` is Markdown (text from the
 * packet is escaped, so a packet cannot inject links or commands into it).
 */
export interface PacketRow {
  /** Absolute path of the packet file: what Open, Approve and Start Run receive. */
  file: string;
  label: string;
  description: string;
  icon: string;
  /** `packet-<state>`: approve shows on draft and stale rows, start run on approved ones. */
  contextValue: `packet-${PacketRowState}`;
  state: PacketRowState;
  tooltip: string;
}

/** Longest label before it is cut with an ellipsis: a tree row shows one line. */
const LABEL_MAX = 80;

const ICON: Record<PacketRowState, string> = { draft: 'edit', stale: 'warning', approved: 'verified', invalid: 'error' };

/** The row for one packet file: label = its intent, description = seed kind · risk (and why not runnable), icon by approval. Pure. */
export function packetRow(entry: PacketEntry): PacketRow {
  const name = entry.relative.split('/').pop()!;
  if (!entry.ok) {
    const first = entry.problems[0];
    const where = first ? first.path || '(root)' : '(root)';
    return {
      file: entry.file,
      label: name,
      description: `invalid: ${where}${entry.problems.length > 1 ? ` (+${entry.problems.length - 1} more)` : ''}`,
      icon: ICON.invalid,
      contextValue: 'packet-invalid',
      state: 'invalid',
      tooltip: [`**${md(name)}** is not a valid task packet`, '', ...entry.problems.slice(0, 10).map((p) => `- \`${code(formatProblem(p))}\``), '', `\`${code(entry.relative)}\``].join('\n'),
    };
  }
  const p = entry.packet;
  const a = entry.approval;
  const state: PacketRowState = a.state === 'approved' ? 'approved' : a.state === 'stale' ? 'stale' : 'draft';
  const status =
    a.state === 'approved'
      ? `approved by ${md(a.by)} at ${md(a.at)}`
      : a.state === 'stale'
        ? `approval by ${md(a.by)} is stale${a.editedFields?.length ? ` (edited: ${a.editedFields.join(', ')})` : ''}: approve again`
        : 'draft: not approved yet';
  const paths = p.scope.paths.map((x) => x.path);
  const scope = paths.length ? `${paths.slice(0, 8).map((x) => `\`${code(x)}\``).join(', ')}${paths.length > 8 ? `, and ${paths.length - 8} more` : ''}` : '_none found_';
  return {
    file: entry.file,
    label: oneLine(p.intent),
    description: [p.source.kind, p.risk, state === 'stale' ? 'approval stale' : undefined, p.flags.length ? p.flags.join(', ') : undefined].filter(Boolean).join(' · '),
    icon: ICON[state],
    contextValue: `packet-${state}`,
    state,
    tooltip: [
      `**${md(oneLine(p.intent))}**`,
      '',
      `- Status: ${status}`,
      `- Seed: ${p.source.kind}${p.source.ref ? ` (${md(p.source.ref)})` : ''}`,
      `- Risk: ${p.risk}${p.riskReasons.length ? `: ${md(p.riskReasons.join('; '))}` : ''}`,
      `- Scope: ${scope}`,
      ...(p.flags.length ? [`- Flags: ${p.flags.join(', ')}`] : []),
      '',
      `\`${code(entry.relative)}\``,
    ].join('\n'),
  };
}

/** The rows of the Packets view, in file-name order (listPackets sorts). Pure. */
export function packetRows(entries: readonly PacketEntry[]): PacketRow[] {
  return entries.map(packetRow);
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > LABEL_MAX ? `${t.slice(0, LABEL_MAX - 1)}…` : t;
}

/** Escapes Markdown syntax (links, emphasis, HTML) in text a packet supplies. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);
}

/** Text inside a code span: a backtick would end it early. */
function code(text: string): string {
  return text.replace(/`/g, "'");
}

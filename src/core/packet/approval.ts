import type { TaskPacket, ToolPin } from '../../contracts';
import { packetContentHash as documentHash, packetFieldHashes } from '../documents/packet-view';

/**
 * Content hash of a packet as approved: canonical JSON of the packet without `approval`
 * and without `$schema` (editor metadata the host adds when it writes the file, so a
 * packet drafted by the CLI and one opened in VS Code hash the same).
 */
export function packetContentHash(packet: TaskPacket): string {
  // One definition with the panel's packet view, so the form and the CLI agree.
  return documentHash(packet as unknown as Record<string, unknown>);
}

/**
 * The approval record of exactly `value`'s current content by `by` at `at` (RFC 3339):
 * the content hash plus one hash per top-level field, and the hashes of the allowed team
 * MCP tools' definitions as they were listed at approval (adapters/mcp/approval-pins.ts). The one builder of approvals, used by
 * `shopfloor approve` and the panel's Approve. Pure.
 */
export function approvalOf(value: Record<string, unknown>, by: string, at: string, toolPins?: readonly ToolPin[]): NonNullable<TaskPacket['approval']> {
  return { by, at, contentHash: documentHash(value), fields: packetFieldHashes(value), ...(toolPins ? { toolPins: [...toolPins] } : {}) };
}

/** The packet with an approval of exactly its current content by `by` at `at` (RFC 3339). */
export function approvePacket(packet: TaskPacket, by: string, at: string, toolPins?: readonly ToolPin[]): TaskPacket {
  return { ...packet, approval: approvalOf(packet as unknown as Record<string, unknown>, by, at, toolPins) };
}

export type ApprovalStatus =
  | { state: 'approved'; by: string; at: string }
  | { state: 'unapproved' }
  | { state: 'stale'; by: string; at: string; expected: string; actual: string; editedFields?: string[] };

/** Whether the packet carries an approval, and whether it still matches the content (with the fields edited since, when the approval recorded them). */
export function approvalStatus(packet: TaskPacket): ApprovalStatus {
  const a = packet.approval;
  if (!a) return { state: 'unapproved' };
  const actual = packetContentHash(packet);
  if (actual === a.contentHash) return { state: 'approved', by: a.by, at: a.at };
  let editedFields: string[] | undefined;
  if (a.fields) {
    const now = packetFieldHashes(packet as unknown as Record<string, unknown>);
    editedFields = [...new Set([...Object.keys(now), ...Object.keys(a.fields)])].filter((k) => now[k] !== a.fields![k]).sort();
  }
  return { state: 'stale', by: a.by, at: a.at, expected: a.contentHash, actual, editedFields };
}

/**
 * Why a run must not start from `packet`, or undefined when its approval matches its
 * content (the rule both entry points apply, through the run session): unapproved, or
 * stale after an edit (naming the edited fields when the approval recorded them). Pure.
 */
export function approvalRefusal(packet: TaskPacket): string | undefined {
  const s = approvalStatus(packet);
  if (s.state === 'approved') return undefined;
  if (s.state === 'unapproved') return 'the packet is not approved: a run starts only from an approved packet (approve it in the panel or with `shopfloor approve FILE`)';
  const what = s.editedFields?.length ? `an edit of ${s.editedFields.length === 1 ? 'field' : 'fields'} ${s.editedFields.join(', ')}` : 'an edit';
  return `the packet's approval by ${s.by} is stale after ${what}: approve it again`;
}

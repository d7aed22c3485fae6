import type { TaskPacket } from '../../contracts';
import { packetContentHash as documentHash } from '../documents/packet-view';

/**
 * Content hash of a packet as approved: canonical JSON of the packet without `approval`
 * and without `$schema` (editor metadata the host adds when it writes the file, so a
 * packet drafted by the CLI and one opened in VS Code hash the same).
 */
export function packetContentHash(packet: TaskPacket): string {
  // One definition with the panel's packet view, so the form and the CLI agree.
  return documentHash(packet as unknown as Record<string, unknown>);
}

/** The packet with an approval of exactly its current content by `by` at `at` (ISO 8601 UTC). */
export function approvePacket(packet: TaskPacket, by: string, at: string): TaskPacket {
  return { ...packet, approval: { by, at, contentHash: packetContentHash(packet) } };
}

export type ApprovalStatus = { state: 'approved'; by: string; at: string } | { state: 'unapproved' } | { state: 'stale'; by: string; at: string; expected: string; actual: string };

/** Whether the packet carries an approval, and whether it still matches the content. */
export function approvalStatus(packet: TaskPacket): ApprovalStatus {
  const a = packet.approval;
  if (!a) return { state: 'unapproved' };
  const actual = packetContentHash(packet);
  return actual === a.contentHash ? { state: 'approved', by: a.by, at: a.at } : { state: 'stale', by: a.by, at: a.at, expected: a.contentHash, actual };
}

/** True when the packet is approved and not edited since: the gate before anything runs. */
export function isApprovalValid(packet: TaskPacket): boolean {
  return approvalStatus(packet).state === 'approved';
}

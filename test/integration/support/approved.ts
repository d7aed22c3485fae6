import { TaskPacketSchema, type TaskPacket } from '../../../src/contracts';
import { approvePacket } from '../../../src/core/packet/approval';

/** `packet` (a plain object) parsed and approved as a reviewer would, so `shopfloor run` accepts it. */
export function approved(packet: unknown): TaskPacket {
  return approvePacket(TaskPacketSchema.parse(packet), 'Rita Reviewer <rita@example.com>', '2026-12-01T00:00:00.000Z');
}

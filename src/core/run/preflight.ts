import type { Blueprint, TaskPacket } from '../../contracts';
import type { TerminalFacts } from './decide-terminal';
import type { ProfileFacts } from './ports';
import { commandsOf } from './station-exec';

/**
 * Terminal facts known from the packet and the blueprint alone, before any station runs
 * ("cheap decisions first"): the engine asks decideTerminal with them before set-up, so a
 * rule that needs no station (T0 missing context, T5 no reproduction) never costs a
 * dependency install or a container.
 *
 * - `packetMissingContext`: the packet is flagged `missing-context` (T0).
 * - `reproductionBefore: 'absent'`: the blueprint implements and every reproduce station
 *   before its implement station is a command station with no commands to run (T5). A
 *   reproduce station of another kind (an agent or a human writing the reproduction) is not
 *   known to be empty, so it never predicts absence.
 * Returns only the facts it knows (an empty object when none). Pure.
 */
export function preflightFacts(bp: Blueprint, packet: TaskPacket, profile: ProfileFacts): Partial<TerminalFacts> {
  const facts: Partial<TerminalFacts> = {};
  if (packet.flags.includes('missing-context')) facts.packetMissingContext = true;
  const implementAt = bp.stations.findIndex((s) => s.role === 'implement');
  const reproduce = bp.stations.filter((s, i) => s.role === 'reproduce' && i < implementAt);
  if (implementAt >= 0 && reproduce.length > 0 && reproduce.every((s) => s.kind === 'command' && commandsOf(s, packet, profile).length === 0)) facts.reproductionBefore = 'absent';
  return facts;
}

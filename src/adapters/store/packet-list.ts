import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FieldProblem, TaskPacket } from '../../contracts';
import { parseDocument } from '../../core/documents/load';
import { approvalStatus, type ApprovalStatus } from '../../core/packet/approval';
import { ValidationError } from '../../core/validate';

/** Where packets live in a repository (the draft command writes `<id>.json` there). */
export const PACKETS_DIR = join('.shopfloor', 'packets');

/** File names the packet folder may hold: JSON, or YAML written by hand. */
export const PACKET_FILE = /\.(json|ya?ml)$/i;

/** A packet file that parsed and validated, with whether its approval still matches its content. */
export interface ValidPacketEntry {
  ok: true;
  /** Absolute path of the file. */
  file: string;
  /** Repository-relative path, POSIX separators: `.shopfloor/packets/x.json`. */
  relative: string;
  packet: TaskPacket;
  approval: ApprovalStatus;
}

/** A packet file that is not a valid packet: every problem with the path of its bad field (`''`: the whole file). */
export interface InvalidPacketEntry {
  ok: false;
  file: string;
  relative: string;
  problems: FieldProblem[];
}

export type PacketEntry = ValidPacketEntry | InvalidPacketEntry;

/**
 * Every packet file under `repo`'s `.shopfloor/packets/`, sorted by name, each parsed and
 * validated by the same parser `shopfloor validate` and the run session use
 * (core/documents/load.ts). I/O: reads the folder and its files. Never throws for a bad
 * file: it comes back as an InvalidPacketEntry, so one broken file does not hide the rest;
 * a missing folder is an empty list.
 */
export function listPackets(repo: string): PacketEntry[] {
  const dir = join(resolve(repo), PACKETS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => PACKET_FILE.test(name))
    .sort()
    .map((name) => readPacketEntry(join(dir, name), `.shopfloor/packets/${name}`));
}

function readPacketEntry(file: string, relative: string): PacketEntry {
  try {
    const packet = parseDocument('packet', relative, readFileSync(file, 'utf8'));
    return { ok: true, file, relative, packet, approval: approvalStatus(packet) };
  } catch (e) {
    const problems = e instanceof ValidationError ? e.problems : [{ path: '', message: `cannot be read: ${(e as Error).message}` }];
    return { ok: false, file, relative, problems };
  }
}

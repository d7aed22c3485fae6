import { TaskPacketSchema, type PacketView } from '../../contracts';
import { contentHash } from '../hash';
import { formatPath } from '../validate';

/**
 * Builds what the panel's packet form shows for a packet value that may be invalid:
 * the zod problems with field paths, the content hash (canonical JSON without
 * `approval` and `$schema`), and whether a recorded approval still matches that hash.
 * `file` is workspace-relative; `readOnly` is decided by the host (workspace trust, runs).
 */
export function packetView(file: string, value: Record<string, unknown>, readOnly: boolean): PacketView {
  const parsed = TaskPacketSchema.safeParse(value);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const hash = packetContentHash(value);
  const a = value.approval as { by?: unknown; at?: unknown; contentHash?: unknown } | undefined;
  const approval =
    a && typeof a.by === 'string' && typeof a.at === 'string'
      ? { by: a.by, at: a.at, valid: parsed.success && a.contentHash === hash }
      : null;
  return { file, value, problems, approval, contentHash: hash, readOnly };
}

/**
 * The hash an approval covers: the packet as the schema reads it (defaults filled in,
 * unknown keys dropped), without `approval` and `$schema` (editor metadata). Normalizing
 * first makes a packet approved in the panel, by the CLI or by the engine hash the same.
 * An invalid value is hashed as it stands (it cannot be approved anyway).
 */
export function packetContentHash(value: Record<string, unknown>): string {
  const parsed = TaskPacketSchema.safeParse(value);
  const { approval: _a, $schema: _s, ...rest } = (parsed.success ? parsed.data : value) as Record<string, unknown>;
  return contentHash(rest);
}

/**
 * SHA-256 of each top-level field of the packet as an approval covers it (normalized as
 * in packetContentHash, without `approval` and `$schema`), keyed by field name. Stored in
 * the approval so a stale one names the fields edited since. Pure.
 */
export function packetFieldHashes(value: Record<string, unknown>): Record<string, string> {
  const parsed = TaskPacketSchema.safeParse(value);
  const { approval: _a, $schema: _s, ...rest } = (parsed.success ? parsed.data : value) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, contentHash(v ?? null)]));
}

import { diff3Merge, diffComm } from 'node-diff3';

/**
 * The three-way merge behind `registry update` (issue 13 item 3): a fork or adopted copy
 * (`local`) is brought to its parent's latest (`theirs`) from the version it was based on
 * (`base`), keeping local edits and stopping on conflicts. Line-based diff3 (node-diff3,
 * after Khanna, Kunal and Pierce 2007) over each blueprint's stable JSON text: keys
 * sorted, two-space indentation, so the same structure is the same lines in all three.
 * Pure.
 *
 * The copy's identity (`name`, `version`, `forkOf`, `$schema`) is not merged: it is the
 * copy's own; the caller sets the lineage to the new parent version.
 */

/** One conflicting region: the lines of each side, with its 1-based line in the local text. */
export interface MergeConflict {
  line: number;
  local: string[];
  base: string[];
  theirs: string[];
}

/** The merge's result: the merged blueprint, or the conflicts and a text with git-style markers. */
export type BlueprintMerge =
  | { ok: true; merged: Record<string, unknown>; changed: boolean }
  | { ok: false; conflicts: MergeConflict[]; text: string; why: string };

const IDENTITY = ['$schema', 'name', 'version', 'forkOf'] as const;

/** Stable JSON text of a value: object keys sorted, two-space indentation, trailing newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

function body(b: Record<string, unknown>): string[] {
  const copy: Record<string, unknown> = { ...b };
  for (const k of IDENTITY) delete copy[k];
  return stableJson(copy).split('\n');
}

/**
 * Merges `theirs` (the parent's latest) into `local` from `base`. Returns the merged
 * blueprint object (identity of `local` kept) or the conflicts. A merge whose text is not
 * valid JSON (two edits touching neighbouring lines of a list) is reported as a conflict
 * too, never half-applied. Does not validate the result against BlueprintSchema: the
 * caller does.
 */
export function mergeBlueprint(base: Record<string, unknown>, local: Record<string, unknown>, theirs: Record<string, unknown>): BlueprintMerge {
  const l = body(local);
  const regions = diff3Merge(l, body(base), body(theirs), { excludeFalseConflicts: true });
  const out: string[] = [];
  const conflicts: MergeConflict[] = [];
  const marked: string[] = [];
  for (const r of regions) {
    if (r.ok) {
      out.push(...r.ok);
      marked.push(...r.ok);
    } else if (r.conflict) {
      conflicts.push({ line: r.conflict.aIndex + 1, local: r.conflict.a, base: r.conflict.o, theirs: r.conflict.b });
      marked.push('<<<<<<< local', ...r.conflict.a, '||||||| base', ...r.conflict.o, '=======', ...r.conflict.b, '>>>>>>> parent');
    }
  }
  if (conflicts.length) return { ok: false, conflicts, text: marked.join('\n'), why: `${conflicts.length} conflicting region(s): the same lines changed in the local copy and in the parent` };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(out.join('\n')) as Record<string, unknown>;
  } catch (e) {
    return { ok: false, conflicts: [], text: out.join('\n'), why: `the merged text is not valid JSON (${(e as Error).message}): edits too close together to merge line by line` };
  }
  const merged: Record<string, unknown> = { ...parsed };
  for (const k of IDENTITY) if (local[k] !== undefined) merged[k] = local[k];
  return { ok: true, merged, changed: out.join('\n') !== l.join('\n') };
}

/** A line of a difference: `-` only in `from`, `+` only in `to`. */
export interface DiffLine {
  op: '-' | '+';
  line: string;
}

/** Lines that differ between two blueprints' stable JSON bodies (identity fields left out), in order. */
export function blueprintDiff(from: Record<string, unknown>, to: Record<string, unknown>): DiffLine[] {
  const out: DiffLine[] = [];
  for (const c of diffComm(body(from), body(to))) {
    if (c.common) continue;
    for (const line of c.buffer1 ?? []) out.push({ op: '-', line });
    for (const line of c.buffer2 ?? []) out.push({ op: '+', line });
  }
  return out;
}

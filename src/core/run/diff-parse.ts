import type { DiffFile } from './ports';

/** One file of a unified diff with its added and removed lines (without the +/- marker). */
export interface PatchFile extends DiffFile {
  added: string[];
  removed: string[];
}

/**
 * Splits a `git diff` unified patch into files with their status and changed lines.
 * Understands `new file mode`, `deleted file mode` and `rename from/to`; binary files
 * appear with no lines. Pure.
 */
export function parsePatch(patch: string): PatchFile[] {
  const files: PatchFile[] = [];
  let cur: PatchFile | undefined;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    const head = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
    if (head) {
      cur = { path: head[2]!, status: 'modified', added: [], removed: [] };
      files.push(cur);
      inHunk = false;
      continue;
    }
    if (!cur) continue;
    if (!inHunk) {
      if (line.startsWith('new file mode')) cur.status = 'added';
      else if (line.startsWith('deleted file mode')) cur.status = 'deleted';
      else if (line.startsWith('rename from ')) {
        cur.status = 'renamed';
        cur.oldPath = line.slice('rename from '.length);
      } else if (line.startsWith('@@')) inHunk = true;
      continue;
    }
    if (line.startsWith('+')) cur.added.push(line.slice(1));
    else if (line.startsWith('-')) cur.removed.push(line.slice(1));
  }
  return files;
}

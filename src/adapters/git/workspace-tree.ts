import * as fs from 'node:fs';
import { join, relative, sep } from 'node:path';
import { TextDecoder } from 'node:util';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads every regular file under `root` (paths relative to it, POSIX separators, sorted),
 * then deletes `root`. A missing `root` gives no files. Refused, with nothing deleted: a
 * symbolic link or other non-regular entry (a link could point the host's read anywhere),
 * a file that is not UTF-8 text, more than `caps.files` files or `caps.bytes` bytes.
 * I/O: reads and removes under `root` only.
 */
export function takeTree(root: string, caps: { files: number; bytes: number }): { files: Array<{ path: string; text: string }> } | { problem: string } {
  if (!fs.existsSync(root)) return { files: [] };
  const files: Array<{ path: string; text: string }> = [];
  let bytes = 0;
  const walk = (dir: string): string | undefined => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = join(dir, e.name);
      const rel = relative(root, abs).split(sep).join('/');
      if (e.isDirectory()) {
        const p = walk(abs);
        if (p) return p;
        continue;
      }
      if (!e.isFile()) return `${rel} is not a regular file (${e.isSymbolicLink() ? 'a symbolic link' : 'a special file'})`;
      if (files.length + 1 > caps.files) return `more than ${caps.files} files`;
      const buf = fs.readFileSync(abs);
      bytes += buf.length;
      if (bytes > caps.bytes) return `more than ${caps.bytes} bytes`;
      let text: string;
      try {
        text = UTF8.decode(buf);
      } catch {
        return `${rel} is not UTF-8 text`;
      }
      files.push({ path: rel, text });
    }
    return undefined;
  };
  const top = fs.lstatSync(root);
  if (!top.isDirectory()) return { problem: `${relative(join(root, '..'), root)} is not a folder` };
  const problem = walk(root);
  if (problem) return { problem };
  fs.rmSync(root, { recursive: true, force: true });
  return { files };
}

/**
 * Replaces `root` with exactly `files` (each written read-only, mode 0444). Paths are the
 * frozen ones (FrozenFileSchema: relative, no `..`), so nothing lands outside `root`.
 * I/O: removes and writes under `root`.
 */
export function placeTree(root: string, files: ReadonlyArray<{ path: string; text: string }>): void {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  for (const f of files) {
    const abs = join(root, ...f.path.split('/'));
    if (relative(root, abs).startsWith('..')) throw new Error(`refused to place ${f.path}: outside ${root}`);
    fs.mkdirSync(join(abs, '..'), { recursive: true });
    fs.writeFileSync(abs, f.text, { mode: 0o444 });
  }
}

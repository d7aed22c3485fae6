import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../../core/hash';

/** One record waiting to reach the registry: its registry path and its text. */
export interface QueuedRecord {
  id: string;
  path: string;
  text: string;
}

/**
 * The offline queue of records not yet delivered to the registry (issue 13 item 3: sync is
 * queued while offline): one file per record under `dir`, named by the hash of its registry
 * path, written atomically (temp file and rename), removed only once a push that holds it
 * succeeded. A record queued twice is one entry (the later text wins; records of one run
 * are written once, so they are the same).
 */
export class RecordQueue {
  constructor(readonly dir: string) {}

  /** Adds records to the queue. I/O: writes one file each. */
  enqueue(records: ReadonlyArray<{ path: string; text: string }>): void {
    mkdirSync(this.dir, { recursive: true });
    for (const r of records) {
      const f = join(this.dir, `${sha256Hex(r.path).slice(0, 32)}.json`);
      writeFileSync(`${f}.tmp`, JSON.stringify({ path: r.path, text: r.text }));
      renameSync(`${f}.tmp`, f);
    }
  }

  /** The queued records, oldest file name order. A file that does not parse is skipped (and left for a human). */
  entries(): QueuedRecord[] {
    if (!existsSync(this.dir)) return [];
    const out: QueuedRecord[] = [];
    for (const name of readdirSync(this.dir).sort()) {
      if (!name.endsWith('.json')) continue;
      try {
        const v = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as { path: unknown; text: unknown };
        if (typeof v.path === 'string' && typeof v.text === 'string') out.push({ id: name, path: v.path, text: v.text });
      } catch {
        // A torn or foreign file: not ours to deliver or delete.
      }
    }
    return out;
  }

  /** Removes delivered records by id. */
  remove(ids: readonly string[]): void {
    for (const id of ids) rmSync(join(this.dir, id), { force: true });
  }
}

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
 * queued while offline): one file per batch under `dir` (a batch of 1,000 records is one
 * write, not 1,000), written atomically (temp file and rename), removed only once a push
 * that holds all of it succeeded. A record queued twice (in two batches) is delivered once:
 * the registry already has it the second time.
 */
export class RecordQueue {
  constructor(readonly dir: string) {}

  /** Adds a batch of records to the queue. I/O: writes one file. */
  enqueue(records: ReadonlyArray<{ path: string; text: string }>): void {
    if (!records.length) return;
    mkdirSync(this.dir, { recursive: true });
    const text = JSON.stringify(records.map((r) => ({ path: r.path, text: r.text })));
    // Named by time then content hash: entries() delivers oldest first, and two batches never share a name.
    const f = join(this.dir, `${Date.now().toString().padStart(15, '0')}-${sha256Hex(text).slice(0, 16)}.json`);
    writeFileSync(`${f}.tmp`, text);
    renameSync(`${f}.tmp`, f);
  }

  /** The queued records, oldest batch first; `id` is the batch file. A file that does not parse is skipped (and left for a human). */
  entries(): QueuedRecord[] {
    if (!existsSync(this.dir)) return [];
    const out: QueuedRecord[] = [];
    for (const name of readdirSync(this.dir).sort()) {
      if (!name.endsWith('.json')) continue;
      try {
        const batch = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Array<{ path?: unknown; text?: unknown }>;
        if (Array.isArray(batch)) for (const v of batch) if (typeof v?.path === 'string' && typeof v.text === 'string') out.push({ id: name, path: v.path, text: v.text });
      } catch {
        // A torn or foreign file: not ours to deliver or delete.
      }
    }
    return out;
  }

  /** Removes delivered batches by id. */
  remove(ids: readonly string[]): void {
    for (const id of ids) rmSync(join(this.dir, id), { force: true });
  }
}

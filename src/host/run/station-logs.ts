import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_LAYOUT } from '../../core/run/layout';
import { LogFileLines } from './log-ranges';

/**
 * A run's station logs for the panel: each station's output appended, as it arrives, to
 * one file in the run folder (`RUN_LAYOUT.stationPanelLog`), and read back by range and search
 * (`LogFileLines`, one indexed reader per station). Line endings are normalised to LF as
 * the live snapshot does, so the file's line numbers are the snapshot's. Append errors
 * (a full disk) are reported to `onError` once and the log goes on without the file.
 */
export class StationLogs {
  private readonly readers = new Map<string, LogFileLines>();
  private failed = false;

  constructor(
    readonly runId: string,
    /** The run folder's absolute path. */
    readonly folder: string,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  /** Absolute path of `stationId`'s log file. Station ids are blueprint ids (no separators); anything else is refused. */
  file(stationId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(stationId) || stationId.startsWith('.')) throw new Error(`not a station id: ${JSON.stringify(stationId)}`);
    return path.join(this.folder, RUN_LAYOUT.stationPanelLog(stationId));
  }

  /** Appends a chunk of `stationId`'s output (synchronous file I/O). */
  append(stationId: string, chunk: string): void {
    if (this.failed) return;
    try {
      const f = this.file(stationId);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.appendFileSync(f, chunk.replace(/\r\n?/g, '\n'));
    } catch (e) {
      this.failed = true;
      this.onError(`the station log could not be written: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The stations that have a log file in the run folder, sorted (I/O: lists the logs folder; none when it is missing). */
  stations(): string[] {
    const dir = path.join(this.folder, path.dirname(RUN_LAYOUT.stationPanelLog('x')));
    const suffix = path.basename(RUN_LAYOUT.stationPanelLog(''));
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith(suffix) && n.length > suffix.length)
      .map((n) => n.slice(0, -suffix.length))
      .filter((id) => /^[A-Za-z0-9._-]+$/.test(id) && !id.startsWith('.'))
      .sort();
  }

  /** The reader of `stationId`'s log (created on first use; a missing file is an empty log). */
  lines(stationId: string): LogFileLines {
    let r = this.readers.get(stationId);
    if (!r) this.readers.set(stationId, (r = new LogFileLines(this.file(stationId))));
    return r;
  }
}

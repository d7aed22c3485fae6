import * as fs from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ArtifactLog, ArtifactStore } from '../../core/run/ports';
import { fsyncDir } from './file-journal';
import { FileLog } from './log-writer';

/**
 * Run-folder files (evidence, artifacts, reports) written atomically: a temporary file
 * beside the target is written and fsync'd, then renamed over it, so a killed process
 * leaves either the old or the new content, never half a file. Logs are the exception:
 * `openLog` appends in place as output arrives (FileLog), so a killed process keeps them.
 */
export class FileArtifactStore implements ArtifactStore {
  constructor(readonly dir: string) {}

  resolve(relPath: string): string {
    const n = normalize(relPath);
    if (isAbsolute(n) || n === '..' || n.startsWith(`..${sep}`)) throw new Error(`artifact path escapes the run folder: ${relPath}`);
    return join(this.dir, n);
  }

  async write(relPath: string, content: string): Promise<string> {
    const target = this.resolve(relPath);
    fs.mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
    fsyncDir(dirname(target));
    return relPath;
  }

  /** See ArtifactStore.openLog; throws when the file cannot be created. */
  openLog(relPath: string, capBytes: number): ArtifactLog {
    return new FileLog(this.resolve(relPath), relPath, capBytes);
  }

  async read(relPath: string): Promise<string | undefined> {
    try {
      return fs.readFileSync(this.resolve(relPath), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
}

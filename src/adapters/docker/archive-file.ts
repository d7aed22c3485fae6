import type Docker from 'dockerode';
import { extract } from 'tar-stream';

/**
 * Reads one file out of a container through the archive API (a created, never started,
 * container is enough, so nothing in the image runs). Returns the file's text (UTF-8), or
 * undefined when the path does not exist. I/O: the engine.
 */
export async function readContainerFile(docker: Docker, containerId: string, path: string): Promise<string | undefined> {
  let tar: NodeJS.ReadableStream;
  try {
    tar = await docker.getContainer(containerId).getArchive({ path });
  } catch {
    return undefined;
  }
  return new Promise<string>((resolve, reject) => {
    const ex = extract();
    let out = '';
    ex.on('entry', (_h, s, next) => {
      const chunks: Buffer[] = [];
      s.on('data', (c: unknown) => chunks.push(c as Buffer));
      s.on('end', () => {
        out += Buffer.concat(chunks).toString('utf8');
        next();
      });
    });
    ex.on('finish', () => resolve(out));
    ex.on('error', reject);
    tar.pipe(ex);
  });
}

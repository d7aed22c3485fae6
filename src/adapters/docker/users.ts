import type Docker from 'dockerode';
import { extract } from 'tar-stream';

/** A user of an image's /etc/passwd. */
export interface ImageUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * Reads /etc/passwd out of a created (not started) container through the archive API,
 * so nothing in the image runs. Returns [] when the file is missing.
 */
export async function readPasswd(docker: Docker, containerId: string): Promise<ImageUser[]> {
  let tar: NodeJS.ReadableStream;
  try {
    tar = await docker.getContainer(containerId).getArchive({ path: '/etc/passwd' });
  } catch {
    return [];
  }
  const text = await new Promise<string>((resolve, reject) => {
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
  return parsePasswd(text);
}

export function parsePasswd(text: string): ImageUser[] {
  return text
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 7 && /^\d+$/.test(f[2]!))
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! }));
}

/**
 * The non-root user a station runs as when the configuration names none: the image's
 * own USER if it is not root, else the first regular account (uid 1000-59999), as
 * the Dev Containers images create (`node`, `vscode`, `codespace`). Undefined: root.
 */
export function pickStationUser(imageUser: string, users: ImageUser[]): string | undefined {
  if (imageUser && imageUser !== 'root' && imageUser !== '0' && !imageUser.startsWith('0:')) return imageUser;
  return users.find((u) => u.uid >= 1000 && u.uid < 60000)?.name;
}

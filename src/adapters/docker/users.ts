import type Docker from 'dockerode';
import { readContainerFile } from './archive-file';

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
  const text = await readContainerFile(docker, containerId, '/etc/passwd');
  return text === undefined ? [] : parsePasswd(text);
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
 * the Dev Containers images create (`node`, `vscode`, `codespace`). Undefined: the image
 * has no non-root user.
 */
export function pickStationUser(imageUser: string, users: ImageUser[]): string | undefined {
  if (imageUser && !isRootUser(imageUser, users)) return imageUser;
  return users.find((u) => u.uid >= 1000 && u.uid < 60000)?.name;
}

/**
 * True when a Docker user spec (`name`, `uid`, `name:group`, `uid:gid`) is root: the name
 * `root`, uid 0, or a name the image's /etc/passwd gives uid 0.
 */
export function isRootUser(spec: string, users: ImageUser[]): boolean {
  const who = spec.split(':')[0]!;
  return who === 'root' || who === '0' || users.some((u) => u.uid === 0 && u.name === who);
}

/** The users a station runs as, or why it cannot run. */
export type StationUsers =
  | { containerUser: string; remoteUser: string; notes: string[] }
  | { refused: { property: string; message: string } };

/**
 * Who a station runs as: never root (design.md "Isolation and security defaults").
 * A devcontainer.json that asks for root (`containerUser`, `remoteUser` or
 * `runArgs --user` root or uid 0) gets the image's non-root user instead (pickStationUser)
 * with a note, because such files usually say root only because the image's tools were
 * installed for it, and what the user expects is that the station still runs; when the
 * image has no non-root user at all the station is refused with the reason and the fix
 * (add a user in the Dockerfile), never run as root. `remoteUser` defaults to the
 * container user, as in the Dev Containers spec. Pure: `users` is the image's /etc/passwd.
 */
export function resolveStationUsers(image: { user: string; name: string }, users: ImageUser[], asked: { containerUser?: string; remoteUser?: string }): StationUsers {
  const notes: string[] = [];
  const fallback = pickStationUser(image.user, users);
  // A refusal names the field that asked for root, if one did.
  const askedRoot = (['containerUser', 'remoteUser'] as const).find((p) => asked[p] !== undefined && isRootUser(asked[p]!, users));
  const pick = (property: 'containerUser' | 'remoteUser', value: string | undefined, otherwise: string | undefined): string | { property: string; message: string } => {
    if (value && !isRootUser(value, users)) return value;
    if (!otherwise) {
      const field = value ? property : (askedRoot ?? 'image');
      const instead = field === 'image' ? '' : ` to run as instead of ${JSON.stringify(asked[field])}`;
      return { property: field, message: `stations never run as root, and ${image.name} has no non-root user${instead}; add one in the Dockerfile (for example \`RUN useradd -m dev\` and \`USER dev\`)` };
    }
    if (value) notes.push(`${property} ${JSON.stringify(value)} is not honoured: stations never run as root; running as ${otherwise}`);
    return otherwise;
  };
  const containerUser = pick('containerUser', asked.containerUser, fallback);
  if (typeof containerUser !== 'string') return { refused: containerUser };
  const remoteUser = pick('remoteUser', asked.remoteUser, containerUser);
  if (typeof remoteUser !== 'string') return { refused: remoteUser };
  return { containerUser, remoteUser, notes };
}

/**
 * The home folder of a station user: its /etc/passwd home when that is a real folder
 * (not `/` or `/nonexistent`), else `/home/<name>`. With a read-only root filesystem the
 * runtime mounts a size-capped tmpfs there, so tools that write their caches and
 * settings under HOME (npm, git, pip) still work.
 */
export function stationHome(spec: string, users: ImageUser[]): { path: string; uid: number; gid: number; fromPasswd: boolean } {
  const [who, group] = spec.split(':') as [string, string | undefined];
  const u = users.find((x) => x.name === who || String(x.uid) === who);
  const uid = u?.uid ?? (/^\d+$/.test(who) ? Number(who) : 65534);
  const gid = group && /^\d+$/.test(group) ? Number(group) : (u?.gid ?? uid);
  const real = u && u.home.startsWith('/') && u.home !== '/' && u.home !== '/nonexistent';
  return { path: real ? u.home : `/home/${u?.name ?? who}`, uid, gid, fromPasswd: !!real };
}

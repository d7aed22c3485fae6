import type { Provenance } from '../../contracts';
import type { TrackedFile } from './port';
import type { FileIndex } from './file-index';
import type { CiCommand, CommandKind, DetectedCommand, Ecosystem, Manifest, PackageInfo, Workspace, CiSystem } from './types';

/** Folders whose contents are vendored or generated: never manifests of this repository. */
export const VENDORED = /(^|\/)(node_modules|vendor|third_party|third-party|bower_components|\.yarn|dist|build|target|out|\.venv|venv|site-packages|Pods|\.git)\//;

/**
 * What the ecosystem readers share: the tracked file list (indexed once, see FileIndex), the
 * texts read, and sinks for what they find. Readers are pure functions of this context.
 */
export class DetectContext {
  readonly manifests: Manifest[] = [];
  readonly workspaces: Workspace[] = [];
  readonly packages: PackageInfo[] = [];
  readonly commands: DetectedCommand[] = [];
  readonly ciCommands: CiCommand[] = [];
  readonly ci: { system: CiSystem; file: string }[] = [];
  readonly skipped: { path: string; reason: string }[] = [];
  private readonly manifestKeys = new Set<string>();
  private readonly commandKeys = new Set<string>();

  constructor(
    readonly index: FileIndex,
    private readonly texts: ReadonlyMap<string, string>,
  ) {}

  get files(): readonly TrackedFile[] {
    return this.index.files;
  }

  get paths(): ReadonlySet<string> {
    return this.index.paths;
  }

  /** Text of a tracked file that was read, or undefined (absent, too large, binary, symlink). */
  text(path: string): string | undefined {
    return this.texts.get(path);
  }

  has(path: string): boolean {
    return this.index.has(path);
  }

  /** Tracked regular files with this exact base name outside vendored folders, shallowest first. */
  named(base: string): string[] {
    return (this.index.byBase.get(base) ?? []).filter((p) => !VENDORED.test(p)).sort(byDepth);
  }

  /** Tracked regular files whose base name matches `re`, outside vendored folders, shallowest first. */
  matching(re: RegExp): string[] {
    const out: string[] = [];
    for (const [b, list] of this.index.byBase) if (re.test(b)) for (const p of list) if (!VENDORED.test(p)) out.push(p);
    return out.sort(byDepth);
  }

  /** Folders that contain at least one tracked file (computed once, lazily). */
  allDirs(): ReadonlySet<string> {
    return this.index.dirs();
  }

  manifest(ecosystem: Ecosystem, path: string): void {
    const key = `${ecosystem}\0${path}`;
    if (this.manifestKeys.has(key)) return;
    this.manifestKeys.add(key);
    this.manifests.push({ ecosystem, path });
  }

  /** Records a command unless the same argv in the same folder is already known. */
  command(kind: CommandKind, from: DetectedCommand['from'], argv: string[], origin: Provenance, cwd?: string): void {
    const key = JSON.stringify([argv, cwd ?? '']);
    if (this.commandKeys.has(key)) return;
    this.commandKeys.add(key);
    const cmd: DetectedCommand = { kind, from, argv, origin, description: origin.note, ...(cwd ? { cwd } : {}) };
    this.commands.push(cmd);
  }

  workspace(ws: Workspace): void {
    this.workspaces.push(ws);
  }

  skip(path: string, reason: string): void {
    this.skipped.push({ path, reason });
  }
}

export function depth(path: string): number {
  let n = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) n++;
  return n;
}

export function byDepth(a: string, b: string): number {
  return depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Provenance for a value found in repository file `file` at `line`. */
export function fromRepo(file: string, line: number | undefined, note: string): Provenance {
  return { source: 'repo', file, ...(line ? { line } : {}), note };
}

import type { Provenance } from '../../contracts';
import type { TrackedFile } from './port';
import { basename, dirname } from './text';
import type { CiCommand, CommandKind, DetectedCommand, Ecosystem, Manifest, PackageInfo, Workspace, CiSystem } from './types';

/** Folders whose contents are vendored or generated: never manifests of this repository. */
export const VENDORED = /(^|\/)(node_modules|vendor|third_party|third-party|bower_components|\.yarn|dist|build|target|out|\.venv|venv|site-packages|Pods|\.git)\//;

/**
 * What the ecosystem readers share: the tracked file list (indexed), the texts read, and
 * sinks for what they find. Readers are pure functions of this context.
 */
export class DetectContext {
  readonly manifests: Manifest[] = [];
  readonly workspaces: Workspace[] = [];
  readonly packages: PackageInfo[] = [];
  readonly commands: DetectedCommand[] = [];
  readonly ciCommands: CiCommand[] = [];
  readonly ci: { system: CiSystem; file: string }[] = [];
  readonly skipped: { path: string; reason: string }[] = [];
  private readonly byBase = new Map<string, string[]>();
  private readonly dirs = new Set<string>();

  constructor(
    readonly files: readonly TrackedFile[],
    readonly paths: ReadonlySet<string>,
    private readonly texts: ReadonlyMap<string, string>,
  ) {
    for (const f of files) {
      if (f.mode === 'symlink' || f.mode === 'submodule') continue;
      const b = basename(f.path);
      let list = this.byBase.get(b);
      if (!list) this.byBase.set(b, (list = []));
      list.push(f.path);
    }
  }

  /** Text of a tracked file that was read, or undefined (absent, too large, binary, symlink). */
  text(path: string): string | undefined {
    return this.texts.get(path);
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  /** Tracked regular files with this exact base name outside vendored folders, shallowest first. */
  named(base: string): string[] {
    return (this.byBase.get(base) ?? []).filter((p) => !VENDORED.test(p)).sort(byDepth);
  }

  /** Tracked regular files whose base name matches `re`, outside vendored folders, shallowest first. */
  matching(re: RegExp): string[] {
    const out: string[] = [];
    for (const [b, list] of this.byBase) if (re.test(b)) for (const p of list) if (!VENDORED.test(p)) out.push(p);
    return out.sort(byDepth);
  }

  /** Folders that contain at least one tracked file (computed once, lazily). */
  allDirs(): ReadonlySet<string> {
    if (!this.dirs.size) {
      for (const f of this.files) {
        let d = dirname(f.path);
        while (d && !this.dirs.has(d)) {
          this.dirs.add(d);
          d = dirname(d);
        }
      }
    }
    return this.dirs;
  }

  manifest(ecosystem: Ecosystem, path: string): void {
    if (!this.manifests.some((m) => m.ecosystem === ecosystem && m.path === path)) this.manifests.push({ ecosystem, path });
  }

  /** Records a command unless the same argv in the same folder is already known. */
  command(kind: CommandKind, from: DetectedCommand['from'], argv: string[], origin: Provenance, cwd?: string): void {
    const key = JSON.stringify([argv, cwd ?? '']);
    if (this.commands.some((c) => JSON.stringify([c.argv, c.cwd ?? '']) === key)) return;
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

import { existsSync, watch, type FSWatcher } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RegistryLocation } from './location';

/** A running registry watch; `dispose` stops it. */
export interface RegistryWatch {
  /** Whether anything is watched: false for a remote registry (nothing on this file system to watch). */
  readonly active: boolean;
  dispose(): void;
}

/** The bare repository's folder when the registry is on this machine (a path or a `file://` URL), else undefined. */
export function localRegistryDir(location: RegistryLocation): string | undefined {
  const dir = location.url.startsWith('file://') ? fileURLToPath(location.url) : location.url;
  return isAbsolute(dir) && existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'refs', 'heads')) ? dir : undefined;
}

/**
 * Calls `onChange` (debounced by `debounceMs`, default 250 ms) when the registry's `main`
 * moves: any push to it, by this editor, the CLI, or another clone on this machine. Only a
 * registry on this file system (the embedded default, or a path setting) can be watched:
 * it watches the bare repository's `refs/heads` (a push renames `main.lock` onto `main`)
 * and its `packed-refs` (after a `git gc`). A remote registry gives an inactive watch; its
 * changes are seen after a sync or a refresh. I/O: fs.watch on two folders; never throws
 * (a folder that cannot be watched is skipped).
 */
export function watchRegistry(location: RegistryLocation, onChange: () => void, debounceMs = 250): RegistryWatch {
  const dir = localRegistryDir(location);
  if (!dir) return { active: false, dispose: () => undefined };
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const watchers: FSWatcher[] = [];
  const add = (folder: string, relevant: (file: string | null) => boolean) => {
    try {
      const w = watch(folder, { persistent: false }, (_event, file) => relevant(file) && fire());
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // A folder that cannot be watched (gone, no inotify slots): changes still show after a sync or a refresh.
    }
  };
  add(join(dir, 'refs', 'heads'), () => true);
  add(dir, (file) => file === null || file === 'packed-refs');
  return {
    active: watchers.length > 0,
    dispose: () => {
      clearTimeout(timer);
      watchers.splice(0).forEach((w) => w.close());
    },
  };
}

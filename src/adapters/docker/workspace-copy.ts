import { chmod, lstat, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { posix } from 'node:path';
import type Docker from 'dockerode';
import { extract, pack, type Header } from 'tar-stream';
import { listContext, packContext } from './build-context';

/**
 * For an engine on another machine a bind mount would see that machine's disk, not the
 * run workspace, so the workspace is copied in through the archive API before start,
 * owned by the station user.
 */
export async function copyWorkspaceIn(docker: Docker, containerId: string, workspaceDir: string, target: string, owner: { uid: number; gid: number }): Promise<void> {
  const container = docker.getContainer(containerId);
  // putArchive needs an existing destination: create the target folder chain first.
  const parts = target.replace(/^\/+|\/+$/g, '').split('/');
  const dirs = pack();
  parts.forEach((_, i) => dirs.entry({ name: parts.slice(0, i + 1).join('/'), type: 'directory', mode: 0o755, ...(i === parts.length - 1 ? owner : {}) }));
  dirs.finalize();
  await container.putArchive(dirs as unknown as NodeJS.ReadableStream, { path: '/' });
  const entries = await listContext(workspaceDir, { dockerignore: false });
  await container.putArchive(packContext(workspaceDir, entries, {}, { owner }) as unknown as NodeJS.ReadableStream, { path: target });
}

/**
 * Copies the workspace back out after a station. The container's content is untrusted:
 * names that climb out and writes through symlinks are refused, and host files the
 * container deleted are deleted.
 */
export async function copyWorkspaceOut(docker: Docker, containerId: string, workspaceDir: string, target: string): Promise<void> {
  const tar = await docker.getContainer(containerId).getArchive({ path: `${target.replace(/\/+$/, '')}/.` });
  const seen = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    const ex = extract();
    ex.on('entry', (h: Header, stream, next) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(c as Buffer);
        // The archive's top entry is the folder itself ("./" or its basename): strip it.
        const rel = posix.normalize(h.name.replace(/^\.\/?/, '').split('/').slice(h.name.startsWith('.') ? 0 : 1).join('/'));
        if (!rel || rel === '.' || rel.startsWith('..') || posix.isAbsolute(rel)) return;
        await assertNoSymlinkParents(workspaceDir, rel);
        const dest = join(workspaceDir, ...rel.split('/'));
        seen.add(rel);
        if (h.type === 'directory') await mkdir(dest, { recursive: true });
        else if (h.type === 'symlink') {
          await rm(dest, { force: true, recursive: true });
          await symlink(h.linkname ?? '', dest);
        } else if (h.type === 'file') {
          await mkdir(dirname(dest), { recursive: true });
          await rm(dest, { force: true, recursive: true });
          await writeFile(dest, Buffer.concat(chunks), { flag: 'wx' });
          await chmod(dest, (h.mode ?? 0o644) & 0o777);
        }
      })().then(() => next(), (e: Error) => next(e));
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
    tar.pipe(ex);
  });
  const present = await listContext(workspaceDir, { dockerignore: false });
  for (const e of present.reverse()) if (!seen.has(e.path)) await rm(join(workspaceDir, e.path), { recursive: true, force: true });
}

async function assertNoSymlinkParents(root: string, rel: string): Promise<void> {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const st = await lstat(join(root, ...parts.slice(0, i))).catch(() => undefined);
    if (st?.isSymbolicLink()) throw new Error(`refusing to write ${rel}: ${parts.slice(0, i).join('/')} is a symlink`);
  }
}

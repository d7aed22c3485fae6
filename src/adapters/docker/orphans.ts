import type Docker from 'dockerode';
import { LABEL_OWNER, LABEL_RUN, LABEL_SESSION } from './labels';

/**
 * Removes this owner's containers whose session is not live and whose run has no journal
 * entry (a run killed before it journalled anything cannot resume, so its container is
 * litter). Containers of live sessions, and of journalled runs that may resume, stay.
 * Returns the removed ids.
 */
export async function removeOrphans(
  docker: Docker,
  owner: string,
  isLive: (sessionId: string) => boolean,
  hasJournal: (runId: string) => boolean,
): Promise<string[]> {
  return removeOwned(docker, owner, (labels) => !isLive(labels[LABEL_SESSION] ?? '') && !hasJournal(labels[LABEL_RUN] ?? ''));
}

/** Removes this owner's containers of run `runId` (and `runId.<station>` keys). Returns the removed ids. */
export function removeRunContainers(docker: Docker, owner: string, runId: string): Promise<string[]> {
  return removeOwned(docker, owner, (labels) => {
    const run = labels[LABEL_RUN] ?? '';
    return run === runId || run.startsWith(`${runId}.`);
  });
}

/** Force-removes (with anonymous volumes) this owner's containers whose labels match; a container already gone is not an error. */
async function removeOwned(docker: Docker, owner: string, matches: (labels: Record<string, string>) => boolean): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${owner}`] } });
  const removed: string[] = [];
  for (const c of list) {
    if (!matches(c.Labels ?? {})) continue;
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed.push(c.Id);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
    }
  }
  return removed;
}

import type Docker from 'dockerode';
import { LABEL_OWNER } from './labels';

type Listener = (event: 'oom' | 'die') => void;

/**
 * One /events stream per runtime, filtered to this owner's containers, fanned out by
 * container id. OOM kills of a process inside a container show up only here (the
 * container itself may keep running, so State.OOMKilled stays false until it exits).
 */
export class EngineEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  private stream?: NodeJS.ReadableStream & { destroy?: () => void };
  private starting?: Promise<void>;

  constructor(
    private readonly docker: Docker,
    private readonly owner: string,
  ) {}

  /** Opens the stream once; later calls wait for the same opening. */
  ensureStarted(): Promise<void> {
    this.starting ??= (async () => {
      const s = (await this.docker.getEvents({ filters: { type: ['container'], event: ['oom', 'die'], label: [`${LABEL_OWNER}=${this.owner}`] } })) as NodeJS.ReadableStream;
      this.stream = s;
      let buf = '';
      s.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const ev = JSON.parse(line) as { id?: string; Action?: string; status?: string };
            const action = (ev.Action ?? ev.status) as 'oom' | 'die';
            if (ev.id) for (const l of this.listeners.get(ev.id) ?? []) l(action);
          } catch {
            // A malformed line from the engine is skipped; the next one resynchronises.
          }
        }
      });
      s.on('error', () => {
        this.starting = undefined;
      });
    })();
    return this.starting;
  }

  on(containerId: string, l: Listener): () => void {
    const set = this.listeners.get(containerId) ?? new Set();
    set.add(l);
    this.listeners.set(containerId, set);
    return () => set.delete(l);
  }

  dispose(): void {
    this.stream?.destroy?.();
    this.listeners.clear();
  }
}

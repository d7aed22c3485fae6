import type { JournalRecord, RunEvent } from '../../contracts';
import { ResumeMismatchError } from './errors';
import type { RunJournal, RunObserver } from './ports';

type EventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

/**
 * Durable execution over the journal. A run's code asks for each step in order; while
 * the records of a killed run remain, a step that is already recorded is consumed from
 * them instead of being executed again, so a resumed run re-derives its state without
 * repeating any side effect (no gate asked twice, no finished station re-run). Once the
 * records run out, steps are executed and appended live. Appending while records remain
 * means the code and the journal disagree: ResumeMismatchError.
 */
export class Replay {
  private i = 0;
  private wentLive = false;
  /** seq + 1 of the last record appended live (0: none yet). */
  private appended = 0;

  constructor(
    private readonly prior: readonly JournalRecord[],
    private readonly journal: RunJournal,
    /** Called once, before the first live append of a resumed run. */
    private readonly onResume?: (lastSeq: number) => Promise<void>,
    private readonly observer?: RunObserver,
  ) {}

  /** True while recorded events remain to be consumed. */
  get replaying(): boolean {
    return this.i < this.prior.length;
  }

  /** The journal had records when the run began (this is a resumed run). */
  get resumed(): boolean {
    return this.prior.length > 0;
  }

  /**
   * Consumes the next recorded event when it has `type` and satisfies `match`. Notes carry
   * no state, so recorded notes in the way are passed over (a note the run asks for is
   * matched among them): a run resumed twice has notes the code does not emit again in the
   * same places (e.g. "resumed after record N"), and a step it replays must still line up.
   */
  take<T extends RunEvent['type']>(type: T, match: (e: EventOf<T>) => boolean = () => true): { record: JournalRecord; event: EventOf<T> } | undefined {
    while (this.prior[this.i]?.event.type === 'note' && !(type === 'note' && match(this.prior[this.i]!.event as EventOf<T>))) this.i++;
    const r = this.prior[this.i];
    if (!r || r.event.type !== type || !match(r.event as EventOf<T>)) return undefined;
    this.i++;
    return { record: r, event: r.event as EventOf<T> };
  }

  /**
   * Appends `event` live (a function gets the record's time, see RunJournal.append).
   * Throws ResumeMismatchError when recorded events remain unconsumed.
   */
  async append(event: RunEvent | ((at: string) => RunEvent)): Promise<JournalRecord> {
    if (this.replaying) {
      const next = this.prior[this.i]!;
      const wanted = typeof event === 'function' ? event(next.at).type : event.type;
      throw new ResumeMismatchError(`resume diverged at record ${next.seq}: the journal has ${next.event.type}, the run wanted ${wanted}`);
    }
    if (!this.wentLive) {
      this.wentLive = true;
      if (this.prior.length && this.onResume) await this.onResume(this.prior[this.prior.length - 1]!.seq);
    }
    const rec = await this.journal.append(event);
    this.appended = rec.seq + 1;
    this.observer?.onEvent?.(rec.event);
    return rec;
  }

  /** How many records the journal holds up to the step the run is at (recorded ones consumed, live ones appended). */
  get records(): number {
    return Math.max(this.i === 0 ? 0 : this.prior[this.i - 1]!.seq + 1, this.appended);
  }

  /**
   * The journal's last record once the run has its terminal state and output: how many
   * records come before it, so a journal that lost its tail is told from one whose run is
   * still open. Consumed when recorded.
   */
  async seal(): Promise<void> {
    if (this.take('journal/sealed')) return;
    await this.append({ type: 'journal/sealed', records: this.records });
  }

  /**
   * A note: consumed when recorded, appended when the run is live, and dropped while
   * recorded steps remain (the earlier process did not write it there; a note is
   * information, never a step the journal must agree on).
   */
  async note(message: string): Promise<void> {
    if (this.take('note', (e) => e.message === message)) return;
    if (this.replaying) return;
    await this.append({ type: 'note', message });
  }
}

import { html, render, type TemplateResult } from 'lit-html';
import { LOG_RANGE_MAX } from '../src/contracts/protocol-wire';
import type { ParamsOf, StationLogView } from '../src/contracts/protocol';
import { ansiSegments } from './ansi';
import type { Reply } from './client';

/** Height of one log line, CSS pixels: fixed, so line n sits at n × LINE_PX and only the lines in view need to exist. */
export const LINE_PX = 18;
/** Lines the log shows at once (its height, for a log at least this long). */
export const VIEW_LINES = 20;
/** Lines rendered above and below the visible ones, so a short scroll shows text, not blanks. */
export const OVERSCAN = 40;
/** Lines per page fetched with `log/range` (the protocol's maximum). */
export const PAGE_LINES = LOG_RANGE_MAX;
/** Pages kept in the cache (least recently used dropped first): 8,000 lines. */
export const CACHE_PAGES = 16;
/** Quiet time after the last scroll before missing pages are fetched, milliseconds. */
export const FETCH_DEBOUNCE_MS = 60;
/**
 * Highest scroll height the log is given, CSS pixels. Chromium lays out at most about
 * 33.5 million pixels (2^31 / 64); a longer log maps scroll positions to lines
 * proportionally instead of one line per LINE_PX (a million lines fit without it).
 */
export const MAX_SCROLL_PX = 30_000_000;

/** The host's log requests (the panel's HostClient). */
export interface LogRequests {
  range(p: ParamsOf<'log/range'>): Promise<Reply<'log/range'>>;
  search(p: ParamsOf<'log/search'>): Promise<Reply<'log/search'>>;
}

/** Where follow mode is kept (the view state). */
export interface FollowState {
  get(): boolean;
  set(on: boolean): void;
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/**
 * The station log's window onto a log of any length (issue 14): the scroll container is
 * as tall as all its lines (LINE_PX each), and only the lines in view plus OVERSCAN exist
 * in the page. Lines come from the snapshot's tail when it has them, else from pages of
 * PAGE_LINES fetched with `log/range` (debounced, CACHE_PAGES kept); every request carries
 * a sequence number and the log's generation, and an answer for another log, or older than
 * the last request for its page, is dropped. Follow mode sticks to the end as the log
 * grows; scrolling away from the end turns it off, End turns it on. Search asks the host
 * for the next or previous matching line (`log/search`, continued while its time budget
 * runs out) and scrolls to it. When the host has no log file for the run (it refuses the
 * range), only the snapshot's tail is shown and searched. Lines are text nodes with ANSI
 * colours as classes (./ansi.ts), never HTML.
 */
export class LogWindow {
  private runId = '';
  private stationId = '';
  /** Lines in the whole log. */
  private total = 0;
  /** The snapshot's last lines: lines [tailFrom, tailFrom + tail.length). */
  private tail: string[] = [];
  private tailFrom = 0;
  /** Page number → its lines; a Map keeps insertion order, re-set on use, so the first key is the least recently used. */
  private readonly pages = new Map<number, string[]>();
  /** Page number → sequence number of the request for it in flight. */
  private readonly inflight = new Map<number, number>();
  private seq = 0;
  /** Bumped when the log shown changes (another run or station, a rewritten file): answers from before are stale. */
  private gen = 0;
  private searchSeq = 0;
  private fetchTimer: ReturnType<typeof setTimeout> | undefined;
  private wanted: [number, number] = [0, 0];
  /** Whether the log was (re)set since it was last painted into a container. */
  private fresh = true;
  /** Set by afterRender while it paints a log just shown (see there). */
  private fetchAtOnce = false;
  private el: HTMLElement | undefined;
  private spacer: HTMLElement | undefined;
  private rows: HTMLElement | undefined;

  /** True when the host refused ranges for this log: only the snapshot's tail is shown and searched. */
  tailOnly = false;
  /** The line of the current search match, or null. */
  match: number | null = null;
  /** What the last search found ("line N of total", no match, searching…), shown beside the search box. */
  searchStatus = '';
  /** Why lines are missing (the host refused or failed a range), shown above the log. */
  note = '';

  constructor(
    /** Which log of the page this window draws: its container carries `data-log-slot` with this value (the live run's, the reviewed run's). */
    readonly slot: string,
    private readonly host: LogRequests,
    private readonly follow: FollowState,
    /** Re-renders the panel (the search status, the note, the Follow box changed). */
    private readonly onChange: () => void,
  ) {}

  /** Takes a snapshot's log of run `runId`. A different run or station starts afresh; a shorter total (a rewritten file) drops the cache. */
  show(runId: string, log: StationLogView): void {
    const total = log.total ?? log.dropped + log.lines.length;
    if (runId !== this.runId || log.stationId !== this.stationId) {
      this.runId = runId;
      this.stationId = log.stationId;
      this.reset();
    } else if (total < this.total) this.reset();
    this.total = total;
    this.tail = log.lines;
    this.tailFrom = log.dropped;
  }

  /** Lines the scroll container holds: the whole log, or the tail alone when the host has no file. */
  get count(): number {
    return this.tailOnly ? this.tail.length : this.total;
  }

  /** The log line the first displayed line is. */
  private get base(): number {
    return this.tailOnly ? this.tailFrom : 0;
  }

  /** The lines of the whole log (what "line N of total" counts). */
  get lines(): number {
    return this.total;
  }

  /** Height of the scroll container, CSS pixels. */
  get heightPx(): number {
    return Math.max(1, Math.min(this.count, VIEW_LINES)) * LINE_PX;
  }

  /**
   * After each panel render: finds the log's scroll container in `root` (the template's
   * `data-testid="station-log-text"` with this window's `data-log-slot`), renders the lines in view into it, and in follow
   * mode scrolls to the end.
   */
  afterRender(root: ParentNode): void {
    const el = root.querySelector<HTMLElement>(`[data-testid="station-log-text"][data-log-slot="${this.slot}"]`) ?? undefined;
    if (el !== this.el) {
      this.el = el;
      this.spacer = el?.querySelector<HTMLElement>('.log-spacer') ?? undefined;
      this.rows = el?.querySelector<HTMLElement>('.log-rows') ?? undefined;
    }
    if (!this.el) return;
    // Sized and scrolled before the first paint, so a log opened at its end asks only for its end.
    this.size();
    if (this.follow.get()) this.el.scrollTop = this.maxScroll();
    // A log just shown asks for its lines at once; only pages wanted while scrolling wait for a pause.
    this.fetchAtOnce = this.fresh;
    this.fresh = false;
    this.paint();
    this.fetchAtOnce = false;
  }

  /** The container scrolled (by the reader or by us): follow mode is whether it is at the end; then the lines in view are drawn. */
  onScroll(): void {
    const atEnd = this.atEnd();
    if (atEnd !== this.follow.get()) {
      this.follow.set(atEnd);
      this.onChange();
    }
    this.paint();
  }

  /** Keyboard in the log: PageUp/PageDown a view, ArrowUp/ArrowDown a line, Home the start, End the end (and follow mode on). */
  onKey(e: KeyboardEvent): void {
    const view = this.viewLines();
    const first = this.firstLine();
    let to: number | 'end' | undefined;
    if (e.key === 'PageDown') to = first + view - 1;
    else if (e.key === 'PageUp') to = first - (view - 1);
    else if (e.key === 'ArrowDown') to = first + 1;
    else if (e.key === 'ArrowUp') to = first - 1;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = 'end';
    if (to === undefined) return;
    e.preventDefault();
    if (to === 'end') return this.setFollow(true);
    this.scrollTo(this.scrollOfLine(to));
    this.onScroll();
  }

  /** Follow mode on (scrolls to the end) or off. */
  setFollow(on: boolean): void {
    this.follow.set(on);
    if (on) this.scrollTo(this.maxScroll());
    this.onChange();
  }

  /** The search text changed: the last match and its status no longer apply. */
  clearSearch(): void {
    this.searchSeq++;
    this.match = null;
    this.searchStatus = '';
  }

  /**
   * Finds the next or previous line containing `query` (case-insensitive, colours ignored)
   * from the current match, or from the lines in view; scrolls to it and highlights it.
   * A search that outlives the host's time budget goes on from where it stopped; an answer
   * to an older search or another log is dropped.
   */
  async search(query: string, direction: 'next' | 'previous'): Promise<void> {
    if (!query || !this.count) return;
    const seq = ++this.searchSeq;
    const gen = this.gen;
    let from = this.match ?? (direction === 'next' ? this.base + this.firstLine() - 1 : Math.min(this.total, this.base + this.firstLine() + this.viewLines()));
    this.searchStatus = 'Searching…';
    this.onChange();
    for (;;) {
      const r = this.tailOnly ? this.searchTail(query, from, direction) : await this.host.search({ runId: this.runId, stationId: this.stationId, query, fromLine: from, direction });
      if (seq !== this.searchSeq || gen !== this.gen) return;
      if (!r.ok) this.searchStatus = `Search failed: ${r.error}`;
      else if ('refused' in r.result) {
        this.refused(r.result.refused);
        continue;
      } else if (r.result.line !== null) {
        this.match = r.result.line;
        this.searchStatus = `line ${r.result.line + 1} of ${this.total}`;
        this.scrollToLine(r.result.line);
      } else if (r.result.complete) this.searchStatus = `No ${direction === 'next' ? 'later' : 'earlier'} line contains "${query}".`;
      else {
        from = r.result.searchedTo;
        this.searchStatus = `Searching… at line ${from + 1} of ${this.total}`;
        this.onChange();
        continue;
      }
      break;
    }
    this.onChange();
  }

  /** Scrolls so that log line `line` is in the middle of the view (follow mode off). */
  scrollToLine(line: number): void {
    this.follow.set(false);
    this.scrollTo(this.scrollOfLine(line - this.base - Math.floor(this.viewLines() / 2)));
    this.paint();
  }

  private reset(): void {
    this.gen++;
    this.fresh = true;
    this.pages.clear();
    this.inflight.clear();
    this.tailOnly = false;
    this.note = '';
    this.match = null;
    this.searchStatus = '';
    this.searchSeq++;
  }

  private refused(why: string): void {
    if (!this.tailOnly) {
      this.tailOnly = true;
      this.note = `${this.tailFrom} earlier line(s) not shown (${why}); the full log is in the run folder.`;
      this.onChange();
    }
  }

  /** The visible height: the container's (less a horizontal scrollbar), never more than it was given. */
  private viewPx(): number {
    return Math.min(this.el?.clientHeight || this.heightPx, this.heightPx);
  }

  private viewLines(): number {
    return Math.max(1, Math.floor(this.viewPx() / LINE_PX));
  }

  /** Scroll height, and how many pixels of the full log one pixel of scroll moves (1 unless the log exceeds MAX_SCROLL_PX). */
  private geometry(): { contentPx: number; ratio: number } {
    const full = this.count * LINE_PX;
    const contentPx = Math.min(full, MAX_SCROLL_PX);
    const view = this.viewPx();
    return { contentPx, ratio: contentPx > view ? (full - view) / (contentPx - view) : 1 };
  }

  private maxScroll(): number {
    return Math.max(0, this.geometry().contentPx - this.viewPx());
  }

  private atEnd(): boolean {
    return (this.el?.scrollTop ?? 0) >= this.maxScroll() - LINE_PX / 2;
  }

  /** The displayed line at the top of the view. */
  private firstLine(): number {
    return Math.floor(((this.el?.scrollTop ?? 0) * this.geometry().ratio) / LINE_PX);
  }

  /** The scroll position that puts displayed line `d` at the top, clamped. */
  private scrollOfLine(d: number): number {
    return Math.min(this.maxScroll(), Math.max(0, (d * LINE_PX) / this.geometry().ratio));
  }

  private scrollTo(top: number): void {
    if (!this.el) return;
    this.el.scrollTop = top;
    this.paint();
  }

  /** Log line `n`'s text if it is in hand (the tail, or a cached page that reaches it). */
  private lineAt(n: number): string | undefined {
    if (n >= this.tailFrom && n < this.tailFrom + this.tail.length) return this.tail[n - this.tailFrom];
    const p = Math.floor(n / PAGE_LINES);
    const page = this.pages.get(p);
    if (!page || n - p * PAGE_LINES >= page.length) return undefined;
    this.pages.delete(p);
    this.pages.set(p, page);
    return page[n - p * PAGE_LINES];
  }

  /** Draws the lines in view plus OVERSCAN into the container; asks for the missing ones. */
  private paint(): void {
    const { el, spacer, rows } = this;
    if (!el || !spacer || !rows) return;
    const { ratio } = this.size();
    const top = el.scrollTop * ratio;
    const first = Math.floor(top / LINE_PX);
    const start = Math.max(0, first - OVERSCAN);
    const end = Math.min(this.count, first + this.viewLines() + 1 + OVERSCAN);
    rows.style.transform = `translateY(${el.scrollTop - top + start * LINE_PX}px)`;
    const shown: TemplateResult[] = [];
    let missing = false;
    for (let d = start; d < end; d++) {
      const n = this.base + d;
      const text = this.lineAt(n);
      if (text === undefined) missing = true;
      shown.push(lineTemplate(n, text, n === this.match));
    }
    render(shown, rows);
    if (missing && !this.tailOnly) this.fetchLater(this.base + start, this.base + end);
  }

  /** Sets the container's and the spacer's heights; returns the geometry they follow. */
  private size(): { contentPx: number; ratio: number } {
    // Sizes are set through the CSSOM: the webview's CSP blocks style attributes.
    this.el!.style.height = `${this.heightPx}px`;
    this.el!.style.setProperty('--log-line', `${LINE_PX}px`);
    const g = this.geometry();
    if (this.spacer) this.spacer.style.height = `${g.contentPx}px`;
    return g;
  }

  private fetchLater(from: number, to: number): void {
    this.wanted = [from, to];
    clearTimeout(this.fetchTimer);
    if (this.fetchAtOnce) return this.fetch();
    this.fetchTimer = setTimeout(() => this.fetch(), FETCH_DEBOUNCE_MS);
  }

  /** Requests each page of the wanted lines that is neither in hand nor asked for. */
  private fetch(): void {
    const [from, to] = this.wanted;
    for (let p = Math.floor(from / PAGE_LINES); p * PAGE_LINES < to; p++) {
      if (this.inflight.has(p)) continue;
      let need = false;
      for (let n = Math.max(from, p * PAGE_LINES); n < Math.min(to, (p + 1) * PAGE_LINES) && !need; n++) need = this.lineAt(n) === undefined;
      if (!need) continue;
      const seq = ++this.seq;
      const gen = this.gen;
      this.inflight.set(p, seq);
      void this.host.range({ runId: this.runId, stationId: this.stationId, from: p * PAGE_LINES, count: PAGE_LINES }).then((r) => this.received(p, seq, gen, r));
    }
  }

  private received(page: number, seq: number, gen: number, r: Reply<'log/range'>): void {
    // Stale: an answer for another log, or not the last request for this page.
    if (gen !== this.gen || this.inflight.get(page) !== seq) return;
    this.inflight.delete(page);
    if (!r.ok) {
      this.note = `Earlier lines could not be read: ${r.error}`;
      this.onChange();
      return;
    }
    if ('refused' in r.result) return this.refused(r.result.refused);
    this.pages.set(page, r.result.lines);
    while (this.pages.size > CACHE_PAGES) this.pages.delete(this.pages.keys().next().value!);
    this.paint();
  }

  /** The search over the snapshot's tail, for a log the host has no file of; answers as `log/search` does. */
  private searchTail(query: string, from: number, direction: 'next' | 'previous'): Reply<'log/search'> {
    const q = query.toLowerCase();
    const hit = (n: number) => (this.tail[n - this.tailFrom] ?? '').replace(SGR, '').toLowerCase().includes(q);
    const last = this.tailFrom + this.tail.length;
    if (direction === 'next') {
      for (let n = Math.max(this.tailFrom, from + 1); n < last; n++) if (hit(n)) return { ok: true, result: { line: n, complete: true, searchedTo: n } };
    } else for (let n = Math.min(last, from) - 1; n >= this.tailFrom; n--) if (hit(n)) return { ok: true, result: { line: n, complete: true, searchedTo: n } };
    return { ok: true, result: { line: null, complete: true, searchedTo: direction === 'next' ? last - 1 : this.tailFrom } };
  }
}

/** One line: its ANSI segments as text nodes in spans; a line not fetched yet is an empty placeholder. */
function lineTemplate(n: number, text: string | undefined, isMatch: boolean): TemplateResult {
  const cls = `log-line${text === undefined ? ' log-pending' : ''}${isMatch ? ' log-match' : ''}`;
  return html`<div class=${cls} data-line=${n}>${text === undefined ? '' : ansiSegments(text).map((s) => (s.classes.length ? html`<span class=${s.classes.join(' ')}>${s.text}</span>` : s.text))}</div>`;
}

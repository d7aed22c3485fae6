import type { VsCodeApi } from './vscode-api';

/**
 * The panel's view state (style.md: the webview keeps only view state): which sections are
 * open, what the reader has typed and not yet sent (packet fields, a gate's reason, plan
 * and raised budget), where the page was scrolled and whether the station log follows its
 * end. Kept in VS Code's webview state (`setState`), so it survives the panel being hidden
 * (retainContextWhenHidden is off) and a window reload. Runs, packets and evidence are
 * never stored here: they always come from the host.
 */
export type ViewState = {
  v: 1;
  /** Section key → open. A key absent takes the section's default. */
  open: Record<string, boolean>;
  /** Draft key → text typed and not yet saved or sent. Keys: `packet:<file>:<field>`, `gate:<gateId>:<field>`. */
  drafts: Record<string, string>;
  /** Vertical scroll of the panel, CSS pixels. */
  scrollY: number;
  /** Whether the station log scrolls to each new line. */
  follow: boolean;
  /** Reviewer mode: the section of the bundle shown, as `<runId>/<section key>`. */
  reviewSection?: string;
};

const EMPTY: ViewState = { v: 1, open: {}, drafts: {}, scrollY: 0, follow: true };

const stringMap = (x: unknown, ok: (v: unknown) => boolean): Record<string, never> | null => {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return null;
  return Object.values(x).every(ok) ? (x as Record<string, never>) : null;
};

/** Reads a stored state back, keeping only what has the expected shape (an older or damaged state starts empty). Pure. */
export function readViewState(raw: unknown): ViewState {
  if (!raw || typeof raw !== 'object') return structuredClone(EMPTY);
  const r = raw as Partial<ViewState>;
  if (r.v !== 1) return structuredClone(EMPTY);
  return {
    v: 1,
    open: { ...(stringMap(r.open, (v) => typeof v === 'boolean') ?? {}) },
    drafts: { ...(stringMap(r.drafts, (v) => typeof v === 'string') ?? {}) },
    scrollY: typeof r.scrollY === 'number' && Number.isFinite(r.scrollY) ? r.scrollY : 0,
    follow: typeof r.follow === 'boolean' ? r.follow : true,
    ...(typeof r.reviewSection === 'string' ? { reviewSection: r.reviewSection } : {}),
  };
}

/** The view state of one panel, written through to the webview state on every change. */
export class ViewStore {
  private state: ViewState;

  constructor(private readonly api: Pick<VsCodeApi, 'getState' | 'setState'>) {
    this.state = readViewState(api.getState());
  }

  /** A copy of the whole state (for the ready handshake and tests). */
  snapshot(): ViewState {
    return structuredClone(this.state);
  }

  isOpen(key: string, byDefault = false): boolean {
    return this.state.open[key] ?? byDefault;
  }

  setOpen(key: string, open: boolean): void {
    if (this.state.open[key] === open) return;
    this.state.open[key] = open;
    this.save();
  }

  draft(key: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.state.drafts, key) ? this.state.drafts[key] : undefined;
  }

  /** Records typed text; `undefined` (or the text the host has, `unchanged`) drops the draft. */
  setDraft(key: string, value: string | undefined, unchanged?: string): void {
    if (value === undefined || value === unchanged) {
      if (!(key in this.state.drafts)) return;
      delete this.state.drafts[key];
    } else this.state.drafts[key] = value;
    this.save();
  }

  /** Drops every draft whose key starts with `prefix` (after a save, or when a gate closed). */
  dropDrafts(prefix: string): void {
    const keys = Object.keys(this.state.drafts).filter((k) => k.startsWith(prefix));
    if (!keys.length) return;
    for (const k of keys) delete this.state.drafts[k];
    this.save();
  }

  /** The drafts whose key starts with `prefix`, keyed by the rest of the key. */
  draftsUnder(prefix: string): Record<string, string> {
    return Object.fromEntries(Object.entries(this.state.drafts).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  }

  /** Whether any draft starts with `prefix`. */
  hasDrafts(prefix: string): boolean {
    return Object.keys(this.state.drafts).some((k) => k.startsWith(prefix));
  }

  /** Drops drafts and open flags of gates other than `gateId` (a decided gate's half-typed reason means nothing at the next one). */
  keepOnlyGate(gateId: string | undefined): void {
    const stale = (k: string) => k.startsWith('gate:') && (gateId === undefined || !k.startsWith(`gate:${gateId}:`));
    const drafts = Object.keys(this.state.drafts).filter(stale);
    const open = Object.keys(this.state.open).filter(stale);
    if (!drafts.length && !open.length) return;
    for (const k of drafts) delete this.state.drafts[k];
    for (const k of open) delete this.state.open[k];
    this.save();
  }

  get scrollY(): number {
    return this.state.scrollY;
  }

  set scrollY(y: number) {
    if (this.state.scrollY === y) return;
    this.state.scrollY = y;
    this.save();
  }

  get follow(): boolean {
    return this.state.follow;
  }

  set follow(on: boolean) {
    if (this.state.follow === on) return;
    this.state.follow = on;
    this.save();
  }

  get reviewSection(): string | undefined {
    return this.state.reviewSection;
  }

  set reviewSection(key: string | undefined) {
    if (key === undefined) delete this.state.reviewSection;
    else this.state.reviewSection = key;
    this.save();
  }

  private save(): void {
    this.api.setState(this.state);
  }
}

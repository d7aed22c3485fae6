import type { Budget } from '../src/contracts/agent';
import type { FieldProblem, ParamsOf } from '../src/contracts/protocol';
import type { LogWindow } from './log-window';
import type { ViewStore } from './view-state';

/** A gate decision the panel can send: the protocol's own list. */
export type GateChoice = ParamsOf<'gate/decide'>['decision'];
/** A rejection's terminal state, as the protocol takes it. */
export type RejectTerminal = NonNullable<ParamsOf<'gate/decide'>['terminal']>;

/** Which gate a decision is for: the run and the content hash shown travel with it, so the host refuses a decision meant for other content. */
export interface GateRef {
  gateId: string;
  runId: string;
  contentHash: string;
}

/** One gate decision as the card sends it; `editedPlan` comes with `edit`, `raisedBudget` with `retry` at a budget gate. */
export interface GateDecision {
  decision: GateChoice;
  reason?: string;
  terminal?: RejectTerminal;
  editedPlan?: string;
  raisedBudget?: Budget;
  /** With `approve` at the output gate: held tool calls (effect ids) the reviewer declined. */
  declinedEffects?: string[];
}

/** What the rendered panel can ask of the host; each is one protocol message. */
export interface PanelActions {
  showLog(): void;
  savePacket(file: string, value: Record<string, unknown>, problems: FieldProblem[]): void;
  approvePacket(file: string): void;
  startRun(file: string): void;
  pushBranch(runId: string): void;
  decideGate(gate: GateRef, d: GateDecision): void;
  /** Opens VS Code's diff editor for a file the run changed, against the base commit. */
  openDiff(runId: string, path: string): void;
  /** Closes the registry comparison view. */
  closeComparison(): void;
  /** Asks the host to read the registry again for the comparison shown. */
  refreshComparison(): void;
  /** Switches the panel to reviewer mode on the finished run it shows. */
  openReview(runId: string): void;
  recordVerdict(runId: string, verdict: 'accept' | 'request-changes' | 'reject', comment: string, sectionComments: Record<string, string>): void;
}

/**
 * What every view template reads besides the snapshot: the view state (open sections,
 * drafts), the actions, messages that belong to this render only (problems found in the
 * form, a refused budget), and `rerender` for a change that is view state alone.
 */
export interface RenderContext {
  store: ViewStore;
  actions: PanelActions;
  /** Problems the form found itself (unparseable command lines), shown until the next save. */
  localProblems: FieldProblem[];
  /** The last status line an action reported. */
  status: { text: string; isError: boolean };
  /** Transient messages by key (e.g. `gate:<id>:budget`), cleared when the input changes. */
  errors: Map<string, string>;
  /** The live run's station log: a window onto the whole log (lines fetched by range, search, follow mode). */
  log: LogWindow;
  /** The station log of the run folder under review, the same way. */
  reviewLog: LogWindow;
  rerender(): void;
}

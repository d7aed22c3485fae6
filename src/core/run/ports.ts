/**
 * Ports of the run engine (style.md "Ports, not service locators"): everything the engine
 * needs from the world, passed in by a composition root (src/cli/commands/run.ts today,
 * src/extension.ts later). Fakes in test/unit/core/run implement the same interfaces.
 */
import type { Blueprint, CommandResult, CommandSpec, GateDecision, JournalRecord, RunEvent, Station, TaskPacket, TerminalState } from '../../contracts';

// ---------- journal and artifacts ----------

/** The run's journal as the engine sees it: the records already written, and append. */
export interface RunJournal {
  /** Records present when the journal was opened (a resumed run replays them). */
  readonly existing: readonly JournalRecord[];
  /** Appends one event durably (fsync'd before the promise resolves) and returns its record. */
  append(event: RunEvent): Promise<JournalRecord>;
}

/** Files of the run folder other than the journal; paths are relative to the run folder, POSIX separators. */
export interface ArtifactStore {
  /** Writes (replacing) a file atomically and durably; returns `relPath`. */
  write(relPath: string, content: string): Promise<string>;
  /** Reads a file, or undefined when it does not exist. */
  read(relPath: string): Promise<string | undefined>;
  /** Absolute path of a run-folder file, for display. */
  resolve(relPath: string): string;
}

// ---------- station environment ----------

/** Options of one command run inside a station environment. */
export interface ExecOptions {
  /** Extra environment variables (never credentials). */
  env?: Record<string, string>;
  /** Working directory relative to the workspace folder. */
  cwd?: string;
  /** Wall-clock limit, milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with each chunk of combined stdout/stderr as it arrives. */
  onOutput?: (chunk: string) => void;
}

/** Result of one command in a station environment. */
export interface ExecResult {
  /** null when the process was killed or never started. */
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** Capped tail of combined output. */
  output: string;
  /** The output went over the cap and `output` holds only its tail. */
  truncated: boolean;
  /** Why the command did not run or was killed (spawn error, timeout). */
  reason?: string;
}

/** What the engine needs from a devcontainer: run argv in the run's workspace. */
export interface StationEnvironment {
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Digest of the image the commands run in, when known. */
  readonly imageDigest?: string;
  /** Stops and removes the environment; safe to call twice. */
  dispose(): Promise<void>;
}

/** A host path mounted into one station's environment only (verifier holdout scenarios). */
export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

/** What one station asks of its environment. */
export interface EnvironmentRequest {
  runId: string;
  stationId: string;
  /** Absolute path of the run workspace on the host. */
  workspaceDir: string;
  /** `none`, or egress through the host allowlisting proxy to exactly these hosts. */
  network: { mode: 'none' } | { mode: 'egress'; allow: string[] };
  image?: string;
  env: Record<string, string>;
  mounts: Mount[];
}

/** Prepares station environments. May throw RetryableCause (engine down, image build failed). */
export interface EnvironmentProvider {
  prepare(request: EnvironmentRequest): Promise<StationEnvironment>;
  /** Removes environments a killed run left behind (called when a run resumes). */
  cleanup?(runId: string): Promise<void>;
}

// ---------- workspace (git) ----------

/** One changed file of a workspace diff. */
export interface DiffFile {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  oldPath?: string;
}

/** The change a run made: unified patch plus its files. */
export interface WorkspaceDiff {
  patch: string;
  files: DiffFile[];
}

/** The run's own checkout at the packet's base commit; never the user's checkout. */
export interface RunWorkspace {
  readonly dir: string;
  readonly baseCommit: string;
  /** The change against the base commit, untracked files included. */
  diff(): Promise<WorkspaceDiff>;
  /** Resets to the base commit, then applies `patch` (empty: a clean base); ignored files stay. */
  restore(patch: string): Promise<void>;
  /**
   * Records every untracked file now in the workspace as set-up output (installed
   * dependencies, a lockfile the install wrote): from then on it is ignored, so it is
   * neither in the run's diff nor removed by `restore`. Called after a set-up station passes.
   */
  markSetupOutputs?(): Promise<string[]>;
}

/** Creates or re-attaches run workspaces. */
export interface WorkspaceProvider {
  /** The full commit id of `ref` in the user's repository (HEAD when undefined). Throws when it does not exist. */
  resolveBase(ref: string | undefined): Promise<string>;
  /** A fresh workspace at `baseCommit` (a full commit id from resolveBase); replaces a left-over one. */
  create(runId: string, baseCommit: string): Promise<RunWorkspace>;
  /** Re-attaches a workspace a killed run left at `dir`, or undefined when it is gone. */
  attach(runId: string, dir: string, baseCommit: string): Promise<RunWorkspace | undefined>;
}

/** What a PR_READY run hands the user's repository. */
export interface OutputRequest {
  runId: string;
  workspace: RunWorkspace;
  /** Full commit message, trailers included. */
  message: string;
  /** Evidence Markdown, attached as a git note under refs/notes/shopfloor. */
  note: string;
  /** Commit date (RFC 3339), fixed so a resumed run recreates the same commit. */
  date: string;
}

/** Creates the output branch `shopfloor/<run-id>` in the user's repository without touching its working tree. */
export interface OutputPublisher {
  publish(request: OutputRequest): Promise<{ branch: string; commit: string }>;
}

// ---------- gates ----------

/** What a gate shows and asks about. */
export interface Gate {
  gateId: string;
  stationId: string;
  position: 'before' | 'after';
  /** SHA-256 of `content`: what an approval approves. */
  contentHash: string;
  summary: string;
  /** The packet, plan, diff or result under review. */
  content: unknown;
  /** Which decisions this gate accepts (skip only where the blueprint allows). */
  allowed: GateChoice[];
  /**
   * The plan a reviewer may edit here and then approve (`edit` with `editedPlan`): set at
   * the gate after a plan station and at the gate before an implement station, once the
   * line has a plan; absent elsewhere, where a plan edit would change nothing downstream.
   */
  plan?: string;
  /** Facts the unattended policy reads. */
  risk: GateRisk;
}

export type GateChoice = GateDecision['decision'];

/** Risk facts at a gate: a policy must hand any of these to a human. */
export interface GateRisk {
  packetRisk: TaskPacket['risk'];
  /** Changed paths matching the blueprint's riskPaths. */
  touchedRiskPaths: string[];
  /** Diff flags (out-of-scope, deleted/skipped tests, loosened assertions). */
  diffFlags: string[];
  /**
   * Validation commands of this round that fail the same way on the base commit (validation
   * baseline), e.g. `npm test (exit 1)`: a PR_READY resting on them needs a human to accept
   * them. Absent or empty when there are none.
   */
  preexistingFailures?: string[];
}

/** A gate's answer. `terminal` with reject; `editedPacket`/`editedPlan` with edit. */
export interface GateAnswer {
  decision: GateChoice;
  by: { kind: 'human' | 'policy'; name: string };
  reason?: string;
  terminal?: TerminalState;
  editedPacket?: TaskPacket;
  editedPlan?: string;
}

/** Decides gates: a human (editor, terminal prompt) or an explicit unattended policy; never an agent. */
export interface Gatekeeper {
  decide(gate: Gate): Promise<GateAnswer>;
}

// ---------- agent and human stations ----------

/** Token and money spent by an agent, when it reports them. */
export interface AgentCost {
  inputTokens?: number;
  outputTokens?: number;
  usd?: number;
}

/** What an agent station is asked to do. */
export interface AgentTask {
  station: Station;
  role: Station['role'];
  packet: TaskPacket;
  plan?: string;
  /** Why the previous round failed (revise loop). */
  feedback?: string;
  environment: StationEnvironment;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (chunk: string) => void;
}

/** What an agent station produced. `text` is the plan or investigation note for those roles. */
export interface AgentResult {
  outcome: 'done' | 'gave-up' | 'error' | 'timeout';
  exitCode: number | null;
  durationMs: number;
  output: string;
  truncated: boolean;
  text?: string;
  cost?: AgentCost;
  /** The agent's name for the commit trailer, e.g. `claude` or `command:node fix.js`. */
  agent: string;
}

/** Runs agent stations; real agent CLI adapters arrive in a later issue. */
export interface AgentRunner {
  run(task: AgentTask): Promise<AgentResult>;
}

/** A person does a `human` station's work in the editor, then marks it done. */
export interface HumanStation {
  perform(request: { stationId: string; instructions: string; packet: TaskPacket }): Promise<{ done: boolean; by: string; note?: string }>;
}

// ---------- profile facts ----------

/** What the repository profiler found that stations use (`from: profile.setup`, dependency-check). */
export interface ProfileFacts {
  setup: CommandSpec[];
  dependencyCheck: CommandSpec[];
  /** Package registry hosts the setup station may reach, e.g. registry.npmjs.org. */
  registryHosts: string[];
}

/** Records set-up results per base commit so later runs skip a repeated install. */
export interface SetupCache {
  /** Restores a cached set-up into the workspace; false when there is none for `key`. */
  restore(key: string, workspace: RunWorkspace): Promise<boolean>;
  save(key: string, workspace: RunWorkspace): Promise<void>;
}

/**
 * A validation baseline as cached: the commands' results on the base commit (exit codes,
 * output tails), keyed by baselineCacheKey (base commit + set-up + commands + image + env).
 */
export interface BaselineRecord {
  key: string;
  baseCommit: string;
  /** The blueprint's validate station it is the baseline of. */
  stationId: string;
  /** The run that recorded it. */
  runId: string;
  commands: CommandResult[];
  imageDigest?: string;
}

/** Records validation baselines per key so later runs on the same base commit do not run them again (like SetupCache). */
export interface BaselineCache {
  /** The record for `key`, or undefined when there is none. */
  get(key: string): Promise<BaselineRecord | undefined>;
  /** Stores (replacing) the record for `key`. */
  put(key: string, record: BaselineRecord): Promise<void>;
}

/** Waits, for retry backoff; tests pass one that returns at once. */
export type Sleep = (ms: number) => Promise<void>;

/** Progress notifications for a display (terminal, panel). */
export interface RunObserver {
  onEvent?(event: RunEvent): void;
  onOutput?(stationId: string, chunk: string): void;
}

export type { Blueprint };

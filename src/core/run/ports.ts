/**
 * Ports of the run engine (style.md "Ports, not service locators"): everything the engine
 * needs from the world, passed in by the one composition root both entry points use
 * (src/app/compose.ts, called by the run session). Fakes in test/unit/core/run implement
 * the same interfaces.
 */
import type { ScriptChange } from './trust-paths';
import type { EffectOutcome, ProposedEffect, ToolDrift, ToolEvidence } from '../../contracts/mcp';
import type { EffectPlan } from '../mcp/effects';
import type { AgentClaim, AgentToolCall, AgentUsage, Budget, CommandResult, CommandSpec, ExecEndReason, GateChoice, GatePosition, JournalRecord, RunEvent, Station, TaskPacket, TerminalState } from '../../contracts';

// ---------- journal and artifacts ----------

/** The run's journal as the engine sees it: the records already written, and append. */
export interface RunJournal {
  /** Records present when the journal was opened (a resumed run replays them). */
  readonly existing: readonly JournalRecord[];
  /**
   * Appends one event durably (fsync'd before the promise resolves) and returns its record.
   * The record's time (`at`, RFC 3339) is the journal's clock and never earlier than the
   * record before it, so durations between records are never negative. Given a function,
   * the journal calls it with that time and records the event it returns: an event that
   * carries its own time (a gate decision's `decidedAt`) then agrees with its record.
   */
  append(event: RunEvent | ((at: string) => RunEvent)): Promise<JournalRecord>;
}

/** Files of the run folder other than the journal; paths are relative to the run folder, POSIX separators. */
export interface ArtifactStore {
  /** Writes (replacing) a file atomically and durably; returns `relPath`. */
  write(relPath: string, content: string): Promise<string>;
  /** Reads a file, or undefined when it does not exist. */
  read(relPath: string): Promise<string | undefined>;
  /** Absolute path of a run-folder file, for display. */
  resolve(relPath: string): string;
  /**
   * Opens `relPath` as a log written while its command runs (replacing any file there):
   * each `append` reaches the file before it returns, so a killed process leaves what was
   * written; `close` makes it durable (fsync). At most `capBytes` bytes of appended text
   * are kept; the log then says where it was cut and ends with the output's tail.
   */
  openLog(relPath: string, capBytes: number): ArtifactLog;
}

/** A log being written; see ArtifactStore.openLog. */
export interface ArtifactLog {
  /** Appends text (synchronously, so output order is kept); after the cap it is only counted. */
  append(text: string): void;
  /** Flushes and closes the log; safe to call twice. */
  close(): Promise<LogSummary>;
}

/** What a closed log holds. */
export interface LogSummary {
  /** The log's path relative to the run folder. */
  relPath: string;
  /** UTF-8 bytes appended in all, kept or not. */
  bytes: number;
  /** True when the log was cut at its cap. */
  truncated: boolean;
}

// ---------- station environment ----------

/** Options of one command run inside a station environment. */
export interface ExecOptions {
  /** Extra environment variables (never credentials). */
  env?: Record<string, string>;
  /** Working directory relative to the workspace folder. */
  cwd?: string;
  /** Wall-clock limit, milliseconds; on expiry the process is killed and `endReason` is `timeout`. */
  timeoutMs?: number;
  /** Aborting kills the process; `endReason` is then `cancelled`. */
  signal?: AbortSignal;
  /** Called with each chunk of combined stdout/stderr as it arrives (the only full copy: the station writes it to its log). */
  onOutput?: (chunk: string) => void;
}

/** Result of one command in a station environment. */
export interface ExecResult {
  /** The process's exit code (137 for a SIGKILL such as an OOM kill); null when it was killed by Shopfloor or never started. */
  exitCode: number | null;
  /**
   * Why the command ended, structured (src/contracts ExecEndReason): `exited`, or a
   * timeout, a cancellation, a station wall (`oom-killed`, `pids-limit`, `disk-limit`), ...
   * An OOM-killed command has exit code 137 and `endReason` `oom-killed`.
   */
  endReason: ExecEndReason;
  /** Human-readable explanation when `endReason` is not `exited`. */
  endDetail?: string;
  durationMs: number;
  /** Tail of combined output, at most OUTPUT_TAIL_CHARS characters. */
  output: string;
  /** Output was cut before it reached `onOutput` (a stream cap of the environment). */
  truncated: boolean;
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

/**
 * Finds a verifier's holdout scenarios from the blueprint's `scenarios` reference: the
 * host folder to copy in, or why it may not be used (the reason becomes the station's note).
 */
export type ScenariosResolver = (ref: string) => { hostPath: string } | { refused: string };

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
  /** Named volumes mounted read-only (an agent CLI installed once; AgentRunner.prepare). */
  volumes?: VolumeMount[];
  /** Mount the workspace read-only: plan and investigate agent stations, where a write is a station failure. */
  readOnlyWorkspace?: boolean;
  /** Workspace-relative folders bound read-only at their place in the workspace (the frozen reproduction, issue 11). */
  readOnlyPaths?: string[];
  /** The package caches shared across runs (src/core/container/package-cache.ts): read-write only for set-up stations. */
  packageCache?: 'read-write' | 'read-only';
}

/** A named volume Shopfloor populated itself (src/adapters/agents/cli-install.ts), mounted read-only at `containerPath`. */
export interface VolumeMount {
  volume: string;
  containerPath: string;
}

/** Prepares station environments. May throw RetryableCause (engine down, image build failed). */
export interface EnvironmentProvider {
  prepare(request: EnvironmentRequest): Promise<StationEnvironment>;
  /**
   * Starts preparing `request` in the background, for a `prepare` of the same request
   * later (warm stations: the engine calls it while a gate waits). Never throws; absent: no
   * warming. See WarmEnvironments (src/core/run/warm-environments.ts).
   */
  prewarm?(request: EnvironmentRequest): void;
  /**
   * Removes every environment of the run, and with them every process a station started
   * (a detached background process included): called when a killed run resumes, and after
   * the implement station, before its diff is taken, so nothing it left running can change
   * the workspace after the diff the gate reviews.
   */
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
  /** Changed package.json files whose `scripts` differ from the base commit (trust-paths.ts changedScripts). */
  scriptChanges?: ScriptChange[];
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
  /**
   * Reads every file under the workspace-relative folder `rel` (paths relative to it, text as
   * UTF-8), then deletes the folder: an agent-written reproduction taken out of the workspace
   * to be frozen (issue 11). A missing folder gives `[]`. Refused with a problem: a symbolic
   * link or other non-regular file, a file that is not UTF-8 text, or more than `caps`.
   */
  takeTree?(rel: string, caps: { files: number; bytes: number }): Promise<{ files: Array<{ path: string; text: string }> } | { problem: string }>;
  /**
   * Writes `files` under `rel` (replacing whatever is there) and keeps the folder out of the
   * run's diff and out of `restore`'s reach: the frozen reproduction placed for a station,
   * which binds it read-only (EnvironmentRequest.readOnlyPaths).
   */
  placeTree?(rel: string, files: ReadonlyArray<{ path: string; text: string }>): Promise<void>;
  /** The text of the workspace-relative file `rel` at the base commit (as committed, no filter), or undefined when it is not there. */
  baseFile?(rel: string): Promise<string | undefined>;
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

/**
 * What a PR_READY run hands the user's repository: the approved patch and the base commit,
 * never the live run workspace (design.md "What ships is the approved patch").
 */
export interface OutputRequest {
  runId: string;
  /** Full id of the base commit the patch applies to. */
  baseCommit: string;
  /** The approved patch as read from the run folder (RUN_LAYOUT.approvedPatch): `git diff --binary` against the base commit. */
  patch: string;
  /** SHA-256 (hex) of the patch the output gate approved; a `patch` with another hash is refused (OutputRefusedError). */
  approvedPatchSha256: string;
  /** Full commit message, trailers included. */
  message: string;
  /** Evidence Markdown, attached as a git note under refs/notes/shopfloor with the trailer of formatEvidenceNote (src/core/run/evidence-note.ts). */
  note: string;
  /** SHA-256 (hex) of the run's evidence.json as the journal's run/terminal record binds it; the note's trailer names it. */
  evidenceSha256: string;
  /** Commit date (RFC 3339), fixed so a resumed run recreates the same commit. */
  date: string;
}

/**
 * Creates the output branch `shopfloor/<run-id>` in the user's repository without touching
 * its working tree: one commit of the approved patch on the base commit. Throws
 * OutputRefusedError when the patch's SHA-256 is not `approvedPatchSha256` or it does not apply.
 */
export interface OutputPublisher {
  publish(request: OutputRequest): Promise<{ branch: string; commit: string }>;
}

// ---------- gates ----------

/** What a gate shows and asks about. */
export interface Gate {
  /** The run the gate belongs to; gate ids are unique only within a run. */
  runId: string;
  gateId: string;
  stationId: string;
  position: GatePosition;
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
  /**
   * Pinned MCP tools whose definitions changed since they were approved (issue 12): hidden
   * from stations; approving this gate re-approves them. Not part of `content`: re-approved
   * tools are pinned again, so a resumed run would see none.
   */
  toolDrift?: ToolDrift[];
}

export type { GateChoice };

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
  /** The station's agent ended on a NO_OP or ESCALATE claim (its reasoning is in the gate's content): only a human can accept a NO_OP claim (rule T8c). */
  claim?: 'NO_OP' | 'ESCALATE';
  /**
   * The station's agent reached its budget: which one, with the figures. The gate then
   * allows `retry` (with `raisedBudget` in the answer: a human raises the budget) and
   * `reject` (ESCALATE budget-exceeded, rule T2b).
   */
  budgetExceeded?: string;
}

/** A gate's answer. `terminal` with reject; `editedPacket`/`editedPlan` with edit; `raisedBudget` with retry at a budget gate. */
export interface GateAnswer {
  /** The station's new budget for the retry (recorded in the journal's gate decision); only where `risk.budgetExceeded` is set. */
  raisedBudget?: Budget;
  decision: GateChoice;
  by: { kind: 'human' | 'policy'; name: string };
  reason?: string;
  terminal?: TerminalState;
  editedPacket?: TaskPacket;
  editedPlan?: string;
  /** With `approve` at the output gate: held effects (ids from the gate content's `effects`) the human declined; they are discarded, the others run. */
  declinedEffects?: string[];
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

/**
 * How an agent in a station reaches its model: environment variables for the CLI (base
 * URLs of the run's model proxy, placeholder keys; never a real credential), from the
 * model-access port. Absent: the station has no model access (a command agent).
 */
export interface ModelAccess {
  env: Record<string, string>;
  /** Aborted when the station's or the run's budget is reached: the adapter stops the CLI and ends `budget-exceeded`. */
  budgetSignal?: AbortSignal;
  /** Why the budget signal fired, with the figures (e.g. `station tokens 10234 of 10000`); undefined before. */
  budgetExceeded?(): string | undefined;
  /** Tokens and money the proxy metered for this station so far, by model. */
  usage?(): AgentUsage[];
}

/**
 * Gives agent stations model access through the run's model proxy (host side; the real
 * credential never enters the container). One per run; `forStation` opens access for one
 * station attempt under its budget and `release` ends it (later calls with its token are refused).
 */
export interface ModelAccessProvider {
  forStation(stationId: string, attempt: number, budget: Budget | undefined): Promise<ModelAccess & { release(): Promise<void> }>;
}

/**
 * What an agent station gets of the run's MCP gateway (issue 12; docs/mcp-gateway.md):
 * the one MCP server its CLI is configured with. `headers` carry the station's token,
 * which works only for this station attempt and until `release`.
 */
export interface ToolAccess {
  server: { name: string; url: string; headers: Record<string, string> };
  /** Ends the station's token: later calls with it get 401. */
  release(): Promise<void>;
}

/** Who and what a station's tool access is for. */
export interface ToolStation {
  stationId: string;
  attempt: number;
  /** The agent the token is issued to (e.g. `claude`), for the audit log. */
  agent: string;
  /** The packet as the station sees it: `allowedTools` decides what it is shown; reproduction and validation are what the factory tools run. */
  packet: TaskPacket;
  /** The station's container: `run_reproduction` and `run_validation` run there. */
  environment: StationEnvironment;
}

/**
 * The run's MCP gateway as the engine sees it (src/adapters/mcp): per-station access,
 * the effects held for the output gate, drifted tool definitions, and the account for
 * the evidence. One per run.
 */
export interface ToolAccessProvider {
  forStation(station: ToolStation): Promise<ToolAccess>;
  /** Every effect proposed in this run, oldest first, whether still queued or already settled (so the output gate's content is the same on a resume). */
  proposedEffects(): Promise<ProposedEffect[]>;
  /**
   * Settles every queued effect after the output gate by `plan` (core/mcp/effects.ts
   * planEffects): executes the ids in `plan.run` (each result joins the audit log and the
   * returned outcomes) and discards the others with their reason (a queued effect the plan
   * does not name is discarded too). Returns the outcome of every effect of the run, settled
   * earlier or now. Never throws for a failing effect: it is an outcome `failed` with its detail.
   */
  settleEffects(plan: EffectPlan): Promise<EffectOutcome[]>;
  /** Pinned tools whose definitions changed since they were pinned (hidden from stations). */
  drift(): Promise<ToolDrift[]>;
  /** A human re-approved these drifted tools at a gate: their current definitions are pinned and shown again. */
  repin(tools: readonly string[]): Promise<void>;
  /** The gateway's account for the evidence bundle. */
  evidence(): Promise<ToolEvidence | undefined>;
}

/** What an agent station is asked to do. */
export interface AgentTask {
  station: Station;
  role: Station['role'];
  packet: TaskPacket;
  plan?: string;
  /** Why the previous round failed (revise loop). */
  feedback?: string;
  /** The station prompt built from the packet and the line's rules (core/agent/prompt.ts), with its SHA-256. */
  prompt?: StationPrompt;
  /** A session of this station's agent from an earlier round, to continue where the CLI supports it. */
  session?: string;
  /** True for plan and investigate: the workspace is mounted read-only and a write fails the station. */
  readOnly?: boolean;
  modelAccess?: ModelAccess;
  /** The run's MCP gateway for this station: the CLI's only MCP server (servers the user configured for the editor are not inherited). */
  toolAccess?: ToolAccess;
  environment: StationEnvironment;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (chunk: string) => void;
}

/**
 * What an agent station produced. `text` is the plan or investigation note for those roles.
 * `budget-exceeded`: the model proxy refused further calls (a station or run budget) and
 * the agent was stopped.
 */
export interface AgentResult {
  outcome: 'done' | 'gave-up' | 'error' | 'timeout' | 'budget-exceeded';
  exitCode: number | null;
  durationMs: number;
  output: string;
  truncated: boolean;
  /** Why the agent's process ended, when it ran in the station environment (a station wall is named here). */
  endReason?: ExecEndReason;
  endDetail?: string;
  text?: string;
  cost?: AgentCost;
  /** The agent's name for the commit trailer, e.g. `claude` or `command:node fix.js`. */
  agent: string;
  /** The CLI's version, e.g. `@anthropic-ai/claude-code@2.1.3`. */
  version?: string;
  /** The claim the agent ended with (core/agent/claim.ts), or why none could be read. */
  claim?: AgentClaim;
  claimProblem?: string;
  /** Tokens and money by model, from the CLI's events or the model proxy. */
  usage?: AgentUsage[];
  toolCalls?: AgentToolCall[];
  /** The CLI's session id, for a revise round to continue. */
  sessionId?: string;
}

/** A station prompt: its text, the template version it came from, and the SHA-256 of the text (recorded in the evidence). */
export interface StationPrompt {
  text: string;
  template: string;
  sha256: string;
}

/** What an agent station's environment needs before it is created (AgentRunner.prepare). */
export interface AgentPreparation {
  /** Volumes to mount read-only, e.g. the installed CLI. */
  volumes: VolumeMount[];
  /**
   * The agent calls a model through the run's model proxy, which listens on the egress
   * network's gateway: the station joins the egress network (with only the blueprint's own
   * allowlist on the egress proxy) even when its blueprint says network `none`.
   */
  needsModel?: boolean;
}

/** Runs agent stations (src/adapters/agents/). */
export interface AgentRunner {
  /**
   * Called before the station's environment is created: installs what the agent needs
   * (once, cached) and says what to mount. Absent: nothing to mount. May throw
   * RetryableCause (the registry or the engine is unreachable).
   */
  prepare?(station: Station): Promise<AgentPreparation>;
  run(task: AgentTask): Promise<AgentResult>;
  /** The agent CLI that will run `station` (e.g. `claude`), for the MCP gateway's audit identity; absent: the station's `agent` field is used. */
  agentName?(station: Station, packet: TaskPacket): string;
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

/**
 * Records set-up results so later runs skip a repeated install: per base commit (every
 * file set-up left), or with `only: 'dependency-trees'` per dependencyReuseKey (only the
 * `node_modules` folders, for other commits with the same lockfile).
 */
export interface SetupCache {
  /** Restores a cached set-up into the workspace; false when there is none for `key`. */
  restore(key: string, workspace: RunWorkspace): Promise<boolean>;
  /**
   * Whether an entry for `key` is there to try (a cheap look, no check of its files: a
   * restore may still refuse it). Absent: the engine assumes there may be one.
   */
  has?(key: string): Promise<boolean>;
  save(key: string, workspace: RunWorkspace, o?: { only?: 'dependency-trees' }): Promise<void>;
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


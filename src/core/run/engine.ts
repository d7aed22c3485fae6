import {
  EvidenceBundleSchema,
  StationResultSchema,
  TaskPacketSchema,
  type Blueprint,
  type BlueprintSource,
  type Budget,
  type EvidenceBundle,
  type FrozenReproduction,
  type GateDecision,
  type Station,
  type TaskPacket,
  type TerminalState,
  type ToolEvidence,
} from '../../contracts';
import type { Clock, Logger } from '../ports';
import { contentHash, sha256Hex } from '../hash';
import { baselineExecutor, planBaseline, reviseFeedback, reviseReasons, judgeStation, type BaselineRun, type CommandVerdict } from './baseline';
import { decideTerminal, type TerminalDecision, type TerminalFacts } from './decide-terminal';
import type { DiffCheck } from './diff-check';
import { parsePatch } from './diff-parse';
import { decisionEvidence, implementRecord, type RoundRecord } from './decision-evidence';
import { OutputRefusedError, ResumeMismatchError, RunInterruptedError } from './errors';
import { DEFAULT_REJECTION, gateChoicesFor, normalizeAnswer } from './gates';
import { RUN_LAYOUT } from './layout';
import { preflightFacts } from './preflight';
import { parseRunFile } from './run-file';
import { assembleEvidence } from './evidence';
import { renderEvidenceMarkdown, renderReport } from './markdown';
import { describeBudget } from '../agent/usage';
import { planEffects, type EffectPlan } from '../mcp/effects';
import type {
  AgentRunner,
  ArtifactStore,
  BaselineCache,
  EnvironmentProvider,
  Gate,
  GateAnswer,
  GateChoice,
  Gatekeeper,
  GateRisk,
  ModelAccessProvider,
  ToolAccessProvider,
  HumanStation,
  OutputPublisher,
  ProfileFacts,
  RunJournal,
  RunObserver,
  RunWorkspace,
  ScenariosResolver,
  SetupCache,
  Sleep,
  WorkspaceProvider,
} from './ports';
import { Replay } from './replay';
import { executeStation, prewarmRequest, type StationContext } from './station-exec';
import { packetWithReproduction } from './reproduction-writer';
import type { StationResult } from './station-result';

/** What a run is asked to do. On resume, the same packet and blueprint as the journal's run/started. */
export interface RunInputs {
  runId: string;
  /** The user's repository, for the journal (display only). */
  repo: string;
  packet: TaskPacket;
  /** A resolved blueprint (forks merged over their parent). */
  blueprint: Blueprint;
  profile: ProfileFacts;
  engineVersion?: string;
  /** Where the blueprint came from (recorded in the evidence). */
  blueprintSource?: BlueprintSource;
}

/** The ports a run talks to the world through (see ports.ts). */
export interface RunPorts {
  journal: RunJournal;
  artifacts: ArtifactStore;
  workspaces: WorkspaceProvider;
  environments: EnvironmentProvider;
  gatekeeper: Gatekeeper;
  agents: AgentRunner;
  humans: HumanStation;
  output: OutputPublisher;
  setupCache?: SetupCache;
  /** Validation baselines per base commit (src/core/run/baseline.ts); without one the baseline runs in every run. */
  baselineCache?: BaselineCache;
  /**
   * Model access for agent stations (the run's model proxy, metering each station attempt
   * under its budget); absent: agent stations get no model access from the line (a command
   * agent, or a CLI using the user's own configuration in tests).
   */
  modelAccess?: ModelAccessProvider;
  /** The run's MCP gateway (issue 12): agent stations' only MCP server; its effects wait for the output gate. Absent: agents get no MCP server from the line. */
  tools?: ToolAccessProvider;
  /** Resolves a verifier's scenarios reference to a host folder under the user's holdout root, or says why not. */
  scenarios?: ScenariosResolver;
  clock: Clock;
  sleep: Sleep;
  logger?: Logger;
  observer?: RunObserver;
  signal?: AbortSignal;
  /** First retry delay in ms; doubles each retry (default 2000). */
  backoffMs?: number;
}

/** How a run ended and where its evidence is. */
export interface RunOutcome {
  runId: string;
  terminal: TerminalState;
  /** Rule of docs/terminal-decision.md that decided (or `T1` for a rejection at the output gate). */
  rule: string;
  evidence: EvidenceBundle;
  /** Run-folder-relative paths. */
  evidencePath: string;
  evidenceMarkdownPath: string;
  output?: { branch?: string; commit?: string; report?: string };
  resumed: boolean;
}

/**
 * Runs (or resumes) one run of a blueprint over a packet to a terminal state: see LineRun
 * for the order of steps. I/O only through `ports` (journal appends, artifacts, workspace,
 * station environments, gates, output). A resumed run (the journal has records) replays
 * them and goes on from the last completed step.
 *
 * Resolves with the outcome once the run has a terminal state (and its output). Rejects,
 * leaving the journal open and the run resumable, with:
 * - RunInterruptedError when `ports.signal` aborts (a cancel, SIGINT/SIGTERM/SIGHUP) or a
 *   gatekeeper gives up waiting (the editor closed); an interrupted station attempt is
 *   re-run as a new attempt on resume;
 * - ResumeMismatchError when the journal belongs to another packet or blueprint, or its
 *   records disagree with what the run does (a tampered or foreign journal);
 * - a run-file problem (Error naming the file and the bad field) when a stored station
 *   result or the stored evidence does not parse;
 * - OutputRefusedError when a PR_READY run's approved patch (RUN_LAYOUT.approvedPatch) is
 *   missing or not the one its output gate approved, or does not apply: the terminal state
 *   and evidence stay recorded, a note says why, and nothing ships;
 * - whatever a port throws that is not a RetryableCause (e.g. ConfigRefusedError for a
 *   devcontainer.json Shopfloor refuses, a journal write failing with ENOSPC).
 */
export function runLine(inputs: RunInputs, ports: RunPorts): Promise<RunOutcome> {
  return new LineRun(inputs, ports).run();
}

interface RoundFacts {
  implement?: TerminalFacts['implement'];
  claim?: TerminalFacts['claim'];
  diff?: TerminalFacts['diff'];
  check?: DiffCheck;
  flagsApproved?: boolean;
  reproductionAfter?: TerminalFacts['reproductionAfter'];
  validation?: TerminalFacts['validation'];
  preexistingFailures?: string[];
  regressions?: string[];
  /** This round's validation commands judged against the baseline. */
  verdicts?: CommandVerdict[];
}

/**
 * One run on the line: prepare the workspace, run each station with its gates, ask
 * decideTerminal after every station, revise after failed validation (up to the
 * blueprint's maxRevisions), open the output gate for PR_READY, write the evidence, record
 * the terminal state and create the output. Every step goes through Replay, so the same
 * code resumes a killed run from its journal.
 */
class LineRun {
  private readonly replay: Replay;
  private packet: TaskPacket;
  private readonly bp: Blueprint;
  private workspace!: RunWorkspace;
  private baseCommit = '';
  private startedAt = '';
  private plan?: string;
  private investigation?: string;
  /** The reproduction an agent wrote and a human approved (issue 11): every later station runs this frozen copy. */
  private reproduction?: FrozenReproduction;
  private feedback?: string;
  private round = 0;
  private gateCount = 0;
  private currentPatch = '';
  private readonly attempts = new Map<string, number>();
  private readonly gates: GateDecision[] = [];
  private readonly facts: Omit<TerminalFacts, 'stationsPending' | 'revisionsLeft' | keyof RoundFacts> & { rejected?: TerminalState };
  private roundFacts: RoundFacts = {};
  /** The latest counted result per station id. */
  private readonly latest = new Map<string, StationResult>();
  private readonly implementIndex: number;
  /** The last runStation executed the station (false: read back from the journal). */
  private ranLive = false;
  /** Validation baselines by validate station id; set once, before the first implement. */
  private readonly baselines = new Map<string, BaselineRun>();
  private baselineDone = false;
  /** One record per implement round, for the evidence's decision section. */
  private readonly rounds: RoundRecord[] = [];
  /** The facts and decision of the last decideTerminal call. */
  private decided?: { facts: TerminalFacts; decision: TerminalDecision };
  /** Why the round about to start was needed (the previous round's failures). */
  private nextBecause?: string[];
  /** SHA-256 of the patch the output gate approved (set once it approved a PR_READY). */
  private approvedPatchSha256?: string;
  /** Budgets a human raised at a station's budget gate, by station id (recorded in the gate decision). */
  private readonly raisedBudgets = new Map<string, Budget>();
  /** Every agent station attempt of the run, in order, interrupted ones included: the evidence's agents and totals (each attempt was paid for). */
  private readonly agentRuns: StationResult[] = [];
  /** The MCP gateway's account, read once the run is decided. */
  private toolEvidence?: ToolEvidence;
  /** Held effects already noted in the journal as settled. */
  private readonly settledEffects = new Set<string>();
  /** The human who accepted the implement agent's claim at its after gate, for absorb (rule T8c). */
  private claimAcceptedBy?: string;

  constructor(
    private readonly inputs: RunInputs,
    private readonly ports: RunPorts,
  ) {
    this.packet = inputs.packet;
    this.bp = inputs.blueprint;
    this.implementIndex = this.bp.stations.findIndex((s) => s.role === 'implement');
    this.facts = { noOpRules: this.packet.noOpRules, implements: this.implementIndex >= 0 };
    this.replay = new Replay(ports.journal.existing, ports.journal, (seq) => this.onResume(seq), ports.observer);
  }

  async run(): Promise<RunOutcome> {
    await this.start();
    let decision = await this.line();
    let approvedBy: GateDecision['by'] | undefined;
    if (decision.kind === 'terminal' && decision.terminal.state === 'PR_READY') {
      const d = this.roundFacts;
      // Pre-existing failures are shown at the output gate (and only then part of its content, so other runs' gate hashes stay as they were).
      const pre = d.preexistingFailures ?? [];
      // Effects the gateway held (issue 12) are part of what the output gate approves, and only then part of its content.
      const effects = (await this.ports.tools?.proposedEffects()) ?? [];
      const content = { terminal: decision.terminal, patch: this.currentPatch, ...(pre.length ? { preexistingFailures: pre } : {}), ...(effects.length ? { effects } : {}) };
      const preNote = pre.length ? ` Validation fails the same way on the base commit, before the change (pre-existing, not blamed on it): ${pre.join(', ')}; approving accepts them.` : '';
      const effectNote = effects.length ? ` Approving also runs ${effects.length} held tool call(s): ${effects.map((e) => `${e.server}__${e.tool} (${e.id})`).join(', ')}.` : '';
      // The file the output commit is built from: written once, never rewritten, so a change to it after approval is refused at publish.
      if ((await this.ports.artifacts.read(RUN_LAYOUT.approvedPatch)) === undefined) await this.ports.artifacts.write(RUN_LAYOUT.approvedPatch, this.currentPatch);
      const a = await this.gate('decide', 'after', content, `Ship ${d.diff?.files ?? 0} changed file(s) as branch shopfloor/${this.inputs.runId}?${preNote}${effectNote}`, gateChoicesFor('output', 'after'));
      if (a.decision === 'reject') {
        // Asked again so the evidence's decision facts hold the rejection (T1).
        this.facts.rejected = a.terminal ?? DEFAULT_REJECTION;
        decision = this.decide(false);
      } else if (decision.rule === 'T16') {
        // T16 again, now knowing who passed the gate: only a human accepts pre-existing failures.
        decision = this.decide(false, { preexistingAccepted: a.by.kind === 'human' });
        if (decision.kind === 'terminal' && decision.terminal.state === 'PR_READY') approvedBy = a.by;
      } else approvedBy = a.by;
      if (this.rounds[this.round]) this.rounds[this.round]!.decision = { kind: decision.kind, rule: decision.rule };
      // The gate's content hash binds this patch (it is part of the content); a resume checks the gate's hash against the journal's.
      if (approvedBy) this.approvedPatchSha256 = sha256Hex(this.currentPatch);
      // Held effects run only now, after a human approved them with the change; a rejection, a policy's approval or a declined call discards them (settled once: a resume finds them settled).
      if (effects.length) await this.settleEffects(planEffects(effects.map((e) => e.id), approvedBy !== undefined, a));
    }
    if (decision.kind !== 'terminal') decision = { kind: 'terminal', rule: 'T14', terminal: { state: 'ESCALATE', reason: 'missing-context', detail: 'The line ended without a decision.' } };
    return this.finish(decision.terminal, decision.rule, approvedBy);
  }

  // ---------- start and resume ----------

  private async start(): Promise<void> {
    const blueprintHash = contentHash(this.bp);
    const packetHash = contentHash(this.packet);
    const started = this.replay.take('run/started');
    if (started) {
      const e = started.event;
      if (e.blueprintHash !== blueprintHash || e.packetHash !== packetHash || e.runId !== this.inputs.runId)
        throw new ResumeMismatchError('the journal belongs to another run, packet or blueprint than the one given to resume it');
      this.baseCommit = e.baseCommit ?? '';
      this.startedAt = started.record.at;
    } else {
      this.baseCommit = await this.ports.workspaces.resolveBase(this.packet.baseCommit);
      const rec = await this.replay.append({
        type: 'run/started',
        runId: this.inputs.runId,
        blueprint: `${this.bp.name}@${this.bp.version}`,
        blueprintHash,
        packetHash,
        repo: this.inputs.repo,
        baseCommit: this.baseCommit,
        pattern: this.bp.pattern,
      });
      this.startedAt = rec.at;
    }
    const ws = this.replay.take('workspace/prepared');
    if (ws) {
      const attached = await this.ports.workspaces.attach(this.inputs.runId, ws.event.path, this.baseCommit);
      // A vanished workspace is recreated; onResume restores the recorded change into it.
      this.workspace = attached ?? (await this.ports.workspaces.create(this.inputs.runId, this.baseCommit));
    } else {
      this.workspace = await this.ports.workspaces.create(this.inputs.runId, this.baseCommit);
      await this.replay.append({ type: 'workspace/prepared', path: this.workspace.dir });
    }
  }

  /** Before the first live step of a resumed run: clean up left-over environments and put the workspace back to the last recorded state. */
  private async onResume(lastSeq: number): Promise<void> {
    await this.ports.environments.cleanup?.(this.inputs.runId);
    if (this.workspace) await this.workspace.restore(this.currentPatch);
    await this.replay.append({
      type: 'note',
      message: `resumed after record ${lastSeq}: environments cleaned up${this.workspace ? `, workspace restored to change ${contentHash(this.currentPatch).slice(0, 12)}` : ''}`,
    });
  }

  // ---------- the line ----------

  private async line(): Promise<TerminalDecision> {
    const stations = this.bp.stations;
    let i = 0;
    let last: TerminalDecision = { kind: 'continue', rule: 'T7' };
    // Cheap decisions first: a rule the packet and blueprint alone decide (T0, T5) ends the
    // run before any station, so it never costs a set-up or a container.
    const known = preflightFacts(this.bp, this.packet, this.inputs.profile);
    if (Object.keys(known).length) {
      const first = decideTerminal({ ...this.facts, ...known, stationsPending: true, revisionsLeft: this.bp.maxRevisions });
      if (first.kind === 'terminal') return first;
    }
    while (i < stations.length) {
      const st = stations[i]!;
      if (this.ports.signal?.aborted) throw new RunInterruptedError(`the run was interrupted before station ${st.id}`);
      if (i === this.implementIndex) {
        // The validation baseline: on the base workspace after set-up, once, before the first implement.
        if (!this.baselineDone) {
          await this.validationBaseline();
          if (this.facts.retryable || this.facts.wall) return this.decide(true);
        }
        this.startRound();
      }
      const r = await this.stationWithGates(st);
      // A result rejected at its after gate still counts: the evidence shows what was rejected (its diff and flags).
      if (r.result) this.absorb(st, i, r.result);
      if (r.rejected) this.facts.rejected = r.rejected;
      last = this.decide(i < stations.length - 1);
      if (this.rounds[this.round]) this.rounds[this.round]!.decision = { kind: last.kind, rule: last.rule };
      if (last.kind === 'terminal') return last;
      if (last.kind === 'revise') {
        const results = stations.slice(this.implementIndex + 1).map((s) => this.latest.get(s.id)).filter((x): x is StationResult => x !== undefined);
        const because = reviseReasons(results, this.roundFacts.verdicts ?? []);
        this.round++;
        this.feedback = reviseFeedback(results, this.roundFacts.verdicts ?? []);
        this.roundFacts = {};
        this.nextBecause = because;
        await this.note(`revise round ${this.round} of ${this.bp.maxRevisions}: validation failed`);
        i = this.implementIndex;
        continue;
      }
      i++;
    }
    return last;
  }

  /** Asks decideTerminal with the run's facts so far (plus `extra`) and keeps them for the evidence. */
  private decide(stationsPending: boolean, extra: Partial<TerminalFacts> = {}): TerminalDecision {
    const facts: TerminalFacts = { ...this.facts, ...this.roundFacts, stationsPending, revisionsLeft: this.bp.maxRevisions - this.round, ...extra };
    const decision = decideTerminal(facts);
    this.decided = { facts, decision };
    return decision;
  }

  /** Opens the evidence record of the implement round about to start: from the base commit, or from the previous attempt's workspace. */
  private startRound(): void {
    if (this.rounds[this.round]) return;
    const files = parsePatch(this.currentPatch).map((f) => f.path);
    this.rounds[this.round] = {
      round: this.round,
      startedFrom: { state: this.round === 0 || !this.currentPatch ? 'base-commit' : 'previous-attempt', patchSha256: contentHash(this.currentPatch), files },
      because: this.round === 0 ? [] : (this.nextBecause ?? []),
    };
  }

  /**
   * Runs the baseline of each validate station (src/core/run/baseline.ts) as a journaled
   * station `<id>@baseline`, so a resumed run reads it back; the cache answers for a base
   * commit already seen. An environment failure after retries ends the run by T2.
   */
  private async validationBaseline(): Promise<void> {
    for (const st of this.bp.stations) {
      const plan = planBaseline(st, this.bp, this.stationPacket(), this.inputs.profile, this.baseCommit);
      if (!plan) continue;
      const result = await this.runStation(plan.station, baselineExecutor(this.ports.baselineCache, plan.key, this.baseCommit));
      if (result.retryable) {
        this.facts.retryable = result.retryable;
        return;
      }
      // Validation that hits a station wall on the base commit cannot run here at all: the run ends naming the wall (T2w), before implementing.
      if (result.wall) {
        this.facts.wall = result.wall;
        return;
      }
      this.baselines.set(st.id, { ...plan, result });
    }
    this.baselineDone = true;
  }

  /** Folds a station's result into the facts the terminal decision reads. */
  private absorb(st: Station, index: number, res: StationResult): void {
    this.latest.set(st.id, res);
    if (res.retryable) {
      this.facts.retryable = res.retryable;
      return;
    }
    if (res.wall) {
      this.facts.wall = res.wall;
      return;
    }
    if (res.agent?.budgetExceeded !== undefined) {
      this.facts.budgetExceeded = `station ${st.id}: ${res.agent.budgetExceeded}`;
      return;
    }
    const skipped = res.outcome === 'skipped';
    const outcome = skipped ? undefined : res.outcome === 'passed' && res.commandsOutcome === 'absent' && res.commands.length === 0 && st.kind !== 'command' ? 'passed' : res.commandsOutcome;
    switch (st.role) {
      case 'setup':
        if (!skipped) this.facts.setup = res.outcome === 'passed' ? (res.commands.length || res.fromCache ? 'passed' : 'absent') : 'failed';
        break;
      case 'reproduce':
        if (!this.facts.implements || index < this.implementIndex) {
          this.facts.reproductionBefore = skipped ? undefined : res.commandsOutcome;
          this.facts.reproductionRefused = skipped ? undefined : res.reproductionRefused;
          // Past its gate: the written reproduction is approved and frozen for the rest of the run.
          if (!skipped && res.reproduction) this.reproduction = res.reproduction;
        }
        else this.roundFacts.reproductionAfter = skipped ? undefined : res.commandsOutcome;
        break;
      case 'plan':
        // The plan itself was taken in stationWithGates, before its gate could edit it.
        if (res.outcome !== 'passed' && !skipped) this.roundFacts.implement = 'failed';
        break;
      case 'implement':
        this.roundFacts.implement = skipped ? 'skipped' : res.outcome === 'passed' ? 'done' : res.agent?.outcome === 'gave-up' ? 'gave-up' : 'failed';
        if (res.claimEnded) this.roundFacts.claim = { terminal: res.claimEnded, reasoning: res.agent?.claim?.reasoning ?? res.agent?.claim?.summary ?? '(no reasoning given)', acceptedBy: this.claimAcceptedBy };
        if (res.diff) {
          this.roundFacts.diff = { files: res.diff.files.length, flags: res.diff.check.flags, riskPaths: res.diff.check.touchedRiskPaths };
          this.roundFacts.check = res.diff.check;
        }
        if (this.rounds[this.round]) this.rounds[this.round]!.implement = implementRecord(res);
        break;
      case 'investigate':
        if (res.outcome === 'passed') this.investigation = res.text ?? res.agent?.outputTail;
        break;
      default: {
        // validate, verify, check: failed if any failed; absent only if none had commands.
        if (skipped || outcome === undefined) break;
        const prev = this.roundFacts.validation;
        let failed = res.outcome !== 'passed' || outcome === 'failed';
        if (st.role === 'validate' && st.kind === 'command' && this.facts.implements) {
          // Judged against the baseline: a command failing the same way on the base commit is not the change's failure.
          const j = judgeStation(res, this.baselines.get(st.id));
          failed = j.outcome === 'failed';
          this.roundFacts.verdicts = [...(this.roundFacts.verdicts ?? []).filter((v) => v.stationId !== st.id), ...j.verdicts];
          this.roundFacts.preexistingFailures = [...new Set([...(this.roundFacts.preexistingFailures ?? []), ...j.preexisting])];
          this.roundFacts.regressions = [...new Set([...(this.roundFacts.regressions ?? []), ...j.regressions])];
        }
        this.roundFacts.validation = failed || prev === 'failed' ? 'failed' : outcome === 'passed' || prev === 'passed' || outcome === 'failed' ? 'passed' : 'absent';
      }
    }
  }

  // ---------- stations and gates ----------

  private async stationWithGates(st: Station): Promise<{ result?: StationResult; rejected?: TerminalState }> {
    const when = st.gate.when;
    if (when === 'before' || when === 'both') {
      const a = await this.gate(st.id, 'before', { packet: this.packet, plan: this.plan ?? null }, `Run station ${st.id} (${st.kind}, ${st.role})?`, gateChoicesFor(st, 'before'), undefined, st.role === 'implement' ? this.plan : undefined);
      if (a.decision === 'reject') return { rejected: a.terminal ?? DEFAULT_REJECTION };
      if (a.decision === 'skip') return { result: await this.skipStation(st) };
    }
    for (;;) {
      const result = await this.runStation(st);
      // Only the implement station may change the workspace; a plan or investigation that did is reverted.
      // (A replayed station's revert is in the journal and its note is passed over; onResume restores the workspace.)
      if (this.ranLive && (st.role === 'plan' || st.role === 'investigate') && (await this.workspace.diff()).patch !== this.currentPatch) {
        await this.workspace.restore(this.currentPatch);
        await this.note(`station ${st.id} changed files; reverted (only the implement station may change the workspace)`);
      }
      // Nothing to review after an environment cause or a station wall: the run ends (T2, T2w).
      if (result.retryable || result.wall) return { result };
      const exceeded = result.agent?.budgetExceeded;
      if (exceeded !== undefined) {
        // A human may raise the budget and retry; anything else ends the run ESCALATE budget-exceeded (T2b).
        const budget = this.stationBudget(st);
        const a = await this.gate(
          st.id,
          'after',
          { budgetExceeded: exceeded, budget: budget ?? null, agent: result.agent!.name, outputTail: result.agent!.outputTail },
          `${st.id}: the agent reached its budget (${exceeded}). Raise the budget (now ${describeBudget(budget)}) and retry, or stop (ESCALATE budget-exceeded)?`,
          gateChoicesFor('budget', 'after'),
          undefined,
          undefined,
          { budgetExceeded: exceeded },
        );
        if (a.decision === 'retry') {
          if (a.raisedBudget) this.raisedBudgets.set(st.id, a.raisedBudget);
          if (st.role === 'implement') {
            this.currentPatch = this.roundStartPatch();
            await this.workspace.restore(this.currentPatch);
          }
          continue;
        }
        // A plain rejection is T2b's (with the figures); a terminal state the decider chose is T1's.
        return a.terminal && a.terminal.reason !== DEFAULT_REJECTION.reason ? { result, rejected: a.terminal } : { result };
      }
      // Taken now, before the after gate: an edit there replaces it, and a resume restores this change.
      if (st.role === 'plan' && result.outcome === 'passed') this.plan = result.text ?? result.agent?.outputTail ?? result.note;
      if (result.diff) this.currentPatch = result.diff.patch;
      const check = st.role === 'implement' ? result.diff?.check : undefined;
      // An agent's NO_OP or ESCALATE claim is shown to a human like a flagged diff: the gate opens whatever the blueprint says.
      const forced = (!!check && (check.flags.length > 0 || check.touchedRiskPaths.length > 0)) || !!result.claimEnded;
      this.claimAcceptedBy = undefined;
      if (!(when === 'after' || when === 'both' || forced)) return { result };
      const editablePlan = st.role === 'plan' && result.outcome === 'passed' ? this.plan : undefined;
      const a = await this.gate(st.id, 'after', this.afterContent(result), this.afterSummary(st, result), gateChoicesFor(st, 'after'), check, editablePlan, result.claimEnded ? { claim: result.claimEnded } : undefined);
      if (a.decision === 'reject') return { result, rejected: a.terminal ?? DEFAULT_REJECTION };
      // Only a human's approval accepts a claim (an edit changes the packet or plan; it does not say the claim is right).
      if (result.claimEnded && a.decision === 'approve' && a.by.kind === 'human') this.claimAcceptedBy = a.by.name;
      if (a.decision === 'retry') {
        if (st.role === 'implement') {
          this.currentPatch = this.roundStartPatch();
          await this.workspace.restore(this.currentPatch);
        }
        continue;
      }
      if (check && a.by.kind === 'human') this.roundFacts.flagsApproved = true;
      return { result };
    }
  }

  /** The packet stations work from: the approved one, running the approved written reproduction once there is one (packetWithReproduction). */
  private stationPacket(): TaskPacket {
    return this.reproduction ? packetWithReproduction(this.packet, this.reproduction) : this.packet;
  }

  /** A station's budget: as a human raised it at its budget gate, else the blueprint station's. */
  private stationBudget(st: Station): Budget | undefined {
    return this.raisedBudgets.get(st.id) ?? (st.kind === 'agent' ? st.budget : undefined);
  }

  /** The change the current round's implement station started from. */
  private roundStartPatch(): string {
    const impl = this.bp.stations[this.implementIndex];
    const res = impl ? this.latest.get(impl.id) : undefined;
    // Before absorb, `latest` still holds the previous round's implement result.
    return this.round === 0 ? '' : (res?.diff?.patch ?? this.currentPatch);
  }

  private afterContent(r: StationResult): unknown {
    // The agent's claim is shown beside the line's own evidence (and only then part of the content, so other gates' hashes stay as they were).
    const claim = r.agent?.claim ? { claim: r.agent.claim } : {};
    if (r.claimEnded) return { claimEnded: r.claimEnded, ...claim, note: r.note ?? null };
    const commands = r.commands.map((c) => ({ argv: c.command.argv, exitCode: c.exitCode, timedOut: c.timedOut, outputTail: c.outputTail }));
    // A written reproduction is reviewed whole: what it proves, its files, how it should fail, how it did (its verdict).
    if (r.reproduction)
      return {
        reproduction: { statement: r.reproduction.statement, sha256: r.reproduction.sha256, expectFailure: r.reproduction.manifest.expectFailure, files: r.reproduction.files.map((f) => ({ path: f.path, text: f.text })) },
        outcome: r.outcome,
        commands: r.commands.map((c, i) => ({ ...commands[i]!, verdict: c.reproduction ?? null })),
        ...claim,
        note: r.note ?? null,
      };
    if (r.diff) return { patch: r.diff.patch, files: r.diff.files, flags: r.diff.check.flags, touchedRiskPaths: r.diff.check.touchedRiskPaths, ...claim };
    if (r.text !== undefined) return { text: r.text, ...claim };
    return { outcome: r.outcome, commands, note: r.note ?? null };
  }

  private afterSummary(st: Station, r: StationResult): string {
    if (r.reproduction) {
      const v = r.commands[0]?.reproduction;
      return `${st.id}: the agent wrote a reproduction: ${r.reproduction.statement.slice(0, 200).replace(/[.\s]*$/, '')}. On the base commit it ${v ? (v.verdict === 'reproduced' ? 'failed as stated' : v.verdict === 'refused' ? `was refused (${v.reason})` : `did not fail (${v.reason})`) : r.outcome}. Approve to freeze it for the rest of the run; retry to have the agent write it again.`;
    }
    if (r.claimEnded) return `${st.id}: the agent claims ${r.claimEnded} and changed nothing: ${(r.agent?.claim?.reasoning ?? r.agent?.claim?.summary ?? '').split('\n')[0]!.slice(0, 200)}${r.claimEnded === 'NO_OP' ? ' Approve to accept the claim as NO_OP (a human only); reject to choose the end; retry to run the agent again.' : ''}`;
    if (r.diff) return `${st.id}: ${r.diff.files.length} file(s) changed${r.diff.check.flags.length ? `; FLAGGED: ${r.diff.check.flags.join(', ')}` : ''}${r.diff.check.touchedRiskPaths.length ? `; risk paths: ${r.diff.check.touchedRiskPaths.join(', ')}` : ''}`;
    if (r.text !== undefined) return `${st.id}: ${r.text.split('\n')[0]!.slice(0, 200)}`;
    return `${st.id}: ${r.outcome}, exit codes ${r.commands.map((c) => c.exitCode ?? 'none').join(', ') || 'none'}`;
  }

  /** The context one attempt of a station runs with (executeStation), and the one its environment is prepared from while a gate waits. */
  private stationContext(st: Station, attempt: number): StationContext {
    return {
      // The next station's environment is prepared while this one works, except beside an
      // implement station: its diff is taken after every container of the run is removed.
      ...(st.role === 'implement' ? {} : { onUnderway: () => this.prewarmFor(st.id, 'after') }),
      runId: this.inputs.runId,
      station: st,
      attempt,
      blueprint: this.bp,
      packet: this.stationPacket(),
      plan: this.plan,
      feedback: this.round > 0 ? this.feedback : undefined,
      reproduction: this.reproduction,
      profile: this.inputs.profile,
      workspace: this.workspace,
      environments: this.ports.environments,
      agents: this.ports.agents,
      humans: this.ports.humans,
      artifacts: this.ports.artifacts,
      setupCache: this.ports.setupCache,
      scenarios: this.ports.scenarios,
      signal: this.ports.signal,
      onOutput: (chunk) => this.ports.observer?.onOutput?.(st.id, chunk),
      riskPaths: this.bp.riskPaths,
      // A revise round continues the session this station's agent had in the round before.
      session: this.round > 0 ? this.latest.get(st.id)?.agent?.sessionId : undefined,
      modelAccess: this.ports.modelAccess,
      toolAccess: this.ports.tools,
      budget: this.stationBudget(st),
      startPatch: this.currentPatch,
    };
  }

  /**
   * Warm stations (issue 15): while a gate waits for a human, the environment of the station
   * that runs if it is approved (this one for a before gate, the next for an after gate) is
   * prepared in the background; so is the next station's while a station works
   * (StationContext.onUnderway). WarmEnvironments uses it only for the same request, so a
   * decision that changes what the station needs costs only the discarded environment.
   */
  private prewarmFor(stationId: string, position: 'before' | 'after'): void {
    const envs = this.ports.environments;
    if (!envs.prewarm) return;
    const i = this.bp.stations.findIndex((s) => s.id === stationId);
    const st = i < 0 ? undefined : position === 'before' ? this.bp.stations[i] : this.bp.stations[i + 1];
    if (!st) return;
    void prewarmRequest(this.stationContext(st, (this.attempts.get(st.id) ?? 0) + 1))
      .then((r) => r && envs.prewarm!(r))
      .catch((e: unknown) => this.ports.logger?.debug(`no warm environment for ${st.id}: ${(e as Error).message}`));
  }

  private async skipStation(st: Station): Promise<StationResult> {
    const attempt = (this.attempts.get(st.id) ?? 0) + 1;
    this.attempts.set(st.id, attempt);
    const res: StationResult = { stationId: st.id, role: st.role, kind: st.kind, attempt, outcome: 'skipped', commands: [], commandsOutcome: 'absent', machineMs: 0, note: 'skipped at its gate' };
    const done = this.replay.take('station/finished', (e) => e.stationId === st.id && e.outcome === 'skipped');
    if (!done) await this.replay.append({ type: 'station/finished', stationId: st.id, attempt, outcome: 'skipped', durationMs: 0 });
    if (st.role === 'implement') res.diff = undefined;
    return res;
  }

  /**
   * Runs a station, retrying with exponential backoff while its result is retryable and
   * retries remain. A recorded attempt is read back from its artifact; an attempt the
   * journal shows started but not finished (the process was killed) is run again as a new
   * attempt, after onResume restored the workspace, and does not use up a retry.
   */
  private async runStation(st: Station, execute: (ctx: StationContext) => Promise<StationResult> = executeStation): Promise<StationResult> {
    const retries = st.retries ?? this.bp.defaults.retries;
    let failures = 0;
    for (;;) {
      let attempt = (this.attempts.get(st.id) ?? 0) + 1;
      let result: StationResult | undefined;
      // Recorded attempts: one that finished is read back; one that started and never finished
      // was interrupted, and a later resume may have started (and lost) another after it.
      let started = this.replay.take('station/started', (e) => e.stationId === st.id);
      while (started) {
        attempt = started.event.attempt;
        this.attempts.set(st.id, attempt);
        const fin = this.replay.take('station/finished', (e) => e.stationId === st.id && e.attempt === attempt);
        if (fin) {
          const text = fin.event.artifact ? await this.ports.artifacts.read(fin.event.artifact) : undefined;
          if (!text) throw new ResumeMismatchError(`station ${st.id} attempt ${attempt} is recorded as finished but its result ${fin.event.artifact ?? '(none)'} is missing`);
          checkBound(fin.event.artifact!, text, fin.event.artifactSha256);
          result = parseRunFile(StationResultSchema, fin.event.artifact!, text);
          break;
        }
        await this.note(`station ${st.id} attempt ${attempt} was interrupted (process killed); running it again from the restored workspace`);
        // What the interrupted agent spent, when its process lived to record it (a cancel, not a kill -9).
        const spent = await this.ports.artifacts.read(RUN_LAYOUT.interruptedResult(st.id, attempt));
        if (spent) this.agentRuns.push({ ...parseRunFile(StationResultSchema, RUN_LAYOUT.interruptedResult(st.id, attempt), spent), interrupted: true });
        attempt++;
        started = this.replay.take('station/started', (e) => e.stationId === st.id && e.attempt === attempt);
      }
      this.ranLive = !result;
      if (!result) {
        if (failures > 0) await this.ports.sleep((this.ports.backoffMs ?? 2000) * 2 ** (failures - 1));
        this.attempts.set(st.id, attempt);
        await this.replay.append({ type: 'station/started', stationId: st.id, attempt });
        result = await execute(this.stationContext(st, attempt));
        // An interrupted attempt is not a result: no station/finished, so a resume runs it again.
        if (this.ports.signal?.aborted) {
          // What an interrupted agent already spent is kept (the resumed attempt starts over and spends again).
          if (result.agent) {
            const spent = await this.ports.artifacts.write(RUN_LAYOUT.interruptedResult(st.id, attempt), JSON.stringify(result, null, 2));
            await this.note(`station ${st.id} attempt ${attempt} was interrupted; its agent had spent ${result.agent.cost?.inputTokens ?? '?'} tokens in, ${result.agent.cost?.outputTokens ?? '?'} out${result.agent.cost?.usd !== undefined ? `, $${result.agent.cost.usd}` : ''} (${spent})`);
          }
          throw new RunInterruptedError(`the run was interrupted during station ${st.id} (attempt ${attempt})`);
        }
        const resultText = JSON.stringify(result, null, 2);
        const artifact = await this.ports.artifacts.write(RUN_LAYOUT.stationResult(st.id, attempt), resultText);
        const lastExit = result.commands.length ? result.commands[result.commands.length - 1]!.exitCode : undefined;
        await this.replay.append({ type: 'station/finished', stationId: st.id, attempt, outcome: result.outcome, exitCode: lastExit, durationMs: result.machineMs, artifact, artifactSha256: sha256Hex(resultText) });
      }
      if (result.agent) this.agentRuns.push(result);
      if (result.retryable && result.retryable.reason !== 'cancelled' && failures < retries) {
        failures++;
        continue;
      }
      return result;
    }
  }

  /**
   * Opens a gate and gets its decision, from the journal when it was already decided (a
   * gate is never applied twice) or from the gatekeeper. Edits are stored as artifacts
   * beside the decision and applied; the decision's content hash is of what was approved.
   */
  private async gate(
    stationId: string,
    position: 'before' | 'after',
    content: unknown,
    summary: string,
    allowed: GateChoice[],
    check?: DiffCheck,
    plan?: string,
    extraRisk?: Pick<GateRisk, 'claim' | 'budgetExceeded'>,
  ): Promise<GateAnswer> {
    const gateId = `${stationId}.${position}.${++this.gateCount}`;
    const hash = contentHash(content);
    const roundCheck = check ?? this.roundFacts.check;
    const gate: Gate = {
      runId: this.inputs.runId,
      gateId,
      stationId,
      position,
      contentHash: hash,
      summary,
      content,
      allowed,
      plan,
      risk: { packetRisk: this.packet.risk, touchedRiskPaths: roundCheck?.touchedRiskPaths ?? [], diffFlags: roundCheck?.flags ?? [], preexistingFailures: this.roundFacts.preexistingFailures ?? [], ...extraRisk },
    };
    const opened = this.replay.take('gate/opened', (e) => e.gateId === gateId);
    if (opened && opened.event.contentHash !== hash) throw new ResumeMismatchError(`gate ${gateId}: the content under review differs from the journal's`);
    const openedAt = opened ? opened.record.at : (await this.replay.append({ type: 'gate/opened', gateId, stationId, position, contentHash: hash })).at;
    const decided = this.replay.take('gate/decided', (e) => e.decision.gateId === gateId);
    if (decided) {
      const d = decided.event.decision;
      const answer: GateAnswer = { decision: d.decision, by: d.by, reason: d.reason, terminal: d.terminal, ...(d.budget ? { raisedBudget: d.budget } : {}), ...(d.declinedEffects ? { declinedEffects: d.declinedEffects } : {}) };
      if (d.decision === 'edit') {
        const p = await this.ports.artifacts.read(RUN_LAYOUT.gateEditedPacket(gateId));
        const plan = await this.ports.artifacts.read(RUN_LAYOUT.gateEditedPlan(gateId));
        if (p) answer.editedPacket = parseRunFile(TaskPacketSchema, RUN_LAYOUT.gateEditedPacket(gateId), p);
        if (plan !== undefined) answer.editedPlan = plan;
        // What the decision approved is bound by its hash: an edit file changed afterwards is refused.
        if (contentHash({ packet: answer.editedPacket ?? null, plan: answer.editedPlan ?? null }) !== d.contentHash)
          throw new ResumeMismatchError(`gate ${gateId}: the edit stored beside the decision (${RUN_LAYOUT.gateEditedPlan(gateId)} or ${RUN_LAYOUT.gateEditedPacket(gateId)}) does not match what was approved (changed after the decision)`);
      }
      this.applyEdits(answer);
      this.gates.push(d);
      return answer;
    }
    this.prewarmFor(stationId, position);
    // Tool definitions that changed mid-run are shown at the next gate; approving it re-approves them.
    const drift = (await this.ports.tools?.drift()) ?? [];
    if (drift.length) {
      gate.toolDrift = drift;
      gate.summary = `${summary} Approving also re-approves ${drift.length} MCP tool definition(s) that changed during the run: ${drift.map((d) => `${d.tool} (${d.changes.map((c) => c.field).join(', ')})`).join('; ')}.`;
    }
    let answer: GateAnswer | undefined;
    for (let tries = 0; tries < 3 && !answer; tries++) {
      const a = await this.ports.gatekeeper.decide(gate);
      const n = normalizeAnswer(gate, a);
      if ('problem' in n) await this.note(`gate ${gateId}: ignored a ${a.decision} decision: ${n.problem}`);
      else answer = n.answer;
    }
    answer ??= { decision: 'reject', by: { kind: 'policy', name: 'engine' }, reason: 'no valid decision after three tries', terminal: DEFAULT_REJECTION };
    let approvedHash = hash;
    if (answer.decision === 'edit') {
      if (answer.editedPacket) await this.ports.artifacts.write(RUN_LAYOUT.gateEditedPacket(gateId), JSON.stringify(answer.editedPacket, null, 2));
      if (answer.editedPlan !== undefined) await this.ports.artifacts.write(RUN_LAYOUT.gateEditedPlan(gateId), answer.editedPlan);
      approvedHash = contentHash({ packet: answer.editedPacket ?? null, plan: answer.editedPlan ?? null });
    }
    const final = answer;
    // One clock: the decision's time is its own journal record's time, and openedAt is the
    // gate/opened record's; the journal never gives a record an earlier time than the one before.
    const rec = await this.replay.append((decidedAt) => ({
      type: 'gate/decided',
      decision: {
        gateId,
        stationId,
        position,
        runId: this.inputs.runId,
        decision: final.decision,
        by: final.by,
        openedAt,
        decidedAt,
        humanMs: Date.parse(decidedAt) - Date.parse(openedAt),
        contentHash: approvedHash,
        reason: final.reason,
        terminal: final.decision === 'reject' ? final.terminal : undefined,
        ...(final.raisedBudget ? { budget: final.raisedBudget } : {}),
        ...(final.declinedEffects?.length ? { declinedEffects: final.declinedEffects } : {}),
      },
    }));
    const decision = (rec.event as Extract<typeof rec.event, { type: 'gate/decided' }>).decision;
    if (drift.length && answer.decision !== 'reject') {
      await this.ports.tools!.repin(drift.map((d) => d.tool));
      await this.note(`gate ${gateId}: re-approved changed MCP tool definitions: ${drift.map((d) => `${d.tool} sha256 ${d.current.slice(0, 12)}`).join(', ')}`);
    }
    this.applyEdits(answer);
    this.gates.push(decision);
    return answer;
  }

  private applyEdits(a: GateAnswer): void {
    if (a.decision !== 'edit') return;
    if (a.editedPacket) {
      this.packet = a.editedPacket;
      this.facts.noOpRules = a.editedPacket.noOpRules;
    }
    if (a.editedPlan !== undefined) this.plan = a.editedPlan;
  }

  private async note(message: string): Promise<void> {
    this.ports.logger?.info(message);
    await this.replay.note(message);
  }

  // ---------- evidence, terminal, output ----------

  private async finish(terminal: TerminalState, rule: string, approvedBy: GateDecision['by'] | undefined): Promise<RunOutcome> {
    const { artifacts } = this.ports;
    const recorded = this.replay.take('run/terminal');
    // A run that ends without an approved output gate never runs a held effect.
    if (!recorded && this.ports.tools) {
      await this.settleEffects(planEffects((await this.ports.tools.proposedEffects()).map((e) => e.id), false));
      this.toolEvidence = await this.ports.tools.evidence();
    }
    let evidence: EvidenceBundle;
    let markdown: string | undefined;
    let terminalAt: string;
    let evidenceSha256: string;
    if (recorded) {
      if (contentHash(recorded.event.terminal) !== contentHash(terminal)) throw new ResumeMismatchError(`the journal ended ${recorded.event.terminal.state}, the replayed run decides ${terminal.state}`);
      terminalAt = recorded.record.at;
      const text = await artifacts.read(RUN_LAYOUT.evidenceJson);
      if (text !== undefined) checkBound(RUN_LAYOUT.evidenceJson, text, recorded.event.evidenceSha256);
      evidence = text ? parseRunFile(EvidenceBundleSchema, RUN_LAYOUT.evidenceJson, text) : this.evidence(terminal, rule, terminalAt);
      // A journal from before the hash was recorded: the file's own hash (the note's trailer must name one).
      evidenceSha256 = recorded.event.evidenceSha256 ?? sha256Hex(text ?? `${JSON.stringify(evidence, null, 2)}\n`);
    } else {
      const endedAt = new Date(this.ports.clock.now()).toISOString();
      evidence = this.evidence(terminal, rule, endedAt);
      markdown = renderEvidenceMarkdown(evidence);
      const text = `${JSON.stringify(evidence, null, 2)}\n`;
      await artifacts.write(RUN_LAYOUT.evidenceJson, text);
      await artifacts.write(RUN_LAYOUT.evidenceMd, markdown);
      evidenceSha256 = sha256Hex(text);
      terminalAt = (await this.replay.append({ type: 'run/terminal', terminal, evidence: RUN_LAYOUT.evidenceJson, evidenceSha256 })).at;
    }
    const base = { runId: this.inputs.runId, terminal, rule, evidence, evidencePath: RUN_LAYOUT.evidenceJson, evidenceMarkdownPath: RUN_LAYOUT.evidenceMd, resumed: this.replay.resumed };
    const output = await this.output(terminal, evidence, evidenceSha256, markdown, approvedBy, terminalAt);
    // The last record: how many come before it, so a journal cut after the end is detected.
    await this.replay.seal();
    return output ? { ...base, output } : base;
  }

  /** Creates the run's output (branch, or report) once, from the journal when it was already created. */
  private async output(terminal: TerminalState, evidence: EvidenceBundle, evidenceSha256: string, markdown: string | undefined, approvedBy: GateDecision['by'] | undefined, terminalAt: string): Promise<RunOutcome['output']> {
    const { artifacts } = this.ports;
    const made = this.replay.take('output/created');
    if (made) return { branch: made.event.branch, commit: made.event.commit, report: made.event.report };
    if (terminal.state === 'PR_READY') {
      // What ships is the approved patch from the run folder, applied to the base commit: never the live workspace.
      const patch = await artifacts.read(RUN_LAYOUT.approvedPatch);
      const approved = this.approvedPatchSha256;
      try {
        if (patch === undefined) throw new OutputRefusedError(`the approved patch ${RUN_LAYOUT.approvedPatch} is missing from the run folder: nothing was published`);
        if (approved === undefined) throw new OutputRefusedError('no output gate approved a patch in this run: nothing was published');
        const out = await this.ports.output.publish({
          runId: this.inputs.runId,
          baseCommit: this.baseCommit,
          patch,
          approvedPatchSha256: approved,
          message: this.commitMessage(terminal, approvedBy),
          note: markdown ?? renderEvidenceMarkdown(evidence),
          evidenceSha256,
          date: terminalAt,
        });
        await this.replay.append({ type: 'output/created', branch: out.branch, commit: out.commit });
        return out;
      } catch (e) {
        // The journal and evidence stay as recorded (PR_READY, approved); only a note says why nothing shipped.
        if (e instanceof OutputRefusedError) await this.note(`output refused: ${e.message}`);
        throw e;
      }
    }
    if (terminal.state === 'NO_OP' || terminal.state === 'ESCALATE') {
      const report = await artifacts.write(terminal.state === 'NO_OP' ? RUN_LAYOUT.noOpReport : RUN_LAYOUT.escalation, renderReport(evidence));
      if (this.investigation !== undefined) await artifacts.write(RUN_LAYOUT.investigationNote, this.investigation);
      await this.replay.append({ type: 'output/created', report });
      return { report };
    }
    return undefined;
  }

  /** Settles the gateway's held effects by `plan` (run or discarded with its reason) and notes each outcome in the journal. */
  private async settleEffects(plan: EffectPlan): Promise<void> {
    const out = (await this.ports.tools?.settleEffects(plan)) ?? [];
    for (const o of out.filter((x) => !this.settledEffects.has(x.id))) {
      this.settledEffects.add(o.id);
      await this.note(`tool effect ${o.id} (${o.server}__${o.tool}): ${o.state}${o.detail ? `: ${o.detail}` : ''}`);
    }
  }

  private evidence(terminal: TerminalState, rule: string, endedAt: string): EvidenceBundle {
    const all = this.bp.stations.map((s) => this.latest.get(s.id)).filter((r): r is StationResult => r !== undefined);
    const before = this.bp.stations.filter((s, i) => s.role === 'reproduce' && (!this.facts.implements || i < this.implementIndex)).map((s) => this.latest.get(s.id));
    const after = this.bp.stations.filter((s, i) => s.role === 'reproduce' && this.facts.implements && i > this.implementIndex).map((s) => this.latest.get(s.id));
    const impl = this.bp.stations[this.implementIndex];
    const defined = (xs: (StationResult | undefined)[]) => xs.filter((r): r is StationResult => r !== undefined);
    return assembleEvidence({
      runId: this.inputs.runId,
      ...(this.toolEvidence ? { tools: this.toolEvidence } : {}),
      packet: this.packet,
      terminal,
      rule,
      results: all,
      agentRuns: this.agentRuns,
      reproductionBefore: defined(before),
      reproductionAfter: defined(after),
      writtenReproduction: this.reproduction,
      validation: all.filter((r) => r.role === 'validate' || r.role === 'verify' || r.role === 'check'),
      implement: impl ? this.latest.get(impl.id) : undefined,
      plan: this.plan,
      note: this.investigation,
      gates: this.gates,
      blueprint: `${this.bp.name}@${this.bp.version}`,
      blueprintHash: contentHash(this.bp),
      baseCommit: this.baseCommit,
      startedAt: this.startedAt,
      endedAt,
      engineVersion: this.inputs.engineVersion,
      blueprintSource: this.inputs.blueprintSource,
      riskPaths: this.bp.riskPaths,
      ...decisionEvidence({
        rule,
        decided: this.decided?.facts,
        baselines: [...this.baselines.values()],
        verdicts: this.roundFacts.verdicts ?? [],
        preexistingFailures: this.roundFacts.preexistingFailures ?? [],
        regressions: this.roundFacts.regressions ?? [],
        flags: this.roundFacts.diff?.flags ?? [],
        results: [...this.latest.values(), ...[...this.baselines.values()].map((b) => b.result)],
        gates: this.gates,
        rounds: this.rounds,
      }),
    });
  }

  /** Commit message: the packet's intent, then trailers naming the run, the approver and the agent. */
  private commitMessage(terminal: TerminalState, approvedBy: GateDecision['by'] | undefined): string {
    const intent = this.packet.intent.trim();
    const first = intent.split('\n')[0]!;
    const subject = first.length <= 72 ? first : `${first.slice(0, 69)}...`;
    const impl = this.bp.stations[this.implementIndex];
    const res = impl ? this.latest.get(impl.id) : undefined;
    const agent = res?.agent?.name ?? (impl?.kind === 'human' ? 'human' : (impl?.kind ?? 'none'));
    const body = subject === intent ? '' : `${intent}\n\n`;
    const by = approvedBy ? (approvedBy.kind === 'human' ? approvedBy.name : `${approvedBy.name} (unattended policy)`) : 'unknown';
    return `${subject}\n\n${body}Task packet: ${this.packet.id}\nTerminal state: ${terminal.state} (${terminal.reason})\n\nShopfloor-Run: ${this.inputs.runId}\nApproved-by: ${by}\nAgent: ${agent}\n`;
  }
}

/**
 * Refuses a run file whose SHA-256 is not the one its journal record holds (a file edited
 * after it was recorded). Records written before files were bound carry no hash and pass.
 */
function checkBound(relPath: string, text: string, sha256: string | undefined): void {
  if (sha256 !== undefined && sha256Hex(text) !== sha256) throw new ResumeMismatchError(`run file ${relPath} was changed after the journal recorded it (SHA-256 differs): the run is not resumed from it`);
}

import { LOG_FILE_CAP_BYTES, OUTPUT_TAIL_CHARS, REPRODUCTION_CAPS, REPRODUCTION_DIR, type CommandResult, type CommandSpec, type FrozenReproduction, type Station, type TaskPacket } from '../../contracts';
import { freezeReproduction, reproductionCommand } from './reproduction-writer';
import { productionInstall } from './setup-fallback';
import { DEPENDENCY_FILES, dependencyReuseKey } from './setup-reuse';
import { contentHash } from '../hash';
import { RUN_LAYOUT } from './layout';
import { commandEnd } from './command-end';
import { judgeReproduction, reproductionTimeoutMs } from './reproduction-check';
import { checkDiff } from './diff-check';
import { isRetryableCause } from './errors';
import type { CommandsOutcome } from './decide-terminal';
import { buildStationPrompt } from '../agent/prompt';
import { costOfUsage, summarizeToolCalls } from '../agent/usage';
import type { AgentPreparation, AgentRunner, ArtifactLog, ArtifactStore, EnvironmentProvider, EnvironmentRequest, ExecResult, HumanStation, ModelAccessProvider, Mount, ToolAccessProvider, ProfileFacts, RunWorkspace, ScenariosResolver, SetupCache, StationEnvironment } from './ports';
import type { StationResult } from './station-result';
import type { Blueprint, Budget } from '../../contracts';

/** Everything a station needs to run once. */
export interface StationContext {
  /**
   * Called once when the station is under way (its own environment prepared, or its set-up
   * about to be restored from a cache), so the engine can prepare the next station's
   * environment while this one works (warm stations). Never awaited.
   */
  onUnderway?: () => void;
  runId: string;
  station: Station;
  attempt: number;
  blueprint: Blueprint;
  packet: TaskPacket;
  plan?: string;
  feedback?: string;
  profile: ProfileFacts;
  workspace: RunWorkspace;
  environments: EnvironmentProvider;
  agents: AgentRunner;
  humans: HumanStation;
  artifacts: ArtifactStore;
  setupCache?: SetupCache;
  /** Host folder of a verifier's holdout scenarios, or why it cannot be used. */
  scenarios?: ScenariosResolver;
  signal?: AbortSignal;
  onOutput?: (chunk: string) => void;
  riskPaths: readonly string[];
  /** The session this station's agent returned in the previous round (a revise round continues it). */
  session?: string;
  /** Model access for agent stations (the run's model proxy); absent: agents get none from the line. */
  modelAccess?: ModelAccessProvider;
  /** The run's MCP gateway for agent stations; absent: agents get no MCP server from the line. */
  toolAccess?: ToolAccessProvider;
  /** The budget of this station's attempt (the blueprint's, or as a human raised it at a gate). */
  budget?: Budget;
  /** The change the implement station's round started from: what an agent's NO_OP or ESCALATE claim puts the workspace back to. */
  startPatch?: string;
  /**
   * The agent-written reproduction a human approved (issue 11): placed in the workspace at
   * REPRODUCTION_DIR and bound read-only into this station's environment. `packet` then
   * already runs it as its reproduction (packetWithReproduction).
   */
  reproduction?: FrozenReproduction;
}


/**
 * Runs `run` with an output callback that writes each chunk to a log opened at `relPath`
 * as it arrives (so a killed process keeps it), then closes the log. When the command
 * streamed nothing, `fallback(result)` (e.g. a spawn error) is written instead.
 */
async function withLog<R>(ctx: StationContext, relPath: string, run: (onOutput: (chunk: string) => void) => Promise<R>, fallback: (r: R) => string) {
  const log: ArtifactLog = ctx.artifacts.openLog(relPath, LOG_FILE_CAP_BYTES);
  let streamed = false;
  let result: R;
  try {
    result = await run((chunk) => {
      streamed = true;
      log.append(chunk);
      ctx.onOutput?.(chunk);
    });
  } catch (e) {
    await log.close().catch(() => undefined);
    throw e;
  }
  if (!streamed) log.append(fallback(result));
  return { result, log: await log.close() };
}

/** The commands a command-like station runs, from its own list or from the packet/profile. */
export function commandsOf(station: Station, packet: TaskPacket, profile: ProfileFacts): CommandSpec[] {
  if (station.kind === 'verifier') return station.commands;
  if (station.kind === 'builtin') return station.builtin === 'dependency-check' ? profile.dependencyCheck : [];
  // An agent reproduce station runs the packet's reproduction when it has one; only without one does its agent write one.
  if (station.kind === 'agent' && station.role === 'reproduce') return packet.reproduction;
  if (station.kind !== 'command') return [];
  if (station.commands?.length) return station.commands;
  switch (station.from) {
    case 'packet.reproduction':
      return packet.reproduction;
    case 'packet.validation':
      return packet.validation;
    case 'profile.setup':
      return profile.setup;
    default:
      return [];
  }
}

/** Agent roles that only read: their workspace is mounted read-only (issue 10: a write is a station failure). */
export const READ_ONLY_AGENT_ROLES: readonly Station['role'][] = ['plan', 'investigate'];

/**
 * The environment request for a station: network none unless its blueprint environment
 * lists egress or its agent calls a model (`prep.needsModel`: the model proxy is on the
 * egress network's gateway); an agent station also gets its runner's volumes (`prep`), and a read-only
 * workspace in the READ_ONLY_AGENT_ROLES.
 */
export function environmentRequest(ctx: StationContext, mounts: Mount[], prep?: AgentPreparation): EnvironmentRequest {
  const env = { ...ctx.blueprint.defaults.environment, ...ctx.station.environment };
  const egress = env.network === 'egress' || prep?.needsModel === true;
  const allow = [...(env.egressAllow ?? []), ...(ctx.station.role === 'setup' && egress ? ctx.profile.registryHosts : [])];
  return {
    runId: ctx.runId,
    stationId: ctx.station.id,
    workspaceDir: ctx.workspace.dir,
    network: egress ? { mode: 'egress', allow: [...new Set(allow)] } : { mode: 'none' },
    image: env.image,
    env: { ...(ctx.blueprint.defaults.environment?.env ?? {}), ...(ctx.station.environment?.env ?? {}) },
    mounts,
    ...(prep?.volumes.length ? { volumes: prep.volumes } : {}),
    ...(ctx.station.kind === 'agent' && READ_ONLY_AGENT_ROLES.includes(ctx.station.role) ? { readOnlyWorkspace: true } : {}),
    ...(ctx.reproduction ? { readOnlyPaths: [REPRODUCTION_DIR] } : {}),
    // Only set-up writes the shared package caches; every other station reads them at most.
    packageCache: ctx.station.role === 'setup' ? 'read-write' : 'read-only',
  };
}

function timeoutMs(ctx: StationContext, spec?: CommandSpec): number {
  return 1000 * (spec?.timeoutSec ?? ctx.station.timeoutSec ?? ctx.blueprint.defaults.timeoutSec);
}

function blank(ctx: StationContext, outcome: StationResult['outcome'], extra: Partial<StationResult> = {}): StationResult {
  return { stationId: ctx.station.id, role: ctx.station.role, kind: ctx.station.kind, attempt: ctx.attempt, outcome, commands: [], commandsOutcome: 'absent', machineMs: 0, ...extra };
}

/**
 * Runs commands in order (all of them, so the evidence is complete) and folds their
 * outcome. Each command's output goes to its log file as it arrives. A timeout, crash or
 * cancellation stops the station as retryable; a station wall (memory, processes, disk)
 * stops it with `wall` set, never as an ordinary failure.
 */
async function runCommands(ctx: StationContext, env: StationEnvironment, specs: CommandSpec[], extraEnv: Record<string, string> = {}, firstLog = 1): Promise<StationResult> {
  const commands: CommandResult[] = [];
  let machineMs = 0;
  let outcome: StationResult['outcome'] = 'passed';
  let retryable: StationResult['retryable'];
  let wall: StationResult['wall'];
  const reproducing = ctx.station.role === 'reproduce';
  let refused: string | undefined;
  for (const [i, spec] of specs.entries()) {
    const limit = reproducing ? reproductionTimeoutMs(spec, timeoutMs(ctx, spec)) : timeoutMs(ctx, spec);
    const { result: r, log } = await withLog<ExecResult>(
      ctx,
      RUN_LAYOUT.commandLog(ctx.station.id, ctx.attempt, i + firstLog),
      (onOutput) => env.exec(spec.argv, { env: { ...extraEnv, ...(spec.env ?? {}) }, cwd: spec.cwd, timeoutMs: limit, signal: ctx.signal, onOutput }),
      (res) => res.output,
    );
    machineMs += r.durationMs;
    commands.push({
      command: spec,
      exitCode: r.exitCode,
      durationMs: r.durationMs,
      timedOut: r.endReason === 'timeout',
      endReason: r.endReason,
      endDetail: r.endDetail?.slice(0, 2000),
      outputTail: r.output.slice(-OUTPUT_TAIL_CHARS),
      logArtifact: log.relPath,
      truncated: log.truncated || r.truncated,
    });
    // A reproduction stated to hang is stopped at its bound: that is the failure it shows, not the environment's.
    const hung = reproducing && r.endReason === 'timeout' && spec.expectFailure?.hangsPastSec !== undefined;
    if (reproducing && (r.endReason === 'exited' || hung)) {
      const judged = judgeReproduction(spec, r);
      commands[commands.length - 1]!.reproduction = judged;
      if (judged.verdict === 'refused') refused ??= `${spec.argv.join(' ').slice(0, 200)}: ${judged.reason}`;
      if (hung) {
        if (outcome === 'passed') outcome = 'failed';
        continue;
      }
    }
    const end = commandEnd(r, spec.argv.join(' '), limit);
    if (end.kind === 'retryable' && end.reason === 'cancelled') return blank(ctx, 'cancelled', { commands, commandsOutcome: 'failed', machineMs, retryable: { reason: 'cancelled', detail: end.detail } });
    if (end.kind === 'retryable') {
      outcome = end.reason === 'timeout' ? 'timeout' : 'error';
      retryable = { reason: end.reason, detail: end.detail };
      break;
    }
    if (end.kind === 'wall') {
      // The rest would run into the same wall, or on a killed container: stop here.
      outcome = 'error';
      wall = { reason: end.wall, detail: `station ${ctx.station.id}: ${end.detail}` };
      break;
    }
    if (end.exitCode !== 0 && outcome === 'passed') outcome = 'failed';
  }
  const commandsOutcome: CommandsOutcome = specs.length === 0 ? 'absent' : outcome === 'passed' ? 'passed' : 'failed';
  return blank(ctx, outcome, { commands, commandsOutcome, machineMs, retryable, wall, imageDigest: env.imageDigest, ...(refused && !retryable && !wall ? { reproductionRefused: refused } : {}) });
}

/** Key of a set-up result: same base commit, commands and image give the same dependencies. */
export function setupCacheKey(baseCommit: string, specs: CommandSpec[], image: string | undefined): string {
  return contentHash({ baseCommit, argv: specs.map((s) => ({ argv: s.argv, cwd: s.cwd, env: s.env })), image: image ?? null });
}

/** dependencyReuseKey over the base commit's DEPENDENCY_FILES; undefined when the workspace cannot read them. */
async function dependencyTreesKey(ctx: StationContext, specs: CommandSpec[], image: string | undefined): Promise<ReturnType<typeof dependencyReuseKey> | undefined> {
  const read = ctx.workspace.baseFile?.bind(ctx.workspace);
  if (!read) return undefined;
  const files = Object.fromEntries(await Promise.all(DEPENDENCY_FILES.map(async (f) => [f, await read(f)] as const)));
  return dependencyReuseKey(files, specs, image);
}

/** What a station needs of its environment, decided before anything runs; or how it ends without one. */
type EnvironmentPlan =
  | { done: { outcome: StationResult['outcome']; extra: Partial<StationResult> } }
  | { specs: CommandSpec[]; runsAgent: boolean; writesReproduction: boolean; mounts: Mount[]; extraEnv: Record<string, string> };

/** The one place that decides whether and how a station gets an environment (executeStation and prewarmRequest both read it). */
function planEnvironment(ctx: StationContext): EnvironmentPlan {
  const { station } = ctx;
  const specs = commandsOf(station, ctx.packet, ctx.profile);
  if ((station.kind === 'command' || station.kind === 'builtin') && specs.length === 0) return { done: { outcome: 'passed', extra: { note: 'no commands to run' } } };
  // An agent reproduce station with the packet's reproduction to run runs it like a command station: no agent.
  const runsAgent = station.kind === 'agent' && !(station.role === 'reproduce' && specs.length > 0);
  const writesReproduction = runsAgent && station.role === 'reproduce';
  const mounts: Mount[] = [];
  const extraEnv: Record<string, string> = {};
  if (station.kind === 'verifier') {
    const found = ctx.scenarios?.(station.scenarios) ?? { refused: 'no holdout root is configured' };
    if ('refused' in found) return { done: { outcome: 'failed', extra: { commandsOutcome: 'failed', note: `holdout scenarios ${JSON.stringify(station.scenarios)} refused: ${found.refused}` } } };
    mounts.push({ hostPath: found.hostPath, containerPath: '/scenarios', readOnly: true });
    extraEnv.SHOPFLOOR_SCENARIOS = '/scenarios';
  }
  return { specs, runsAgent, writesReproduction, mounts, extraEnv };
}

/**
 * The environment request `ctx`'s station will make (issue 15, warm stations), for
 * preparing it while a gate waits; undefined when the station needs none (built-in, human,
 * no commands, refused scenarios). Runs the agent's `prepare` (its CLI install, cached), so
 * that too is off the station's path. Throws what `prepare` throws.
 */
export async function prewarmRequest(ctx: StationContext): Promise<EnvironmentRequest | undefined> {
  const { station } = ctx;
  if (station.kind === 'human' || (station.kind === 'builtin' && station.builtin !== 'dependency-check')) return undefined;
  const plan = planEnvironment(ctx);
  if ('done' in plan) return undefined;
  const prep = plan.runsAgent ? await ctx.agents.prepare?.(station) : undefined;
  return environmentRequest(ctx, plan.mounts, prep);
}

/**
 * Runs one attempt of a station in a fresh environment and returns its result; never
 * throws for a station failure. Environment failures tagged RetryableCause become a
 * retryable result. The environment is disposed whatever happens. The implement station's
 * result carries the workspace diff and its checks, taken once every environment of the run
 * is removed (withDiff).
 */
export async function executeStation(ctx: StationContext): Promise<StationResult> {
  const { station } = ctx;
  if (station.kind === 'builtin' && station.builtin !== 'dependency-check') return blank(ctx, 'passed', { note: `built-in ${station.builtin} is done by the engine itself` });
  if (station.kind === 'human') {
    const r = await ctx.humans.perform({ stationId: station.id, instructions: station.instructions ?? station.title ?? station.id, packet: ctx.packet });
    return withDiff(ctx, blank(ctx, r.done ? 'passed' : 'failed', { note: `${r.done ? 'marked done' : 'not done'} by ${r.by}${r.note ? `: ${r.note}` : ''}` }));
  }
  const plan = planEnvironment(ctx);
  if ('done' in plan) return blank(ctx, plan.done.outcome, plan.done.extra);
  const { specs, runsAgent, writesReproduction, mounts, extraEnv } = plan;
  // The approved written reproduction is in place, read-only, for every station after it.
  if (ctx.reproduction) await ctx.workspace.placeTree?.(REPRODUCTION_DIR, ctx.reproduction.files);
  let prep: AgentPreparation | undefined;
  try {
    prep = runsAgent ? await ctx.agents.prepare?.(station) : undefined;
  } catch (e) {
    if (isRetryableCause(e)) return blank(ctx, 'error', { retryable: { reason: e.reason, detail: e.message } });
    throw e;
  }
  const request = environmentRequest(ctx, mounts, prep);
  const cacheKey = station.role === 'setup' ? setupCacheKey(ctx.workspace.baseCommit, specs, request.image) : undefined;
  const trees = cacheKey && ctx.setupCache ? await dependencyTreesKey(ctx, specs, request.image) : undefined;
  // A restore from the set-up cache is file copying on the host: the next station's container can be created meanwhile.
  // With nothing to restore, set-up creates its own container first: the next one would only compete with it on the path
  // (bench/line: about 0.8 s to a first run's set-up container with both created at once), and the install hides it after.
  const has = async (key: string) => (ctx.setupCache?.has ? ctx.setupCache.has(key) : true);
  const restoring = !!(cacheKey && ctx.setupCache) && ((await has(cacheKey!)) || (!!trees && 'key' in trees && (await has(trees.key))));
  if (restoring) ctx.onUnderway?.();
  if (cacheKey && ctx.setupCache && (await ctx.setupCache.restore(cacheKey, ctx.workspace))) {
    await ctx.workspace.markSetupOutputs?.();
    return blank(ctx, 'passed', { commandsOutcome: 'passed', fromCache: true, note: `set-up restored from cache ${cacheKey.slice(0, 12)}` });
  }
  if (trees && 'key' in trees && (await ctx.setupCache!.restore(trees.key, ctx.workspace))) {
    await ctx.workspace.markSetupOutputs?.();
    return blank(ctx, 'passed', { commandsOutcome: 'passed', fromCache: true, note: `set-up: dependencies restored for the same lockfile (cache ${trees.key.slice(0, 12)}); install not run` });
  }

  let env: StationEnvironment;
  try {
    env = await ctx.environments.prepare(request);
  } catch (e) {
    if (isRetryableCause(e)) return blank(ctx, 'error', { retryable: { reason: e.reason, detail: e.message } });
    throw e;
  }
  if (!restoring) ctx.onUnderway?.();
  try {
    if (writesReproduction && station.kind === 'agent') return await writeReproduction(ctx, station, env);
    if (runsAgent && station.kind === 'agent') return await runAgent(ctx, station, env);
    const res = await runCommands(ctx, env, specs, extraEnv);
    if (station.role === 'setup' && res.outcome === 'failed' && !res.wall && !res.retryable) {
      const fallen = await setupFallback(ctx, env, specs, res, extraEnv);
      if (fallen) {
        // A degraded set-up is never cached: the next run tries the full install again.
        await ctx.workspace.markSetupOutputs?.();
        return fallen;
      }
    }
    if (station.role === 'setup' && res.outcome === 'passed') {
      // Before the cache saves them: what set-up wrote must never show up in the change.
      await ctx.workspace.markSetupOutputs?.();
      // A plain install leaves only dependency trees (dependencyReuseKey), kept once, for every
      // commit with the same lockfile; anything else is kept for this base commit.
      if (trees && 'key' in trees) await ctx.setupCache!.save(trees.key, ctx.workspace, { only: 'dependency-trees' });
      else if (cacheKey && ctx.setupCache) await ctx.setupCache.save(cacheKey, ctx.workspace);
    }
    return station.role === 'implement' ? await withDiffAfterStop(ctx, env, res) : res;
  } catch (e) {
    if (isRetryableCause(e)) return blank(ctx, 'error', { retryable: { reason: e.reason, detail: e.message } });
    throw e;
  } finally {
    await env.dispose();
  }
}

/**
 * Set-up that degrades instead of stopping (issue 15): when the failed commands of a set-up
 * station are all installs with a production form (productionInstall), those forms run, in
 * order, in the same environment; when they pass, the station passes with `setupFallback`
 * naming what failed and what ran instead (the evidence then says which validation is
 * unavailable). Undefined when a failed command has no production form or a fallback fails
 * too: the station keeps its failure.
 */
async function setupFallback(ctx: StationContext, env: StationEnvironment, specs: CommandSpec[], res: StationResult, extraEnv: Record<string, string>): Promise<StationResult | undefined> {
  const failed = res.commands.filter((c) => c.exitCode !== 0).map((c) => c.command);
  const fallbacks = failed.map((f) => productionInstall(f));
  if (failed.length === 0 || fallbacks.some((f) => f === undefined)) return undefined;
  const second = await runCommands(ctx, env, fallbacks as CommandSpec[], extraEnv, specs.length + 1);
  const commands = [...res.commands, ...second.commands];
  const machineMs = res.machineMs + second.machineMs;
  if (second.outcome !== 'passed') return { ...res, commands, machineMs, ...(second.wall ? { wall: second.wall, outcome: second.outcome } : {}), ...(second.retryable ? { retryable: second.retryable, outcome: second.outcome } : {}) };
  const text = (c: CommandSpec) => c.argv.join(' ').slice(0, 200);
  return {
    ...res,
    outcome: 'passed',
    commandsOutcome: 'passed',
    commands,
    machineMs,
    setupFallback: { failed: failed.map(text), ran: (fallbacks as CommandSpec[]).map((f) => f.description ?? text(f)) },
    note: `the full install failed (${failed.map(text).join('; ')}); set-up fell back to production dependencies`,
  };
}

/** The implement station's diff once its own environment is released (see withDiff). */
async function withDiffAfterStop(ctx: StationContext, env: StationEnvironment, res: StationResult): Promise<StationResult> {
  await env.dispose();
  return withDiff(ctx, res);
}

/**
 * The implement station's diff, taken only once every environment of the run is gone
 * (EnvironmentProvider.cleanup), its own and any an earlier station left: a process left
 * running in the background (`nohup`, `setsid`, `&`) could otherwise change the workspace
 * after the diff the gate reviews. The next station gets a fresh environment.
 */
async function withDiff(ctx: StationContext, res: StationResult): Promise<StationResult> {
  if (ctx.station.role !== 'implement') return res;
  await ctx.environments.cleanup?.(ctx.runId);
  const d = await ctx.workspace.diff();
  return { ...res, diff: { ...d, check: checkDiff(d.patch, ctx.packet.scope, ctx.riskPaths, d.scriptChanges, ctx.packet.reproduction) } };
}

/**
 * Runs an agent station in its prepared environment: builds the station prompt
 * (core/agent/prompt.ts) from the packet, station, blueprint, plan and revise feedback;
 * continues the station's previous session; marks plan and investigate read-only; opens
 * model access for this attempt under its budget and releases it afterwards, whatever
 * happens. The result records the agent's name, version, prompt hash, claim, usage, tool
 * calls and session. An implement agent that ends on a NO_OP or ESCALATE claim leaves no
 * diff: the workspace is put back to the round's start (`claimEnded`). A budget-exceeded
 * agent ends the station `failed` with `agent.budgetExceeded` naming the figures.
 */
async function runAgent(ctx: StationContext, station: Extract<Station, { kind: 'agent' }>, env: StationEnvironment): Promise<StationResult> {
  const prompt = buildStationPrompt({ packet: ctx.packet, station, blueprint: ctx.blueprint, plan: ctx.plan, feedback: ctx.feedback });
  const readOnly = station.role === 'plan' || station.role === 'investigate';
  const access = ctx.modelAccess ? await ctx.modelAccess.forStation(station.id, ctx.attempt, ctx.budget) : undefined;
  let tools: Awaited<ReturnType<ToolAccessProvider['forStation']>> | undefined;
  try {
    const agent = ctx.agents.agentName?.(station, ctx.packet) ?? station.agent ?? 'agent';
    tools = ctx.toolAccess ? await ctx.toolAccess.forStation({ stationId: station.id, attempt: ctx.attempt, agent, packet: ctx.packet, environment: env }) : undefined;
  } catch (e) {
    await access?.release();
    throw e;
  }
  let r: Awaited<ReturnType<AgentRunner['run']>>;
  let budgetExceeded: string | undefined;
  let proxyUsage: ReturnType<NonNullable<NonNullable<typeof access>['usage']>> | undefined;
  try {
    ({ result: r } = await withLog(
      ctx,
      RUN_LAYOUT.commandLog(station.id, ctx.attempt, 'agent'),
      (onOutput) =>
        ctx.agents.run({
          station,
          role: station.role,
          packet: ctx.packet,
          plan: ctx.plan,
          feedback: ctx.feedback,
          prompt,
          session: ctx.session,
          readOnly,
          modelAccess: access,
          ...(tools ? { toolAccess: tools } : {}),
          environment: env,
          timeoutMs: timeoutMs(ctx),
          signal: ctx.signal,
          onOutput,
        }),
      (res) => res.output,
    ));
    if (r.outcome === 'budget-exceeded') budgetExceeded = access?.budgetExceeded?.() ?? r.endDetail ?? 'the model proxy refused further calls (budget reached)';
    proxyUsage = access?.usage?.();
  } finally {
    await access?.release();
    await tools?.release();
  }
  // Only a wall is read off the agent's end reason; its timeout and other outcomes stay the agent adapter's.
  const end = r.endReason ? commandEnd({ exitCode: r.exitCode, endReason: r.endReason, endDetail: r.endDetail }, `agent ${r.agent}`) : undefined;
  const wall = end?.kind === 'wall' ? { reason: end.wall, detail: `station ${station.id}: ${end.detail}` } : undefined;
  const outcome: StationResult['outcome'] = wall ? 'error' : r.outcome === 'done' ? 'passed' : r.outcome === 'timeout' ? 'timeout' : r.outcome === 'gave-up' || r.outcome === 'budget-exceeded' ? 'failed' : 'error';
  // The proxy's meter first: it saw every call at the boundary and priced it; what the CLI reports is its own account.
  const metered = !!proxyUsage?.length;
  const usage = metered ? proxyUsage : r.usage?.length ? r.usage : undefined;
  const claimEnded = station.role === 'implement' && outcome === 'passed' && (r.claim?.terminal === 'NO_OP' || r.claim?.terminal === 'ESCALATE') ? r.claim.terminal : undefined;
  const res = blank(ctx, outcome, {
    machineMs: r.durationMs,
    text: r.text,
    imageDigest: env.imageDigest,
    agent: {
      name: r.agent,
      outcome: r.outcome,
      cost: metered ? costOfUsage(usage) : (r.cost ?? costOfUsage(usage)),
      outputTail: r.output.slice(-OUTPUT_TAIL_CHARS),
      ...(r.version ? { version: r.version } : {}),
      prompt: { template: prompt.template, sha256: prompt.sha256 },
      ...(r.claim ? { claim: r.claim } : {}),
      ...(r.claimProblem ? { claimProblem: r.claimProblem } : {}),
      ...(usage ? { usage } : {}),
      ...(r.toolCalls?.length ? { toolCalls: summarizeToolCalls(r.toolCalls) } : {}),
      ...(r.sessionId ? { sessionId: r.sessionId } : {}),
      ...(ctx.budget ? { budget: ctx.budget } : {}),
      ...(budgetExceeded ? { budgetExceeded } : {}),
    },
    retryable: r.outcome === 'timeout' && !wall ? { reason: 'timeout', detail: `agent timed out after ${timeoutMs(ctx)} ms` } : undefined,
    wall,
  });
  if (claimEnded) {
    // The claim is evidence, not a change: whatever the agent wrote goes, and a gate shows the claim.
    // Its containers go first, so nothing it left running writes after the restore.
    await env.dispose();
    await ctx.workspace.restore(ctx.startPatch ?? '');
    return { ...res, claimEnded, note: `the agent claimed ${claimEnded}: ${r.claim!.reasoning ?? r.claim!.summary}`.slice(0, 4000) };
  }
  return station.role === 'implement' ? withDiffAfterStop(ctx, env, res) : res;
}

/** Runs the written reproduction in a fresh environment of the station (no agent, no model access), after its agent's environment is gone. */
async function runReproduction(ctx: StationContext, specs: CommandSpec[]): Promise<StationResult> {
  let env: StationEnvironment;
  try {
    env = await ctx.environments.prepare(environmentRequest(ctx, []));
  } catch (e) {
    if (isRetryableCause(e)) return blank(ctx, 'error', { retryable: { reason: e.reason, detail: e.message } });
    throw e;
  }
  try {
    return await runCommands(ctx, env, specs);
  } catch (e) {
    if (isRetryableCause(e)) return blank(ctx, 'error', { retryable: { reason: e.reason, detail: e.message } });
    throw e;
  } finally {
    await env.dispose();
  }
}

/**
 * The reproduce station of a packet with no reproduction (issue 11): its agent writes one
 * under REPRODUCTION_DIR (prompt: REPRODUCTION_INSTRUCTIONS); once every environment of the
 * run is gone, the folder is taken out of the workspace and frozen (freezeReproduction),
 * anything else the agent changed is reverted, and the frozen copy is placed back read-only
 * and run by the line itself on the base commit, judged like any reproduction
 * (judgeReproduction). The result carries the agent's record, the frozen reproduction and
 * the line's own run of it; a folder that cannot be frozen is a refused reproduction (T3r).
 */
async function writeReproduction(ctx: StationContext, station: Extract<Station, { kind: 'agent' }>, env: StationEnvironment): Promise<StationResult> {
  const wrote = await runAgent(ctx, station, env);
  await env.dispose();
  if (wrote.outcome !== 'passed') return wrote;
  await ctx.environments.cleanup?.(ctx.runId);
  const taken = (await ctx.workspace.takeTree?.(REPRODUCTION_DIR, REPRODUCTION_CAPS)) ?? { problem: 'this workspace cannot hand over a written reproduction' };
  const changed = (await ctx.workspace.diff()).files.map((f) => f.path);
  if (changed.length) await ctx.workspace.restore(ctx.startPatch ?? '');
  const reverted = changed.length ? `; reverted its other changes (${changed.slice(0, 10).join(', ')}): a reproduce station changes no code` : '';
  const f = 'problem' in taken ? taken : freezeReproduction(station.id, taken.files);
  if ('problem' in f) {
    const why = `the agent's reproduction: ${f.problem}`;
    return { ...wrote, outcome: 'failed', commandsOutcome: 'failed', reproductionRefused: why.slice(0, 2000), note: `${why}${reverted}`.slice(0, 4000) };
  }
  await ctx.workspace.placeTree?.(REPRODUCTION_DIR, f.frozen.files);
  const ran = await runReproduction({ ...ctx, reproduction: f.frozen }, [reproductionCommand(f.frozen)]);
  return {
    ...ran,
    kind: 'agent',
    agent: wrote.agent,
    text: wrote.text,
    machineMs: wrote.machineMs + ran.machineMs,
    reproduction: f.frozen,
    note: `the agent wrote a reproduction (${f.frozen.files.length} file(s), sha256 ${f.frozen.sha256.slice(0, 12)}): ${f.frozen.statement}${reverted}`.slice(0, 4000),
  };
}

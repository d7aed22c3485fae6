import type { ExecEndReason, JournalRecord, RunEvent } from '../../../../src/contracts';
import { buildRecord, recordTime } from '../../../../src/core/journal';
import { parsePatch } from '../../../../src/core/run/diff-parse';
import type {
  AgentResult,
  AgentRunner,
  AgentTask,
  ArtifactLog,
  ArtifactStore,
  EnvironmentProvider,
  EnvironmentRequest,
  ExecOptions,
  ExecResult,
  Gate,
  GateAnswer,
  Gatekeeper,
  HumanStation,
  OutputPublisher,
  OutputRequest,
  RunJournal,
  RunWorkspace,
  StationEnvironment,
  WorkspaceProvider,
} from '../../../../src/core/run/ports';
import { RetryableCause } from '../../../../src/core/run/errors';
import type { RunPorts } from '../../../../src/core/run/engine';

/**
 * A fake clock that moves: each reading is `stepMs` later than the one before, so gates
 * are decided after they open and durations are positive. The journal and the engine share
 * one in fakePorts, as the composition root shares the system clock.
 */
export class SteppingClock {
  private t: number;
  constructor(
    start = 1_800_000_000_000,
    private readonly stepMs = 1000,
  ) {
    this.t = start - stepMs;
  }
  now = (): number => (this.t += this.stepMs);
}

/** In-memory journal on a clock; `existing` are the records of a previous (killed) process. */
export class MemoryJournal implements RunJournal {
  readonly records: JournalRecord[];
  constructor(
    readonly existing: readonly JournalRecord[] = [],
    private readonly clock: { now(): number } = new SteppingClock(1_800_000_000_000 + existing.length * 1000),
  ) {
    this.records = [...existing];
  }
  async append(event: RunEvent | ((at: string) => RunEvent)): Promise<JournalRecord> {
    const at = recordTime(this.clock.now(), this.records.at(-1));
    const r = buildRecord(this.records.at(-1), structuredClone(typeof event === 'function' ? event(at) : event), at);
    this.records.push(r);
    return r;
  }
  types(): string[] {
    return this.records.map((r) => r.event.type);
  }
}

export class MemoryArtifacts implements ArtifactStore {
  readonly files = new Map<string, string>();
  async write(p: string, c: string) {
    this.files.set(p, c);
    return p;
  }
  async read(p: string) {
    return this.files.get(p);
  }
  resolve(p: string) {
    return `/runs/x/${p}`;
  }
  /** Appends straight into `files` (visible while the command runs); keeps at most `cap` characters and says so. */
  openLog(p: string, cap: number): ArtifactLog {
    this.files.set(p, '');
    let bytes = 0;
    let truncated = false;
    return {
      append: (text: string) => {
        bytes += text.length;
        const have = this.files.get(p)!;
        if (truncated) return;
        if (have.length + text.length <= cap) return void this.files.set(p, have + text);
        truncated = true;
        this.files.set(p, `${have}${text.slice(0, cap - have.length)}\n[log cut at ${cap}]\n`);
      },
      close: async () => ({ relPath: p, bytes, truncated }),
    };
  }
}

export const FIX_PATCH = 'diff --git a/index.js b/index.js\nindex 1..2 100644\n--- a/index.js\n+++ b/index.js\n@@ -1 +1 @@\n-broken\n+fixed\n';

export class FakeWorkspace implements RunWorkspace {
  patch = '';
  restores: string[] = [];
  /** Folders of files (takeTree / placeTree), by workspace-relative path. */
  trees = new Map<string, Array<{ path: string; text: string }>>();
  /** How many times a tree was placed, by path. */
  placed = new Map<string, number>();
  async takeTree(rel: string) {
    const files = this.trees.get(rel) ?? [];
    this.trees.delete(rel);
    return { files };
  }
  async placeTree(rel: string, files: ReadonlyArray<{ path: string; text: string }>) {
    this.trees.set(rel, [...files]);
    this.placed.set(rel, (this.placed.get(rel) ?? 0) + 1);
  }
  constructor(
    readonly dir = '/ws/run',
    readonly baseCommit = 'a'.repeat(40),
  ) {}
  async diff() {
    return { patch: this.patch, files: parsePatch(this.patch).map(({ path, status }) => ({ path, status })) };
  }
  async restore(patch: string) {
    this.restores.push(patch);
    this.patch = patch;
  }
}

export class FakeWorkspaces implements WorkspaceProvider {
  constructor(readonly ws = new FakeWorkspace()) {}
  created = 0;
  async resolveBase() {
    return this.ws.baseCommit;
  }
  async create() {
    this.created++;
    return this.ws;
  }
  async attach() {
    return this.ws;
  }
}

/**
 * Commands: `repro` fails until the workspace holds the fix; `test` passes unless, with a
 * change in the workspace, `failTests` > 0 (counts down), or, on the clean base workspace
 * (the validation baseline), `failTestsOnBase` > 0 (counts down); `broken` always exits 1
 * (a command already red on the base commit); `fail` always exits 1; `lint` exits
 * `lintExit` (default 0).
 */
export class FakeEnvironments implements EnvironmentProvider {
  requests: EnvironmentRequest[] = [];
  execs: string[] = [];
  failPrepare = 0;
  failTests = 0;
  failTestsOnBase = 0;
  lintExit = 0;
  reproAlwaysPasses = false;
  cleanups = 0;
  /** The timeoutMs each exec was given, in order. */
  timeouts: (number | undefined)[] = [];
  /** How a command ends, by its program name (argv[0]), when not by its exit code: e.g. `{ test: { exitCode: 137, endReason: 'oom-killed' } }`. */
  ends: Record<string, { exitCode: number | null; endReason: ExecEndReason; endDetail?: string; output?: string }> = {};
  /** Apply `ends` only once the workspace holds a change (the validation baseline on the base commit runs normally). */
  endsAfterChangeOnly = false;
  constructor(private readonly ws: FakeWorkspace) {}
  async prepare(request: EnvironmentRequest): Promise<StationEnvironment> {
    this.requests.push(request);
    if (this.failPrepare > 0) {
      this.failPrepare--;
      throw new RetryableCause('engine-unavailable', 'docker: connection refused');
    }
    return {
      imageDigest: 'sha256:' + 'd'.repeat(64),
      exec: async (argv: readonly string[], o?: ExecOptions): Promise<ExecResult> => {
        this.execs.push(argv.join(' '));
        const end = this.ends[argv[0]!];
        if (end && (!this.endsAfterChangeOnly || this.ws.patch)) {
          const output = end.output ?? `${argv.join(' ')} -> ${end.endReason}\n`;
          o?.onOutput?.(output);
          return { exitCode: end.exitCode, endReason: end.endReason, endDetail: end.endDetail, durationMs: 10, output, truncated: false };
        }
        this.timeouts.push(o?.timeoutMs);
        if (argv[0] === 'hang' && !this.ws.patch.includes('+fixed')) {
          // A trigger that never returns on the unfixed code: the line stops it at its limit.
          return { exitCode: null, endReason: 'timeout', durationMs: o?.timeoutMs ?? 10, output: 'still running\n', truncated: false };
        }
        let exitCode = 0;
        if (argv[0] === 'repro') exitCode = this.reproAlwaysPasses || this.ws.patch.includes('+fixed') ? 0 : 1;
        if (argv[0] === 'test' && this.ws.patch && this.failTests > 0) {
          this.failTests--;
          exitCode = 1;
        }
        if (argv[0] === 'test' && !this.ws.patch && this.failTestsOnBase > 0) {
          this.failTestsOnBase--;
          exitCode = 1;
        }
        if (argv[0] === 'fail' || argv[0] === 'broken') exitCode = 1;
        if (argv[0] === 'lint') exitCode = this.lintExit;
        const output = `${argv.join(' ')} -> ${exitCode}\n`;
        o?.onOutput?.(output);
        return { exitCode, endReason: 'exited', durationMs: 10, output, truncated: false };
      },
      dispose: async () => {},
    };
  }
  async cleanup() {
    this.cleanups++;
  }
}

/** The reproduction the fake reproduce agent writes by default: `repro` fails (exit 1) until the workspace holds the fix. */
export const WRITTEN_REPRODUCTION = [
  { path: 'reproduction.json', text: JSON.stringify({ statement: 'index.js still returns broken for the input in the issue', argv: ['repro', '.shopfloor/reproduction/repro.js'], expectFailure: { exitCode: 1 } }) },
  { path: 'repro.js', text: "process.exit(require('../../index.js') === 'fixed' ? 0 : 1);\n" },
];

/** Agent double: plan returns text; reproduce writes `reproductions`; implement writes `patch` into the workspace (or gives up). */
export class FakeAgents implements AgentRunner {
  calls: AgentTask[] = [];
  patch = FIX_PATCH;
  /** Patch per implement call (1-based: [0] for the first); falls back to `patch`. */
  patches: (string | undefined)[] = [];
  giveUp = false;
  /** Gives up on this implement call number only (0: never). */
  giveUpOnCall = 0;
  /** Throws on this implement call number (simulates a kill mid-station). */
  crashOnImplement = 0;
  /**
   * Changes an answer: called with the task, the result the double would give and the
   * call's number among calls of the same role (1-based); returns fields to override.
   */
  respond?: (task: AgentTask, result: AgentResult, n: number) => Partial<AgentResult> | undefined;
  /**
   * What a reproduce agent writes under .shopfloor/reproduction/ (per call, 1-based: [0] for
   * the first; the last entry repeats). Default: a manifest running `repro` (fails until the fix) and a script.
   */
  reproductions: Array<Array<{ path: string; text: string }>> = [WRITTEN_REPRODUCTION];
  constructor(private readonly ws: FakeWorkspace) {}
  async run(task: AgentTask): Promise<AgentResult> {
    const r = await this.answer(task);
    const n = this.calls.filter((c) => c.role === task.role).length;
    return { ...r, ...this.respond?.(task, r, n) };
  }
  private async answer(task: AgentTask): Promise<AgentResult> {
    this.calls.push(task);
    const base = { exitCode: 0, durationMs: 100, output: 'agent output', truncated: false, agent: 'fake-agent', cost: { inputTokens: 100, outputTokens: 20, usd: 0.01 } };
    if (task.role === 'plan') return { ...base, outcome: 'done', text: 'Plan: change index.js' };
    if (task.role === 'investigate') return { ...base, outcome: 'done', text: 'Note: the parser is fine.' };
    if (task.role === 'reproduce') {
      const n = this.calls.filter((c) => c.role === 'reproduce').length;
      this.ws.trees.set('.shopfloor/reproduction', this.reproductions[Math.min(n, this.reproductions.length) - 1] ?? []);
      return { ...base, outcome: 'done', text: 'Wrote .shopfloor/reproduction/repro.js' };
    }
    if (this.crashOnImplement && this.calls.filter((c) => c.role === 'implement').length === this.crashOnImplement) throw new Error('KILLED');
    const n = this.calls.filter((c) => c.role === 'implement').length;
    if (this.giveUp || this.giveUpOnCall === n) return { ...base, output: `attempt ${n}: cannot make the tests pass without touching the parser`, outcome: 'gave-up' };
    this.ws.patch = this.patches[n - 1] ?? this.patch;
    return { ...base, outcome: 'done' };
  }
}

type Script = (gate: Gate) => GateAnswer | undefined;

/** A human at every gate: approves unless `script` answers; `asked` records every gate shown. */
export class ScriptedGatekeeper implements Gatekeeper {
  asked: Gate[] = [];
  constructor(private readonly script: Script = () => undefined) {}
  async decide(gate: Gate): Promise<GateAnswer> {
    this.asked.push(gate);
    return this.script(gate) ?? { decision: 'approve', by: { kind: 'human', name: 'alice' } };
  }
}

export class FakeOutput implements OutputPublisher {
  published: OutputRequest[] = [];
  async publish(r: OutputRequest) {
    this.published.push(r);
    return { branch: `shopfloor/${r.runId}`, commit: 'c'.repeat(40) };
  }
}

export const humansDone: HumanStation = { perform: async () => ({ done: true, by: 'alice' }) };

/** A full set of fake ports around one workspace. */
export function fakePorts(over: Partial<RunPorts> & { journal?: MemoryJournal } = {}) {
  const ws = new FakeWorkspace();
  const environments = new FakeEnvironments(ws);
  const agents = new FakeAgents(ws);
  const gatekeeper = new ScriptedGatekeeper();
  const output = new FakeOutput();
  const artifacts = new MemoryArtifacts();
  const sleeps: number[] = [];
  const clock = new SteppingClock();
  const ports = {
    journal: new MemoryJournal([], clock),
    artifacts,
    workspaces: new FakeWorkspaces(ws),
    environments,
    gatekeeper,
    agents,
    humans: humansDone,
    output,
    clock,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    ...over,
  };
  return { ports, ws, environments, agents, gatekeeper, output, artifacts, sleeps };
}

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerEnvironmentProvider } from '../../../../src/adapters/docker/container-environment';
import { OUTPUT_TAIL_CHARS } from '../../../../src/contracts';
import {
  ConfigRefusedError,
  EngineUnavailableError,
  type ContainerExecOptions,
  type ContainerExecResult,
  type ContainerRuntime,
  type EnvironmentSpec,
  type PrepareOptions,
  type StationContainer,
} from '../../../../src/core/container';
import { isRetryableCause } from '../../../../src/core/run/errors';
import type { EnvironmentRequest } from '../../../../src/core/run/ports';

type Script = (argv: string[], o: ContainerExecOptions) => Promise<Partial<ContainerExecResult>>;

/** A StationContainer whose exec runs `script`: it writes to the sinks and returns the end. */
class FakeStation implements StationContainer {
  readonly id = 'c'.repeat(64);
  readonly imageDigest = 'sha256:' + 'e'.repeat(64);
  readonly configHash = 'h';
  readonly user = 'node';
  readonly workspaceFolder = '/workspaces/repo';
  readonly reused = false;
  syncs = 0;
  constructor(private readonly script: Script) {}
  async exec(argv: string[], o: ContainerExecOptions = {}): Promise<ContainerExecResult> {
    const r = await this.script(argv, o);
    return { exitCode: 0, endReason: 'exited', stdoutBytes: 0, stderrBytes: 0, truncated: false, durationMs: 5, ...r };
  }
  async syncOut() {
    this.syncs++;
  }
  async stop() {}
  async remove() {}
}

class FakeRuntime implements ContainerRuntime {
  specs: EnvironmentSpec[] = [];
  prepares: PrepareOptions[] = [];
  fail?: Error;
  removed: string[] = [];
  constructor(readonly station: FakeStation) {}
  async ping() {
    return { endpoint: 'fake', serverVersion: '1', apiVersion: '1', os: 'linux', arch: 'x64', remote: false };
  }
  async prepare(spec: EnvironmentSpec, opts: PrepareOptions) {
    if (this.fail) throw this.fail;
    this.specs.push(spec);
    this.prepares.push(opts);
    return this.station;
  }
  async cleanupOrphans() {
    return [];
  }
  async removeRun(runId: string) {
    this.removed.push(runId);
    return ['x'];
  }
  async dispose() {}
}

describe('adapters/docker: ContainerEnvironmentProvider against a fake StationContainer', () => {
  let ws: string;
  beforeEach(() => (ws = fs.mkdtempSync(join(tmpdir(), 'sf-cenv-'))));
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const request = (over: Partial<EnvironmentRequest> = {}): EnvironmentRequest => ({ runId: 'r1', stationId: 'validate', workspaceDir: ws, network: { mode: 'none' }, env: {}, mounts: [], ...over });
  const provider = (rt: ContainerRuntime) => new ContainerEnvironmentProvider({ runtime: rt, sessionId: 's', defaultImage: 'shopfloor/node:bookworm', repoName: 'repo', scratchDir: () => join(ws, '..', 'scratch') });

  it('passes a station wall through unchanged: an OOM kill keeps exit code 137 and endReason oom-killed', async () => {
    const st = new FakeStation(async (_argv, o) => {
      await o.onStdout?.(Buffer.from('allocating\n'));
      return { exitCode: 137, endReason: 'oom-killed', endDetail: 'the kernel killed the process: the station hit its memory limit' };
    });
    const env = await provider(new FakeRuntime(st)).prepare(request());
    const chunks: string[] = [];
    const r = await env.exec(['node', 'alloc.js'], { onOutput: (c) => chunks.push(c) });
    assert.deepEqual(r, { exitCode: 137, endReason: 'oom-killed', endDetail: 'the kernel killed the process: the station hit its memory limit', durationMs: 5, output: 'allocating\n', truncated: false });
    assert.deepEqual(chunks, ['allocating\n']);
    assert.equal(st.syncs, 1, 'the workspace is synced back after every command');
    assert.equal(env.imageDigest, st.imageDigest);
  });

  it('a timeout or cancellation has no exit code; pids and disk walls keep theirs', async () => {
    for (const [endReason, exitCode, want] of [
      ['timeout', 137, null],
      ['cancelled', 137, null],
      ['pids-limit', 137, 137],
      ['disk-limit', 1, 1],
    ] as const) {
      const env = await provider(new FakeRuntime(new FakeStation(async () => ({ exitCode, endReason })))).prepare(request());
      const r = await env.exec(['x']);
      assert.deepEqual([r.exitCode, r.endReason], [want, endReason]);
    }
  });

  it('keeps only the last OUTPUT_TAIL_CHARS characters, delivers every chunk, and never splits a character', async () => {
    const euro = Buffer.from('€');
    const st = new FakeStation(async (_argv, o) => {
      for (let i = 0; i < 100; i++) await o.onStdout?.(Buffer.from('x'.repeat(1000)));
      await o.onStderr?.(euro.subarray(0, 1));
      await o.onStdout?.(Buffer.from('y'));
      await o.onStderr?.(euro.subarray(1));
      return { truncated: true };
    });
    const env = await provider(new FakeRuntime(st)).prepare(request());
    let delivered = '';
    const r = await env.exec(['x'], { onOutput: (c) => (delivered += c) });
    assert.equal(delivered.length, 100_002);
    assert.ok(delivered.endsWith('y€'), 'stdout and stderr are decoded separately');
    assert.equal(r.output.length, OUTPUT_TAIL_CHARS);
    assert.ok(r.output.endsWith('y€'));
    assert.equal(r.truncated, true, 'the container cut a stream: said so');
  });

  it('maps the station network and env into the spec, and binds .git read-only when present', async () => {
    fs.mkdirSync(join(ws, '.git'));
    const rt = new FakeRuntime(new FakeStation(async () => ({})));
    await provider(rt).prepare(request({ network: { mode: 'egress', allow: ['registry.npmjs.org'] }, env: { CI: '1' } }));
    const spec = rt.specs[0]!;
    assert.deepEqual(spec.network, { egressAllow: ['registry.npmjs.org'] });
    assert.equal(spec.containerEnv.CI, '1');
    assert.ok(spec.mounts.some((m) => m.type === 'bind' && m.workspacePath === '.git' && m.readOnly));
    assert.deepEqual([rt.prepares[0]!.runId, rt.prepares[0]!.workspaceDir], ['r1', ws]);
  });

  it('runtime failures reach the engine as RetryableCause; a refused configuration does not', async () => {
    const rt = new FakeRuntime(new FakeStation(async () => ({})));
    rt.fail = new EngineUnavailableError([{ source: 'default socket', endpoint: 'unix:///x', error: 'refused' }]);
    const e = await provider(rt).prepare(request()).catch((x: unknown) => x);
    assert.ok(isRetryableCause(e) && e.reason === 'engine-unavailable');
    rt.fail = new ConfigRefusedError('.devcontainer/devcontainer.json', [{ property: 'privileged', message: 'no' }]);
    const c = await provider(rt).prepare(request()).catch((x: unknown) => x);
    assert.ok(c instanceof ConfigRefusedError && !isRetryableCause(c));
  });

  it('cleanup removes the run’s containers', async () => {
    const rt = new FakeRuntime(new FakeStation(async () => ({})));
    await provider(rt).cleanup('r1');
    assert.deepEqual(rt.removed, ['r1']);
  });
});

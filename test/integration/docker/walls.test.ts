import { strict as assert } from 'node:assert';
import Docker from 'dockerode';
import { defaultEnvironment, type ResourceLimits } from '../../../src/core/container';
import { IMAGE, collect, requireEngine, testRuntime, workspace } from './support';

const MiB = 1024 * 1024;

describe('docker: exec and resource walls', () => {
  const { rt, cleanup } = testRuntime('walls');
  before(() => requireEngine(rt));
  after(cleanup);

  const station = (runId: string, limits: Partial<ResourceLimits> = {}) =>
    rt.prepare(defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo', limits }), { runId, sessionId: 'sess', workspaceDir: workspace() });

  /** The engine still answers and can start a new station: the host stayed usable. */
  async function hostStillWorks() {
    await new Docker().ping();
    const s = await station(`after-${Date.now()}`);
    assert.equal((await s.exec(['true'])).exitCode, 0);
    await s.remove();
  }

  it('runs an argv with env, cwd and user; separates stdout and stderr; reports exit codes', async () => {
    const s = await station('exec-1');
    const out = collect();
    const err = collect();
    const r = await s.exec(['sh', '-c', 'echo "$A $(pwd) $(id -un)"; echo oops >&2; exit 7', 'ignored-$0'], { env: { A: 'a b;c' }, cwd: 'sub/..', onStdout: out.sink, onStderr: err.sink });
    assert.equal(r.exitCode, 7);
    assert.equal(out.text(), 'a b;c /workspaces/repo node\n');
    assert.equal(err.text(), 'oops\n');
    const root = collect();
    await s.exec(['id', '-u'], { user: 'root', onStdout: root.sink });
    assert.equal(root.text(), '0\n');
    const lit = collect();
    await s.exec(['echo', '$(touch /tmp/x)', '`id`', '; rm -rf /'], { onStdout: lit.sink });
    assert.equal(lit.text(), '$(touch /tmp/x) `id` ; rm -rf /\n', 'arguments are never re-parsed by a shell');
    const missing = await s.exec(['/no/such/program']);
    assert.notEqual(missing.exitCode, 0);
    await s.remove();
  });

  it('a timeout and a cancellation kill the process inside the container', async () => {
    const s = await station('exec-2');
    const t = await s.exec(['sh', '-c', 'sleep 300 & sleep 301; wait'], { timeoutMs: 500 });
    assert.equal(t.endReason, 'timeout');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const c = await s.exec(['sleep', '302'], { signal: ac.signal });
    assert.equal(c.endReason, 'cancelled');
    const ps = collect();
    await s.exec(['sh', '-c', 'for p in /proc/[0-9]*; do cat $p/cmdline 2>/dev/null | tr "\\0" " "; echo; done'], { onStdout: ps.sink });
    assert.doesNotMatch(ps.text(), /sleep 30[012]/, 'no process of the killed commands is left');
    await s.remove();
  });

  it('caps output with a marker, keeps every byte before the cap, and counts the rest', async () => {
    const s = await station('exec-3');
    const out = collect();
    // 64 MiB of numbered lines; keep 1 MiB.
    const r = await s.exec(['sh', '-c', 'seq 1 10000000 | head -c 67108864'], { maxOutputBytes: MiB, onStdout: out.sink });
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdoutBytes, 64 * MiB);
    assert.equal(r.truncated, true);
    const text = out.text();
    const [kept, marker] = [text.slice(0, MiB), text.slice(MiB)];
    const lines = kept.split('\n');
    lines.pop();
    lines.forEach((l, i) => assert.equal(l, String(i + 1)));
    assert.match(marker, /^\n\[shopfloor: stdout truncated after 1048576 bytes/);
    await s.remove();
  });

  it('a slow consumer slows the command instead of filling memory (backpressure)', async () => {
    const s = await station('exec-4');
    let got = 0;
    const before = process.memoryUsage().rss;
    const r = await s.exec(['head', '-c', String(256 * MiB), '/dev/zero'], {
      maxOutputBytes: 1024 * MiB,
      onStdout: async (b) => {
        got += b.length;
        if (got % (8 * MiB) < b.length) await new Promise((res) => setTimeout(res, 20));
      },
    });
    assert.equal(r.exitCode, 0);
    assert.equal(got, 256 * MiB, 'no byte lost');
    assert.ok(process.memoryUsage().rss - before < 200 * MiB, 'output did not pile up in memory');
    await s.remove();
  });

  it('a fork bomb ends the station with reason pids-limit', async () => {
    const s = await station('bomb', { pids: 64 });
    const r = await s.exec(['bash', '-c', 'f(){ f | f & }; f; wait'], { timeoutMs: 120_000 });
    assert.equal(r.endReason, 'pids-limit', JSON.stringify(r));
    assert.match(r.endDetail ?? '', /process limit \(64 processes\)/);
    await assert.rejects(s.exec(['true']), /has ended: the station hit its process limit/);
    await s.remove();
    await hostStillWorks();
  });

  it('a memory hog is OOM-killed and the reason says so', async () => {
    const s = await station('hog', { memoryBytes: 128 * MiB });
    const r = await s.exec(['node', '-e', 'const a = []; for (;;) a.push(Buffer.alloc(8 << 20, 1));'], { timeoutMs: 120_000 });
    assert.equal(r.exitCode, 137);
    assert.equal(r.endReason, 'oom-killed', JSON.stringify(r));
    assert.match(r.endDetail ?? '', /memory limit/);
    await s.remove();
    await hostStillWorks();
  });

  it('a disk fill ends the station with reason disk-limit; /tmp is a size-capped tmpfs', async () => {
    const s = await station('fill', { diskBytes: 64 * MiB, tmpBytes: 16 * MiB });
    const tmp = collect();
    const t = await s.exec(['sh', '-c', 'dd if=/dev/zero of=/tmp/fill bs=1M count=64'], { onStderr: tmp.sink });
    assert.notEqual(t.exitCode, 0);
    assert.match(tmp.text(), /No space left on device/);
    // The root filesystem is read-only and HOME is a tmpfs like /tmp: the workspace is where a station fills the disk.
    const home = collect();
    await s.exec(['sh', '-c', 'dd if=/dev/zero of=$HOME/fill bs=1M count=64'], { onStderr: home.sink });
    assert.match(home.text(), /No space left on device/, 'HOME is size-capped too');
    const r = await s.exec(['sh', '-c', 'while :; do dd if=/dev/zero of=fill.$(date +%s%N) bs=1M count=32 status=none; done'], { timeoutMs: 120_000 });
    assert.equal(r.endReason, 'disk-limit', JSON.stringify(r));
    await s.remove();
    await hostStillWorks();
  });

  it('exit codes are reliable over 200 runs', async () => {
    const s = await station('codes');
    for (let i = 0; i < 200; i++) {
      const r = await s.exec(['sh', '-c', `exit ${i % 256}`]);
      assert.equal(r.exitCode, i % 256);
    }
    await s.remove();
  });
});

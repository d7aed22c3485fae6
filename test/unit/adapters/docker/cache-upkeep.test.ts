import { strict as assert } from 'node:assert';
import { repairOnCorruption, verifyPackageCaches } from '../../../../src/adapters/docker/cache-upkeep';
import { CACHE_VERIFIED_STAMP, defaultEnvironment, type ContainerExecResult, type StationContainer } from '../../../../src/core/container';

/** A station whose filesystem is a set of file paths; `npm cache verify` succeeds or fails as told. */
function fakeStation(o: { verifyExit?: number; verifyOutput?: string; tools?: string[] } = {}) {
  const files = new Set<string>();
  const ran: string[] = [];
  const ok = (exitCode: number): ContainerExecResult => ({ exitCode, endReason: 'exited', stdoutBytes: 0, stderrBytes: 0, truncated: false, durationMs: 1 });
  const exec = async (argv: string[], opts?: { onStdout?: (b: Buffer) => void }) => {
    ran.push(argv.join(' '));
    if (argv[0] === 'test') return ok(files.has(argv[2]!) ? 0 : 1);
    if (argv[0] === 'rm') return files.delete(argv[2]!), ok(0);
    if (argv[0] === 'sh' && argv[2]?.startsWith('command -v')) return ok((o.tools ?? ['npm', 'go']).includes(argv[4]!) ? 0 : 1);
    if (argv[0] === 'sh' && argv[2]?.includes('find "$1" -mindepth 1 -delete')) return files.add(`cleared ${argv[4]}`), ok(0);
    if (argv[0] === 'sh') return files.add(/> '([^']+)'/.exec(argv[2]!)![1]!), ok(0);
    if (argv.join(' ') === 'npm cache verify' || argv.join(' ') === 'go mod verify') {
      if (o.verifyOutput) opts?.onStdout?.(Buffer.from(o.verifyOutput));
      return ok(o.verifyExit ?? 0);
    }
    return ok(0);
  };
  return { files, ran, station: { exec } as unknown as StationContainer };
}

const base = defaultEnvironment({ image: 'img', workspaceBasename: 'repo' });
const setup = { ...base, mounts: [...base.mounts, { type: 'package-cache' as const, ecosystem: 'npm' as const, readOnly: false }] };
const stamp = `/var/cache/shopfloor/npm/${CACHE_VERIFIED_STAMP}`;
const verifies = (ran: string[]) => ran.filter((c) => c === 'npm cache verify').length;

describe('package cache upkeep: a full check only when no earlier check vouches for the cache', () => {
  it('checks a cache with no stamp, stamps it, and skips the check next time', async () => {
    const s = fakeStation();
    const log: string[] = [];
    await verifyPackageCaches(s.station, setup, (l) => log.push(l));
    assert.equal(verifies(s.ran), 1);
    assert.ok(s.files.has(stamp));
    await verifyPackageCaches(s.station, setup, (l) => log.push(l));
    assert.equal(verifies(s.ran), 1, 'the stamp spares the second check');
    assert.ok(log.some((l) => /verified by an earlier set-up/.test(l)));
  });

  it('does not stamp a cache whose check failed', async () => {
    const s = fakeStation({ verifyExit: 1 });
    await verifyPackageCaches(s.station, setup, () => undefined);
    assert.ok(!s.files.has(stamp));
  });

  it('leaves read-only caches alone (only set-up writes them)', async () => {
    const s = fakeStation();
    const other = { ...base, mounts: [...base.mounts, { type: 'package-cache' as const, ecosystem: 'npm' as const, readOnly: true }] };
    await verifyPackageCaches(s.station, other, () => undefined);
    assert.deepEqual(s.ran, []);
  });

  it('after a failed command: the stamp goes; on EINTEGRITY the cache is checked now and the command should run again', async () => {
    const s = fakeStation();
    s.files.add(stamp);
    assert.equal(await repairOnCorruption(s.station, setup, 'npm ERR! code E404', () => undefined), false);
    assert.ok(!s.files.has(stamp), 'any failure sends the next set-up to a full check');
    assert.equal(verifies(s.ran), 0);
    const log: string[] = [];
    assert.equal(await repairOnCorruption(s.station, setup, 'npm ERR! code EINTEGRITY\nnpm ERR! sha512-... integrity checksum failed', (l) => log.push(l)), true);
    assert.equal(verifies(s.ran), 1, 'checked in full although a stamp was just written? no: forced');
    assert.ok(log.some((l) => /refused a corrupt cache entry/.test(l)));
  });

  it('skips the check when the image lacks the package manager, rather than failing the set-up', async () => {
    const s = fakeStation({ tools: [] });
    const log: string[] = [];
    await verifyPackageCaches(s.station, setup, (l) => log.push(l));
    assert.equal(verifies(s.ran), 0);
    assert.ok(!s.files.has(stamp));
    assert.ok(log.some((l) => /npm is not in the image/.test(l)), log.join('\n'));
  });

  it('clears a cache whose check only reports corruption (go mod verify), and leaves one whose check merely failed', async () => {
    const go = { ...base, mounts: [...base.mounts, { type: 'package-cache' as const, ecosystem: 'go' as const, readOnly: false }] };
    const bad = fakeStation({ verifyExit: 1, verifyOutput: 'github.com/x/y v1.0.0: dir has been modified (/var/cache/shopfloor/go/github.com/x/y@v1.0.0)' });
    await verifyPackageCaches(bad.station, go, () => undefined);
    assert.ok(bad.files.has('cleared /var/cache/shopfloor/go'));
    const offline = fakeStation({ verifyExit: 1, verifyOutput: 'go: github.com/x/y@v1.0.0: module lookup disabled by GOPROXY=off' });
    await verifyPackageCaches(offline.station, go, () => undefined);
    assert.ok(!offline.files.has('cleared /var/cache/shopfloor/go'), 'a missing module is not corruption');
  });

  it('clears a cache with no check of its own when the package manager refused one of its entries, and asks for the command again', async () => {
    const cargo = { ...base, mounts: [...base.mounts, { type: 'package-cache' as const, ecosystem: 'cargo' as const, readOnly: false }] };
    const s = fakeStation();
    assert.equal(await repairOnCorruption(s.station, cargo, 'error: failed to verify the checksum of `serde v1.0.0`', () => undefined), true);
    assert.ok(s.files.has('cleared /var/cache/shopfloor/cargo/registry'));
    const t = fakeStation();
    assert.equal(await repairOnCorruption(t.station, cargo, 'error[E0425]: cannot find value', () => undefined), false);
    assert.ok(!t.files.has('cleared /var/cache/shopfloor/cargo/registry'));
  });
});

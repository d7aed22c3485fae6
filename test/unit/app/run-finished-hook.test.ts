import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aPacket } from '../../support/builders';
import { fakePorts, MemoryJournal } from '../core/run/fakes';
import { approvePacket } from '../../../src/core/packet/approval';
import type { ComposeFn } from '../../../src/app/compose';
import { startRun } from '../../../src/app/run-session';
import { PolicyGatekeeper } from '../../../src/core/run/gate-policy';

function repoWithPacket(): { repo: string; packetFile: string } {
  const repo = mkdtempSync(join(tmpdir(), 'shopfloor-hook-'));
  writeFileSync(join(repo, 'index.js'), 'broken\n');
  for (const args of [['init', '-q'], ['config', 'user.name', 'T'], ['config', 'user.email', 't@example.com'], ['add', '-A'], ['commit', '-qm', 'init']]) execFileSync('git', args, { cwd: repo });
  mkdirSync(join(repo, '.shopfloor', 'packets'), { recursive: true });
  const packet = approvePacket(aPacket().with('reproduction', [{ argv: ['repro'] }]).with('validation', [{ argv: ['test'] }]).build(), 'T <t@example.com>', '2026-12-01T00:00:00.000Z');
  const packetFile = join(repo, '.shopfloor', 'packets', 'p.json');
  writeFileSync(packetFile, JSON.stringify(packet));
  return { repo, packetFile };
}

const compose: ComposeFn = async (o) => {
  const f = fakePorts({ journal: new MemoryJournal([]), gatekeeper: o.gatekeeper, humans: o.humans });
  return { inputs: { runId: o.folder.runId, repo: o.folder.repo, packet: o.setup.packet, blueprint: o.setup.blueprint, profile: o.setup.profile }, ports: f.ports, close: async () => undefined };
};

describe('app/run-session: the after-run hook (registry outcome sync)', () => {
  it('is called once with the outcome, and a hook that throws never fails the run', async () => {
    const { repo, packetFile } = repoWithPacket();
    const ui = { gatekeeper: new PolicyGatekeeper(), humans: { run: async () => ({ done: true }) } as never, logger: { trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} } };
    const warnings: string[] = [];
    const seen: string[] = [];
    const s1 = await startRun({ repo, packetFile, options: { unattended: true, environment: 'docker', profile: false, agent: 'command' } });
    const o1 = await s1.execute(ui, { compose, onFinished: async (r) => void seen.push(`${r.outcome.runId}:${r.outcome.terminal.state}:${r.folder.runId}`) });
    assert.deepEqual(seen, [`${o1.runId}:${o1.terminal.state}:${s1.runId}`]);
    const s2 = await startRun({ repo, packetFile, options: { unattended: true, environment: 'docker', profile: false, agent: 'command' }, now: Date.now() + 5000 });
    const o2 = await s2.execute(ui, { compose, onFinished: async () => { throw new Error('registry down'); } });
    assert.ok(o2.terminal.state);
    assert.deepEqual(warnings, ['after the run: registry down']);
  });
});

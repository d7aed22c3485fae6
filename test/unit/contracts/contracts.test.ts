import { strict as assert } from 'node:assert';
import {
  BlueprintSchema,
  JournalRecordSchema,
  TaskPacketSchema,
  TERMINAL_STATES,
  TerminalStateSchema,
  notification,
  parseMessage,
  PROTOCOL_VERSION,
} from '../../../src/contracts';
import { parseOrThrow, ValidationError } from '../../../src/core/validate';
import { parseDocument } from '../../../src/core/documents/load';
import { aBlueprint, aPacket } from '../../support/builders';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, `expected ValidationError, got ${String(e)}`);
    return e.problems.map((p) => p.path);
  }
  assert.fail('expected a ValidationError');
}

describe('contracts', () => {
  describe('TaskPacket', () => {
    it('accepts a complete packet', () => {
      assert.equal(TaskPacketSchema.parse(aPacket().build()).intent.length > 0, true);
    });

    it('names the path of a bad nested field', () => {
      const bad = aPacket().build() as unknown as { reproduction: Array<{ argv: unknown[] }> };
      bad.reproduction[0]!.argv = [];
      assert.deepEqual(problemsOf(() => parseOrThrow(TaskPacketSchema, bad, 'packet')), ['reproduction[0].argv']);
    });

    it('rejects an unknown risk class and output format with their paths', () => {
      const bad = { ...aPacket().build(), risk: 'yolo', outputFormat: 'email' };
      assert.deepEqual(problemsOf(() => parseOrThrow(TaskPacketSchema, bad, 'packet')).sort(), ['outputFormat', 'risk']);
    });

    it('reports YAML syntax errors and schema errors from files', () => {
      assert.throws(() => parseDocument('packet', 'p.yaml', 'intent: [unclosed'), /cannot be parsed/);
      assert.throws(() => parseDocument('packet', 'p.json', '{"intent": ""}'), (e: unknown) => e instanceof ValidationError && e.problems.some((p) => p.path === 'intent'));
    });
  });

  describe('Blueprint', () => {
    it('accepts a blueprint and fills defaults', () => {
      const b = BlueprintSchema.parse({ ...aBlueprint().build(), maxRevisions: undefined });
      assert.equal(b.maxRevisions, 2);
    });

    it('rejects a bad semver, a bad lineage ref and a station kind it does not know', () => {
      const b = aBlueprint().build() as unknown as Record<string, unknown> & { stations: Array<Record<string, unknown>> };
      b.version = '1.0';
      b.forkOf = 'bugfix';
      b.stations[1]!.kind = 'robot';
      assert.deepEqual(problemsOf(() => parseOrThrow(BlueprintSchema, b, 'bp')).sort(), ['forkOf', 'stations[1].kind', 'version']);
    });

    it('rejects duplicate station ids and command stations with nothing to run', () => {
      const b = aBlueprint().build();
      b.stations = [
        { id: 'a', role: 'reproduce', kind: 'command', gate: { when: 'none', allowSkip: false }, retries: 0 },
        { id: 'a', role: 'validate', kind: 'command', from: 'packet.validation', gate: { when: 'none', allowSkip: false }, retries: 0 },
      ];
      assert.deepEqual(problemsOf(() => parseOrThrow(BlueprintSchema, b, 'bp')).sort(), ['stations[0].commands', 'stations[1].id']);
    });
  });

  describe('TerminalState', () => {
    it('has exactly the four states of design.md', () => {
      assert.deepEqual([...TERMINAL_STATES], ['PR_READY', 'NO_OP', 'ESCALATE', 'RETRYABLE_FAILURE']);
    });

    it('checks the reason code belongs to the state', () => {
      assert.equal(TerminalStateSchema.safeParse({ state: 'NO_OP', reason: 'already-fixed' }).success, true);
      assert.equal(TerminalStateSchema.safeParse({ state: 'NO_OP', reason: 'timeout' }).success, false);
      assert.equal(TerminalStateSchema.safeParse({ state: 'MERGED', reason: 'validated-fix' }).success, false);
    });
  });

  describe('JournalRecord', () => {
    it('requires hex hashes and a known event type', () => {
      const rec = { seq: 0, at: '2026-11-21T20:00:00.000Z', prevHash: '0'.repeat(64), hash: 'a'.repeat(64), event: { type: 'note', message: 'hi' } };
      assert.equal(JournalRecordSchema.safeParse(rec).success, true);
      assert.equal(JournalRecordSchema.safeParse({ ...rec, hash: 'xyz' }).success, false);
      assert.equal(JournalRecordSchema.safeParse({ ...rec, event: { type: 'run/exploded' } }).success, false);
    });
  });

  describe('webview protocol', () => {
    it('accepts a valid notification in its direction and rejects it in the other', () => {
      const msg = notification('webview/ready', {});
      assert.equal(parseMessage(msg, 'toHost').ok, true);
      const wrong = parseMessage(msg, 'toWebview');
      assert.equal(wrong.ok, false);
      assert.match(!wrong.ok ? wrong.error : '', /not sent toWebview/);
    });

    it('drops unknown methods, wrong versions and bad params with a reason', () => {
      const cases: unknown[] = [
        { v: PROTOCOL_VERSION, kind: 'notification', method: 'run/explode', params: {} },
        { v: 99, kind: 'notification', method: 'webview/ready', params: {} },
        { v: PROTOCOL_VERSION, kind: 'request', id: 'r1', method: 'gate/decide', params: { gateId: 'g', decision: 'merge-it' } },
        'not even an object',
      ];
      for (const c of cases) {
        const r = parseMessage(c, 'toHost');
        assert.equal(r.ok, false, JSON.stringify(c));
      }
    });

    it('validates a request and its params', () => {
      const r = parseMessage({ v: PROTOCOL_VERSION, kind: 'request', id: 'r1', method: 'gate/decide', params: { gateId: 'g1', decision: 'approve' } }, 'toHost');
      assert.equal(r.ok, true);
    });

    it('a gate edit must carry the edited plan, and the error names that field', () => {
      const req = (params: unknown) => parseMessage({ v: PROTOCOL_VERSION, kind: 'request', id: 'r2', method: 'gate/decide', params }, 'toHost');
      assert.equal(req({ gateId: 'g1', decision: 'edit', editedPlan: '1. Block constructor keys.' }).ok, true);
      for (const bad of [{ gateId: 'g1', decision: 'edit' }, { gateId: 'g1', decision: 'edit', editedPlan: '  \n' }]) {
        const r = req(bad);
        assert.equal(r.ok, false, JSON.stringify(bad));
        assert.match(!r.ok ? r.error : '', /editedPlan/);
      }
    });
  });
});

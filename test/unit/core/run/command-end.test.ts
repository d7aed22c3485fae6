import { strict as assert } from 'node:assert';
import { EXEC_END_REASONS, STATION_WALLS, TERMINAL_REASONS, stationWallOf } from '../../../../src/contracts';
import { commandEnd } from '../../../../src/core/run/command-end';
import { TextTail } from '../../../../src/core/run/tail';

describe('core/run/commandEnd: how a command ended, for the line', () => {
  it('a plain exit is decided by its exit code', () => {
    assert.deepEqual(commandEnd({ exitCode: 0, endReason: 'exited' }, 'npm test'), { kind: 'exited', exitCode: 0 });
    assert.deepEqual(commandEnd({ exitCode: 1, endReason: 'exited' }, 'npm test'), { kind: 'exited', exitCode: 1 });
    // A SIGKILL nobody explains (no OOM event seen) is an ordinary non-zero exit.
    assert.deepEqual(commandEnd({ exitCode: 137, endReason: 'exited' }, 'npm test'), { kind: 'exited', exitCode: 137 });
  });

  it('the three walls map to their ESCALATE reason codes, whatever the exit code', () => {
    assert.deepEqual(
      (['oom-killed', 'pids-limit', 'disk-limit'] as const).map((endReason) => commandEnd({ exitCode: 137, endReason, endDetail: 'd' }, 'node alloc.js')),
      [
        { kind: 'wall', wall: 'memory-limit', detail: "node alloc.js hit the station's memory limit (oom-killed: d)" },
        { kind: 'wall', wall: 'pids-limit', detail: "node alloc.js hit the station's process limit (pids-limit: d)" },
        { kind: 'wall', wall: 'disk-limit', detail: "node alloc.js hit the station's disk limit (disk-limit: d)" },
      ],
    );
    for (const wall of Object.values(STATION_WALLS)) assert.ok((TERMINAL_REASONS.ESCALATE as readonly string[]).includes(wall), `${wall} is an ESCALATE reason`);
  });

  it('timeout and cancelled keep their retry semantics; crashes and non-starts are station-crashed', () => {
    assert.deepEqual(commandEnd({ exitCode: null, endReason: 'timeout' }, 'npm test', 500), { kind: 'retryable', reason: 'timeout', detail: 'npm test timed out after 500 ms' });
    assert.deepEqual(commandEnd({ exitCode: null, endReason: 'cancelled' }, 'npm test'), { kind: 'retryable', reason: 'cancelled', detail: 'cancelled' });
    for (const endReason of ['container-died', 'killed', 'not-started'] as const) {
      const e = commandEnd({ exitCode: null, endReason, endDetail: 'why' }, 'npm test');
      assert.equal(e.kind === 'retryable' && e.reason, 'station-crashed', endReason);
      assert.match(e.kind === 'retryable' ? e.detail : '', /npm test .*why/);
    }
    assert.equal(commandEnd({ exitCode: null, endReason: 'exited' }, 'x').kind, 'retryable', 'no exit code is never a pass or a fail');
  });

  it('every end reason maps to something, and only the walls to a wall', () => {
    for (const endReason of EXEC_END_REASONS) {
      const e = commandEnd({ exitCode: endReason === 'exited' ? 0 : null, endReason }, 'x');
      assert.equal(e.kind === 'wall', stationWallOf(endReason) !== undefined, endReason);
    }
  });
});

describe('core/run/TextTail', () => {
  it('keeps the last characters without growing past twice its limit', () => {
    const t = new TextTail(10);
    for (let i = 0; i < 1000; i++) t.push(String(i % 10));
    assert.equal(t.text(), '0123456789');
    assert.equal(t.total, 1000);
    t.push('abcdefghijklmnopqrstuvwxyz');
    assert.equal(t.text(), 'qrstuvwxyz');
    assert.equal(new TextTail(5).text(), '');
  });
});

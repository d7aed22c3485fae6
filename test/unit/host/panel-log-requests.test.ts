import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installVscodeStub } from '../../support/vscode-stub';
import { PROTOCOL_VERSION, type Envelope } from '../../../src/contracts';
import type { PacketSession } from '../../../src/host/packet/packet-session';
import { StationLogs } from '../../../src/host/run/station-logs';

installVscodeStub();
/* eslint-disable @typescript-eslint/no-require-imports */
const { PanelMessageRouter } = require('../../../src/host/panel/message-router') as typeof import('../../../src/host/panel/message-router');
const { panelRequests, shownRunLogs } = require('../../../src/host/panel/requests') as typeof import('../../../src/host/panel/requests');
/* eslint-enable @typescript-eslint/no-require-imports */

describe('host/panel: log/range and log/search serve only the panel\'s run, refusals as data and logged', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-log-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A router wired as the extension wires it, serving run r1's station logs from a real run folder. */
  function wired(logs: StationLogs | undefined) {
    const logged: string[] = [];
    const log = { info: (m: string) => logged.push(`info ${m}`), warn: (m: string) => logged.push(`warn ${m}`), error: (m: string) => logged.push(`error ${m}`) };
    const posted: Envelope[] = [];
    const router = new PanelMessageRouter({
      log,
      post: async (m) => (posted.push(m), true),
      requests: panelRequests({ packets: {} as PacketSession, startRun: async () => ({ started: false }), decideGate: async () => ({ accepted: false }), pushBranch: async () => ({ pushed: false }), logs: () => logs, log }),
      onReady: () => {},
      onShowLog: () => {},
    });
    const ask = async (id: string, method: string, params: unknown) => {
      router.receive({ v: PROTOCOL_VERSION, kind: 'request', id, method, params });
      await new Promise((r) => setTimeout(r, 5));
      const answer = posted.find((p) => p.kind === 'response' && p.id === id);
      assert.ok(answer && answer.kind === 'response', `an answer to ${id}`);
      return answer;
    };
    return { logged, ask };
  }

  const withLog = () => {
    const logs = new StationLogs('r1', dir);
    logs.append('implement', Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n');
    return logs;
  };

  it('serves a range and a search of the panel\'s run', async () => {
    const w = wired(withLog());
    const range = await w.ask('a', 'log/range', { runId: 'r1', stationId: 'implement', from: 18, count: 5 });
    assert.deepEqual(range.kind === 'response' && range.result, { lines: ['line 18', 'line 19'], total: 20 });
    const found = await w.ask('b', 'log/search', { runId: 'r1', stationId: 'implement', query: 'LINE 1', fromLine: 1, direction: 'next' });
    assert.deepEqual(found.kind === 'response' && found.result, { line: 10, complete: true, searchedTo: 10 });
    assert.deepEqual(w.logged, []);
  });

  it("another run's id is refused as data and logged; nothing of the log is sent", async () => {
    const w = wired(withLog());
    const range = await w.ask('a', 'log/range', { runId: 'r2', stationId: 'implement', from: 0, count: 5 });
    assert.deepEqual(range.kind === 'response' && [range.ok, range.result], [true, { refused: "not the panel's run" }]);
    const found = await w.ask('b', 'log/search', { runId: 'r2', stationId: 'implement', query: 'line', fromLine: -1, direction: 'next' });
    assert.deepEqual(found.kind === 'response' && found.result, { refused: "not the panel's run" });
    assert.equal(w.logged.filter((l) => /^warn refused a log\/(range|search) request from the panel \(run r2, station "implement"\): not the panel's run$/.test(l)).length, 2, w.logged.join('\n'));
  });

  it('with no run in the panel, and for a name that is no station id, the request is refused as data and logged', async () => {
    const none = wired(undefined);
    const r = await none.ask('a', 'log/range', { runId: 'r1', stationId: 'implement', from: 0, count: 5 });
    assert.deepEqual(r.kind === 'response' && r.result, { refused: "not the panel's run" });
    const w = wired(withLog());
    const bad = await w.ask('b', 'log/range', { runId: 'r1', stationId: '../../evidence', from: 0, count: 5 });
    assert.match(String(bad.kind === 'response' && (bad.result as { refused?: string }).refused), /not a station id/);
    assert.ok(w.logged.some((l) => /refused a log\/range request .*not a station id/.test(l)), w.logged.join('\n'));
  });

  it('a count over 500 or a negative start is refused by the protocol before the log is read, and logged', async () => {
    const w = wired(withLog());
    for (const [id, params] of [
      ['c', { runId: 'r1', stationId: 'implement', from: 0, count: 501 }],
      ['d', { runId: 'r1', stationId: 'implement', from: -1, count: 5 }],
      ['e', { runId: 'r1', stationId: 'implement', from: 0, count: 0 }],
    ] as const) {
      const r = await w.ask(id, 'log/range', params);
      assert.equal(r.kind === 'response' && r.ok, false, id);
      assert.equal(r.kind === 'response' && r.result, undefined, `${id}: no lines sent`);
    }
    assert.equal(w.logged.filter((l) => l.startsWith('warn dropped a webview message')).length, 3, w.logged.join('\n'));
  });
});

describe("host/panel/requests shownRunLogs: the live run's logs, else the reviewed run folder's, else none", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shown-logs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the live run, the run under review (one reader kept), and no other run', () => {
    const live = new StationLogs('live-run', path.join(dir, 'live'));
    let reviewed: { runId: string; dir: string } | undefined = { runId: 'old-run', dir: path.join(dir, 'old') };
    const old = new StationLogs('old-run', path.join(dir, 'old'));
    old.append('validate', 'x\ny\n');
    const source = shownRunLogs(() => live, () => reviewed);
    assert.equal(source('live-run'), live);
    const r = source('old-run');
    assert.deepEqual(r?.lines('validate').lines(0, 5), { lines: ['x', 'y'], total: 2 });
    assert.equal(source('old-run'), r, 'the reader (and its index) is kept');
    assert.equal(source('third-run'), undefined);
    reviewed = undefined;
    assert.equal(source('old-run'), undefined, 'a review closed is no longer served');
  });
});

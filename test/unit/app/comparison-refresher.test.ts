import { strict as assert } from 'node:assert';
import { ComparisonRefresher } from '../../../src/app/blueprint-comparison';
import type { ComparisonView } from '../../../src/contracts';

/** A view of `name` read at `at` (the figures do not matter here, only which read it came from). */
const viewOf = (name: string, at: string): ComparisonView => ({ name, parent: null, confidence: 0.95, minN: 10, versions: [], blueprints: [], pairs: [], problem: null, at });

/** A refresher over a fake registry whose reads resolve when the test says, and a fake panel state. */
function harness() {
  const reads: Array<{ name: string; resolve: (v: ComparisonView) => void; reject: (e: Error) => void }> = [];
  let shown: ComparisonView | null = null;
  const showed: string[] = [];
  const errors: string[] = [];
  const r = new ComparisonRefresher({
    load: (name) => new Promise((resolve, reject) => reads.push({ name, resolve, reject })),
    shown: () => shown,
    show: (v) => {
      shown = v;
      showed.push(`${v.name}@${v.at}`);
    },
    onError: (e) => errors.push((e as Error).message),
  });
  const tick = () => new Promise((res) => setImmediate(res));
  return { r, reads, showed, errors, tick, close: () => (shown = null), shown: () => shown };
}

describe('app/blueprint-comparison: ComparisonRefresher keeps the shown comparison current', () => {
  it('refresh re-reads the blueprint shown and shows the new figures; with nothing shown it reads nothing', async () => {
    const h = harness();
    await h.r.refresh();
    assert.equal(h.reads.length, 0, 'no comparison shown: no registry read');
    const opened = h.r.open('bugfix');
    h.reads[0]!.resolve(viewOf('bugfix', 't1'));
    assert.equal((await opened).at, 't1');
    const refreshed = h.r.refresh();
    assert.equal(h.reads[1]!.name, 'bugfix');
    h.reads[1]!.resolve(viewOf('bugfix', 't2'));
    await refreshed;
    assert.deepEqual(h.showed, ['bugfix@t1', 'bugfix@t2']);
  });

  it('refreshes during a read coalesce into one more read after it, never two at once', async () => {
    const h = harness();
    const o = h.r.open('bugfix');
    h.reads[0]!.resolve(viewOf('bugfix', 't1'));
    await o;
    const first = h.r.refresh();
    const second = h.r.refresh();
    const third = h.r.refresh();
    assert.equal(h.reads.length, 2, 'one read runs');
    h.reads[1]!.resolve(viewOf('bugfix', 't2'));
    await h.tick();
    assert.equal(h.reads.length, 3, 'the refreshes asked meanwhile became one more read');
    h.reads[2]!.resolve(viewOf('bugfix', 't3'));
    await Promise.all([first, second, third]);
    assert.equal(h.reads.length, 3);
    assert.deepEqual(h.showed, ['bugfix@t1', 'bugfix@t2', 'bugfix@t3']);
  });

  it('a read that finishes after the view was closed, switched, or re-opened is dropped', async () => {
    const h = harness();
    const o = h.r.open('bugfix');
    h.reads[0]!.resolve(viewOf('bugfix', 't1'));
    await o;
    // Closed while reading: the late figures do not bring the view back.
    const closedRefresh = h.r.refresh();
    h.close();
    h.reads[1]!.resolve(viewOf('bugfix', 't2'));
    await closedRefresh;
    assert.equal(h.shown(), null);
    // Switched to another blueprint while a refresh of the old one reads: the other stays.
    const o2 = h.r.open('bugfix-ours');
    h.reads[2]!.resolve(viewOf('bugfix-ours', 't3'));
    await o2;
    const stale = h.r.refresh();
    const o3 = h.r.open('deps');
    h.reads[3]!.resolve(viewOf('bugfix-ours', 't4'));
    h.reads[4]!.resolve(viewOf('deps', 't5'));
    await Promise.all([stale, o3]);
    assert.equal(h.shown()?.name, 'deps');
    // Two opens racing: the later one wins even when the earlier read finishes last.
    const a = h.r.open('a');
    const b = h.r.open('b');
    h.reads[6]!.resolve(viewOf('b', 't7'));
    await b;
    h.reads[5]!.resolve(viewOf('a', 't6'));
    await a;
    assert.equal(h.shown()?.name, 'b');
    assert.deepEqual(h.showed, ['bugfix@t1', 'bugfix-ours@t3', 'deps@t5', 'b@t7']);
  });

  it('a read that throws during a refresh is reported and leaves the view as it was', async () => {
    const h = harness();
    const o = h.r.open('bugfix');
    h.reads[0]!.resolve(viewOf('bugfix', 't1'));
    await o;
    const r = h.r.refresh();
    h.reads[1]!.reject(new Error('git exploded'));
    await r;
    assert.deepEqual(h.errors, ['git exploded']);
    assert.equal(h.shown()?.at, 't1');
  });
});

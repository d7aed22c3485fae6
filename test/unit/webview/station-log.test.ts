import { strict as assert } from 'node:assert';
import { PROTOCOL_VERSION } from '../../../src/contracts/protocol';
import { anEvidenceBundle } from '../../support/run-folder-fixture';
import { aRun, aSnapshot, pushOf } from './builders';
import { FakeVsCodeApi, installDom, type } from './dom';

const win = installDom();
// lit-html reads `document` when it loads: require the panel only after the DOM is installed.
/* eslint-disable @typescript-eslint/no-require-imports */
const { startPanel } = require('../../../webview-ui/panel-app') as typeof import('../../../webview-ui/panel-app');
const { FETCH_DEBOUNCE_MS, LINE_PX, OVERSCAN, VIEW_LINES } = require('../../../webview-ui/log-window') as typeof import('../../../webview-ui/log-window');
/* eslint-enable @typescript-eslint/no-require-imports */

const MILLION = 1_000_000;
type Posted = { kind: string; id: string; method: string; params: Record<string, unknown> };

function mount() {
  const api = new FakeVsCodeApi();
  const main = win.document.createElement('main');
  win.document.body.replaceChildren(main);
  const root = main as unknown as HTMLElement;
  const app = startPanel(root, api, win as unknown as Window);
  const requests = (method: string) => (api.posted as Posted[]).filter((m) => m.kind === 'request' && m.method === method);
  const answer = async (req: Posted, result: unknown) => {
    app.receive({ v: PROTOCOL_VERSION, kind: 'response', id: req.id, ok: true, result });
    await tick();
  };
  const log = () => root.querySelector('[data-testid="station-log-text"]') as HTMLElement;
  const shown = () => [...root.querySelectorAll('.log-line')].map((l) => Number(l.getAttribute('data-line')));
  const textOf = (n: number) => root.querySelector(`.log-line[data-line="${n}"]`)?.textContent;
  const scroll = (top: number) => {
    log().scrollTop = top;
    log().dispatchEvent(new win.Event('scroll') as unknown as Event);
  };
  const key = (el: Element, k: string, shiftKey = false) => el.dispatchEvent(new win.KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true }) as unknown as Event);
  return { root, app, api, requests, answer, log, shown, textOf, scroll, key };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
/** Waits past the fetch debounce (the window asks for missing pages once scrolling pauses). */
const afterDebounce = () => new Promise((r) => setTimeout(r, FETCH_DEBOUNCE_MS + 40));
const lineText = (n: number) => `line ${n}`;
/** A snapshot of a log of `total` lines whose tail (the last 500) it carries. */
const logSnapshot = (seq: number, total: number, stationId = 'implement') => {
  const from = Math.max(0, total - 500);
  const lines = Array.from({ length: total - from }, (_, i) => lineText(from + i));
  return pushOf(aSnapshot(seq, { run: aRun({ log: { stationId, lines, dropped: from, total } }) }));
};
const pageOf = (from: number) => ({ lines: Array.from({ length: 500 }, (_, i) => lineText(from + i)), total: MILLION });

describe('webview-ui/log-window: a million-line station log, windowed', () => {
  it('keeps only a window of lines in the page for a 1,000,000-line log, following its end without asking the host', () => {
    const m = mount();
    m.app.receive(logSnapshot(1, MILLION));
    const shown = m.shown();
    assert.ok(shown.length <= VIEW_LINES + OVERSCAN + 2, `${shown.length} lines in the page`);
    assert.equal(shown[shown.length - 1], MILLION - 1);
    assert.equal(m.textOf(MILLION - 1), 'line 999999');
    assert.equal((m.root.querySelector('.log-spacer') as HTMLElement).style.height, `${MILLION * LINE_PX}px`, 'the scroll height is the whole log');
    assert.equal(m.log().scrollTop, MILLION * LINE_PX - VIEW_LINES * LINE_PX, 'at the end');
    assert.deepEqual(m.requests('log/range'), [], 'the tail is in the snapshot');
    assert.match(m.log().getAttribute('aria-label') ?? '', /1000000 lines/);
    assert.equal(m.log().getAttribute('tabindex'), '0');
  });

  it('a log shown without the lines in view (no tail) asks for them at once, not after the scroll debounce', () => {
    const m = mount();
    m.app.receive(pushOf(aSnapshot(1, { run: aRun({ log: { stationId: 'implement', lines: [], dropped: MILLION, total: MILLION } }) })));
    // Asked for synchronously: no timer has run since the snapshot arrived.
    assert.deepEqual(m.requests('log/range').map((r) => r.params.from), [MILLION - 500], 'the last page, where follow mode shows the log');
    assert.ok(m.root.querySelectorAll('.log-pending').length > 0, 'placeholders until the page arrives');
  });

  it('scrolling to the middle turns follow off and, once it pauses, asks for the pages in view; their lines replace the placeholders', async () => {
    const m = mount();
    m.app.receive(logSnapshot(1, MILLION));
    m.scroll(500_000 * LINE_PX);
    assert.equal((m.api.state as { follow: boolean }).follow, false);
    assert.equal((m.root.querySelector('[data-testid="log-follow"]') as HTMLInputElement).checked, false);
    assert.equal(m.shown()[OVERSCAN], 500_000, 'line 500,000 is at the top of the view');
    assert.ok(m.root.querySelectorAll('.log-pending').length > 0);
    assert.deepEqual(m.requests('log/range'), [], 'nothing is asked while scrolling');
    await afterDebounce();
    const asked = m.requests('log/range');
    assert.deepEqual(asked.map((r) => r.params), [
      { runId: 'r1', stationId: 'implement', from: 499_500, count: 500 },
      { runId: 'r1', stationId: 'implement', from: 500_000, count: 500 },
    ]);
    for (const r of asked) await m.answer(r, pageOf(r.params.from as number));
    assert.equal(m.root.querySelectorAll('.log-pending').length, 0);
    assert.equal(m.textOf(500_000), 'line 500000');
    assert.equal(m.textOf(499_960), 'line 499960');
    // Back to a page in hand: nothing more is asked.
    m.scroll(500_100 * LINE_PX);
    await afterDebounce();
    assert.equal(m.requests('log/range').length, 2);
  });

  it('drops an answer for a log no longer shown, and a search answer for an older query', async () => {
    const m = mount();
    m.app.receive(logSnapshot(1, MILLION));
    m.scroll(0);
    await afterDebounce();
    const [first] = m.requests('log/range');
    assert.equal(first?.params.from, 0);
    // Another station starts (a long log too) before the answer arrives: the answer is for the log no longer shown.
    m.app.receive(logSnapshot(2, MILLION, 'validate'));
    await m.answer(first!, { lines: Array.from({ length: 500 }, (_, i) => `stale ${i}`), total: MILLION });
    assert.equal(m.textOf(0), '', 'still a placeholder');
    assert.ok(m.root.querySelector('.log-line[data-line="0"]')?.classList.contains('log-pending'));
    await afterDebounce();
    const [, second] = m.requests('log/range');
    assert.deepEqual(second?.params, { runId: 'r1', stationId: 'validate', from: 0, count: 500 });
    await m.answer(second!, pageOf(0));
    assert.equal(m.textOf(0), 'line 0');

    const search = m.root.querySelector('[data-testid="log-search"]')!;
    type(search, 'old');
    m.key(search, 'Enter');
    type(search, 'line 2');
    m.key(search, 'Enter');
    const [older, newer] = m.requests('log/search');
    await m.answer(older!, { line: 0, complete: true, searchedTo: 0 });
    assert.equal(m.root.querySelector('.log-match'), null, 'the older search found nothing that is shown');
    await m.answer(newer!, { line: 2, complete: true, searchedTo: 2 });
    assert.equal(m.root.querySelector('.log-match')?.textContent, 'line 2');
    assert.equal(m.root.querySelector('[data-testid="log-matches"]')?.textContent, 'line 3 of 1000000');
  });

  it('follow mode sticks to the end as the log grows; scrolling up turns it off, End turns it back on', () => {
    const m = mount();
    m.app.receive(logSnapshot(1, 1000));
    const end = (total: number) => total * LINE_PX - VIEW_LINES * LINE_PX;
    assert.equal(m.log().scrollTop, end(1000));
    m.app.receive(logSnapshot(2, 1200));
    assert.equal(m.log().scrollTop, end(1200));
    assert.equal(m.shown().at(-1), 1199);
    m.scroll(end(1200) - 10 * LINE_PX);
    assert.equal((m.api.state as { follow: boolean }).follow, false);
    m.app.receive(logSnapshot(3, 1300));
    assert.equal(m.log().scrollTop, end(1200) - 10 * LINE_PX, 'not following: the view stays where the reader left it');
    m.key(m.log(), 'End');
    assert.equal((m.api.state as { follow: boolean }).follow, true);
    assert.equal(m.log().scrollTop, end(1300));
    assert.equal((m.root.querySelector('[data-testid="log-follow"]') as HTMLInputElement).checked, true);
  });

  it('PageUp, PageDown and Home move the view by the keyboard', () => {
    const m = mount();
    m.app.receive(logSnapshot(1, 1000));
    m.key(m.log(), 'Home');
    assert.equal(m.log().scrollTop, 0);
    m.key(m.log(), 'PageDown');
    assert.equal(m.log().scrollTop, (VIEW_LINES - 1) * LINE_PX);
    m.key(m.log(), 'PageDown');
    m.key(m.log(), 'PageUp');
    assert.equal(m.log().scrollTop, (VIEW_LINES - 1) * LINE_PX);
    assert.equal((m.api.state as { follow: boolean }).follow, false);
  });

  it('Enter and Shift+Enter search the whole log; the match is scrolled to, fetched and highlighted with "line N of total"', async () => {
    const m = mount();
    m.app.receive(logSnapshot(1, MILLION));
    const search = m.root.querySelector('[data-testid="log-search"]')!;
    type(search, 'needle');
    m.key(search, 'Enter', true);
    const [back] = m.requests('log/search');
    assert.equal(back!.params.direction, 'previous');
    // The host's time budget ran out: the window asks again from where it stopped.
    await m.answer(back!, { line: null, complete: false, searchedTo: 600_000 });
    assert.match(m.root.querySelector('[data-testid="log-matches"]')?.textContent ?? '', /Searching… at line 600001 of 1000000/);
    const again = m.requests('log/search')[1]!;
    assert.deepEqual(again.params, { runId: 'r1', stationId: 'implement', query: 'needle', fromLine: 600_000, direction: 'previous' });
    await m.answer(again, { line: 123_456, complete: true, searchedTo: 123_456 });
    assert.equal(m.root.querySelector('[data-testid="log-matches"]')?.textContent, 'line 123457 of 1000000');
    assert.ok(m.shown().includes(123_456), 'the match is in view');
    await afterDebounce();
    const page = m.requests('log/range').find((r) => r.params.from === 123_000)!;
    await m.answer(page, { ...pageOf(123_000), lines: pageOf(123_000).lines.map((l, i) => (i === 456 ? 'a NEEDLE here' : l)) });
    assert.equal(m.root.querySelector('.log-match')?.textContent, 'a NEEDLE here');
    assert.equal(m.root.querySelector('.log-match')?.getAttribute('data-line'), '123456');
    // Enter goes on from the match.
    m.key(search, 'Enter');
    assert.equal(m.requests('log/search')[2]!.params.fromLine, 123_456);
  });

  it('lines fetched by range that carry <script> and escape sequences render as text', async () => {
    const m = mount();
    m.app.receive(logSnapshot(1, MILLION));
    m.scroll(0);
    await afterDebounce();
    const hostile = ['<script>window.pwned=1</script>', '<img src=x onerror="window.pwned=1">', '\x1b[31mred\x1b[0m \x1b]0;title\x07plain'];
    await m.answer(m.requests('log/range')[0]!, { lines: [...hostile, ...pageOf(3).lines.slice(0, 497)], total: MILLION });
    const log = m.log();
    assert.equal(log.querySelector('script, img'), null);
    assert.equal((win as unknown as { pwned?: number }).pwned, undefined);
    assert.equal(m.textOf(0), hostile[0]);
    assert.equal(m.textOf(1), hostile[1]);
    assert.equal(m.textOf(2), 'red plain');
    assert.equal(log.querySelector('.log-line[data-line="2"] span.ansi-fg-1')?.textContent, 'red');
  });

  it('with no log file for the run (the host refuses the range), shows the tail alone, says so, and searches it in place', async () => {
    const m = mount();
    m.app.receive(logSnapshot(1, 2000));
    m.scroll(0);
    await afterDebounce();
    await m.answer(m.requests('log/range')[0]!, { refused: "not the panel's run" });
    assert.match(m.root.querySelector('[data-testid="log-note"]')?.textContent ?? '', /1500 earlier line\(s\) not shown \(not the panel's run\)/);
    assert.equal(m.shown()[0], 1500, 'the tail is what is shown');
    const search = m.root.querySelector('[data-testid="log-search"]')!;
    type(search, 'LINE 1700');
    m.key(search, 'Enter');
    await tick();
    assert.deepEqual(m.requests('log/search'), [], 'the tail is searched here');
    assert.equal(m.root.querySelector('[data-testid="log-matches"]')?.textContent, 'line 1701 of 2000');
    assert.equal(m.root.querySelector('.log-match')?.textContent, 'line 1700');
  });
});

describe("webview-ui/evidence-view: a reviewed run folder's station output, windowed", () => {
  it('lists the stations with a log, shows the last one at its end by range, and switches station on a click', async () => {
    const m = mount();
    const bundle = anEvidenceBundle('run-1');
    const review = { runId: 'run-1', folder: '.shopfloor/runs/run-1', mode: 'review' as const, trusted: true, problems: [], bundle, evidenceSha256: 'e'.repeat(64), verdict: null, logs: [{ stationId: 'implement', total: 40 }, { stationId: 'validate', total: MILLION }] };
    m.app.receive(pushOf(aSnapshot(1, { packet: null, review })));
    const toc = [...m.root.querySelectorAll('.toc a')].map((a) => a.textContent);
    const at = toc.indexOf('Station output');
    assert.ok(at >= 0, toc.join(', '));
    (m.root.querySelectorAll('.toc a')[at] as HTMLElement).click();
    const log = m.root.querySelector('[data-testid="station-log-text"][data-log-slot="review"]') as HTMLElement;
    assert.ok(log, 'the reviewed run has its own log window');
    assert.match(m.root.querySelector('[data-testid="station-log"] h3')?.textContent ?? '', /validate .*1000000 lines/);
    await afterDebounce();
    const asked = m.requests('log/range').map((r) => r.params);
    assert.deepEqual(asked.at(-1), { runId: 'run-1', stationId: 'validate', from: 999_500, count: 500 });
    await m.answer(m.requests('log/range').at(-1)!, pageOf(999_500));
    assert.equal(m.textOf(MILLION - 1), 'line 999999');
    (m.root.querySelector('[data-testid="output-station"][data-station="implement"]') as HTMLElement).click();
    assert.match(m.root.querySelector('[data-testid="station-log"] h3')?.textContent ?? '', /implement .*40 lines/);
    await afterDebounce();
    assert.deepEqual(m.requests('log/range').at(-1)!.params, { runId: 'run-1', stationId: 'implement', from: 0, count: 500 });
  });
});

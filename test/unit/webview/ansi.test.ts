import { strict as assert } from 'node:assert';
import { ansiSegments } from '../../../webview-ui/ansi';

describe('webview-ui/ansi: SGR colours as classes, every other escape removed', () => {
  it('splits colours and resets', () => {
    assert.deepEqual(ansiSegments('a\x1b[31mb\x1b[0mc'), [
      { text: 'a', classes: [] },
      { text: 'b', classes: ['ansi-fg-1'] },
      { text: 'c', classes: [] },
    ]);
  });
  it('reads bright, background and bold, and skips 256-colour arguments (the theme palette is kept)', () => {
    assert.deepEqual(ansiSegments('\x1b[1;94;41mX\x1b[38;5;200mY\x1b[22;39;49mZ'), [
      { text: 'XY', classes: ['ansi-fg-12', 'ansi-bg-1', 'ansi-bold'] },
      { text: 'Z', classes: [] },
    ]);
  });
  it('removes cursor moves, titles, lone escapes and control characters, keeping the text', () => {
    const segs = ansiSegments('x\x1b[2J\x1b]0;title\x07y\x1b(Bz\x07\x08w');
    assert.equal(segs.map((s) => s.text).join(''), 'xyzw');
  });
});

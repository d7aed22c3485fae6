import { strict as assert } from 'node:assert';
import { CappedOutput } from '../../../../src/adapters/docker/capped-output';
import { demultiplex } from '../../../../src/adapters/docker/demux';

function frame(stream: 1 | 2, payload: string | Buffer): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('adapters/docker exec stream', () => {
  it('demultiplexes frames split at every byte boundary', async () => {
    const wire = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world'), frame(1, '')]);
    for (const size of [1, 3, 7, 8, 9, wire.length]) {
      const out: string[] = [];
      const err: string[] = [];
      await demultiplex(chunks(wire, size), (s, p) => void (s === 1 ? out : err).push(p.toString()));
      assert.equal(out.join(''), 'hello world', `chunk size ${size}`);
      assert.equal(err.join(''), 'oops');
    }
  });

  it('waits for a slow consumer before reading on (backpressure)', async () => {
    const wire = Buffer.concat([frame(1, 'a'), frame(1, 'b'), frame(1, 'c')]);
    let pulled = 0;
    async function* source() {
      for await (const c of chunks(wire, 9)) {
        pulled++;
        yield c;
      }
    }
    const seen: string[] = [];
    let pending = 0;
    await demultiplex(source(), async (_s, p) => {
      pending++;
      assert.equal(pending, 1, 'one delivery at a time');
      assert.ok(pulled <= seen.length + 1, 'no chunk is read ahead of the consumer');
      await new Promise((r) => setTimeout(r, 5));
      seen.push(p.toString());
      pending--;
    });
    assert.deepEqual(seen, ['a', 'b', 'c']);
  });

  it('caps output: every byte before the cap, one marker, the rest only counted', () => {
    const got: Buffer[] = [];
    const o = new CappedOutput('stdout', 10, (b) => void got.push(Buffer.from(b)));
    o.write(Buffer.from('0123456'));
    o.write(Buffer.from('789abc'));
    o.write(Buffer.from('more'));
    const text = Buffer.concat(got).toString();
    assert.ok(text.startsWith('0123456789\n[shopfloor: stdout truncated after 10 bytes'), text);
    assert.equal(got.length, 3);
    assert.equal(o.total, 17);
    assert.equal(o.truncated, true);
  });

  it('counts without a sink and flags truncation past the cap', () => {
    const o = new CappedOutput('stderr', 4, undefined);
    o.write(Buffer.from('12345'));
    assert.equal(o.total, 5);
    assert.equal(o.truncated, true);
  });
});

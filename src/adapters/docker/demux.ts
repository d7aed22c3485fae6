/**
 * Reads Docker's multiplexed attach stream (8-byte header: stream type, 3 zero bytes,
 * big-endian payload length; Engine API "Attach to a container", stream format) and
 * hands each payload slice to `deliver` without copying. Pull-based: the next chunk is
 * read from the socket only after `deliver`'s promise settles, so a slow consumer
 * applies backpressure all the way to the process in the container. dockerode's own
 * demuxStream concatenates buffers on every chunk and cannot pause.
 */
export async function demultiplex(
  source: AsyncIterable<Buffer>,
  deliver: (stream: 1 | 2, payload: Buffer) => void | Promise<void>,
): Promise<void> {
  let header: Buffer = Buffer.alloc(0);
  let stream: 1 | 2 = 1;
  let remaining = 0;
  for await (const chunk of source) {
    let pos = 0;
    while (pos < chunk.length) {
      if (remaining === 0) {
        const need = 8 - header.length;
        const take = Math.min(need, chunk.length - pos);
        header = header.length === 0 && take === 8 ? chunk.subarray(pos, pos + 8) : Buffer.concat([header, chunk.subarray(pos, pos + take)]);
        pos += take;
        if (header.length < 8) break;
        // Type 0 is stdin echoed back; treat it as stdout rather than lose it.
        stream = header[0] === 2 ? 2 : 1;
        remaining = header.readUInt32BE(4);
        header = Buffer.alloc(0);
        continue;
      }
      const take = Math.min(remaining, chunk.length - pos);
      const r = deliver(stream, chunk.subarray(pos, pos + take));
      if (r) await r;
      pos += take;
      remaining -= take;
    }
  }
}

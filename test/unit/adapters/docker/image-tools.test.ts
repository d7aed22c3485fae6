import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { imageTools } from '../../../../src/adapters/docker/toolchain-image';

/** A Docker double whose probe container prints the given versions as one stdout log frame. */
function probingDocker(out: string) {
  const created: unknown[] = [];
  const frame = (text: string) => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = 1;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  const docker = {
    createContainer: async (opts: unknown) => {
      created.push(opts);
      return { start: async () => {}, wait: async () => ({ StatusCode: 0 }), logs: async () => frame(out), remove: async () => {} };
    },
  } as unknown as Docker;
  return { docker, created };
}

const id = (c: string) => `sha256:${c.repeat(64)}`;

describe('adapters/docker/toolchain-image: image tool versions kept across processes', () => {
  it('probes an image once and keeps the versions in a file named by its id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-tools-'));
    const { docker, created } = probingDocker('node=v18.20.4\nnpm=9.2.0\npnpm=\nyarn=\n');
    assert.deepEqual(await imageTools(docker, id('a'), dir), { node: 'v18.20.4', npm: '9.2.0', pnpm: '', yarn: '' });
    assert.equal(created.length, 1);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, `${'a'.repeat(64)}.json`), 'utf8')), { node: 'v18.20.4', npm: '9.2.0', pnpm: '', yarn: '' });
  });

  it('a file an earlier process kept answers without a container; a malformed one is probed again and rewritten', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-tools-'));
    writeFileSync(join(dir, `${'b'.repeat(64)}.json`), JSON.stringify({ node: 'v20.1.0', npm: '10.0.0', pnpm: '8.0.0', yarn: '' }));
    writeFileSync(join(dir, `${'c'.repeat(64)}.json`), '{"node": 20');
    const { docker, created } = probingDocker('node=v22.0.0\nnpm=10.5.0\npnpm=\nyarn=1.22.0\n');
    assert.deepEqual(await imageTools(docker, id('b'), dir), { node: 'v20.1.0', npm: '10.0.0', pnpm: '8.0.0', yarn: '' });
    assert.equal(created.length, 0);
    assert.equal((await imageTools(docker, id('c'), dir)).node, 'v22.0.0');
    assert.equal(created.length, 1);
    assert.equal(JSON.parse(readFileSync(join(dir, `${'c'.repeat(64)}.json`), 'utf8')).yarn, '1.22.0');
  });

  it('an id that is not a content digest (a tag) is probed and never kept on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-tools-'));
    const { docker, created } = probingDocker('node=v18.0.0\nnpm=9.0.0\npnpm=\nyarn=\n');
    await imageTools(docker, '../../etc/passwd', dir);
    assert.equal(created.length, 1);
    assert.deepEqual(readdirSync(dir), []);
  });
});

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { environmentProblems } from '../../../src/adapters/docker/environment-check';
import { RunRefusedError, startRun } from '../../../src/app/run-session';
import { approvePacket } from '../../../src/core/packet/approval';
import { aPacket } from '../../support/builders';
import { IMAGE } from './support';

/** A git repository with `files` committed; returns its path and the commit. */
function repoWith(files: Record<string, string>): { repo: string; commit: string } {
  const repo = join(mkdtempSync(join(tmpdir(), 'sf-envcheck-')), 'repo');
  mkdirSync(repo);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    writeFileSync(join(repo, p), text);
  }
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...a], { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
  return { repo, commit: git('rev-parse', 'HEAD') };
}

const offline = async () => false;
const check = (files: Record<string, string>, reachable = offline) => {
  const { repo, commit } = repoWith(files);
  return environmentProblems({ repo, ref: commit, defaultImage: IMAGE, workspaceBasename: 'repo', reachable });
};
const DC = '.devcontainer/devcontainer.json';
const props = (c: { problems: { property: string }[] }) => c.problems.map((p) => p.property);

describe('docker: the station environment is checked before a run starts', function () {
  this.timeout(60_000);

  it('a local image with a local feature passes; so does a repository with no devcontainer.json', async () => {
    const ok = await check({ [DC]: JSON.stringify({ image: IMAGE, features: { './f': {} } }), '.devcontainer/f/devcontainer-feature.json': '{"id":"f"}', '.devcontainer/f/install.sh': 'true' });
    assert.deepEqual(ok.problems, []);
    assert.deepEqual((await check({ 'a.txt': 'x' })).problems, []);
  });

  it('refuses, by property and with the reason, images and registry features this machine cannot get', async () => {
    const c = await check({
      [DC]: JSON.stringify({ build: { dockerfile: 'Dockerfile', args: { V: '4' } }, features: { 'ghcr.io/devcontainers/features/node:1': {} } }),
      '.devcontainer/Dockerfile': 'ARG V=1\nFROM mcr.microsoft.com/devcontainers/javascript-node:${V}-bookworm AS base\nFROM base\n',
    });
    assert.deepEqual(props(c), ['features.ghcr.io/devcontainers/features/node:1', 'build.dockerfile']);
    assert.match(c.problems[0]!.message, /comes from ghcr\.io, which this machine cannot reach/);
    assert.match(c.problems[1]!.message, /image mcr\.microsoft\.com\/devcontainers\/javascript-node:4-bookworm is not on this Docker engine and its registry mcr\.microsoft\.com cannot be reached/);
    // Where the registries answer, the same configuration is buildable as far as this check can tell.
    const online = await check(
      { [DC]: JSON.stringify({ image: 'mcr.microsoft.com/devcontainers/base:bookworm', features: { 'ghcr.io/devcontainers/features/node:1': {} } }) },
      async () => true,
    );
    assert.deepEqual(online.problems, []);
  });

  it('refuses a local feature that is missing or asks for a privileged container, and a refused configuration, before the run', async () => {
    const c = await check({
      [DC]: JSON.stringify({ image: IMAGE, features: { './gone': {}, './root': {} } }),
      '.devcontainer/root/devcontainer-feature.json': '{"id":"root","privileged":true}',
    });
    assert.deepEqual(props(c), ['features../gone', 'features../root.privileged']);
    const refused = await check({ [DC]: '{ "image": "x", "privileged": true, "runArgs": ["--network=host"] }' });
    assert.deepEqual(props(refused), ['privileged', 'runArgs']);
  });

  it('a Compose devcontainer passes when its services\' images are here, and names the service whose image is not', async () => {
    const compose = (db: string) => `services:\n  app: { image: ${IMAGE}, volumes: ["..:/workspaces/repo"] }\n  db: { image: ${db} }\n`;
    const here = await check({ [DC]: JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', workspaceFolder: '/workspaces/repo' }), '.devcontainer/compose.yml': compose(IMAGE) });
    assert.deepEqual(here.problems, []);
    const away = await check({ [DC]: JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app' }), '.devcontainer/compose.yml': compose('postgres:latest') });
    assert.deepEqual(props(away), ['services.db.image']);
    assert.match(away.problems[0]!.message, /image postgres:latest is not on this Docker engine and its registry registry-1\.docker\.io cannot be reached/);
    const alone = await check({ [DC]: JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', runServices: [] }), '.devcontainer/compose.yml': compose('postgres:latest') });
    assert.deepEqual(alone.problems, [], 'runServices [] starts only the station\'s service');
  });

  it('reads the configuration at the run\'s base commit, not the working tree', async () => {
    const { repo, commit } = repoWith({ [DC]: JSON.stringify({ image: IMAGE }) });
    writeFileSync(join(repo, DC), JSON.stringify({ image: 'nowhere.invalid/x:1' }));
    assert.deepEqual((await environmentProblems({ repo, ref: commit, defaultImage: IMAGE, workspaceBasename: 'repo', reachable: offline })).problems, []);
    assert.deepEqual(props(await environmentProblems({ repo, ref: commit, defaultImage: 'nowhere.invalid/x:1', workspaceBasename: 'repo', reachable: offline })), [], 'the default image is not used when a devcontainer.json exists');
  });

  it('startRun refuses an approved packet whose devcontainer cannot be built, naming the property, and writes no run folder', async () => {
    const { repo, commit } = repoWith({ [DC]: JSON.stringify({ image: 'registry.invalid/team/app:1' }) });
    const packet = approvePacket(aPacket().with('baseCommit', commit).build(), 'T <t@example.com>', new Date().toISOString());
    mkdirSync(join(repo, '.shopfloor', 'packets'), { recursive: true });
    const file = join(repo, '.shopfloor', 'packets', 'p.json');
    writeFileSync(file, JSON.stringify(packet));
    await assert.rejects(
      startRun({ repo, packetFile: file, options: { unattended: true, environment: 'docker', profile: false }, environmentCheck: { reachable: offline } }),
      (e: Error) => e instanceof RunRefusedError && /image: image registry\.invalid\/team\/app:1 is not on this Docker engine/.test(e.message),
    );
    assert.equal(existsSync(join(repo, '.shopfloor', 'runs')), false);
  });
});

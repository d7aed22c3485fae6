import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { DockerContainerRuntime, LABEL_OWNER, LABEL_RUN, readDevcontainer } from '../../../src/adapters/docker';
import { IMAGE, collect, requireEngine, testRuntime, workspace } from './support';

/** PostgreSQL from Debian's package (no registry here), on the Node.js station image so the same image also has psql. */
const PG_IMAGE = 'shopfloor-it/postgres:bookworm';
const ENTRYPOINT = `#!/bin/sh
set -e
BIN=$(ls -d /usr/lib/postgresql/*/bin)
PGDATA=/var/lib/postgresql/data
mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s\\n' "$POSTGRES_PASSWORD" > /tmp/pw && chown postgres /tmp/pw
  setpriv --reuid=postgres --regid=postgres --init-groups "$BIN/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile=/tmp/pw --auth=scram-sha-256 >/dev/null
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*'
`;

function buildPostgresImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', PG_IMAGE], { stdio: 'ignore' });
    return;
  } catch {
    // not built yet
  }
  const dir = mkdtempSync(join(tmpdir(), 'sf-pg-'));
  writeFileSync(join(dir, 'pg-entrypoint'), ENTRYPOINT, { mode: 0o755 });
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM ${IMAGE}\nUSER root\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql && rm -rf /var/lib/apt/lists/*\nCOPY pg-entrypoint /usr/local/bin/pg-entrypoint\n`,
  );
  execFileSync('docker', ['build', '-q', '-t', PG_IMAGE, dir], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
}

/** A repository with a Compose devcontainer: the station runs as `app`, PostgreSQL as `db` beside it, with a named volume. */
function composeRepo(sharedNetwork = false): string {
  const ws = workspace();
  mkdirSync(join(ws, '.devcontainer'));
  writeFileSync(join(ws, '.devcontainer', 'devcontainer.json'), JSON.stringify({ dockerComposeFile: 'docker-compose.yml', service: 'app', workspaceFolder: '/workspaces/${localWorkspaceFolderBasename}', remoteUser: 'node' }));
  writeFileSync(
    join(ws, '.devcontainer', 'docker-compose.yml'),
    [
      'volumes:',
      '  pgdata:',
      'services:',
      '  app:',
      `    image: ${PG_IMAGE}`,
      '    volumes: ["../..:/workspaces:cached"]',
      '    command: sleep infinity',
      ...(sharedNetwork
        ? ['    network_mode: service:db', '    environment: { DATABASE_URL: "postgresql://postgres:secret@localhost:5432/postgres" }']
        : ['    environment: { DATABASE_URL: "postgresql://postgres:secret@db:5432/postgres" }']),
      '    depends_on: { db: { condition: service_healthy } }',
      '  db:',
      `    image: ${PG_IMAGE}`,
      '    entrypoint: ["/usr/local/bin/pg-entrypoint"]',
      '    env_file: [.env]',
      '    volumes: ["pgdata:/var/lib/postgresql/data"]',
      '    healthcheck: { test: ["CMD-SHELL", "/usr/lib/postgresql/*/bin/pg_isready -h 127.0.0.1 -q"], interval: 1s, timeout: 3s, retries: 60 }',
      '',
    ].join('\n'),
  );
  writeFileSync(join(ws, '.devcontainer', '.env'), 'POSTGRES_USER=postgres\nPOSTGRES_PASSWORD=secret\n');
  return ws;
}

async function runResources(owner: string, runId: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const d = new Docker();
  const label = [`${LABEL_OWNER}=${owner}`, `${LABEL_RUN}=${runId}`];
  return {
    containers: (await d.listContainers({ all: true, filters: { label } })).length,
    networks: (await d.listNetworks({ filters: { label } })).length,
    volumes: ((await d.listVolumes({ filters: { label } })).Volumes ?? []).length,
  };
}

describe('docker: a Compose devcontainer runs the station in its service, with the other services beside it', function () {
  this.timeout(900_000);
  const { rt, owner, cleanup } = testRuntime('compose');
  before(async () => {
    await requireEngine(rt);
    buildPostgresImage();
  });
  after(cleanup);

  it('a reproduction in the station connects to the PostgreSQL service by name; the service is gone with the run', async () => {
    const ws = composeRepo();
    const spec = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE });
    assert.deepEqual(spec.compose?.services.map((s) => s.name), ['db']);
    const logs: string[] = [];
    const s = await rt.prepare(spec, { runId: 'compose-1', sessionId: 'sess', workspaceDir: ws, onLog: (l) => logs.push(l) });
    assert.ok(logs.some((l) => /\[compose\] service db healthy/.test(l)), logs.join('\n'));
    const out = collect();
    const r = await s.exec(['sh', '-c', 'psql "$DATABASE_URL" -tAc "create table t (n int); insert into t values (40); select n + 2 from t" && id -un && pwd'], { onStdout: out.sink, onStderr: out.sink, timeoutMs: 60_000 });
    assert.equal(r.exitCode, 0, out.text());
    assert.equal(out.text(), 'CREATE TABLE\nINSERT 0 1\n42\nnode\n/workspaces/repo\n');
    // The run's network is internal: no route out of the station.
    const net = collect();
    const off = await s.exec(['sh', '-c', 'getent hosts example.com || echo no-dns'], { onStdout: net.sink });
    assert.match(net.text(), /no-dns/);
    assert.equal(off.exitCode, 0);
    const db = (await new Docker().listContainers({ filters: { label: [`${LABEL_OWNER}=${owner}`, 'shopfloor.service=db'] } }))[0]!;
    const dbInfo = await new Docker().getContainer(db.Id).inspect();
    assert.deepEqual([dbInfo.HostConfig.CapDrop, dbInfo.HostConfig.Privileged, dbInfo.HostConfig.SecurityOpt], [['ALL'], false, ['no-new-privileges:true']]);
    assert.deepEqual(await runResources(owner, 'compose-1'), { containers: 2, networks: 1, volumes: 1 });

    await rt.removeRun('compose-1');
    assert.deepEqual(await runResources(owner, 'compose-1'), { containers: 0, networks: 0, volumes: 0 }, 'the service, its network and its volume are gone with the run');
  });

  it('network_mode service:db (the templates\' form): the station shares the service\'s network, so localhost reaches PostgreSQL', async () => {
    const ws = composeRepo(true);
    const spec = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE });
    assert.equal(spec.compose?.shareNetworkWith, 'db');
    const s = await rt.prepare(spec, { runId: 'compose-shared', sessionId: 'sess', workspaceDir: ws });
    const out = collect();
    const r = await s.exec(['sh', '-c', 'psql "$DATABASE_URL" -tAc "select 6 * 7"'], { onStdout: out.sink, onStderr: out.sink, timeoutMs: 60_000 });
    assert.equal(r.exitCode, 0, out.text());
    assert.equal(out.text(), '42\n');
    const db = (await new Docker().listContainers({ filters: { label: [`${LABEL_OWNER}=${owner}`, `${LABEL_RUN}=compose-shared`, 'shopfloor.service=db'] } }))[0]!;
    assert.equal((await new Docker().getContainer(s.id).inspect()).HostConfig.NetworkMode, `container:${db.Id}`);
    await rt.removeRun('compose-shared');
    assert.deepEqual(await runResources(owner, 'compose-shared'), { containers: 0, networks: 0, volumes: 0 });
  });

  it('after kill -9 of the process that started them, the next start\'s orphan sweep removes the services, their network and volume', async () => {
    const ws = composeRepo();
    const script = `
      const { DockerContainerRuntime, readDevcontainer } = require(${JSON.stringify(resolve(__dirname, '../../../src/adapters/docker'))});
      (async () => {
        const spec = await readDevcontainer({ workspaceDir: ${JSON.stringify(ws)}, defaultImage: ${JSON.stringify(IMAGE)} });
        const s = await new DockerContainerRuntime({ owner: ${JSON.stringify(owner)} }).prepare(spec, { runId: 'compose-killed', sessionId: 'dead-session', workspaceDir: ${JSON.stringify(ws)} });
        console.log(s.id);
        setInterval(() => {}, 1000);
      })();`;
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<string>((res) => child.stdout.once('data', (b: Buffer) => res(b.toString().trim())));
    assert.deepEqual(await runResources(owner, 'compose-killed'), { containers: 2, networks: 1, volumes: 1 });
    child.kill('SIGKILL');

    const next = new DockerContainerRuntime({ owner });
    const removed = await next.cleanupOrphans(() => false, () => false);
    assert.equal(removed.length, 2, 'the station and its db service');
    assert.deepEqual(await runResources(owner, 'compose-killed'), { containers: 0, networks: 0, volumes: 0 });
    await next.dispose();
  });
});

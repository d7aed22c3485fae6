import { strict as assert } from 'node:assert';
import { ConfigRefusedError, DEFAULT_LIMITS, composeFilePaths, parseDevcontainerJson, resolveDevcontainer, type EnvironmentSpec } from '../../../../src/core/container';
import { loadTemplates, type TemplateCase } from '../../../support/devcontainer-templates';

const CONFIG = '.devcontainer/devcontainer.json';
const ws = '/home/u/runs/r1/repo';

/**
 * `docker-existing-docker-compose` extends the user's own `docker-compose.yml` at the
 * repository root (its `dockerComposeFile` is `["../docker-compose.yml", "docker-compose.yml"]`);
 * the template ships only the override, so the test gives it a minimal existing file.
 */
const EXISTING_COMPOSE = 'services:\n  your-service-name-here:\n    image: shopfloor/node:bookworm\n';

function resolveTemplate(t: TemplateCase): EnvironmentSpec {
  const files: Record<string, string> = { 'docker-compose.yml': EXISTING_COMPOSE, ...t.files };
  const config = parseDevcontainerJson(files[CONFIG]!, CONFIG);
  const composeTexts = Object.fromEntries(composeFilePaths(config, CONFIG).map((p) => [p, files[p]]));
  return resolveDevcontainer({ config, configPath: CONFIG, workspaceDir: ws, workspaceBasename: 'repo', limits: DEFAULT_LIMITS, network: 'none', composeTexts });
}

describe('core/container resolution of the official Dev Container Templates', () => {
  const templates = loadTemplates();

  it('has every template of the copied snapshot (40 at commit c1ca13c)', () => {
    assert.equal(templates.length, 40);
  });

  it('accepts all of them, each with its image, build or Compose service', () => {
    const refused: string[] = [];
    for (const t of templates) {
      try {
        const s = resolveTemplate(t);
        assert.ok(s.image || s.build, `${t.id}: neither image nor build`);
        assert.equal(s.workspaceFolder, '/workspaces/repo', t.id);
      } catch (e) {
        if (!(e instanceof ConfigRefusedError)) throw e;
        refused.push(`${t.id}: ${e.message}`);
      }
    }
    assert.deepEqual(refused, []);
  });

  it('Compose templates run the station as their service, with the others beside it', () => {
    const compose = templates.filter((t) => CONFIG in t.files && /dockerComposeFile/.test(t.files[CONFIG]!.replace(/^\s*\/\/.*$/gm, '')));
    assert.equal(compose.length, 15);
    const pg = resolveTemplate(templates.find((t) => t.id === 'javascript-node-postgres')!);
    assert.equal(pg.compose?.service, 'app');
    assert.deepEqual(pg.build, { dockerfile: '.devcontainer/Dockerfile', context: '.devcontainer', args: {}, target: undefined });
    const db = pg.compose!.services.find((s) => s.name === 'db')!;
    assert.equal(db.image, 'postgres:latest');
    assert.equal(db.environment.POSTGRES_PASSWORD, 'postgres');
    assert.deepEqual(db.volumes, [{ type: 'run-volume', name: 'postgres-data', target: '/var/lib/postgresql' }]);
    assert.deepEqual(db.healthcheck?.test, ['CMD-SHELL', 'pg_isready -U postgres']);
    assert.deepEqual(pg.mounts, [], 'the ../..:/workspaces bind is replaced by the run workspace');
    assert.ok(pg.notes.some((n) => /covers the repository/.test(n)));
    const shared = resolveTemplate(templates.find((t) => t.id === 'go-postgres')!);
    assert.equal(shared.compose?.shareNetworkWith, 'db', 'network_mode service:db is kept');
    assert.deepEqual(shared.compose?.envFiles, ['.devcontainer/.env']);
  });

  it('the Docker socket of a Compose file is never mounted, and the note says so', () => {
    const s = resolveTemplate(templates.find((t) => t.id === 'docker-outside-of-docker-compose')!);
    assert.ok(!s.mounts.some((m) => m.type === 'bind' && /docker/.test(m.target)), JSON.stringify(s.mounts));
    assert.ok(s.notes.some((n) => /docker\.sock is not mounted: the Docker socket never enters a station/.test(n)), s.notes.join('\n'));
  });

  it('feature templates keep their features in order, local ones as repository paths', () => {
    const k = resolveTemplate(templates.find((t) => t.id === 'kubernetes-helm')!);
    assert.deepEqual(
      k.features?.map((f) => [f.kind, f.path ?? f.id]),
      [
        ['oci', 'ghcr.io/devcontainers/features/docker-outside-of-docker:1'],
        ['oci', 'ghcr.io/devcontainers/features/kubectl-helm-minikube:1'],
        ['local', '.devcontainer/local-features/copy-kube-config'],
      ],
    );
    assert.equal(k.mounts.length, 0, 'the ${env:HOME}/.kube mounts name nothing here');
    assert.equal(k.notes.filter((n) => /comes from the host's environment/.test(n)).length, 2);
    assert.ok(k.notes.some((n) => /initializeCommand is never run/.test(n)));
    const dind = resolveTemplate(templates.find((t) => t.id === 'docker-in-docker')!);
    assert.deepEqual(dind.features?.[0]?.options, { version: 'latest', enableNonRootDocker: 'true', moby: 'true' }, 'template options take their defaults');
  });
});

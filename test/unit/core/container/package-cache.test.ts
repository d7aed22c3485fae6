import { strict as assert } from 'node:assert';
import { PACKAGE_CACHES, cacheEcosystemsFor, packageCacheEnv, packageCacheVolume, type CacheEcosystem } from '../../../../src/core/container';

const has = (...files: string[]) => (p: string) => files.includes(p);
const ECOSYSTEMS = Object.keys(PACKAGE_CACHES) as CacheEcosystem[];

/** Where package managers keep credentials (and, for Gradle and Cargo, code other builds would run). */
const CREDENTIAL_PATHS = [
  '~/.npmrc',
  '~/.yarnrc',
  '~/.yarnrc.yml',
  '~/.m2/settings.xml',
  '~/.m2/settings-security.xml',
  '~/.cargo/credentials.toml',
  '~/.cargo/credentials',
  '~/.cargo/config.toml',
  '~/.gradle/gradle.properties',
  '~/.gradle/init.d',
  '~/.config/pip/pip.conf',
  '~/.pip/pip.conf',
  '~/.netrc',
  '~/.docker/config.json',
];

/** A credential path relative to the tool's home dir, as it would sit under a cache that is that home. */
const homeRelative = (p: string) => p.replace(/^~\/\.(m2|cargo|gradle)\//, '');

describe('package caches: which a workspace gets, and that none carries credentials', () => {
  it('maps workspace markers to ecosystems', () => {
    assert.deepEqual(cacheEcosystemsFor(has('package.json')), ['npm']);
    assert.deepEqual(cacheEcosystemsFor(has('requirements.txt')), ['pip']);
    assert.deepEqual(cacheEcosystemsFor(has('pyproject.toml')), ['pip']);
    assert.deepEqual(cacheEcosystemsFor(has('setup.py')), ['pip']);
    assert.deepEqual(cacheEcosystemsFor(has('pom.xml')), ['maven']);
    assert.deepEqual(cacheEcosystemsFor(has('build.gradle.kts')), ['gradle']);
    assert.deepEqual(cacheEcosystemsFor(has('settings.gradle')), ['gradle']);
    assert.deepEqual(cacheEcosystemsFor(has('go.mod')), ['go']);
    assert.deepEqual(cacheEcosystemsFor(has('Cargo.toml')), ['cargo']);
    assert.deepEqual(cacheEcosystemsFor(has('README.md')), []);
  });

  it('gives a JavaScript repository the cache of its one package manager: pnpm, then berry, then classic, then npm', () => {
    // npm's cache is not mounted beside pnpm's or Yarn's: npm does not install there, and each
    // read-write cache costs its set-up a check.
    assert.deepEqual(cacheEcosystemsFor(has('package.json', 'pnpm-lock.yaml')), ['pnpm']);
    assert.deepEqual(cacheEcosystemsFor(has('package.json', 'pnpm-workspace.yaml')), ['pnpm']);
    assert.deepEqual(cacheEcosystemsFor(has('package.json', 'yarn.lock')), ['yarn']);
    assert.deepEqual(cacheEcosystemsFor(has('package.json', 'yarn.lock', '.yarnrc.yml')), ['yarn-berry']);
    assert.deepEqual(cacheEcosystemsFor(has('package.json', 'pnpm-lock.yaml', '.yarnrc.yml')), ['pnpm']);
    assert.deepEqual(cacheEcosystemsFor(has('package.json', 'package-lock.json')), ['npm']);
  });

  it('keeps a polyglot repository\'s other ecosystems beside the JavaScript one', () => {
    assert.deepEqual(cacheEcosystemsFor(has('package.json', 'yarn.lock', 'go.mod', 'Cargo.toml', 'requirements.txt')), ['yarn', 'pip', 'go', 'cargo']);
  });

  it('names a volume per ecosystem and per image: none shared by two ecosystems', () => {
    const names = ECOSYSTEMS.map((e) => packageCacheVolume(e, 'sha256:aa', 'ann@box'));
    assert.equal(new Set(names).size, ECOSYSTEMS.length);
    for (const e of ECOSYSTEMS) {
      assert.match(packageCacheVolume(e, 'sha256:aa', 'ann@box'), new RegExp(`^shopfloor-cache-${e}-[0-9a-f]{16}$`));
      assert.notEqual(packageCacheVolume(e, 'sha256:bb', 'ann@box'), packageCacheVolume(e, 'sha256:aa', 'ann@box'));
    }
  });

  it('mounts each cache at its own path, never at or above a place that holds credentials', () => {
    const targets = ECOSYSTEMS.map((e) => PACKAGE_CACHES[e].target);
    assert.equal(new Set(targets).size, targets.length);
    for (const e of ECOSYSTEMS) {
      const t = PACKAGE_CACHES[e].target;
      assert.match(t, /^\/var\/cache\/shopfloor\/[a-z-]+(\/[a-z]+)?$/, `${e}: outside any home directory`);
      for (const c of CREDENTIAL_PATHS) {
        assert.ok(!t.startsWith('~') && !t.includes(c.slice(2)), `${e}: ${t} is not ${c}`);
        // Where a cache sits inside a tool's home (Gradle caches/, Cargo registry/), that home's
        // credential files are beside the volume, not in it.
        const rel = homeRelative(c);
        if (PACKAGE_CACHES[e].scratch) assert.ok(!`${PACKAGE_CACHES[e].scratch}/${rel}`.startsWith(`${t}/`), `${e}: ${rel} lies outside the volume`);
      }
    }
  });

  it('puts the tool homes that hold credentials (GRADLE_USER_HOME, CARGO_HOME) on a per-station scratch, with only the cache inside it shared', () => {
    assert.equal(PACKAGE_CACHES.gradle.env.GRADLE_USER_HOME, PACKAGE_CACHES.gradle.scratch);
    assert.equal(PACKAGE_CACHES.gradle.target, `${PACKAGE_CACHES.gradle.scratch}/caches`);
    assert.equal(PACKAGE_CACHES.cargo.env.CARGO_HOME, PACKAGE_CACHES.cargo.scratch);
    assert.equal(PACKAGE_CACHES.cargo.target, `${PACKAGE_CACHES.cargo.scratch}/registry`);
  });

  it('sets no credential, and points every path it sets into the cache, its scratch, or /tmp', () => {
    for (const e of ECOSYSTEMS) {
      const k = PACKAGE_CACHES[e];
      for (const env of [k.env, k.readOnlyEnv ?? {}, k.offlineEnv]) {
        for (const [name, value] of Object.entries(env)) {
          assert.doesNotMatch(name, /TOKEN|AUTH|PASSWORD|SECRET|CREDENTIAL|USERCONFIG|NETRC|SETTINGS/i, `${e}: ${name}`);
          for (const path of value.match(/\/[^\s=]+/g) ?? []) {
            const inside = [k.target, k.scratch, '/tmp'].some((root) => root && (path === root || path.startsWith(`${root}/`)));
            assert.ok(inside, `${e}: ${name}=${value} points at ${path}`);
            for (const c of CREDENTIAL_PATHS) assert.ok(!path.endsWith(c.slice(2)), `${e}: ${path}`);
          }
        }
      }
    }
  });

  it('points each package manager at its cache (read-write), and read-only stations at a read-only lookup where the tool has one', () => {
    assert.equal(PACKAGE_CACHES.npm.env.npm_config_cache, PACKAGE_CACHES.npm.target);
    assert.equal(PACKAGE_CACHES.pnpm.env.npm_config_store_dir, PACKAGE_CACHES.pnpm.target);
    assert.equal(PACKAGE_CACHES.yarn.env.YARN_CACHE_FOLDER, PACKAGE_CACHES.yarn.target);
    assert.equal(PACKAGE_CACHES['yarn-berry'].env.YARN_CACHE_FOLDER, PACKAGE_CACHES['yarn-berry'].target);
    assert.equal(PACKAGE_CACHES['yarn-berry'].env.YARN_ENABLE_GLOBAL_CACHE, 'false', 'berry ignores cacheFolder while the global cache is on');
    assert.equal(PACKAGE_CACHES.pip.env.PIP_CACHE_DIR, PACKAGE_CACHES.pip.target);
    assert.equal(PACKAGE_CACHES.go.env.GOMODCACHE, PACKAGE_CACHES.go.target);
    assert.equal(PACKAGE_CACHES.maven.env.MAVEN_OPTS, `-Dmaven.repo.local=${PACKAGE_CACHES.maven.target}`);
    const gradleRo = packageCacheEnv(PACKAGE_CACHES.gradle, { readOnly: true, offline: false });
    assert.deepEqual(gradleRo, { GRADLE_RO_DEP_CACHE: PACKAGE_CACHES.gradle.target }, 'a read-only station keeps its writable Gradle home in its own home');
    assert.deepEqual(packageCacheEnv(PACKAGE_CACHES.maven, { readOnly: true, offline: true }), { MAVEN_OPTS: `-Dmaven.repo.local.tail=${PACKAGE_CACHES.maven.target}`, MAVEN_ARGS: '-o' });
    assert.deepEqual(packageCacheEnv(PACKAGE_CACHES.npm, { readOnly: true, offline: false }), PACKAGE_CACHES.npm.env);
    assert.equal(packageCacheEnv(PACKAGE_CACHES.go, { readOnly: false, offline: true }).GOPROXY, 'off');
  });

  it('recognises each tool\'s hash-mismatch message, and not an ordinary failure', () => {
    const seen: Record<CacheEcosystem, string> = {
      npm: 'npm ERR! code EINTEGRITY',
      pnpm: ' ERR_PNPM_TARBALL_INTEGRITY  Got unexpected checksum for "https://registry.npmjs.org/minimist/-/minimist-1.2.8.tgz"',
      yarn: 'error Integrity check failed for "minimist" (computed integrity doesn\'t match our records, got "sha512-...")',
      'yarn-berry': '➤ YN0018: │ minimist@npm:1.2.8: The remote archive doesn\'t match the expected checksum',
      pip: 'ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.',
      maven: '[WARNING] Checksum validation failed, expected 1234 but is 5678',
      gradle: 'Dependency verification failed for configuration \':compileClasspath\'',
      go: 'verifying github.com/x/y@v1.0.0: checksum mismatch\n\tdownloaded: h1:aa\n\tgo.sum:     h1:bb\n\nSECURITY ERROR',
      cargo: 'error: failed to verify the checksum of `serde v1.0.0`',
    };
    for (const e of ECOSYSTEMS) {
      assert.match(seen[e], PACKAGE_CACHES[e].corruption, e);
      assert.doesNotMatch('npm ERR! code E404\nerror: could not find `Cargo.toml`\nnetwork unreachable', PACKAGE_CACHES[e].corruption, e);
    }
  });

  it('has an offline check only where the tool has one (npm, Go), each run by its own tool', () => {
    assert.deepEqual(ECOSYSTEMS.filter((e) => PACKAGE_CACHES[e].verify), ['npm', 'go']);
    for (const e of ECOSYSTEMS) if (PACKAGE_CACHES[e].verify) assert.equal(PACKAGE_CACHES[e].verify![0], PACKAGE_CACHES[e].tool);
  });
});

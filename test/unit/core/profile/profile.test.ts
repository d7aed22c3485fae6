import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { profileRepository } from '../../../../src/core/profile/profile';
import type { DetectedCommand, RepoProfile } from '../../../../src/core/profile/types';
import { shellWords, stripJsonc, globToRegExp } from '../../../../src/core/profile/text';
import { classifyCommand } from '../../../../src/core/profile/ci';
import { codeownersRegExp } from '../../../../src/core/profile/docs';
import { withBaseline } from '../../../../src/core/profile/readiness';
import { FakeRepoReader, FIXTURES } from './fake-reader';

const profileOf = (name: string) => profileRepository(FakeRepoReader.fromDir(join(FIXTURES, name)));
const argvs = (list: readonly DetectedCommand[]) => list.map((c) => c.argv.join(' '));

describe('core/profile: one fixture repository per ecosystem', () => {
  it('npm: lockfile → npm ci; scripts; GitHub Actions run steps; devcontainer; agent docs; CODEOWNERS; unattended', async () => {
    const p = await profileOf('npm');
    assert.deepEqual(p.ecosystems, ['npm']);
    assert.deepEqual(argvs(p.setupCommands), ['npm ci']);
    assert.equal(p.setupCommands[0]!.origin.file, 'package-lock.json');
    assert.deepEqual(argvs(p.testCommands.filter((c) => c.from === 'npm')), ['npm test']);
    assert.equal(p.testCommands[0]!.origin.file, 'package.json');
    assert.ok(p.testCommands[0]!.origin.line! > 1, 'script line is recorded');
    assert.deepEqual(argvs(p.buildCommands), ['npm run build']);
    assert.deepEqual(argvs(p.lintCommands), ['npm run lint']);
    assert.deepEqual(
      p.ciCommands.map((c) => [c.run.trim(), c.kind, c.line]),
      [
        ['npm ci', 'setup', 8],
        ['npm test', 'test', 9],
        ['npm run lint', 'lint', 11],
      ],
    );
    assert.equal(p.devcontainer?.path, '.devcontainer/devcontainer.json');
    assert.equal(p.devcontainer?.image, 'mcr.microsoft.com/devcontainers/javascript-node:20');
    assert.equal(p.devcontainer?.hasInitializeCommand, true);
    assert.deepEqual(p.agentDocs, ['AGENTS.md']);
    assert.deepEqual(p.contributorDocs, ['CONTRIBUTING.md']);
    assert.equal(p.codeowners?.rules.length, 2);
    assert.ok(p.testDirs.includes('test'));
    assert.equal(p.languages[0]!.language, 'JavaScript');
    assert.equal(p.readiness.pattern, 'unattended');
    assert.ok(p.readiness.score >= 90, `score ${p.readiness.score}`);
    assert.deepEqual(p.packages.map((x) => [x.name, x.entry]), [['fixture-npm', 'src/index.js']]);
  });

  it('yarn berry workspaces: yarn install --immutable, members resolved from globs', async () => {
    const p = await profileOf('yarn');
    assert.ok(p.ecosystems.includes('yarn'));
    assert.deepEqual(argvs(p.setupCommands), ['yarn install --immutable']);
    assert.deepEqual(argvs(p.testCommands), ['yarn test']);
    assert.deepEqual(argvs(p.buildCommands), ['yarn run build']);
    assert.deepEqual(p.workspaces.map((w) => [w.tool, [...w.members].sort()]), [['yarn', ['packages/a', 'packages/b']]]);
  });

  it('pnpm workspace: frozen lockfile, pnpm-workspace.yaml with a negated glob, lint and typecheck', async () => {
    const p = await profileOf('pnpm');
    assert.deepEqual(argvs(p.setupCommands), ['pnpm install --frozen-lockfile']);
    assert.deepEqual(argvs(p.testCommands), ['pnpm test']);
    assert.deepEqual(argvs(p.lintCommands), ['pnpm run lint', 'pnpm run typecheck']);
    assert.deepEqual(p.workspaces.find((w) => w.tool === 'pnpm')?.members, ['apps/web']);
    assert.equal(p.readiness.pattern, 'interactive');
  });

  it('Maven: wrapper, modules, checkstyle', async () => {
    const p = await profileOf('maven');
    assert.deepEqual(argvs(p.testCommands), ['./mvnw -B test']);
    assert.deepEqual(argvs(p.buildCommands), ['./mvnw -B -DskipTests package']);
    assert.deepEqual(argvs(p.lintCommands), ['./mvnw -B checkstyle:check']);
    assert.deepEqual(p.workspaces[0]?.members, ['core', 'web']);
    assert.ok(p.testDirs.some((d) => d.endsWith('src/test')));
    assert.equal(p.languages[0]!.language, 'Java');
  });

  it('Gradle: wrapper with its version, included projects, spotless', async () => {
    const p = await profileOf('gradle');
    assert.deepEqual(argvs(p.testCommands), ['./gradlew --no-daemon test']);
    assert.deepEqual(argvs(p.buildCommands), ['./gradlew --no-daemon assemble']);
    assert.deepEqual(argvs(p.lintCommands), ['./gradlew --no-daemon spotlessCheck']);
    assert.match(p.testCommands[0]!.origin.note!, /Gradle 8\.7/);
    assert.deepEqual(p.workspaces[0]?.members, ['app', 'lib/util']);
  });

  it('Make: conventional targets with lines, variable assignments ignored; Jenkinsfile sh steps', async () => {
    const p = await profileOf('make');
    assert.deepEqual(argvs(p.setupCommands), ['make deps']);
    assert.deepEqual(argvs(p.buildCommands), ['make all']);
    assert.deepEqual(argvs(p.testCommands), ['make test']);
    assert.deepEqual(argvs(p.lintCommands), ['make lint']);
    assert.equal(p.testCommands[0]!.origin.line, 12);
    assert.deepEqual(
      p.ciCommands.map((c) => [c.system, c.run, c.job]),
      [
        ['jenkins', 'make all', 'Build'],
        ['jenkins', 'make test', 'Test'],
      ],
    );
  });

  it('CMake: configure, build, ctest; GitLab CI jobs (hidden templates and keywords skipped)', async () => {
    const p = await profileOf('cmake');
    assert.deepEqual(argvs(p.setupCommands), ['cmake -S . -B build']);
    assert.deepEqual(argvs(p.testCommands), ['ctest --test-dir build --output-on-failure']);
    assert.deepEqual(
      p.ciCommands.map((c) => [c.job, c.run, c.kind]),
      [
        ['build', 'cmake -S . -B build', 'build'],
        ['build', 'cmake --build build', 'build'],
        ['test', 'ctest --test-dir build', 'test'],
      ],
    );
  });

  it('Go modules: go test ./..., vet, golangci-lint; CircleCI run steps (string and command forms)', async () => {
    const p = await profileOf('go');
    assert.deepEqual(argvs(p.setupCommands), ['go mod download']);
    assert.deepEqual(argvs(p.testCommands), ['go test ./...']);
    assert.deepEqual(argvs(p.lintCommands), ['go vet ./...', 'golangci-lint run']);
    assert.deepEqual(p.ciCommands.map((c) => [c.system, c.run, c.kind]), [
      ['circleci', 'go test ./...', 'test'],
      ['circleci', 'go vet ./...', 'lint'],
    ]);
    assert.deepEqual(p.packages.map((x) => x.name), ['example.com/fx']);
  });

  it('Python (poetry): poetry install, poetry run pytest from [tool.pytest.ini_options], ruff, build', async () => {
    const p = await profileOf('python-poetry');
    assert.deepEqual(argvs(p.setupCommands), ['poetry install']);
    assert.deepEqual(argvs(p.testCommands), ['poetry run pytest']);
    assert.equal(p.testCommands[0]!.origin.file, 'pyproject.toml');
    assert.deepEqual(argvs(p.lintCommands), ['poetry run ruff check .']);
    assert.deepEqual(argvs(p.buildCommands), ['python -m build']);
    assert.deepEqual(p.packages.map((x) => [x.name, x.entry]), [['fx-poetry', 'fx_poetry/__init__.py']]);
  });

  it('Python (setuptools): requirements, setup.cfg pytest + flake8, tox envlist', async () => {
    const p = await profileOf('python-setuptools');
    assert.deepEqual(argvs(p.setupCommands), ['python -m pip install -r requirements.txt', 'python -m pip install -r requirements-dev.txt', 'python -m pip install -e .']);
    assert.deepEqual(argvs(p.testCommands), ['python -m pytest', 'tox']);
    assert.equal(p.testCommands[0]!.origin.file, 'setup.cfg');
    assert.match(p.testCommands[1]!.origin.note!, /py311, lint/);
    assert.deepEqual(argvs(p.lintCommands), ['python -m flake8']);
  });

  it('Cargo workspace: fetch --locked, test --workspace, clippy; member crates', async () => {
    const p = await profileOf('cargo');
    assert.deepEqual(argvs(p.setupCommands), ['cargo fetch --locked']);
    assert.deepEqual(argvs(p.testCommands), ['cargo test --workspace']);
    assert.deepEqual(p.workspaces[0]?.members, ['crates/a', 'crates/b']);
  });

  it('.NET: solution restore/build/test (test project by its SDK reference), format check', async () => {
    const p = await profileOf('dotnet');
    assert.deepEqual(argvs(p.setupCommands), ['dotnet restore Fx.sln']);
    assert.deepEqual(argvs(p.testCommands), ['dotnet test Fx.sln']);
    assert.equal(p.testCommands[0]!.origin.file, 'tests/Fx.Tests/Fx.Tests.csproj');
    assert.deepEqual(argvs(p.lintCommands), ['dotnet format Fx.sln --verify-no-changes']);
    assert.deepEqual(p.workspaces[0]?.members, ['src/Fx', 'tests/Fx.Tests']);
  });

  it('Ruby: bundle install, rake spec and rspec, rubocop', async () => {
    const p = await profileOf('ruby');
    assert.deepEqual(argvs(p.setupCommands), ['bundle install']);
    assert.deepEqual(argvs(p.testCommands), ['bundle exec rake spec', 'bundle exec rspec']);
    assert.deepEqual(argvs(p.lintCommands), ['bundle exec rubocop']);
  });

  it('PHP: composer install, composer test script and phpunit, lint script and phpstan', async () => {
    const p = await profileOf('php');
    assert.deepEqual(argvs(p.setupCommands), ['composer install --no-interaction']);
    assert.deepEqual(argvs(p.testCommands), ['composer run-script test', 'vendor/bin/phpunit']);
    assert.deepEqual(argvs(p.lintCommands), ['composer run-script lint', 'vendor/bin/phpstan analyse']);
  });

  it('legacy repository without manifests: CI is the record of how to test (GitHub Actions, Travis)', async () => {
    const p: RepoProfile = await profileOf('legacy-ci');
    assert.deepEqual(p.ecosystems, []);
    assert.deepEqual(argvs(p.testCommands), ['./run-tests.sh --all', 'prove -r t']);
    assert.equal(p.testCommands[0]!.from, 'github-actions');
    assert.equal(p.testCommands[0]!.origin.line, 8);
    const tests = p.readiness.checks.find((c) => c.id === 'runnable-tests')!;
    assert.ok(tests.ok);
    assert.match(tests.detail, /CI runs/);
    assert.equal(p.readiness.pattern, 'interactive');
  });
});

describe('core/profile: readiness of runnable tests', () => {
  const published = { 'package.json': JSON.stringify({ name: 'deep-extend', version: '0.5.0', main: 'index.js', files: ['index.js', 'lib/'], scripts: { test: './node_modules/.bin/mocha' } }), 'index.js': "module.exports = require('./lib/deep-extend');\n", 'lib/deep-extend.js': 'module.exports = function () {};\n' };
  const check = (p: RepoProfile) => p.readiness.checks.find((c) => c.id === 'runnable-tests')!;

  it('a test script with no test folder and no test file does not tick runnable-tests (a package published without its tests)', async () => {
    const p = await profileRepository(new FakeRepoReader(published));
    assert.deepEqual([p.testDirs, p.testFiles], [[], []]);
    assert.equal(check(p).ok, false);
    assert.match(check(p).detail, /test command from package\.json: npm test, but the repository has no test folder and no file named like a test/);
    assert.equal(p.readiness.pattern, 'interactive');
  });

  it('a file named like a test is enough (test.js, *.test.ts, *_test.go, test_*.py)', async () => {
    for (const f of ['test.js', 'lib/deep-extend.test.js', 'pkg/x_test.go', 'test_parser.py', 'src/FooTest.java']) {
      const p = await profileRepository(new FakeRepoReader({ ...published, [f]: 'x\n' }));
      assert.deepEqual(p.testFiles, [f], f);
      assert.equal(check(p).ok, true, f);
    }
  });

  it('once a validation baseline ran the test command on this commit, its exit code decides', async () => {
    const p = await profileRepository(new FakeRepoReader(published));
    const red = withBaseline(p, { runId: '20261202-100000-abcdef', commands: [{ argv: ['npm', 'test'], exitCode: 1 }] });
    assert.equal(check(red).ok, false);
    assert.equal(check(red).detail, 'npm test failed on the base commit (exit 1) in the validation baseline of run 20261202-100000-abcdef');
    const green = withBaseline(p, { runId: 'r2', commands: [{ argv: ['npm', 'test'], exitCode: 0 }] });
    assert.equal(check(green).ok, true, 'the run is the better witness than folder names');
    assert.ok(green.readiness.score > red.readiness.score);
    const other = withBaseline(p, { runId: 'r3', commands: [{ argv: ['npm', 'run', 'lint'], exitCode: 0 }] });
    assert.equal(check(other).ok, false, 'a baseline that did not run a test command changes nothing');
    assert.equal(withBaseline(p, undefined), p);
  });
});

describe('core/profile: bounds and safety', () => {
  it('never reads symlinks or submodules, and lists oversized manifests as skipped', async () => {
    const big = JSON.stringify({ name: 'x', scripts: { test: 'jest' }, pad: 'x'.repeat(2000) });
    const reader = new FakeRepoReader({ 'package.json': big }, [], [
      { path: 'Makefile', mode: 'symlink' },
      { path: 'vendor/lib', mode: 'submodule' },
    ]);
    const p = await profileRepository(reader, { maxBytes: 1000 });
    assert.deepEqual(p.skipped.map((s) => s.path), ['package.json']);
    assert.match(p.skipped[0]!.reason, /too-large/);
    assert.equal(p.files.symlinks, 1);
    assert.equal(p.files.submodules, 1);
    assert.deepEqual(argvs(p.testCommands), []);
    assert.ok(!p.manifests.some((m) => m.path === 'Makefile'));
  });

  it('ignores manifests in vendored folders', async () => {
    const p = await profileRepository(new FakeRepoReader({ 'node_modules/x/package.json': '{"scripts":{"test":"x"}}', 'vendor/foo/composer.json': '{}' }));
    assert.deepEqual(p.manifests, []);
  });
});

describe('core/profile: text helpers', () => {
  it('shellWords splits simple commands and refuses what needs a shell', () => {
    assert.deepEqual(shellWords(`npm run "test:unit" -- --grep 'a b'`), ['npm', 'run', 'test:unit', '--', '--grep', 'a b']);
    assert.equal(shellWords('npm ci && npm test'), undefined);
    assert.equal(shellWords('tape test/*.js'), undefined);
    assert.equal(shellWords('FOO=1 make'), undefined);
  });
  it('stripJsonc keeps strings with // and drops comments and trailing commas', () => {
    assert.deepEqual(JSON.parse(stripJsonc('{"a": "http://x", // c\n /* d */ "b": [1,],}')), { a: 'http://x', b: [1] });
  });
  it('globToRegExp and CODEOWNERS patterns', () => {
    assert.ok(globToRegExp('packages/*').test('packages/a'));
    assert.ok(!globToRegExp('packages/*').test('packages/a/b'));
    assert.ok(codeownersRegExp('/src/auth/').test('src/auth/session.js'));
    assert.ok(codeownersRegExp('*.js').test('a/b/c.js'));
    assert.ok(!codeownersRegExp('/docs/').test('src/docs/x'));
  });
  it('classifyCommand', () => {
    assert.equal(classifyCommand('npm test'), 'test');
    assert.equal(classifyCommand('cargo clippy -- -D warnings'), 'lint');
    assert.equal(classifyCommand('pip install -r requirements.txt'), 'setup');
    assert.equal(classifyCommand('make'), 'build');
    assert.equal(classifyCommand('echo hi'), undefined);
  });
});

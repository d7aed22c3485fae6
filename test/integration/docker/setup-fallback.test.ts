import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultEnvironment } from '../../../src/core/container';
import { productionInstall } from '../../../src/core/run/setup-fallback';
import { IMAGE, collect, requireEngine, testRuntime, workspace } from './support';

/**
 * The production-only install (src/core/run/setup-fallback.ts) on real npm in a real
 * station, through the egress proxy to the npm registry: a package whose development
 * dependency no longer resolves (ETARGET, as old packages pinned to versions that are gone).
 */
describe('docker: set-up falls back to production dependencies when the full install fails', function () {
  this.timeout(300_000);
  const { rt, cleanup } = testRuntime('fallback');
  before(() => requireEngine(rt));
  after(cleanup);

  it('npm install fails on a development dependency that does not resolve; the production install installs the rest and leaves package.json and the lockfile as they were', async () => {
    const ws = workspace();
    const pkg = `${JSON.stringify({ name: 'old-package', version: '1.0.0', dependencies: { minimist: '1.2.8' }, devDependencies: { mocha: '999.0.0' } }, null, 4)}\n`;
    writeFileSync(join(ws, 'package.json'), pkg);
    const spec = defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo', network: { egressAllow: ['registry.npmjs.org'] } });
    const s = await rt.prepare(spec, { runId: 'fallback-1', sessionId: 'sess', workspaceDir: ws });
    const full = collect();
    const r1 = await s.exec(['npm', 'install', '--no-audit', '--no-fund'], { timeoutMs: 180_000, onStdout: full.sink, onStderr: full.sink });
    assert.notEqual(r1.exitCode, 0, full.text());
    assert.match(full.text(), /ETARGET|No matching version/);
    const fb = productionInstall({ argv: ['npm', 'install'] })!;
    const prod = collect();
    const r2 = await s.exec(fb.argv, { timeoutMs: 180_000, onStdout: prod.sink, onStderr: prod.sink });
    assert.equal(r2.exitCode, 0, prod.text());
    assert.ok(existsSync(join(ws, 'node_modules', 'minimist', 'package.json')), 'the production dependency is installed');
    assert.ok(!existsSync(join(ws, 'node_modules', 'mocha')), 'the development dependency is not');
    assert.equal(readFileSync(join(ws, 'package.json'), 'utf8'), pkg, 'package.json is back byte for byte');
    assert.ok(!existsSync(join(ws, 'package-lock.json')), 'no lockfile written');
    await s.remove();
  });
});

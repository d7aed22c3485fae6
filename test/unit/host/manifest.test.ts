import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Checks on package.json that a reviewer would otherwise do by eye (issue: foundation, "Extension basics"). */
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

describe('package.json manifest', () => {
  it('identifies as shopfloor / Shopfloor with a shopfloor bin', () => {
    assert.equal(pkg.name, 'shopfloor');
    assert.equal(pkg.displayName, 'Shopfloor');
    assert.equal(pkg.bin.shopfloor, './dist/cli.js');
  });

  it('never activates on *; only Shopfloor panel and .shopfloor files beyond its commands', () => {
    assert.ok(!pkg.activationEvents.includes('*'));
    for (const e of pkg.activationEvents as string[]) assert.match(e, /^(onWebviewPanel:shopfloor\.|workspaceContains:\.shopfloor\/|onView:shopfloor\.|onCommand:shopfloor\.)/);
  });

  it('every command is in the Shopfloor category', () => {
    for (const c of pkg.contributes.commands) {
      assert.equal(c.category, 'Shopfloor', c.command);
      assert.match(c.command, /^shopfloor\./);
    }
  });

  it('every setting has a description', () => {
    for (const [k, v] of Object.entries(pkg.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>)) {
      assert.ok((v.description ?? v.markdownDescription ?? '').length > 20, `${k} has no description`);
    }
  });

  it('declares limited untrusted support and restricts every setting that names a host, image, URL or command', () => {
    const u = pkg.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    const sensitive = Object.keys(pkg.contributes.configuration.properties).filter((k) => /(host|image|url|command)$/i.test(k));
    assert.ok(sensitive.length >= 4);
    assert.deepEqual(sensitive.filter((k) => !u.restrictedConfigurations.includes(k)), []);
  });
});

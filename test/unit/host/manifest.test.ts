import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Checks on package.json that a reviewer would otherwise do by eye (issue: foundation, "Extension basics"). */
const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributed = new Set((pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command));
/** Commands a Markdown text links to: `[x](command:id)` or `command:id?args`. */
const commandLinks = (md: string) => [...md.matchAll(/\(command:([\w.-]+)/g)].map((m) => m[1]!);

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}

/** Whether a `viewItem == x` / `viewItem =~ /re/` clause of a menu's `when` accepts `contextValue`. */
function acceptsItem(when: string, contextValue: string): boolean {
  const eq = /viewItem == ([\w.-]+)/.exec(when);
  if (eq) return eq[1] === contextValue;
  const re = /viewItem =~ \/(.+?)\/(?: |$)/.exec(when);
  return re ? new RegExp(re[1]!).test(contextValue) : true;
}

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

  it('every command a menu or a view welcome names is contributed', () => {
    const named = [
      ...Object.values(pkg.contributes.menus as Record<string, Array<{ command: string }>>).flatMap((items) => items.map((i) => i.command)),
      ...(pkg.contributes.viewsWelcome as Array<{ contents: string }>).flatMap((w) => commandLinks(w.contents)),
    ];
    assert.deepEqual([...new Set(named.filter((c) => !contributed.has(c)))], []);
  });

  it('the first-use walkthrough has its five steps, each with a Markdown file that exists and completion on a contributed command', () => {
    const w = (pkg.contributes.walkthroughs as Array<{ id: string; steps: WalkthroughStep[] }>).find((x) => x.id === 'shopfloor.firstRun');
    assert.ok(w, 'walkthrough shopfloor.firstRun');
    assert.deepEqual(w.steps.map((s) => s.id), ['pickSeed', 'draftPacket', 'approvePacket', 'startRun', 'reviewEvidence']);
    for (const step of w.steps) {
      assert.ok(step.media.markdown?.startsWith('media/walkthrough/'), `${step.id}: media under media/walkthrough/`);
      const file = join(root, step.media.markdown!);
      assert.ok(existsSync(file), `${step.id}: ${step.media.markdown} exists`);
      assert.ok(step.completionEvents.length > 0, `${step.id}: completion events`);
      for (const e of step.completionEvents) {
        const m = /^onCommand:(.+)$/.exec(e);
        assert.ok(m && contributed.has(m[1]!), `${step.id}: ${e} names a contributed command`);
      }
      const links = [...commandLinks(step.description), ...commandLinks(readFileSync(file, 'utf8'))];
      assert.ok(links.length > 0, `${step.id}: links to at least one command`);
      assert.deepEqual(links.filter((c) => !contributed.has(c)), [], `${step.id}: every command: link is contributed`);
    }
    // Shopfloor: Open Walkthrough opens it as <publisher>.<name>#<id>.
    assert.ok(contributed.has('shopfloor.openWalkthrough'));
  });

  it('the Packets view: approve on draft and stale rows, start run on approved ones, neither on an invalid file; a welcome when empty', () => {
    assert.ok((pkg.contributes.views.shopfloor as Array<{ id: string }>).some((v) => v.id === 'shopfloor.packets'));
    const inline = (pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string; group: string }>).filter((m) => m.when.includes('view == shopfloor.packets') && m.group.startsWith('inline'));
    const offered = (cv: string) => inline.filter((m) => acceptsItem(m.when, cv)).map((m) => m.command).sort();
    assert.deepEqual(offered('packet-draft'), ['shopfloor.approvePacket', 'shopfloor.openPacket']);
    assert.deepEqual(offered('packet-stale'), ['shopfloor.approvePacket', 'shopfloor.openPacket']);
    assert.deepEqual(offered('packet-approved'), ['shopfloor.openPacket', 'shopfloor.startRun']);
    assert.deepEqual(offered('packet-invalid'), []);
    const welcome = (pkg.contributes.viewsWelcome as Array<{ view: string; contents: string }>).find((v) => v.view === 'shopfloor.packets');
    assert.ok(welcome && commandLinks(welcome.contents).includes('shopfloor.draftPacket'));
    assert.ok((pkg.contributes.menus['view/title'] as Array<{ command: string; when: string }>).some((m) => m.command === 'shopfloor.refreshPackets' && m.when === 'view == shopfloor.packets'));
  });
});

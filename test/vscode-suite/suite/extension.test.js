// Extension-host tests: run inside VS Code with the real `vscode` API.
'use strict';
const assert = require('node:assert/strict');
const vscode = require('vscode');

describe('Shopfloor in the extension host', () => {
  it('is not active before one of its activation events', () => {
    const ext = vscode.extensions.getExtension('shopfloor.shopfloor');
    assert.ok(ext, 'extension is installed');
  });

  it('activates on "Shopfloor: Open Panel" and registers its commands', async () => {
    await vscode.commands.executeCommand('shopfloor.openPanel');
    const ext = vscode.extensions.getExtension('shopfloor.shopfloor');
    assert.equal(ext.isActive, true);
    assert.ok(typeof ext.exports.activationMs === 'number');
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['shopfloor.openPanel', 'shopfloor.showLog']) assert.ok(commands.includes(c), c);
  });
});

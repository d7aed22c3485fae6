// Runs the extension-host suite inside a downloaded VS Code via @vscode/test-electron.
// Needs the network (it downloads VS Code); on machines without it, the e2e tier runs the
// same extension in code-server instead (test/e2e). Usage: npm run test:vscode
'use strict';
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

async function main() {
  const root = path.resolve(__dirname, '..', '..');
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: ['--disable-extensions', '--disable-workspace-trust', path.join(__dirname, 'workspace')],
    });
  } catch (e) {
    console.error(`extension-host tests failed: ${e && e.message ? e.message : e}`);
    process.exit(1);
  }
}
main();

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installVscodeStub } from '../../support/vscode-stub';

installVscodeStub();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FIRST_RUN_WALKTHROUGH, walkthroughRef } = require('../../../src/host/commands/openWalkthrough') as typeof import('../../../src/host/commands/openWalkthrough');

describe('host/commands/openWalkthrough', () => {
  it('opens <publisher>.<name>#shopfloor.firstRun, a walkthrough package.json contributes', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    assert.equal(walkthroughRef(pkg), `${pkg.publisher}.${pkg.name}#shopfloor.firstRun`);
    assert.ok((pkg.contributes.walkthroughs as Array<{ id: string }>).some((w) => w.id === FIRST_RUN_WALKTHROUGH));
  });
});

import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchemas } from '../../../src/contracts/json-schema';

const dir = join(__dirname, '..', '..', '..', 'schemas');

describe('schemas/ (generated from src/contracts)', () => {
  const rendered = renderSchemas();

  it('every committed schema equals what `npm run schemas` would write now', () => {
    for (const [stem, text] of Object.entries(rendered)) {
      const file = join(dir, `${stem}.schema.json`);
      let committed = '';
      try {
        committed = readFileSync(file, 'utf8');
      } catch {
        assert.fail(`schemas/${stem}.schema.json is missing: run npm run schemas`);
      }
      assert.equal(committed, text, `schemas/${stem}.schema.json is stale: run npm run schemas and commit the result`);
    }
  });

  it('no schema file is left over from a contract that no longer exists', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.schema.json'));
    assert.deepEqual(files.sort(), Object.keys(rendered).map((s) => `${s}.schema.json`).sort());
  });

  it('each schema carries the contract description', () => {
    for (const [stem, text] of Object.entries(rendered)) {
      const json = JSON.parse(text) as { description?: string };
      assert.ok(json.description && json.description.length > 10, `${stem} has no description`);
    }
  });

  it('package.json contributes the packet and blueprint schemas for .shopfloor files', () => {
    const pkg = JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8'));
    const urls = pkg.contributes.jsonValidation.map((j: { url: string }) => j.url);
    assert.ok(urls.includes('./schemas/task-packet.schema.json'));
    assert.ok(urls.includes('./schemas/blueprint.schema.json'));
    for (const j of [...pkg.contributes.jsonValidation, ...pkg.contributes.yamlValidation]) {
      assert.match(j.fileMatch, /^\.shopfloor\//);
      readFileSync(join(dir, '..', j.url)); // throws when the file does not exist
    }
  });
});

// Generates schemas/*.json from src/contracts (style.md: generated artefacts are derived,
// never hand-edited). `npm run schemas` writes them; test/unit/contracts/schemas.test.ts fails when stale.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchemas } from '../src/contracts/json-schema';

const out = join(__dirname, '..', 'schemas');
mkdirSync(out, { recursive: true });
for (const [stem, text] of Object.entries(renderSchemas())) {
  writeFileSync(join(out, `${stem}.schema.json`), text);
  console.log(`schemas/${stem}.schema.json`);
}

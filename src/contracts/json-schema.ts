import { z } from 'zod';
import { PUBLISHED_SCHEMAS } from './schemas';

/**
 * Renders every published contract as JSON Schema (draft 2020-12, via zod's
 * `z.toJSONSchema`), keyed by file stem, as the exact text written to schemas/.
 * Input shapes are used (defaults optional) because these schemas check files people write.
 */
export function renderSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [stem, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const withId = { $id: `https://shopfloor.dev/schemas/${stem}.schema.json`, ...json };
    out[stem] = JSON.stringify(withId, null, 2) + '\n';
  }
  return out;
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The checkout's root folder. */
const ROOT = resolve(__dirname, '..', '..');

/**
 * Folder of the brownfield cases (`cases.json`, `materialize.sh`): `SHOPFLOOR_BROWNFIELD`
 * when set, else `../shared/brownfield` beside the checkout when it is there, else the copy
 * committed in `samples/brownfield`, so the tests pass in a clone made anywhere (CI).
 * Same rule as scripts/brownfield-dir.sh.
 */
export function brownfieldDir(): string {
  if (process.env.SHOPFLOOR_BROWNFIELD) return resolve(process.env.SHOPFLOOR_BROWNFIELD);
  const shared = join(ROOT, '..', 'shared', 'brownfield');
  return existsSync(join(shared, 'cases.json')) ? shared : join(ROOT, 'samples', 'brownfield');
}

export const BROWNFIELD = brownfieldDir();

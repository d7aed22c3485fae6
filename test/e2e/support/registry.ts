import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlueprintRegistry, registryLocation } from '../../../src/adapters/registry';

/** The embedded registry the extension in `userDataDir` uses, opened with a clone of its own (another machine's, or the CLI's). */
export async function embeddedRegistry(userDataDir: string): Promise<BlueprintRegistry> {
  const home = join(userDataDir, 'User', 'globalStorage', 'shopfloor.shopfloor');
  const { url } = registryLocation({ home, env: {} });
  return BlueprintRegistry.open({ url, embedded: true, stateDir: mkdtempSync(join(tmpdir(), 'sf-e2e-writer-')) });
}

import type { PriceTable } from '../../contracts';
import { DEFAULT_PRICES } from '../../core/agent/pricing';
import { keysFromEnv, loadPriceTable, upstreamsFrom, type ModelKeys, type ModelUpstreams } from './keys';

/** Keys, upstreams and prices for {@link startModelProxy}, as the CLI reads them. */
export interface ModelProxyConfig {
  keys: ModelKeys;
  upstreams: ModelUpstreams;
  prices: PriceTable;
}

/**
 * The CLI's model proxy configuration from the host environment: keys (keysFromEnv),
 * upstream base URLs (`overrides` from CLI options, then `SHOPFLOOR_<PROVIDER>_BASE_URL`),
 * and the price table from the file `pricesFile` or `SHOPFLOOR_MODEL_PRICES` names, else
 * DEFAULT_PRICES. Reads that file.
 * @throws Error for a base URL that is not http(s), or a price file that does not load.
 */
export function modelProxyConfigFromEnv(env: NodeJS.ProcessEnv, overrides: { upstreams?: Partial<ModelUpstreams>; pricesFile?: string } = {}): ModelProxyConfig {
  const pricesFile = overrides.pricesFile || env.SHOPFLOOR_MODEL_PRICES;
  return { keys: keysFromEnv(env), upstreams: upstreamsFrom(env, overrides.upstreams), prices: pricesFile ? loadPriceTable(pricesFile) : DEFAULT_PRICES };
}

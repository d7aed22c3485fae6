import { readFileSync } from 'node:fs';
import { MODEL_PROVIDERS, PriceTableSchema, type ModelProvider, type PriceTable } from '../../contracts';

/** Real credentials by provider. Held by the host-side proxy only: never logged, written to the run, or put in a container's env. */
export type ModelKeys = Partial<Record<ModelProvider, string>>;

/** Upstream base URLs by provider: where the provider's API paths (`/v1/messages`, `/v1/responses`, `/v1beta/models/...`) hang off. */
export type ModelUpstreams = Record<ModelProvider, string>;

/** The providers' own APIs; a team's gateway replaces one by setting or environment. */
export const DEFAULT_UPSTREAMS: ModelUpstreams = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com',
  gemini: 'https://generativelanguage.googleapis.com',
};

/** The environment variable each provider's key is read from on the host, unless `SHOPFLOOR_<PROVIDER>_KEY_ENV` names another. */
export const KEY_ENV: Record<ModelProvider, string> = { anthropic: 'ANTHROPIC_API_KEY', openai: 'OPENAI_API_KEY', gemini: 'GEMINI_API_KEY' };

const upper = (p: ModelProvider) => p.toUpperCase();

/**
 * Keys from the host environment, for the CLI: `ANTHROPIC_API_KEY`, `OPENAI_API_KEY`,
 * `GEMINI_API_KEY`, or the variable `SHOPFLOOR_<PROVIDER>_KEY_ENV` names (e.g.
 * `SHOPFLOOR_OPENAI_KEY_ENV=TEAM_GATEWAY_TOKEN`). Empty values count as absent.
 */
export function keysFromEnv(env: NodeJS.ProcessEnv): ModelKeys {
  const keys: ModelKeys = {};
  for (const p of MODEL_PROVIDERS) {
    const v = env[env[`SHOPFLOOR_${upper(p)}_KEY_ENV`] || KEY_ENV[p]];
    if (v) keys[p] = v;
  }
  return keys;
}

/**
 * Upstream base URLs: `overrides` (CLI options or the editor's machine-scoped
 * `shopfloor.model.<provider>.baseUrl` settings) first, then `SHOPFLOOR_<PROVIDER>_BASE_URL`,
 * then the provider's own API.
 * @throws Error when a URL is not http(s) (a key must not go to file: or data: or the like).
 */
export function upstreamsFrom(env: NodeJS.ProcessEnv, overrides: Partial<ModelUpstreams> = {}): ModelUpstreams {
  const out = { ...DEFAULT_UPSTREAMS };
  for (const p of MODEL_PROVIDERS) {
    const v = overrides[p] || env[`SHOPFLOOR_${upper(p)}_BASE_URL`];
    if (!v) continue;
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${p} base URL must be http or https: ${v}`);
    out[p] = v;
  }
  return out;
}

/**
 * A price table file (JSON, PriceTableSchema), e.g. from `SHOPFLOOR_MODEL_PRICES` or a setting.
 * Reads the file. @throws Error naming the file when it is unreadable or does not match the schema.
 */
export function loadPriceTable(file: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`price table ${file}: ${(e as Error).message}`);
  }
  const r = PriceTableSchema.safeParse(raw);
  if (!r.success) throw new Error(`price table ${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

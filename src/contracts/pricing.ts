import { z } from 'zod';
import { AgentUsageSchema } from './agent';

/** The model providers the model proxy forwards to (issue 10): their APIs, nothing else. */
export const MODEL_PROVIDERS = ['anthropic', 'openai', 'gemini'] as const;
export const ModelProviderSchema = z.enum(MODEL_PROVIDERS).describe('anthropic (Messages API), openai (Responses and Chat Completions), gemini (generateContent).');
export type ModelProvider = z.infer<typeof ModelProviderSchema>;

/** US dollars per million tokens of one model; cache prices default to the input price when absent. */
export const ModelPriceSchema = z.object({
  inputPerMTok: z.number().min(0).describe('USD per million input tokens (not counting cache reads and writes).'),
  outputPerMTok: z.number().min(0).describe('USD per million output tokens (reasoning tokens included).'),
  cacheReadPerMTok: z.number().min(0).optional().describe('USD per million input tokens read from the prompt cache; absent: the input price.'),
  cacheWritePerMTok: z.number().min(0).optional().describe('USD per million input tokens written to the prompt cache; absent: the input price.'),
});
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

/**
 * A price table (the model proxy's, core/agent/pricing.ts holds the default). Keys are
 * model names as sent to the provider, or a prefix ending in `*` (`claude-sonnet-4*`);
 * the exact name wins, then the longest prefix. A model in no entry is metered in
 * tokens with no money.
 */
export const PriceTableSchema = z
  .object({
    source: z.string().min(1).max(2000).describe('Where the prices come from (pages, contract), for the evidence.'),
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('Date the prices were read, YYYY-MM-DD.'),
    models: z.record(z.string().min(1).max(200), ModelPriceSchema),
  })
  .describe('Model prices in USD per million tokens, by model name or name prefix ending in *.');
export type PriceTable = z.infer<typeof PriceTableSchema>;

/**
 * One model call through the model proxy, one JSON line in the run's model-usage log
 * (RUN_LAYOUT.modelUsage). Never holds a credential, a prompt or a response: only who
 * called what and what it consumed.
 */
export const ModelCallRecordSchema = z.object({
  at: z.string().describe('ISO time the call ended.'),
  stationId: z.string(),
  attempt: z.number().int().min(1),
  provider: ModelProviderSchema,
  path: z.string().max(2000).describe('Upstream API path called, without the query string.'),
  status: z.number().int().describe('HTTP status the client got; 429 with `refused` when the proxy refused it.'),
  durationMs: z.number().min(0),
  usage: AgentUsageSchema.optional().describe('What the response reported, priced; absent when it reported none.'),
  refused: z.string().max(2000).optional().describe('Why the proxy refused the call without forwarding it (a budget, with the figures).'),
});
export type ModelCallRecord = z.infer<typeof ModelCallRecordSchema>;

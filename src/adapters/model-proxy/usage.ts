import type { AgentUsage, ModelProvider } from '../../contracts';
import { SseReader } from './sse';

/** Token counts read so far from one response; merged event by event (later counts are cumulative and win). */
type Counts = Partial<Pick<AgentUsage, 'model' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * Anthropic Messages: `message_start` carries `message.model` and `message.usage`
 * (input, cache reads, cache writes, first output count), `message_delta` carries
 * cumulative `usage` (output, and input counts on newer API versions); a JSON response
 * has `model` and `usage`. Anthropic's input_tokens already exclude cache reads and writes.
 */
function anthropic(o: Obj, c: Counts): void {
  const msg = o.type === 'message_start' && isObj(o.message) ? o.message : o;
  if (str(msg.model)) c.model = str(msg.model);
  const u = msg.usage;
  if (!isObj(u)) return;
  c.inputTokens = num(u.input_tokens) ?? c.inputTokens;
  c.outputTokens = num(u.output_tokens) ?? c.outputTokens;
  c.cacheReadTokens = num(u.cache_read_input_tokens) ?? c.cacheReadTokens;
  c.cacheWriteTokens = num(u.cache_creation_input_tokens) ?? c.cacheWriteTokens;
}

/**
 * OpenAI Responses (`response.completed`, `response.incomplete`, `response.failed`
 * events carry `response.usage`; a JSON response has `usage`: input_tokens,
 * input_tokens_details.cached_tokens, output_tokens) and Chat Completions (`usage` on the
 * last chunk or the JSON body: prompt_tokens, prompt_tokens_details.cached_tokens,
 * completion_tokens). OpenAI's input counts include cached tokens: they are split out so
 * inputTokens means uncached input, as for Anthropic.
 */
function openai(o: Obj, c: Counts): void {
  const r = isObj(o.response) ? o.response : o;
  if (str(r.model)) c.model = str(r.model);
  const u = r.usage;
  if (!isObj(u)) return;
  const input = num(u.input_tokens) ?? num(u.prompt_tokens);
  const details = isObj(u.input_tokens_details) ? u.input_tokens_details : isObj(u.prompt_tokens_details) ? u.prompt_tokens_details : {};
  const cached = num(details.cached_tokens) ?? 0;
  if (input !== undefined) {
    c.inputTokens = Math.max(0, input - cached);
    c.cacheReadTokens = cached || undefined;
  }
  c.outputTokens = num(u.output_tokens) ?? num(u.completion_tokens) ?? c.outputTokens;
}

/**
 * Gemini generateContent: every streamed chunk (and the JSON body) may carry
 * `usageMetadata` (cumulative: promptTokenCount, cachedContentTokenCount,
 * candidatesTokenCount, thoughtsTokenCount) and `modelVersion`. Thoughts are billed as
 * output; cached content is split out of the prompt count.
 */
function gemini(o: Obj, c: Counts): void {
  if (str(o.modelVersion)) c.model = str(o.modelVersion);
  const u = o.usageMetadata;
  if (!isObj(u)) return;
  const prompt = num(u.promptTokenCount);
  const cached = num(u.cachedContentTokenCount) ?? 0;
  if (prompt !== undefined) {
    c.inputTokens = Math.max(0, prompt - cached);
    c.cacheReadTokens = cached || undefined;
  }
  const out = (num(u.candidatesTokenCount) ?? 0) + (num(u.thoughtsTokenCount) ?? 0);
  if (u.candidatesTokenCount !== undefined || u.thoughtsTokenCount !== undefined) c.outputTokens = out;
}

const READERS: Record<ModelProvider, (o: Obj, c: Counts) => void> = { anthropic, openai, gemini };

/**
 * Whether a streamed event is the provider's last word on a response, after which a
 * client may act on it (run the tool it asked for, send the next call) before the
 * connection itself ends: Anthropic `message_stop`; OpenAI Responses `response.completed`,
 * `response.incomplete`, `response.failed`, and Chat Completions' `[DONE]` (handled by
 * the caller); Gemini a chunk whose candidates carry a `finishReason`. Sources: the
 * providers' streaming references (docs.anthropic.com "Streaming Messages",
 * platform.openai.com "Streaming API responses", ai.google.dev "generateContent").
 */
function isLastEvent(provider: ModelProvider, o: Obj): boolean {
  if (provider === 'anthropic') return o.type === 'message_stop';
  if (provider === 'openai') return o.type === 'response.completed' || o.type === 'response.incomplete' || o.type === 'response.failed';
  return Array.isArray(o.candidates) && o.candidates.some((c) => isObj(c) && typeof c.finishReason === 'string');
}

/** Bytes of a non-streamed body the meter keeps to parse; past this the usage is not read (the body still reaches the client). */
export const JSON_BODY_CAP = 16 * 1024 * 1024;

/**
 * Reads the usage of one model response as its bytes pass through: SSE (content type
 * `text/event-stream`) event by event, anything else as one JSON body (a Gemini
 * `streamGenerateContent` without `alt=sse` is a JSON array of chunks). Tolerates
 * malformed events (skipped). `model` is the request's, used when the response names none.
 */
export class UsageMeter {
  private readonly counts: Counts = {};
  private readonly sse?: SseReader;
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private last = false;

  constructor(
    private readonly provider: ModelProvider,
    contentType: string | undefined,
    private readonly model?: string,
  ) {
    if (/^text\/event-stream/i.test(contentType ?? '')) this.sse = new SseReader((d) => this.event(d));
  }

  feed(chunk: Buffer): void {
    if (this.sse) return this.sse.feed(chunk);
    this.bodyBytes += chunk.length;
    if (this.bodyBytes <= JSON_BODY_CAP) this.body.push(chunk);
    else this.body = [];
  }

  /**
   * True once a streamed response's last event has been fed (isLastEvent): its usage is
   * final, and the proxy must account it before passing that event on, or the client can
   * send its next call before the budget has seen this one's tokens.
   */
  get complete(): boolean {
    return this.last;
  }

  /** The usage read, or undefined when the response reported no token counts. */
  end(): AgentUsage | undefined {
    if (this.sse) this.sse.end();
    else if (this.body.length) this.event(Buffer.concat(this.body).toString('utf8'));
    const c = this.counts;
    if (c.inputTokens === undefined && c.outputTokens === undefined) return undefined;
    const u: AgentUsage = { model: c.model ?? this.model ?? 'unknown', inputTokens: c.inputTokens ?? 0, outputTokens: c.outputTokens ?? 0 };
    if (c.cacheReadTokens) u.cacheReadTokens = c.cacheReadTokens;
    if (c.cacheWriteTokens) u.cacheWriteTokens = c.cacheWriteTokens;
    return u;
  }

  private event(data: string): void {
    if (data === '[DONE]') {
      this.last = true;
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(data);
    } catch {
      return;
    }
    for (const o of Array.isArray(v) ? v : [v]) {
      if (!isObj(o)) continue;
      READERS[this.provider](o, this.counts);
      if (this.sse && isLastEvent(this.provider, o)) this.last = true;
    }
  }
}

/** The model a request body names (`model` of Anthropic and OpenAI bodies), or Gemini's from its path. */
export function requestModel(provider: ModelProvider, path: string, body: Buffer): string | undefined {
  if (provider === 'gemini') return /\/models\/([^/:?]+)/.exec(path)?.[1];
  // The model field is near the start of every body CLIs send; no need to parse megabytes.
  const m = /"model"\s*:\s*"([^"\\]{1,200})"/.exec(body.subarray(0, 64 * 1024).toString('utf8'));
  return m?.[1];
}

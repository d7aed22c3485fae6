import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { ModelProvider } from '../../contracts';

/** A request the proxy forwards: which provider, and the API path on the provider's side (query kept). */
export interface Route {
  provider: ModelProvider;
  /** Path on the upstream, e.g. `/v1/messages?beta=true`. */
  upstreamPath: string;
}

/**
 * The provider APIs the proxy forwards, by path after the provider prefix; nothing else
 * is forwarded (no model listing, files, batches, fine-tuning, admin). Gemini's model
 * name sits in the path and must not hold another segment.
 */
const API_PATHS: Record<ModelProvider, RegExp> = {
  anthropic: /^\/v1\/messages(\/count_tokens)?$/,
  openai: /^\/v1\/(responses|chat\/completions)$/,
  gemini: /^\/v1(beta)?\/models\/[A-Za-z0-9._-]+:(generateContent|streamGenerateContent|countTokens)$/,
};

/**
 * Routes a request target: `/anthropic/...`, `/openai/...`, `/gemini/...`, or the bare
 * OpenAI (`/v1/responses`, `/v1/chat/completions`) and Anthropic (`/v1/messages`) paths
 * for clients that cannot take a base URL with a path. Only POST; undefined for anything
 * else (the proxy answers 404).
 */
export function routeOf(method: string | undefined, target: string): Route | undefined {
  if (method !== 'POST') return undefined;
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  const m = /^\/(anthropic|openai|gemini)(\/.*)$/.exec(path);
  const [provider, rest] = m ? [m[1] as ModelProvider, m[2]!] : [path.startsWith('/v1/messages') ? 'anthropic' : 'openai', path] as const;
  if (!API_PATHS[provider].test(rest)) return undefined;
  return { provider, upstreamPath: rest + query };
}

/** Request headers never forwarded: hop-by-hop ones, and every way a client sends a key (the proxy sets the real one). */
const DROPPED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'accept-encoding',
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
]);

/** The placeholder token a client sent, in whichever header (or Gemini's `key` query parameter) it uses. */
export function clientToken(headers: IncomingHttpHeaders, target: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const fromQuery = /[?&]key=([^&]+)/.exec(target)?.[1];
  return one(headers['x-api-key']) ?? bearer ?? one(headers['x-goog-api-key']) ?? (fromQuery ? decodeURIComponent(fromQuery) : undefined);
}

/**
 * The headers sent upstream: the client's, minus hop-by-hop headers and all client
 * credentials, plus the provider's real credential header (Anthropic `x-api-key`, OpenAI
 * `Authorization: Bearer`, Gemini `x-goog-api-key`). `accept-encoding: identity` so the
 * proxy can read usage from the stream it passes on.
 */
export function upstreamHeaders(provider: ModelProvider, headers: IncomingHttpHeaders, key: string, host: string, bodyLength: number): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !DROPPED.has(k)) out[k] = v;
  out.host = host;
  out['accept-encoding'] = 'identity';
  out['content-length'] = bodyLength;
  if (provider === 'anthropic') out['x-api-key'] = key;
  else if (provider === 'openai') out.authorization = `Bearer ${key}`;
  else out['x-goog-api-key'] = key;
  return out;
}

/** Removes Gemini's `key` query parameter (the placeholder) from an upstream path. */
export function withoutKeyParam(path: string): string {
  const q = path.indexOf('?');
  if (q < 0) return path;
  const params = new URLSearchParams(path.slice(q + 1));
  params.delete('key');
  const rest = params.toString();
  return path.slice(0, q) + (rest ? `?${rest}` : '');
}

/** Kinds of error the proxy itself answers with. */
export type ProxyErrorKind = 'budget' | 'auth' | 'upstream' | 'too-large';

const STATUS: Record<ProxyErrorKind, number> = { budget: 429, auth: 401, upstream: 502, 'too-large': 413 };

/**
 * An error response in the provider's own format, so the CLI shows the message: Anthropic
 * `{type:"error",error:{type,message}}`, OpenAI `{error:{message,type,code}}`, Gemini
 * `{error:{code,message,status}}`. `x-should-retry: false` tells the Anthropic and OpenAI
 * SDKs not to retry a budget refusal.
 */
export function errorResponse(provider: ModelProvider, kind: ProxyErrorKind, message: string): { status: number; headers: Record<string, string>; body: string } {
  const status = STATUS[kind];
  const text = `shopfloor model proxy: ${message}`;
  let body: unknown;
  if (provider === 'anthropic') {
    const type = { budget: 'rate_limit_error', auth: 'authentication_error', upstream: 'api_error', 'too-large': 'request_too_large' }[kind];
    body = { type: 'error', error: { type, message: text } };
  } else if (provider === 'openai') {
    const [type, code] = { budget: ['insufficient_quota', 'budget_exceeded'], auth: ['invalid_request_error', 'invalid_api_key'], upstream: ['server_error', 'bad_gateway'], 'too-large': ['invalid_request_error', 'request_too_large'] }[kind];
    body = { error: { message: text, type, code, param: null } };
  } else {
    const s = { budget: 'RESOURCE_EXHAUSTED', auth: 'UNAUTHENTICATED', upstream: 'UNAVAILABLE', 'too-large': 'INVALID_ARGUMENT' }[kind];
    body = { error: { code: status, message: text, status: s } };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (kind === 'budget') headers['x-should-retry'] = 'false';
  return { status, headers, body: JSON.stringify(body) };
}

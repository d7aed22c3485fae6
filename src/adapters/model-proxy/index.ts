/** The host-side model proxy (issue 10): credentials stay on the host, usage is metered, budgets are enforced. */
export { ModelProxy, startModelProxy, REQUEST_BODY_CAP, type ModelProxyOptions } from './proxy';
export { DEFAULT_UPSTREAMS, KEY_ENV, keysFromEnv, loadPriceTable, upstreamsFrom, type ModelKeys, type ModelUpstreams } from './keys';
export { routeOf, errorResponse } from './providers';
export { UsageMeter } from './usage';
export { SseReader } from './sse';
export { modelProxyConfigFromEnv, type ModelProxyConfig } from './config';

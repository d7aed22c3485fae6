import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the upstream double received. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A provider upstream double for the model proxy's tests: answers POSTs with a scripted
 * reply per path (SSE events written one by one, or a JSON body) and records every request.
 * `hold` makes a streaming reply stop after its first event until `release()` is called,
 * so a test can see that the proxy passes events on before the response ends; `holdEnd`
 * writes every event and then keeps the response open until `release()`, as an upstream
 * whose connection ends after its last event does.
 */
export interface UpstreamDouble {
  url: string;
  seen: SeenRequest[];
  /** Replies by path prefix (without query); the first matching prefix wins. */
  replies: Map<string, Reply>;
  hold: boolean;
  holdEnd: boolean;
  release(): void;
  close(): Promise<void>;
}

export type Reply = { sse: unknown[] } | { json: unknown; status?: number };

/** SSE text of an event `data` object, named by its `type` when it has one (Anthropic and OpenAI Responses do). */
export function sseEvent(data: unknown): string {
  const type = (data as { type?: string }).type;
  return `${type ? `event: ${type}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export async function startUpstream(host = '127.0.0.1'): Promise<UpstreamDouble> {
  let waiters: (() => void)[] = [];
  const replies = new Map<string, Reply>();
  const seen: SeenRequest[] = [];
  const d: UpstreamDouble = {
    url: '',
    seen,
    replies,
    hold: false,
    holdEnd: false,
    release: () => {
      for (const w of waiters) w();
      waiters = [];
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', async () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
      const path = (req.url ?? '').split('?')[0]!;
      const reply = [...replies].find(([p]) => path.startsWith(p))?.[1];
      if (!reply) return void res.writeHead(404).end('{"error":"no reply scripted"}');
      if ('json' in reply) return void res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const [i, e] of reply.sse.entries()) {
        res.write(sseEvent(e));
        if (i === 0 && d.hold) await new Promise<void>((r) => waiters.push(r));
      }
      if (d.holdEnd) await new Promise<void>((r) => waiters.push(r));
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, host, r));
  d.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return d;
}

/** Anthropic Messages stream events with the given usage (input at message_start, output at message_delta). */
export function anthropicStream(model: string, input: number, output: number, text = 'done'): unknown[] {
  return [
    { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: input, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: output } },
    { type: 'message_stop' },
  ];
}

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One content block of a scripted assistant turn. */
export type DoubleBlock = { type: 'text'; text: string } | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string };

/**
 * One scripted answer of the double: an assistant message (its blocks; stop reason
 * `tool_use` when it has a tool_use block, else `end_turn`), or an HTTP error, or a
 * response that never ends (a hung provider).
 */
export type DoubleTurn = { blocks: DoubleBlock[]; model?: string; usage?: { input: number; output: number } } | { status: number; body?: unknown } | { hang: true };

/** One request the double received. */
export interface DoubleRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/**
 * A stand-in for the Anthropic Messages API (`POST /v1/messages`, streaming SSE), scripted
 * per test as a list of turns. Requests that are not a conversation turn (Claude Code's
 * quota probe with `max_tokens: 1`, title or topic requests on a small model, token
 * counting) get a short canned answer and do not consume a turn; a conversation turn
 * past the script's end gets a plain `done` text. Every request is recorded, headers
 * included, so a test can check which key arrived.
 */
export class AnthropicDouble {
  readonly requests: DoubleRequest[] = [];
  private server?: Server;
  private next = 0;
  private readonly hung = new Set<import('node:http').ServerResponse>();

  constructor(private readonly turns: DoubleTurn[], private readonly model = 'claude-double-1') {}

  /** Listens on `host` (e.g. the egress network's gateway, so a station container reaches it); resolves with the base URL. */
  async listen(host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: any;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        this.answer(req.url ?? '', body, res);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, host, () => resolve());
    });
    const a = this.server.address() as AddressInfo;
    return `http://${host}:${a.port}`;
  }

  /** Conversation requests (the ones that consumed a scripted turn or fell past its end). */
  conversation(): DoubleRequest[] {
    return this.requests.filter((r) => isConversation(r.url, r.body));
  }

  async close(): Promise<void> {
    for (const r of this.hung) r.destroy();
    this.server?.closeAllConnections?.();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private answer(url: string, body: any, res: import('node:http').ServerResponse): void {
    if (url.includes('count_tokens')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ input_tokens: 10 }));
    if (!url.startsWith('/v1/messages')) return void res.writeHead(404).end();
    if (!isConversation(url, body)) return this.stream(res, [{ type: 'text', text: 'ok' }], body?.model ?? this.model, { input: 5, output: 1 });
    const turn = this.turns[this.next++];
    if (!turn) return this.stream(res, [{ type: 'text', text: 'done' }], body?.model ?? this.model, { input: 10, output: 2 });
    if ('hang' in turn) {
      this.hung.add(res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': still thinking\n\n');
      return;
    }
    if ('status' in turn) {
      return void res.writeHead(turn.status, { 'content-type': 'application/json' }).end(JSON.stringify(turn.body ?? { type: 'error', error: { type: 'api_error', message: 'scripted failure of the model double' } }));
    }
    this.stream(res, turn.blocks, turn.model ?? body?.model ?? this.model, turn.usage ?? { input: 100, output: 20 });
  }

  /** Writes one assistant message as the Messages API's SSE event sequence. */
  private stream(res: import('node:http').ServerResponse, blocks: DoubleBlock[], model: string, usage: { input: number; output: number }): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const id = `msg_double_${this.requests.length}`;
    send('message_start', {
      type: 'message_start',
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.input, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } },
    });
    blocks.forEach((b, index) => {
      if (b.type === 'text') {
        send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text } });
      } else {
        const toolId = b.id ?? `toolu_double_${this.requests.length}_${index}`;
        send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: toolId, name: b.name, input: {} } });
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } });
      }
      send('content_block_stop', { type: 'content_block_stop', index });
    });
    const stop = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
    send('message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.output } });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }
}

/**
 * Whether a Messages request is a turn of the station's conversation: it offers tools (the
 * agent loop always does), as opposed to Claude Code's side requests (quota probe, titles).
 */
function isConversation(url: string, body: any): boolean {
  return url.startsWith('/v1/messages') && !url.includes('count_tokens') && Array.isArray(body?.tools) && body.tools.length > 0 && body?.max_tokens !== 1;
}

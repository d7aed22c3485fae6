import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A model double for the OpenAI Responses API (`POST /v1/responses`, streaming SSE), as
 * the Codex CLI calls it with a custom model provider (`wire_api = "responses"`,
 * /work/shared/environment.md). Each request takes the next scripted turn; a turn
 * answers with tool calls (function_call items, e.g. Codex's `shell`/`exec_command`;
 * custom_tool_call items for the freeform `apply_patch`) and/or an assistant message,
 * then `response.completed` with usage. Every request is recorded (path, headers, parsed
 * body) so a test can assert what the CLI sent, e.g. the placeholder key.
 */

/** A tool call the model makes in a turn. `arguments` for a function tool (JSON-encoded when an object); `input` for a custom (freeform) tool. */
export interface DoubleToolCall {
  name: string;
  kind?: 'function' | 'custom';
  /** Namespace of a namespaced function tool (Codex offers MCP tools as namespace `mcp__<server>`). */
  namespace?: string;
  arguments?: string | Record<string, unknown>;
  input?: string;
}

/** One scripted model turn: tool calls first, then a message; tokens reported in `response.completed`. */
export interface OpenAITurn {
  calls?: DoubleToolCall[];
  text?: string;
  usage?: { input: number; output: number; cached?: number };
  /** Answer with this HTTP error status and message instead of a stream (e.g. 400: a request the provider refuses). */
  httpError?: { status: number; message: string };
}

/** A request the double received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface OpenAIDouble {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:PORT/v1`. */
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the double on 127.0.0.1 (a kernel-chosen port, or `port`); turns beyond the script
 * answer with a plain message saying so. `untooled`: the answer to a request that offers
 * no tools (a CLI's side query, e.g. OpenCode's session title), which takes no scripted turn.
 */
export async function startOpenAIDouble(turns: OpenAITurn[], opts: { host?: string; port?: number; untooled?: OpenAITurn } = {}): Promise<OpenAIDouble> {
  const requests: RecordedRequest[] = [];
  let next = 0;
  let seq = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        /* kept as text */
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (req.method !== 'POST' || !(req.url ?? '').startsWith('/v1/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `the double serves POST /v1/responses only, not ${req.method} ${req.url}` } }));
        return;
      }
      const sideQuery = opts.untooled && !(Array.isArray(body?.tools) && body.tools.length);
      const turn: OpenAITurn = sideQuery ? opts.untooled! : (turns[next++] ?? { text: `(the model double has no turn ${next})` });
      if (turn.httpError) {
        res.writeHead(turn.httpError.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: turn.httpError.message, type: 'invalid_request_error', code: null } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const id = `resp_${++seq}`;
      const send = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      send('response.created', { response: { id, object: 'response', status: 'in_progress', output: [] } });
      const output: unknown[] = [];
      let index = 0;
      for (const call of turn.calls ?? []) {
        const callId = `call_${seq}_${index}`;
        const item =
          call.kind === 'custom'
            ? { type: 'custom_tool_call', id: `ctc_${seq}_${index}`, call_id: callId, name: call.name, input: call.input ?? '', status: 'completed' }
            : { type: 'function_call', id: `fc_${seq}_${index}`, call_id: callId, name: call.name, ...(call.namespace ? { namespace: call.namespace } : {}), arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}), status: 'completed' };
        send('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress' } });
        send('response.output_item.done', { output_index: index, item });
        output.push(item);
        index++;
      }
      if (turn.text !== undefined) {
        const msgId = `msg_${seq}`;
        send('response.output_item.added', { output_index: index, item: { type: 'message', id: msgId, role: 'assistant', status: 'in_progress', content: [] } });
        send('response.output_text.delta', { item_id: msgId, output_index: index, content_index: 0, delta: turn.text });
        const item = { type: 'message', id: msgId, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: turn.text, annotations: [] }] };
        send('response.output_item.done', { output_index: index, item });
        output.push(item);
      }
      const u = turn.usage ?? { input: 100, output: 10 };
      send('response.completed', {
        response: {
          id,
          object: 'response',
          status: 'completed',
          output,
          usage: { input_tokens: u.input, input_tokens_details: { cached_tokens: u.cached ?? 0 }, output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.input + u.output },
        },
      });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  return {
    baseUrl: `http://${opts.host ?? '127.0.0.1'}:${addr.port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

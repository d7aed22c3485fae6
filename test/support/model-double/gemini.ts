import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest } from './openai';

/**
 * A model double for the Gemini API as the Gemini CLI calls it with an API key and
 * GOOGLE_GEMINI_BASE_URL (/work/shared/environment.md): `POST
 * /v1beta/models/NAME:streamGenerateContent?alt=sse` answered with one SSE `data:` chunk
 * per scripted turn (function calls and/or text, then usageMetadata). A request to
 * `:generateContent` (the CLI's own side queries, e.g. a next-speaker check) is answered
 * with a plain JSON text reply and takes no turn. Every request is recorded.
 */

/** One scripted model turn of the Gemini double. */
export interface GeminiTurn {
  calls?: { name: string; args: Record<string, unknown> }[];
  text?: string;
  usage?: { prompt: number; candidates: number; cached?: number };
  /** Answer with this HTTP error status and message instead of a stream. */
  httpError?: { status: number; message: string };
}

export interface GeminiDouble {
  /** Base URL without a path, for GOOGLE_GEMINI_BASE_URL. */
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startGeminiDouble(turns: GeminiTurn[]): Promise<GeminiDouble> {
  const requests: RecordedRequest[] = [];
  let next = 0;
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
      const path = req.url ?? '';
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      const model = /models\/([^:]+):/.exec(path)?.[1] ?? 'unknown';
      if (req.method === 'POST' && path.includes(':streamGenerateContent')) {
        const turn: GeminiTurn = turns[next++] ?? { text: `(the model double has no turn ${next})` };
        if (turn.httpError) {
          res.writeHead(turn.httpError.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: turn.httpError.status, message: turn.httpError.message, status: 'INVALID_ARGUMENT' } }));
          return;
        }
        const parts = [...(turn.calls ?? []).map((c) => ({ functionCall: { name: c.name, args: c.args } })), ...(turn.text !== undefined ? [{ text: turn.text }] : [])];
        const u = turn.usage ?? { prompt: 100, candidates: 10 };
        const chunk = {
          candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
          usageMetadata: { promptTokenCount: u.prompt, candidatesTokenCount: u.candidates, totalTokenCount: u.prompt + u.candidates, ...(u.cached ? { cachedContentTokenCount: u.cached } : {}) },
          modelVersion: model,
        };
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
        return;
      }
      if (req.method === 'POST' && path.includes(':generateContent')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: '{"reasoning":"double","next_speaker":"user"}' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 }, modelVersion: model }));
        return;
      }
      if (req.method === 'POST' && path.includes(':countTokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ totalTokens: 10 }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 404, message: `the double does not serve ${req.method} ${path}`, status: 'NOT_FOUND' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${addr.port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

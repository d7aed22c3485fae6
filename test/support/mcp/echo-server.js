// A minimal MCP server over stdio (JSON-RPC 2.0, one message per line) for recording agent
// CLIs' MCP tool calls: one tool, `echo`, that returns its `text` argument, and fails when
// the text is "fail". Test support only; not the MCP gateway.
const readline = require('node:readline');
const send = (msg) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...msg }) + '\n');
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    return;
  }
  if (req.id === undefined) return; // a notification
  if (req.method === 'initialize')
    return send({ id: req.id, result: { protocolVersion: req.params?.protocolVersion ?? '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'echo', version: '1.0.0' } } });
  if (req.method === 'tools/list')
    return send({ id: req.id, result: { tools: [{ name: 'echo', description: 'Echo the text back.', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }] } });
  if (req.method === 'tools/call') {
    const text = String(req.params?.arguments?.text ?? '');
    return send({ id: req.id, result: { content: [{ type: 'text', text: text === 'fail' ? 'echo refused' : text }], isError: text === 'fail' } });
  }
  send({ id: req.id, error: { code: -32601, message: `no method ${req.method}` } });
});

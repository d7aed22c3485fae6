// A team MCP server over stdio, built with @modelcontextprotocol/sdk, for the gateway's
// tests: a read-only lookup, an effectful create_ticket (no annotations: effectful by
// default), a whoami that shows which credential variables it got, and misbehaving tools
// (crash, hang, a 10 MB result, garbage on stdout). create_ticket appends to the file named
// by TEAM_SERVER_LOG, so a test sees whether an effect really ran. Test support only.
const { appendFileSync } = require('node:fs');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const { z } = require('zod');

const server = new McpServer({ name: 'team', version: '1.0.0' });
const text = (t) => ({ content: [{ type: 'text', text: t }] });
server.registerTool('lookup', { description: 'Look up a record by id.', inputSchema: { id: z.string() }, annotations: { readOnlyHint: true } }, async ({ id }) => text(`record ${id}: status open`));
server.registerTool('create_ticket', { description: 'Create a ticket in the tracker.', inputSchema: { title: z.string() } }, async ({ title }) => {
  if (process.env.TEAM_SERVER_LOG) appendFileSync(process.env.TEAM_SERVER_LOG, `${title}\n`);
  return text(`ticket created: ${title}`);
});
server.registerTool('whoami', { description: 'Which credential variables this server process has.', inputSchema: {}, annotations: { readOnlyHint: true } }, async () =>
  text(JSON.stringify({ hasToken: !!process.env.TEAM_TOKEN, tokenLength: (process.env.TEAM_TOKEN ?? '').length, names: Object.keys(process.env).sort() })),
);
server.registerTool('echo', { description: 'Echo the text back.', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } }, async (a) => text(a.text));
server.registerTool('crash', { description: 'Exit the server process.', inputSchema: {}, annotations: { readOnlyHint: true } }, async () => process.exit(3));
server.registerTool('hang', { description: 'Never answer.', inputSchema: {}, annotations: { readOnlyHint: true } }, () => new Promise(() => {}));
server.registerTool('huge', { description: 'Answer with 10 MB of text.', inputSchema: {}, annotations: { readOnlyHint: true } }, async () => text('x'.repeat(10 * 1024 * 1024)));
server.registerTool('garble', { description: 'Write a line that is not JSON-RPC and never answer.', inputSchema: {}, annotations: { readOnlyHint: true } }, () => {
  process.stdout.write('{"jsonrpc":"2.0","id":\n');
  process.stdout.write('this is not json-rpc\n');
  return new Promise(() => {});
});
server.connect(new StdioServerTransport());

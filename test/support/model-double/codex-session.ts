import type { OpenAITurn } from './openai';

/** The claim block the scripted sessions end with. */
export const CODEX_CLAIM = '```shopfloor-claim\n{"terminal":"PR_READY","summary":"note.txt says fixed","filesChanged":["note.txt","hello.txt"],"validationRun":["cat note.txt"]}\n```';

/** A scripted Codex session: a shell command that writes a file, an apply_patch, a failing command, then the final message with a claim. */
export const CODEX_SESSION: OpenAITurn[] = [
  { calls: [{ name: 'exec_command', arguments: { cmd: 'printf "fixed\\n" > note.txt && cat note.txt' } }], usage: { input: 1200, output: 40, cached: 200 } },
  { calls: [{ name: 'exec_command', arguments: { cmd: "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\nEOF" } }], usage: { input: 1300, output: 30 } },
  { calls: [{ name: 'exec_command', arguments: { cmd: 'exit 4' } }], usage: { input: 1400, output: 20 } },
  { text: `Wrote note.txt and hello.txt.\n${CODEX_CLAIM}`, usage: { input: 1500, output: 60 } },
];

/** A scripted Codex session with MCP tool calls to test/support/mcp/echo-server.js (server `gw`, offered by Codex as namespace `mcp__gw`): one that succeeds, one the tool reports as an error. */
export const CODEX_MCP_SESSION: OpenAITurn[] = [
  { calls: [{ name: 'echo', namespace: 'mcp__gw', arguments: { text: 'hello' } }], usage: { input: 300, output: 10 } },
  { calls: [{ name: 'echo', namespace: 'mcp__gw', arguments: { text: 'fail' } }], usage: { input: 320, output: 10 } },
  { text: `Echoed.\n${CODEX_CLAIM}`, usage: { input: 340, output: 20 } },
];

import { CODEX_CLAIM } from './codex-session';
import type { OpenAITurn } from './openai';

/** A scripted OpenCode session (its tools: bash, apply_patch, read, ...): a shell command writing a file, a patch adding one, a failing command, a read of a missing file, then the final message with a claim. */
export const OPENCODE_SESSION: OpenAITurn[] = [
  { calls: [{ name: 'bash', arguments: { command: 'printf "fixed\\n" > note.txt && cat note.txt', description: 'write note' } }], usage: { input: 1200, output: 40, cached: 200 } },
  { calls: [{ name: 'apply_patch', arguments: { patchText: '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch' } }], usage: { input: 1300, output: 30 } },
  { calls: [{ name: 'bash', arguments: { command: 'exit 4', description: 'fail' } }], usage: { input: 1400, output: 20 } },
  { calls: [{ name: 'read', arguments: { filePath: 'missing.txt' } }], usage: { input: 1450, output: 15 } },
  { text: `Wrote note.txt and hello.txt.\n${CODEX_CLAIM}`, usage: { input: 1500, output: 60 } },
];

/** OpenCode's side query (the session title) offers no tools: answered without taking a turn. */
export const OPENCODE_TITLE: OpenAITurn = { text: 'Fix note', usage: { input: 5, output: 2 } };

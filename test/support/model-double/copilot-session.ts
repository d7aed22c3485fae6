import { CODEX_CLAIM } from './codex-session';
import type { OpenAITurn } from './openai';

/**
 * A scripted Copilot CLI session over the Responses API (Copilot 1.0 offers `bash` as a
 * function tool and `apply_patch` as a freeform custom tool): a shell command writing a
 * file, an apply_patch adding hello.txt, an apply_patch updating a file that does not exist
 * (the tool fails), a command that exits 4, then the final message with a claim.
 */
export const COPILOT_SESSION: OpenAITurn[] = [
  { calls: [{ name: 'bash', arguments: { command: 'printf "fixed\\n" > note.txt && cat note.txt', description: 'Write note.txt' } }], usage: { input: 1200, output: 40, cached: 200 } },
  { calls: [{ name: 'apply_patch', kind: 'custom', input: '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n' }], usage: { input: 1300, output: 30 } },
  { calls: [{ name: 'apply_patch', kind: 'custom', input: '*** Begin Patch\n*** Update File: missing.txt\n@@\n-old\n+new\n*** End Patch\n' }], usage: { input: 1350, output: 25 } },
  { calls: [{ name: 'bash', arguments: { command: 'exit 4', description: 'Fail on purpose' } }], usage: { input: 1400, output: 20 } },
  { text: `Wrote note.txt and hello.txt.\n${CODEX_CLAIM}`, usage: { input: 1500, output: 60 } },
];

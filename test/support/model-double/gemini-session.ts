import { CODEX_CLAIM } from './codex-session';
import type { GeminiTurn } from './gemini';

/** A scripted Gemini CLI session: a shell command writing a file, write_file, a write outside the workspace (the CLI refuses it), a failing command, then the final message with a claim. */
export const GEMINI_SESSION: GeminiTurn[] = [
  { calls: [{ name: 'run_shell_command', args: { command: 'printf "fixed\\n" > note.txt && cat note.txt' } }], usage: { prompt: 1200, candidates: 40, cached: 200 } },
  { calls: [{ name: 'write_file', args: { file_path: 'hello.txt', content: 'hello\n' } }], usage: { prompt: 1300, candidates: 30 } },
  { calls: [{ name: 'write_file', args: { file_path: '/etc/shopfloor-outside.txt', content: 'no\n' } }], usage: { prompt: 1350, candidates: 25 } },
  { calls: [{ name: 'run_shell_command', args: { command: 'exit 4' } }], usage: { prompt: 1400, candidates: 20 } },
  { text: `Wrote note.txt and hello.txt.\n${CODEX_CLAIM}`, usage: { prompt: 1500, candidates: 60 } },
];

import type { AgentCliPackage } from './cli-install';

/** Claude Code version installed when the setting names none (`npm view @anthropic-ai/claude-code version`, 2026-12-02). */
export const CLAUDE_CODE_VERSION = '2.1.332';

/**
 * Claude Code on npm at `version`: `install.cjs` copies the platform binary (chosen by
 * arch and libc) over the `bin/claude.exe` placeholder; npm 11 skips that postinstall, so
 * the installer runs it itself.
 */
export function claudeCodePackage(version: string = CLAUDE_CODE_VERSION): AgentCliPackage {
  return { cli: 'claude-code', npmName: '@anthropic-ai/claude-code', version, postInstall: ['node', 'install.cjs'], bin: 'bin/claude.exe' };
}

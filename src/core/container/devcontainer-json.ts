import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigRefusedError } from './errors';

/**
 * Parses devcontainer.json text as JSON with comments and trailing commas (the spec's
 * format). Throws ConfigRefusedError naming line and column of each syntax error.
 */
export function parseDevcontainerJson(text: string, configPath: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    throw new ConfigRefusedError(
      configPath,
      errors.map((e) => ({ property: `line ${lineCol(text, e.offset)}`, message: printParseErrorCode(e.error) })),
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigRefusedError(configPath, [{ property: '(root)', message: 'must be a JSON object' }]);
  }
  return value as Record<string, unknown>;
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** Where a repository keeps its devcontainer.json, in the order the spec looks (first found wins). */
export const DEVCONTAINER_LOCATIONS = ['.devcontainer/devcontainer.json', '.devcontainer.json'];

import type { LifecycleCommand } from './types';

/** The spec's lifecycle properties Shopfloor runs, in the spec's order, mapped to our hook names. */
export const LIFECYCLE_PROPERTIES = [
  ['onCreateCommand', 'onCreate'],
  ['updateContentCommand', 'updateContent'],
  ['postCreateCommand', 'postCreate'],
  ['postStartCommand', 'postStart'],
] as const;

/**
 * Reads one lifecycle property in its string, array or object form. Returns undefined for
 * absent or empty values, or a problem message when the shape is wrong.
 */
export function parseLifecycleCommand(value: unknown): LifecycleCommand | undefined | { problem: string } {
  if (value === undefined || value === null) return undefined;
  const single = parseSingle(value);
  if (single !== null) return single;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const commands: Record<string, { kind: 'shell'; command: string } | { kind: 'argv'; argv: string[] }> = {};
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      const c = parseSingle(v);
      if (c === null) return { problem: `"${name}" must be a string or an array of strings` };
      if (c) commands[name] = c;
    }
    return Object.keys(commands).length > 0 ? { kind: 'parallel', commands } : undefined;
  }
  return { problem: 'must be a string, an array of strings, or an object of those' };
}

/** null: not a single-command form; undefined: empty. */
function parseSingle(v: unknown): { kind: 'shell'; command: string } | { kind: 'argv'; argv: string[] } | undefined | null {
  if (typeof v === 'string') return v.trim() ? { kind: 'shell', command: v } : undefined;
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === 'string')) return null;
    return v.length > 0 ? { kind: 'argv', argv: v as string[] } : undefined;
  }
  return null;
}

/**
 * The argvs one lifecycle command runs, each with a label for the log. The string form
 * runs in the container's own `/bin/sh -c` (that is the spec; no host shell is involved).
 */
export function lifecycleArgvs(hook: string, cmd: LifecycleCommand): { label: string; argv: string[] }[] {
  const one = (label: string, c: { kind: 'shell'; command: string } | { kind: 'argv'; argv: string[] }) => ({
    label,
    argv: c.kind === 'shell' ? ['/bin/sh', '-c', c.command] : c.argv,
  });
  if (cmd.kind === 'parallel') return Object.entries(cmd.commands).map(([name, c]) => one(`${hook}:${name}`, c));
  return [one(hook, cmd)];
}

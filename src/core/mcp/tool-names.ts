/**
 * Names of the tools a station is shown through the gateway. A team server's tool is
 * namespaced `<server>__<tool>`: Anthropic's and OpenAI's tool-name rule
 * (`^[a-zA-Z0-9_-]{1,128}$`) allows no dot or slash, and Claude Code then shows it as
 * `mcp__shopfloor__<server>__<tool>`. Factory tools (served by the gateway itself) keep
 * their bare names.
 */
export const NAMESPACE_SEPARATOR = '__';

/** Server name the audit log gives factory tools. */
export const FACTORY_SERVER = 'shopfloor';

/** `<server>__<tool>`. */
export function namespacedTool(server: string, tool: string): string {
  return `${server}${NAMESPACE_SEPARATOR}${tool}`;
}

/** Splits a namespaced name at its first separator; undefined for a bare (factory) name. */
export function splitNamespaced(name: string): { server: string; tool: string } | undefined {
  const i = name.indexOf(NAMESPACE_SEPARATOR);
  if (i <= 0 || i + NAMESPACE_SEPARATOR.length >= name.length) return undefined;
  return { server: name.slice(0, i), tool: name.slice(i + NAMESPACE_SEPARATOR.length) };
}

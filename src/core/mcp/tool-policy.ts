import { FACTORY_SERVER, splitNamespaced } from './tool-names';

/**
 * Factory tools every agent station is offered whatever the packet allows: they hand the
 * agent what it already has (its packet), or record what it says (evidence, its claim),
 * and run nothing. `run_reproduction` and `run_validation` run commands in the station's
 * container and are offered only when the packet's `allowedTools` names them.
 */
export const ALWAYS_OFFERED = ['get_task_packet', 'record_evidence', 'report_terminal_state'] as const;

/** Why a tool is or is not offered to a station. */
export type ToolVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Deny by default (issue 12): a tool is offered only when the packet's `allowedTools`
 * names it exactly (`docs__search`, `run_validation`) or names its whole server
 * (`docs__*`), or it is one of ALWAYS_OFFERED. No other pattern is read: an allowlist
 * entry is a name, not a glob.
 */
export function toolAllowed(allowedTools: readonly string[], name: string): ToolVerdict {
  if ((ALWAYS_OFFERED as readonly string[]).includes(name)) return { allowed: true };
  if (allowedTools.includes(name)) return { allowed: true };
  const ns = splitNamespaced(name);
  if (ns && ns.server !== FACTORY_SERVER && allowedTools.includes(`${ns.server}__*`)) return { allowed: true };
  return { allowed: false, reason: `${name} is not in the packet's allowedTools` };
}

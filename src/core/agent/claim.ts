import { AgentClaimSchema, type AgentClaim } from '../../contracts';

/** The fence an agent's claim is written in, as the station prompt asks (prompt.ts). */
export const CLAIM_FENCE = 'shopfloor-claim';

/**
 * Reads the claim from an agent's final message: the LAST fenced block opened with
 * ```shopfloor-claim (so a claim quoted earlier in the message, or in a file it read, does
 * not count), parsed as JSON and checked against AgentClaimSchema. Returns the claim, or
 * the problem in words (no block, not JSON, a field wrong: with its path). Pure.
 */
export function extractClaim(finalText: string | undefined): { claim: AgentClaim } | { problem: string } {
  if (!finalText) return { problem: 'the agent wrote no final message' };
  const re = new RegExp('```' + CLAIM_FENCE + '[ \\t]*\\r?\\n([\\s\\S]*?)\\r?\\n[ \\t]*```', 'g');
  let last: string | undefined;
  for (const m of finalText.matchAll(re)) last = m[1];
  if (last === undefined) return { problem: `the final message has no \`\`\`${CLAIM_FENCE} block` };
  let json: unknown;
  try {
    json = JSON.parse(last);
  } catch (e) {
    return { problem: `the ${CLAIM_FENCE} block is not JSON: ${(e as Error).message}` };
  }
  const r = AgentClaimSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return { problem: `the ${CLAIM_FENCE} block is invalid at ${i.path.join('.') || '(root)'}: ${i.message}` };
  }
  return { claim: r.data };
}

import { INLINE_TAIL_CHARS, stationWallOf, type CommandResult, type EvidenceBundle } from '../../contracts';

/** A fenced block whose fence is longer than any backtick run inside `text`, so repository text cannot break out. */
function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text.replace(/\n$/, '')}\n${f}`;
}

const inline = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|').replace(/`/g, "'");

/** The Exit cell: the exit code, and the end reason when it is not a plain exit (a wall reads e.g. `137, oom-killed: memory-limit`). */
function exitCell(c: CommandResult): string {
  if (c.endReason && c.endReason !== 'exited') {
    const wall = stationWallOf(c.endReason);
    return `${c.exitCode ?? 'killed'}, ${c.endReason}${wall ? `: ${wall}` : ''}`;
  }
  return c.timedOut ? 'timed out' : String(c.exitCode ?? 'killed');
}

function commands(title: string, rs: CommandResult[]): string {
  if (!rs.length) return `### ${title}\n\nNone ran.\n`;
  const rows = rs.map((c) => `| \`${inline(c.command.argv.join(' '))}\` | ${exitCell(c)} | ${(c.durationMs / 1000).toFixed(1)} s | ${c.logArtifact ?? ''} |`);
  // A reproduction's judgement (issue 11): what it states it fails with, and what the line made of how it ran.
  const judged = rs.filter((c) => c.reproduction).map((c) => `- \`${inline(c.command.argv.join(' '))}\`: ${c.reproduction!.verdict} (${inline(c.reproduction!.reason)})${c.command.expectFailure ? `; expected: ${inline(JSON.stringify(c.command.expectFailure))}` : ''}`);
  const tails = rs.filter((c) => c.outputTail.trim()).map((c) => `\`${inline(c.command.argv.join(' '))}\` output (tail):\n\n${fence(c.outputTail.slice(-INLINE_TAIL_CHARS))}`);
  return [`### ${title}`, '', '| Command | Exit | Time | Log |', '|---|---|---|---|', ...rows, '', ...(judged.length ? [...judged, ''] : []), ...tails.map((t) => `${t}\n`)].join('\n');
}

/**
 * Renders an evidence bundle as Markdown for review, the `evidence.md` file and the git
 * note on the output commit. Repository-derived text goes into fenced blocks or is
 * flattened to one line, so it renders as text. Pure.
 */
export function renderEvidenceMarkdown(e: EvidenceBundle): string {
  const out: string[] = [];
  out.push(`# Shopfloor run ${e.runId}: ${e.terminal.state} (${e.terminal.reason})`, '', inline(e.summary), '');
  out.push('## Task', '', `- Intent: ${inline(e.packet.intent)}`, `- Packet: ${inline(e.packet.id)} (risk ${e.packet.risk}, output ${e.packet.outputFormat})`);
  out.push(`- Seed (${e.seed.kind}${e.seed.ref ? `, ${inline(e.seed.ref)}` : ''}):`, '', fence(e.seed.text.slice(0, 8000)), '');
  const w = e.reproduction.written;
  const written = w
    ? [`Written by the agent at station ${inline(w.stationId)} and approved: ${inline(w.statement)}`, '', `Run as \`${inline(w.argv.join(' '))}\` from the frozen copy (read-only in every later station):`, '', ...w.files.map((f) => `- \`${inline(f.path)}\` sha256 \`${f.sha256}\``), '']
    : [];
  const hash = e.reproduction.sha256 ? [`Reproduction hash (${w ? 'its manifest and files as frozen' : 'its commands as approved'}): \`${e.reproduction.sha256}\``, ''] : [];
  out.push('## Reproduction', '', ...written, ...hash, commands('Before the change', e.reproduction.before), commands('After the change', e.reproduction.after));
  if (e.plan) out.push('## Plan', '', fence(e.plan, 'markdown'), '');
  if (e.diff) {
    out.push('## Diff', '', `Files: ${e.diff.files.map((f) => `\`${inline(f)}\``).join(', ') || 'none'}`, '');
    if (e.diff.flags.length) out.push(`**Flags:** ${e.diff.flags.join(', ')}`, '');
    out.push(fence(e.diff.patch.slice(0, 60_000), 'diff'), '');
  }
  out.push('## Validation', '', commands('Validation', e.validation));
  if (e.baseline) {
    out.push('## Validation baseline (base commit, before any change)', '');
    for (const b of e.baseline.stations) {
      out.push(commands(`Baseline of ${inline(b.stationId)}${b.fromCache ? ' (from the baseline cache)' : ''}`, b.commands));
      if (b.skipped.length) out.push(`Not run on the base commit (reproduction commands, expected to fail there): ${b.skipped.map((a) => `\`${inline(a.join(' '))}\``).join(', ')}`, '');
    }
    if (e.baseline.verdicts.length) {
      out.push('| Command | Base commit | After the change | Verdict |', '|---|---|---|---|');
      for (const v of e.baseline.verdicts) out.push(`| \`${inline(v.argv.join(' '))}\` | ${v.before === undefined ? 'not run' : (v.before ?? 'killed')} | ${v.after ?? 'killed'} | ${v.verdict} |`);
      out.push('');
    }
    if (e.baseline.preexistingFailures.length) out.push(`**Pre-existing failures** (the same failure before the change; not blamed on it): ${e.baseline.preexistingFailures.map(inline).join(', ')}`, '');
    if (e.baseline.regressions.length) out.push(`**Regressions** (passed before the change): ${e.baseline.regressions.map(inline).join(', ')}`, '');
  }
  if (e.decision) {
    const d = e.decision;
    out.push('## Decision', '', `- Rule: ${d.rule} (docs/terminal-decision.md)${d.rejectedAt ? `, by the rejection at gate ${inline(d.rejectedAt)}` : ''}`, `- Diff flags: ${d.flags.join(', ') || 'none'}`);
    out.push(`- Walls: ${d.walls.map((w) => `${inline(w.stationId)} attempt ${w.attempt}: ${w.wall}${w.detail ? ` (${inline(w.detail)})` : ''}`).join('; ') || 'none'}`);
    const facts = Object.entries(d.facts).map(([k, v]) => `${k}=${inline(typeof v === 'object' ? JSON.stringify(v) : String(v))}`);
    out.push(`- Facts: ${facts.join(', ') || 'none'}`, '');
    for (const r of d.rounds) {
      const from = r.startedFrom.state === 'base-commit' ? 'the base commit' : `the previous attempt's workspace (${r.startedFrom.files.map(inline).join(', ') || 'no files'}, sha256 ${r.startedFrom.patchSha256.slice(0, 12)})`;
      out.push(`### Round ${r.round}${r.round ? ' (revise)' : ''}`, '', `- Started from ${from}`);
      if (r.because.length) out.push(`- Because: ${r.because.map(inline).join('; ')}`);
      if (r.implement) out.push(`- Implement attempt ${r.implement.attempt}: ${r.implement.outcome}${r.implement.agentOutcome ? ` (agent: ${r.implement.agentOutcome})` : ''}; files ${r.implement.files.map(inline).join(', ') || 'none'}${r.implement.flags.length ? `; flags ${r.implement.flags.join(', ')}` : ''}`);
      if (r.decision) out.push(`- Decision: ${r.decision.kind} by ${r.decision.rule}`);
      out.push('');
      if (r.implement?.why) out.push('Why the implement station did not pass:', '', fence(r.implement.why), '');
    }
  }
  if (e.noOpOrEscalation) {
    out.push(`## ${e.terminal.state === 'NO_OP' ? 'No-op' : e.terminal.state === 'ESCALATE' ? 'Escalation' : 'Failure'} reason`, '', inline(e.noOpOrEscalation.reason), '');
    if (e.noOpOrEscalation.openQuestions.length) out.push('Open questions:', '', ...e.noOpOrEscalation.openQuestions.map((q) => `- ${inline(q)}`), '');
  }
  if (e.agents?.length) out.push(...agentsSection(e));
  if (e.tools) out.push(...toolsSection(e.tools));
  out.push('## Residual risk', '', ...(e.residualRisk.length ? e.residualRisk.map((r) => `- ${inline(r)}`) : ['- None noted.']), '');
  out.push('## Gate decisions', '');
  if (e.gates.length) {
    out.push('| Gate | Decision | By | Spent | Content hash | Reason |', '|---|---|---|---|---|---|');
    for (const g of e.gates) out.push(`| ${inline(g.gateId)} | ${g.decision}${g.terminal ? ` → ${g.terminal.state}` : ''} | ${g.by.kind}: ${inline(g.by.name)} | ${(g.humanMs / 1000).toFixed(1)} s | \`${g.contentHash.slice(0, 12)}\` | ${inline(g.reason ?? '')} |`);
  } else out.push('No gates were opened.');
  const c = e.cost;
  out.push('', '## Cost and time', '', `- Machine time: ${(c.machineMs / 1000).toFixed(1)} s`, `- Wall time: ${(c.wallMs / 1000).toFixed(1)} s`, `- Human time at gates: ${(c.humanMs / 60000).toFixed(1)} min`);
  if (c.inputTokens !== undefined || c.outputTokens !== undefined) out.push(`- Agent tokens: ${c.inputTokens ?? '?'} in, ${c.outputTokens ?? '?'} out`);
  if (c.usd !== undefined) out.push(`- Model cost: $${c.usd.toFixed(4)}`);
  const env = e.environment;
  out.push('', '## Environment', '', `- Base commit: ${env.baseCommit ?? 'unknown'}`, `- Blueprint: ${env.blueprint} (sha256 ${env.blueprintHash.slice(0, 12)})`, `- Image digest: ${env.imageDigest ?? 'none (no container)'}`);
  if (env.blueprintSource) out.push(`- Blueprint source: ${describeBlueprintSource(env.blueprintSource)}`);
  if (env.engineVersion) out.push(`- Shopfloor: ${env.engineVersion}`);
  out.push(`- Started ${e.startedAt}, ended ${e.endedAt}`, '');
  return out.join('\n');
}

/** The agents table: one row per agent station (CLI and version, outcome, tokens, cost, time, tools, prompt hash), then each claim. */
function agentsSection(e: EvidenceBundle): string[] {
  const out = ['## Agents', '', '| Station | Agent | Outcome | Tokens in/out | Cost | Time | Tool calls | Prompt | Session |', '|---|---|---|---|---|---|---|---|---|'];
  for (const a of e.agents) {
    const tools = a.toolCalls.map((t) => `${inline(t.name)}×${t.calls}${t.errors ? ` (${t.errors} failed)` : ''}`).join(', ') || 'none';
    const tokens = a.inputTokens !== undefined || a.outputTokens !== undefined ? `${a.inputTokens ?? '?'}/${a.outputTokens ?? '?'}` : 'unknown';
    out.push(
      `| ${inline(a.stationId)} (attempt ${a.attempt}) | ${inline(a.agent)}${a.version ? ` ${inline(a.version)}` : ''} | ${inline(a.outcome)}${a.budgetExceeded ? `: ${inline(a.budgetExceeded)}` : ''} | ${tokens} | ${a.usd !== undefined ? `$${a.usd.toFixed(4)}` : 'unknown'} | ${(a.wallMs / 1000).toFixed(1)} s | ${tools} | ${a.prompt ? `${inline(a.prompt.template)} \`${a.prompt.sha256.slice(0, 12)}\`` : 'none'} | ${a.sessionId ? `\`${inline(a.sessionId)}\`` : ''} |`,
    );
  }
  const t = e.agentTotals;
  if (t) out.push('', `Agents in all: ${t.stations} station(s), ${t.inputTokens} tokens in, ${t.outputTokens} out${t.usd !== undefined ? `, $${t.usd.toFixed(4)}` : ''}, ${(t.wallMs / 1000).toFixed(1)} s.`);
  for (const a of e.agents.filter((x) => x.usage.length > 1)) out.push('', `Usage of ${inline(a.stationId)} by model: ${a.usage.map((u) => `${inline(u.model)} ${u.inputTokens}/${u.outputTokens}${u.usd !== undefined ? ` $${u.usd.toFixed(4)}` : ''}`).join('; ')}`);
  for (const a of e.agents) {
    if (a.claim) out.push('', `Claim of ${inline(a.stationId)} (the agent's word, not the line's finding): **${a.claim.terminal}**: ${inline(a.claim.summary)}${a.claim.reasoning ? ` Reasoning: ${inline(a.claim.reasoning)}` : ''}${a.claim.residualUncertainty ? ` Unsure of: ${inline(a.claim.residualUncertainty)}` : ''}`);
    else if (a.claimProblem) out.push('', `No claim from ${inline(a.stationId)}: ${inline(a.claimProblem)}`);
  }
  out.push('');
  return out;
}

/** The MCP gateway's account: every call with its decision, held effects and what became of them, drift, recorded artifacts and claims. */
function toolsSection(t: NonNullable<EvidenceBundle['tools']>): string[] {
  const out = ['## Tool calls (MCP gateway)', '', `Audit log: \`${inline(t.audit)}\`${t.auditHead ? ` (${t.auditHead.records} records, last hash \`${t.auditHead.hash.slice(0, 12)}\`; digests only, no raw arguments)` : ''}`, ''];
  if (t.calls.length) {
    out.push('| Station | Tool | Decision | Reason | Time | Arguments sha256 |', '|---|---|---|---|---|---|');
    for (const c of t.calls) out.push(`| ${inline(c.stationId)} | ${inline(c.server === 'shopfloor' ? c.tool : `${c.server}__${c.tool}`)} | ${c.decision} | ${inline(c.reason ?? '')} | ${c.durationMs} ms | \`${c.argsSha256.slice(0, 12)}\` |`);
  } else out.push('No tool calls.');
  if (t.effects.length) {
    out.push('', 'Effects held for the output gate:', '');
    for (const x of t.effects) out.push(`- ${inline(x.id)} ${inline(`${x.server}__${x.tool}`)}: **${x.state}**${x.detail ? `: ${inline(x.detail)}` : ''}${x.resultText ? ` Result: ${inline(x.resultText.slice(0, 300))}` : ''}`);
  }
  if (t.drift.length) out.push('', `Tools whose definitions changed and were not re-approved (hidden from agents): ${t.drift.map((d) => inline(d.tool)).join(', ')}`);
  if (t.pins.length) out.push('', `Pinned tool definitions: ${t.pins.map((p) => `${inline(p.tool)} \`${p.sha256.slice(0, 12)}\``).join(', ')}`);
  for (const r of t.recorded) out.push('', `Recorded by ${inline(r.stationId)}: ${inline(r.label)} (\`${inline(r.path)}\`, sha256 \`${r.sha256.slice(0, 12)}\`)`);
  for (const c of t.claims) out.push('', `Reported by ${inline(c.stationId)} (the agent's word, not the line's finding): **${inline(c.state)}**${c.reason ? ` ${inline(c.reason)}` : ''}${c.detail ? `: ${inline(c.detail)}` : ''}`);
  out.push('');
  return out;
}

/** The report a NO_OP or ESCALATE run leaves: reason and open questions first, then the evidence. */
export function renderReport(e: EvidenceBundle): string {
  const title = e.terminal.state === 'NO_OP' ? 'No-op report' : 'Escalation: open questions for a human';
  const qs = e.noOpOrEscalation?.openQuestions ?? [];
  return [`# ${title} (run ${e.runId})`, '', `**${e.terminal.state}** \`${e.terminal.reason}\`: ${inline(e.terminal.detail ?? '')}`, '', ...(qs.length ? ['## Open questions', '', ...qs.map((q) => `- ${inline(q)}`), ''] : []), '---', '', renderEvidenceMarkdown(e)].join('\n');
}

/** "platform built-in", "team blueprint from the repository (.shopfloor/blueprints/x.json)", "team blueprint from file /p": for the evidence, the CLI and the panel. */
export function describeBlueprintSource(s: NonNullable<EvidenceBundle['environment']['blueprintSource']>): string {
  if (s.kind === 'builtin') return `${s.tier} built-in`;
  return `${s.tier} blueprint from ${s.kind === 'repository' ? 'the repository' : 'a file'}${s.file ? ` (${s.file})` : ''}`;
}

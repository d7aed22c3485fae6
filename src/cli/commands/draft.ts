import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { SEED_KINDS, type SeedKind, type TaskPacket } from '../../contracts';
import { GitRepoReader } from '../../adapters/git/repo-reader';
import { draftPacket } from '../../core/packet/draft';
import { guessSeedKind } from '../../core/packet/seed';

function prov(o: { source: string; file?: string; line?: number; note?: string } | undefined): string {
  if (!o) return '';
  const where = o.source === 'seed' ? `seed${o.line ? ` line ${o.line}` : ''}` : o.file ? `${o.file}${o.line ? `:${o.line}` : ''}` : o.source;
  return `  [${where}${o.note ? `: ${o.note}` : ''}]`;
}

/** Human-readable packet: each field with where it came from. */
export function formatPacket(p: TaskPacket, notes: readonly string[]): string {
  const out: string[] = [];
  out.push(`packet ${p.id}${p.flags.length ? `   FLAGS: ${p.flags.join(', ')}` : ''}`);
  out.push(`intent: ${p.intent}${prov(p.provenance?.['intent'])}`);
  out.push(`source: ${p.source.kind}${p.source.ref ? ` (${p.source.ref})` : ''}; base ${p.baseCommit?.slice(0, 12) ?? 'unknown'}`);
  out.push(`scope:${p.scope.paths.length ? '' : ' (none found)'}`);
  p.scope.paths.forEach((s, i) => out.push(`  ${i + 1}. ${s.path} (${s.score ?? '-'})${prov(s.origin)}`));
  out.push(`reproduction (must FAIL before the change):${p.reproduction.length ? '' : ' none'}`);
  for (const c of p.reproduction) out.push(`  ${JSON.stringify(c.argv)}${c.cwd ? ` in ${c.cwd}` : ''}${prov(c.origin)}`);
  out.push(`validation (must pass after):${p.validation.length ? '' : ' none'}`);
  for (const c of p.validation) out.push(`  ${JSON.stringify(c.argv)}${c.cwd ? ` in ${c.cwd}` : ''}${prov(c.origin)}`);
  out.push('non-goals:');
  for (const g of p.nonGoals) out.push(`  - ${g}`);
  out.push('no-op rules:');
  for (const r of p.noOpRules) out.push(`  - ${r.when} → ${r.then}${r.reason ? `: ${r.reason}` : ''}`);
  out.push(`evidence: ${p.evidenceRequired.join(', ')}`);
  out.push(`output: ${p.outputFormat}; risk: ${p.risk}`);
  for (const r of p.riskReasons) out.push(`  - ${r}`);
  out.push(`allowed tools: ${p.allowedTools.join(', ')}`);
  for (const n of notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}

function seedKind(v: string): SeedKind {
  if (!(SEED_KINDS as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${SEED_KINDS.join(', ')}`);
  return v as SeedKind;
}

/**
 * `shopfloor draft --repo DIR --seed-file FILE [--seed-kind KIND] [--ref REF] [--json]`:
 * drafts a task packet from a seed and the repository. Reads only; runs nothing.
 */
export function registerDraft(program: Command): void {
  program
    .command('draft')
    .description('draft a task packet from a seed (issue, failing test, advisory, CI log, selection, TODO) and the repository')
    .option('--repo <dir>', 'repository', '.')
    .requiredOption('--seed-file <file>', 'file holding the seed text ("-" for stdin)')
    .option('--seed-kind <kind>', `one of ${SEED_KINDS.join(', ')} (default: guessed from the text)`, seedKind)
    .option('--ref <ref>', 'where the seed came from: issue URL, test id, or file:line')
    .option('--json', 'print the packet as JSON')
    .action(async (opts: { repo: string; seedFile: string; seedKind?: SeedKind; ref?: string; json?: boolean }) => {
      const text = readFileSync(opts.seedFile === '-' ? 0 : opts.seedFile, 'utf8');
      const kind = opts.seedKind ?? guessSeedKind(text);
      const { packet, notes } = await draftPacket({ seed: { kind, text, ...(opts.ref ? { ref: opts.ref } : {}) }, reader: new GitRepoReader(resolve(opts.repo)) });
      process.stdout.write(opts.json ? `${JSON.stringify(packet, null, 2)}\n` : formatPacket(packet, notes));
      if (!opts.json) process.stderr.write(opts.seedKind ? '' : `seed kind guessed: ${kind} (pass --seed-kind to choose)\n`);
    });
}

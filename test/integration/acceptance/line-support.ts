import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BROWNFIELD } from '../../support/brownfield';

export const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

/** One case of ../shared/brownfield/cases.json. */
export interface BrownfieldCase {
  id: string;
  package: string;
  vulnerable: string;
  fixed: string;
  seed: string;
  poc: string[];
  touches: string[];
}

export function loadCases(): { cases: BrownfieldCase[]; vague_seeds: string[] } {
  return JSON.parse(readFileSync(join(BROWNFIELD, 'cases.json'), 'utf8'));
}

/** Makes a git repository of PACKAGE@VERSION with the brownfield script (needs the npm registry). */
export function materialize(pkg: string, version: string): string {
  const dest = join(mkdtempSync(join(tmpdir(), `shopfloor-${pkg}-${version}-`)), 'repo');
  execFileSync('bash', [join(BROWNFIELD, 'materialize.sh'), pkg, version, dest], { stdio: 'pipe' });
  execFileSync('git', ['config', 'user.name', 'Rita Reviewer'], { cwd: dest });
  execFileSync('git', ['config', 'user.email', 'rita@example.com'], { cwd: dest });
  return dest;
}

/**
 * The published upstream fix as a patch: the diff between the two versions for the files
 * the real fix touched, computed in a scratch clone of the vulnerable repository.
 */
export function upstreamPatch(vulnerableRepo: string, fixedRepo: string, touches: string[]): string {
  const scratch = join(mkdtempSync(join(tmpdir(), 'shopfloor-patch-')), 'w');
  execFileSync('git', ['clone', '-q', vulnerableRepo, scratch]);
  for (const f of touches) copyFileSync(join(fixedRepo, f), join(scratch, f));
  return execFileSync('git', ['diff', '--no-color', '--', ...touches], { cwd: scratch, encoding: 'utf8' });
}

/** An implement command that applies `patch` with git inside the station: the stand-in for an agent. */
export function applyPatchCommand(patch: string): string {
  return JSON.stringify(['node', '-e', "require('child_process').execFileSync('git', ['apply', '--whitespace=nowarn', '-'], { input: process.argv[1], stdio: ['pipe', 'inherit', 'inherit'] })", patch]);
}

/** Runs the built CLI; never throws on a non-zero exit. */
export function cli(args: string[], timeoutMs = 20 * 60_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Drafts a packet from `seed` with `shopfloor draft`, writes it beside the repository and approves it. Returns its path. */
export function draftAndApprove(repo: string, seed: string, kind: string, name: string, edit?: (p: Record<string, unknown>) => void): string {
  const seedFile = join(repo, '..', `${name}.seed.txt`);
  writeFileSync(seedFile, seed);
  const d = cli(['draft', '--repo', repo, '--seed-file', seedFile, '--seed-kind', kind, '--json']);
  if (d.code !== 0) throw new Error(`draft failed: ${d.stderr}`);
  const packet = JSON.parse(d.stdout) as Record<string, unknown>;
  edit?.(packet);
  const file = join(repo, '..', `${name}.packet.json`);
  writeFileSync(file, JSON.stringify(packet, null, 2));
  const a = cli(['approve', file, '--by', 'Rita Reviewer <rita@example.com>']);
  if (a.code !== 0) throw new Error(`approve failed: ${a.stderr}`);
  return file;
}

/** Journal events of a run, in order. */
export function journalEvents(repo: string, runId: string): Array<{ at: string; event: Record<string, unknown> & { type: string } }> {
  return readFileSync(join(repo, '.shopfloor', 'runs', runId, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** Wall time per station and the line's own overhead (total minus time inside station commands), from the journal. */
export function timings(repo: string, runId: string): { totalMs: number; stations: Array<{ id: string; ms: number; outcome: string }>; overheadMs: number } {
  const ev = journalEvents(repo, runId);
  const first = Date.parse(ev[0]!.at);
  const terminal = ev.find((e) => e.event.type === 'run/terminal') ?? ev[ev.length - 1]!;
  const stations = ev
    .filter((e) => e.event.type === 'station/finished')
    .map((e) => ({ id: String(e.event.stationId), ms: Number(e.event.durationMs), outcome: String(e.event.outcome) }));
  const totalMs = Date.parse(terminal.at) - first;
  return { totalMs, stations, overheadMs: totalMs - stations.reduce((a, s) => a + s.ms, 0) };
}

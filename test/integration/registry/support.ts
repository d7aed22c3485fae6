import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Blueprint, RunOutcomeRecord } from '../../../src/contracts';
import { BlueprintRegistry, ensureBareRegistry, type CloneOptions } from '../../../src/adapters/registry';
import { aBlueprint } from '../../support/builders';

/** A fresh folder for one test. */
export const scratch = () => mkdtempSync(join(tmpdir(), 'sf-registry-'));

/** Runs git in `cwd`; returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_AUTHOR_NAME: 'Other', GIT_AUTHOR_EMAIL: 'o@example.com', GIT_COMMITTER_NAME: 'Other', GIT_COMMITTER_EMAIL: 'o@example.com' } }).trim();
}

/** A bare registry repository under `root`, with every ref update logged (so a test can prove no push rewrote history). */
export async function bareRegistry(root: string, name = 'registry.git'): Promise<string> {
  const dir = join(root, name);
  await ensureBareRegistry(dir);
  git(dir, 'config', 'core.logAllRefUpdates', 'always');
  return dir;
}

/** Opens a registry client with its own state folder (one per publisher, as on separate machines). */
export function client(url: string, root: string, id: string, o: CloneOptions = {}): Promise<BlueprintRegistry> {
  const stateDir = join(root, 'state', id);
  mkdirSync(stateDir, { recursive: true });
  return BlueprintRegistry.open({ url, embedded: false, stateDir }, { clone: o });
}

/** A team-tier blueprint named `name` at `version`. */
export function teamBlueprint(name: string, version = '1.0.0', over: Partial<Blueprint> = {}): Blueprint {
  return { ...aBlueprint().with('name', name).with('version', version).with('tier', 'team').build(), ...over };
}

/** A valid outcome record of `name@version` for run `i`. */
export function outcome(name: string, version: string, hash: string, i: number, over: Partial<RunOutcomeRecord> = {}): RunOutcomeRecord {
  return {
    kind: 'run-outcome',
    runId: `run-${name.replace(/\./g, '-')}-${i}`,
    blueprint: { name, version, hash },
    repository: 'b'.repeat(64),
    workspace: 'c'.repeat(64),
    pattern: 'interactive',
    terminal: { state: 'PR_READY', reason: 'validated-fix' },
    stations: [{ id: 'implement', attempts: 1, outcome: 'passed', ms: 1000 }],
    firstAttemptValidation: 'passed',
    reviseRounds: 0,
    humanMs: 60_000,
    humanEdited: false,
    gateRejections: 0,
    verdict: 'accepted',
    cost: { usd: 0.2, inputTokens: 10, outputTokens: 5 },
    durationMs: 30_000,
    agents: [{ agent: 'claude' }],
    endedAt: '2026-12-03T10:00:00.000Z',
    ...over,
  };
}

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `git daemon` serving `base` read-write on loopback `port`; resolves once it accepts connections. */
export async function gitDaemon(base: string, port: number): Promise<ChildProcess> {
  const p = spawn('git', ['daemon', '--reuseaddr', `--base-path=${base}`, '--export-all', '--enable=receive-pack', '--listen=127.0.0.1', `--port=${port}`, base], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('git', ['ls-remote', `git://127.0.0.1:${port}/registry.git`], { stdio: 'ignore', timeout: 2000 });
      return p;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  p.kill();
  throw new Error('git daemon did not start');
}

/**
 * Proves no push rewrote history: every update of `refs/heads/main` in the bare
 * repository's reflog moved it from a commit to a descendant of that commit.
 */
export function everyUpdateFastForward(bare: string): { updates: number; rewrites: string[] } {
  const lines = git(bare, 'reflog', 'show', '--format=%H %gs', 'refs/heads/main').split('\n').filter(Boolean);
  const hashes = lines.map((l) => l.split(' ')[0]!).reverse();
  const rewrites: string[] = [];
  for (let i = 1; i < hashes.length; i++) {
    try {
      execFileSync('git', ['merge-base', '--is-ancestor', hashes[i - 1]!, hashes[i]!], { cwd: bare, stdio: 'ignore' });
    } catch {
      rewrites.push(`${hashes[i - 1]} -> ${hashes[i]}`);
    }
  }
  return { updates: hashes.length, rewrites };
}

/** Points SHOPFLOOR_HOME at a fresh scratch folder for the enclosing describe (mocha hooks), restoring it after; returns the folder. */
export function scopedShopfloorHome(): string {
  const home = scratch();
  const saved = process.env.SHOPFLOOR_HOME;
  before(() => (process.env.SHOPFLOOR_HOME = home));
  after(() => (saved === undefined ? delete process.env.SHOPFLOOR_HOME : (process.env.SHOPFLOOR_HOME = saved)));
  return home;
}

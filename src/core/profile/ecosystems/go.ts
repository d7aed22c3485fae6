import { DetectContext, fromRepo } from '../context';
import { dirname } from '../text';

/** Go modules: go.mod (root or, without one, the shallowest), go.work workspaces, golangci-lint config. */
export function detectGo(ctx: DetectContext): void {
  const mods = ctx.named('go.mod');
  const work = ctx.has('go.work') ? 'go.work' : undefined;
  if (!mods.length && !work) return;
  mods.slice(0, 50).forEach((m) => ctx.manifest('go', m));
  if (work) {
    ctx.manifest('go', work);
    const t = ctx.text(work) ?? '';
    const members = [...t.matchAll(/^\s*(?:use\s+)?\.\/?([^\s()]*)\s*$/gm)].map((m) => m[1]!).filter(Boolean);
    ctx.workspace({ tool: 'go', file: work, members });
  }
  for (const m of mods.slice(0, 20)) {
    const mod = /^\s*module\s+(\S+)/m.exec(ctx.text(m) ?? '')?.[1];
    if (mod) ctx.packages.push({ name: mod, ecosystem: 'go', manifest: m });
  }
  const root = work ?? mods[0]!;
  const dir = work ? '' : dirname(root);
  const cwd = dir || undefined;
  const o = (note: string) => fromRepo(root, undefined, `Go: ${note}`);
  ctx.command('setup', 'go', ['go', 'mod', 'download'], o('download modules'), cwd);
  ctx.command('build', 'go', ['go', 'build', './...'], o('build all packages'), cwd);
  ctx.command('test', 'go', ['go', 'test', './...'], o('test all packages'), cwd);
  ctx.command('lint', 'go', ['go', 'vet', './...'], o('go vet'), cwd);
  const golangci = ['.golangci.yml', '.golangci.yaml', '.golangci.toml'].find((f) => ctx.has(f));
  if (golangci) ctx.command('lint', 'go', ['golangci-lint', 'run'], fromRepo(golangci, undefined, 'golangci-lint configured'));
}

import { DetectContext, fromRepo } from '../context';
import { iniSections, listValue } from '../text';

/** Cargo: Cargo.toml, [workspace] members, Cargo.lock. */
export function detectCargo(ctx: DetectContext): void {
  const tomls = ctx.named('Cargo.toml');
  if (!tomls.length) return;
  tomls.slice(0, 50).forEach((t) => ctx.manifest('cargo', t));
  const root = tomls[0]!;
  const cwd = root.includes('/') ? root.slice(0, root.lastIndexOf('/')) : undefined;
  const ws = iniSections(ctx.text(root) ?? '').find((s) => s.name === 'workspace');
  const members = ws?.keys.get('members');
  if (ws) ctx.workspace({ tool: 'cargo', file: root, members: members ? listValue(members.value) : [] });
  const pkgName = iniSections(ctx.text(root) ?? '').find((s) => s.name === 'package')?.keys.get('name')?.value.replace(/["']/g, '');
  if (pkgName) {
    const entry = [cwd ? `${cwd}/src/lib.rs` : 'src/lib.rs', cwd ? `${cwd}/src/main.rs` : 'src/main.rs'].find((f) => ctx.has(f));
    ctx.packages.push({ name: pkgName, ecosystem: 'cargo', manifest: root, ...(entry ? { entry } : {}) });
  }
  const locked = ctx.has(cwd ? `${cwd}/Cargo.lock` : 'Cargo.lock');
  const o = (note: string, line?: number) => fromRepo(root, line, `Cargo: ${note}`);
  ctx.command('setup', 'cargo', locked ? ['cargo', 'fetch', '--locked'] : ['cargo', 'fetch'], o(locked ? 'fetch what Cargo.lock pins' : 'fetch dependencies'), cwd);
  ctx.command('build', 'cargo', ['cargo', 'build'], o('build'), cwd);
  ctx.command('test', 'cargo', ws ? ['cargo', 'test', '--workspace'] : ['cargo', 'test'], o(ws ? 'test every workspace member' : 'test', ws?.line), cwd);
  ctx.command('lint', 'cargo', ['cargo', 'clippy', '--all-targets', '--', '-D', 'warnings'], o('clippy'), cwd);
}

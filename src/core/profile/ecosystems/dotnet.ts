import { DetectContext, fromRepo } from '../context';
import { dirname, lineOf } from '../text';

const TEST_PROJECT = /Microsoft\.NET\.Test\.Sdk|\bxunit\b|\bnunit\b|MSTest/i;

/** .NET: the shallowest solution (.sln), else project; test projects by their test SDK reference. */
export function detectDotnet(ctx: DetectContext): void {
  const slns = ctx.matching(/\.sln$/);
  const projects = ctx.matching(/\.(cs|fs|vb)proj$/);
  if (!slns.length && !projects.length) return;
  [...slns, ...projects].slice(0, 100).forEach((p) => ctx.manifest('dotnet', p));
  const target = slns[0] ?? projects[0]!;
  const o = (note: string, file = target, line?: number) => fromRepo(file, line, `.NET: ${note}`);
  ctx.command('setup', 'dotnet', ['dotnet', 'restore', target], o('restore packages'));
  ctx.command('build', 'dotnet', ['dotnet', 'build', target, '--no-restore'], o('build'));
  const slnText = slns[0] ? ctx.text(slns[0]) ?? '' : '';
  const listed = [...slnText.matchAll(/Project\("[^"]*"\)\s*=\s*"[^"]*",\s*"([^"]+\.(?:cs|fs|vb)proj)"/g)].map((m) =>
    [dirname(slns[0]!), m[1]!.replace(/\\/g, '/')].filter(Boolean).join('/'),
  );
  if (slns[0] && listed.length) ctx.workspace({ tool: 'dotnet', file: slns[0], members: listed.map(dirname) });
  const testProject = projects.find((p) => TEST_PROJECT.test(ctx.text(p) ?? '') || /Tests?\.(cs|fs|vb)proj$/.test(p));
  if (testProject) {
    const line = lineOf(ctx.text(testProject) ?? '', TEST_PROJECT);
    ctx.command('test', 'dotnet', ['dotnet', 'test', target], o(`test project ${testProject}`, testProject, line));
  }
  ctx.command('lint', 'dotnet', ['dotnet', 'format', target, '--verify-no-changes'], o('dotnet format check'));
}

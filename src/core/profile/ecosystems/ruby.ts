import { DetectContext, fromRepo } from '../context';
import { lineOf } from '../text';

/** Ruby: Gemfile (bundler), Rakefile test tasks, RSpec, RuboCop. */
export function detectRuby(ctx: DetectContext): void {
  const gemfile = ctx.has('Gemfile') ? 'Gemfile' : undefined;
  const rakefile = ['Rakefile', 'rakefile', 'Rakefile.rb'].find((f) => ctx.has(f));
  if (!gemfile && !rakefile) return;
  const gems = gemfile ? ctx.text(gemfile) ?? '' : '';
  const exec = gemfile ? ['bundle', 'exec'] : [];
  if (gemfile) {
    ctx.manifest('ruby', gemfile);
    const locked = ctx.has('Gemfile.lock');
    ctx.command('setup', 'ruby', ['bundle', 'install'], fromRepo(locked ? 'Gemfile.lock' : gemfile, undefined, locked ? 'Bundler: install what Gemfile.lock pins' : 'Bundler: install gems'));
  }
  if (rakefile) {
    ctx.manifest('ruby', rakefile);
    const rake = ctx.text(rakefile) ?? '';
    const testLine = lineOf(rake, /Rake::TestTask|task\s*\(?\s*:?["']?test\b/);
    const specLine = lineOf(rake, /RSpec::Core::RakeTask/);
    if (testLine) ctx.command('test', 'ruby', [...exec, 'rake', 'test'], fromRepo(rakefile, testLine, 'Rake test task'));
    else if (specLine) ctx.command('test', 'ruby', [...exec, 'rake', 'spec'], fromRepo(rakefile, specLine, 'Rake spec task'));
  }
  const rspecLine = lineOf(gems, /gem\s+["']rspec/);
  if (ctx.has('.rspec') || rspecLine) {
    ctx.command('test', 'ruby', [...exec, 'rspec'], fromRepo(rspecLine ? gemfile! : '.rspec', rspecLine, 'RSpec configured'));
  }
  const rubocopLine = lineOf(gems, /gem\s+["']rubocop/);
  if (ctx.has('.rubocop.yml') || rubocopLine) ctx.command('lint', 'ruby', [...exec, 'rubocop'], fromRepo(rubocopLine ? gemfile! : '.rubocop.yml', rubocopLine, 'RuboCop configured'));
}

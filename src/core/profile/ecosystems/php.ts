import { DetectContext, fromRepo } from '../context';
import { lineOf, parseJsonLoose } from '../text';

interface ComposerJson {
  scripts?: Record<string, unknown>;
  'require-dev'?: Record<string, string>;
}

/** PHP: composer.json (scripts, require-dev), phpunit.xml, phpstan and php-cs-fixer configs. */
export function detectPhp(ctx: DetectContext): void {
  if (!ctx.has('composer.json')) return;
  ctx.manifest('php', 'composer.json');
  const text = ctx.text('composer.json') ?? '';
  const c = (parseJsonLoose(text) ?? {}) as ComposerJson;
  const name = (c as { name?: unknown }).name;
  if (typeof name === 'string') ctx.packages.push({ name, ecosystem: 'php', manifest: 'composer.json' });
  const locked = ctx.has('composer.lock');
  ctx.command('setup', 'php', ['composer', 'install', '--no-interaction'], fromRepo(locked ? 'composer.lock' : 'composer.json', undefined, locked ? 'Composer: install what composer.lock pins' : 'Composer: install'));
  const scriptsAt = Math.max(0, text.indexOf('"scripts"'));
  const script = (names: string[]) => names.find((n) => c.scripts && n in c.scripts);
  const testScript = script(['test', 'tests', 'phpunit']);
  if (testScript) ctx.command('test', 'php', ['composer', 'run-script', testScript], fromRepo('composer.json', lineOf(text, `"${testScript}"`, scriptsAt), `composer script "${testScript}"`));
  const phpunitCfg = ['phpunit.xml', 'phpunit.xml.dist'].find((f) => ctx.has(f));
  if (phpunitCfg || c['require-dev']?.['phpunit/phpunit'])
    ctx.command('test', 'php', ['vendor/bin/phpunit'], fromRepo(phpunitCfg ?? 'composer.json', phpunitCfg ? undefined : lineOf(text, 'phpunit/phpunit'), 'PHPUnit configured'));
  const lintScript = script(['lint', 'cs', 'phpcs', 'phpstan', 'analyse', 'cs-check']);
  if (lintScript) ctx.command('lint', 'php', ['composer', 'run-script', lintScript], fromRepo('composer.json', lineOf(text, `"${lintScript}"`, scriptsAt), `composer script "${lintScript}"`));
  const phpstan = ['phpstan.neon', 'phpstan.neon.dist'].find((f) => ctx.has(f));
  if (phpstan) ctx.command('lint', 'php', ['vendor/bin/phpstan', 'analyse'], fromRepo(phpstan, undefined, 'PHPStan configured'));
}

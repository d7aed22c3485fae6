import type { CommandSpec } from '../../contracts';
import type { DetectedCommand, RepoProfile } from '../profile/types';
import type { TestRef } from './seed';

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function first(profile: RepoProfile, pred: (c: DetectedCommand) => boolean): DetectedCommand | undefined {
  return profile.testCommands.find(pred);
}

/**
 * The narrowest command that runs one failing test, from the runner the seed shows (or
 * the project's own test command) and the test's name and file. Undefined when the
 * ecosystem's runner is unknown.
 *
 * `jsTestScript` is the root package.json `scripts.test` body, which names the JS runner.
 */
export function narrowestTestCommand(t: TestRef, profile: RepoProfile, jsTestScript?: string): Omit<CommandSpec, 'origin'> | undefined {
  const runner = t.runner ?? guessRunner(profile, jsTestScript, t);
  const file = t.file;
  const desc = (what: string) => `${what}: only the failing test ${t.name}`;
  switch (runner) {
    case 'jest':
      return { argv: ['npx', 'jest', ...(file ? [file] : []), '-t', t.name], description: desc('jest') };
    case 'vitest':
      return { argv: ['npx', 'vitest', 'run', ...(file ? [file] : []), '-t', t.name], description: desc('vitest') };
    case 'mocha':
      return { argv: ['npx', 'mocha', ...(file ? [file] : []), '--grep', esc(t.name)], description: desc('mocha') };
    case 'tap':
      if (file) return { argv: ['node', file], description: desc('tap/tape file') };
      return undefined;
    case 'pytest': {
      const base = first(profile, (c) => c.argv.includes('pytest'))?.argv ?? ['python', '-m', 'pytest'];
      return { argv: [...base, file ? `${file}::${t.name}` : '-k', ...(file ? [] : [t.name])], description: desc('pytest') };
    }
    case 'go': {
      let dir = file?.includes('/') ? `./${file.slice(0, file.lastIndexOf('/'))}` : undefined;
      if (!dir && t.pkg) {
        const mod = profile.packages.find((p) => p.ecosystem === 'go' && (t.pkg === p.name || t.pkg!.startsWith(p.name + '/')));
        dir = mod ? `./${t.pkg.slice(mod.name.length + 1) || '.'}`.replace(/^\.\/\.$/, '.') : undefined;
      }
      return { argv: ['go', 'test', dir ?? './...', '-run', `^${t.name}$`], description: desc('go test') };
    }
    case 'cargo':
      return { argv: ['cargo', 'test', t.name, '--', '--exact'], description: desc('cargo test') };
    case 'junit': {
      const [cls, method] = t.name.split('#');
      const simple = cls!.split('.').pop()!;
      const gradle = first(profile, (c) => c.from === 'gradle');
      if (gradle) return { argv: [gradle.argv[0]!, '--no-daemon', 'test', '--tests', `*${simple}${method ? `.${method}` : ''}`], description: desc('Gradle') };
      const mvn = first(profile, (c) => c.from === 'maven')?.argv[0] ?? 'mvn';
      return { argv: [mvn, '-B', `-Dtest=${simple}${method ? `#${method}` : ''}`, 'test'], description: desc('Maven surefire') };
    }
    case 'rspec':
      return { argv: ['bundle', 'exec', 'rspec', file && t.line ? `${file}:${t.line}` : file ?? '', ...(file ? [] : ['-e', t.name])].filter(Boolean), description: desc('RSpec') };
    case 'minitest':
      return file ? { argv: ['bundle', 'exec', 'ruby', '-Itest', file, '-n', t.name], description: desc('minitest') } : undefined;
    case 'dotnet': {
      const target = profile.setupCommands.find((c) => c.from === 'dotnet')?.argv[2];
      return { argv: ['dotnet', 'test', ...(target ? [target] : []), '--filter', `FullyQualifiedName~${t.name}`], description: desc('dotnet test') };
    }
    case 'phpunit':
      return { argv: ['vendor/bin/phpunit', '--filter', t.name.split('::').pop()!], description: desc('PHPUnit') };
    default:
      return undefined;
  }
}

/** The runner a bare test name most likely belongs to, from the project's own test command. */
function guessRunner(profile: RepoProfile, jsTestScript: string | undefined, t: TestRef): TestRef['runner'] | undefined {
  const js = jsTestScript ?? '';
  if (/\bjest\b/.test(js)) return 'jest';
  if (/\bvitest\b/.test(js)) return 'vitest';
  if (/\bmocha\b/.test(js)) return 'mocha';
  if (/\b(tap|tape)\b/.test(js)) return 'tap';
  const c = profile.testCommands[0];
  if (!c) return undefined;
  if (c.argv.includes('pytest')) return 'pytest';
  switch (c.from) {
    case 'go':
      return 'go';
    case 'cargo':
      return 'cargo';
    case 'maven':
    case 'gradle':
      return 'junit';
    case 'dotnet':
      return 'dotnet';
    case 'php':
      return 'phpunit';
    case 'ruby':
      return c.argv.includes('rspec') ? 'rspec' : t.file ? 'minitest' : undefined;
    default:
      return undefined;
  }
}

/** A failing-test seed that is just a name, e.g. `test_parse_empty` or `ParserTest#testEmpty` or `Suite › case`. */
export function bareTestRef(text: string): TestRef | undefined {
  const l = text.trim();
  if (!l || l.includes('\n')) return undefined;
  let m: RegExpExecArray | null;
  if ((m = /^([\w/.-]+\.py)::([\w:]+)$/.exec(l))) return { name: m[2]!.split('::').pop()!, file: m[1]!, runner: 'pytest', seedLine: 1 };
  if ((m = /^([\w$.]+)#(\w+)$/.exec(l))) return { name: l, runner: 'junit', seedLine: 1 };
  if ((m = /^(Test\w+)$/.exec(l))) return { name: m[1]!, runner: 'go', seedLine: 1 };
  if (/›|>/.test(l)) return { name: l.split(/\s*[›>]\s*/).pop()!, seedLine: 1 };
  if (/^[\w.:#\s'-]{3,120}$/.test(l)) return { name: l, seedLine: 1 };
  return undefined;
}

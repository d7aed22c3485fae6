import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The e2e tier's sample repository: index.js exports 'broken', `node repro.js` fails until
 * it exports 'fixed', a command agent set in the workspace settings makes that change (a
 * stand-in for an agent CLI), and `.shopfloor/packets/fix-index.json` asks for it.
 */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

/**
 * The stand-in agent: at the implement station it makes the fix; at the plan station
 * (whose workspace is read-only) it prints the plan, which is what a plan agent's output is.
 */
const AGENT_SCRIPT = "if (process.env.SHOPFLOOR_ROLE === 'implement') require('fs').writeFileSync('index.js', \"module.exports = 'fixed';\\n\"); else console.log('Plan: make index.js export the string fixed.');";

export function sampleRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shopfloor-run-'));
  writeFileSync(join(dir, 'index.js'), "module.exports = 'broken';\n");
  writeFileSync(join(dir, 'repro.js'), "process.exit(require('./index.js') === 'fixed' ? 0 : 1);\n");
  writeFileSync(join(dir, 'test.js'), "require('assert').equal(typeof require('./index.js'), 'string');\n");
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sample', version: '1.0.0', scripts: { test: 'node test.js' } }, null, 2));
  mkdirSync(join(dir, '.vscode'));
  writeFileSync(
    join(dir, '.vscode', 'settings.json'),
    JSON.stringify({ 'shopfloor.agent.command': JSON.stringify(['node', '-e', AGENT_SCRIPT]) }, null, 2),
  );
  mkdirSync(join(dir, '.shopfloor', 'packets'), { recursive: true });
  writeFileSync(
    join(dir, '.shopfloor', 'packets', 'fix-index.json'),
    JSON.stringify(
      {
        schemaVersion: 1,
        id: 'fix-index',
        intent: "index.js must export 'fixed'.",
        source: { kind: 'issue', text: "index.js exports 'broken'; it must export 'fixed'." },
        scope: { paths: [{ path: 'index.js' }], services: [] },
        nonGoals: ['No other file changes.'],
        reproduction: [{ argv: ['node', 'repro.js'] }],
        allowedTools: [],
        validation: [{ argv: ['node', 'repro.js'] }, { argv: ['npm', 'test'] }],
        noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
        evidenceRequired: ['reproduction-before-after', 'diff', 'validation'],
        outputFormat: 'pr',
        risk: 'one-reviewer',
      },
      null,
      2,
    ),
  );
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', 'Rita Reviewer');
  git(dir, 'config', 'user.email', 'rita@example.com');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}


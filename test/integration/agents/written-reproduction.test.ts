import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StationResult } from '../../../src/contracts';
import type { Gate, Gatekeeper } from '../../../src/core/run/ports';
import { claimBlock, claudeLine } from './line-support';

const WS = '/workspaces/repo';
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/** What the scripted reproduce session writes: a script that fails while quote() leaves the backtick unescaped. */
const SCRIPT = [
  "const { quote } = require('../../');",
  "const out = quote(['`:`id`']);",
  "if (out.startsWith('`')) { console.error('unescaped backtick: ' + out); process.exit(1); }",
  "console.log('escaped: ' + out);",
  '',
].join('\n');
const MANIFEST = JSON.stringify({ statement: 'quote() leaves a backtick followed by a colon unescaped, so the result runs a command in a shell', argv: ['node', '.shopfloor/reproduction/repro.js'], expectFailure: { exitCode: 1, outputMatches: 'unescaped backtick' } }, null, 2);

/**
 * Issue 11, "done when": on a brownfield case whose packet has no reproduction, a real
 * Claude Code CLI at the reproduce station (real Docker, the model double through the run's
 * proxy) writes a reproduction; the line runs it on the base commit, where it fails for the
 * stated reason; a human approves it at the gate; the implement session tries to overwrite it
 * and cannot (the frozen copy is bound read-only), then fixes the code; the run ends PR_READY
 * with the reproduction's hash in the evidence and nothing of it on the output branch.
 */
describe('a reproduction written by a real Claude Code reproduce station, frozen out of the implementer\'s reach (real Docker, model double)', function () {
  this.timeout(600_000);

  const line = (turns: Parameters<typeof claudeLine>[0], gatekeeper: Gatekeeper) => claudeLine(turns, { gatekeeper, agentWritesReproduction: true });

  it('writes it, fails on the base commit as stated, approved at the gate; the implementer cannot change it; PR_READY with its hash', async () => {
    const gates: Gate[] = [];
    const human: Gatekeeper = { decide: async (g) => (gates.push(g), { decision: 'approve', by: { kind: 'human', name: 'Rita Reviewer <rita@example.com>' } }) };
    const { out, repo, runDir } = await line(
      (fix) => [
        // reproduce station
        { blocks: [{ type: 'tool_use', name: 'Write', input: { file_path: `${WS}/.shopfloor/reproduction/repro.js`, content: SCRIPT } }] },
        { blocks: [{ type: 'tool_use', name: 'Write', input: { file_path: `${WS}/.shopfloor/reproduction/reproduction.json`, content: MANIFEST } }] },
        { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'node .shopfloor/reproduction/repro.js' } }] },
        { blocks: [{ type: 'text', text: `Written.\n${claimBlock({ terminal: 'PR_READY', summary: 'Reproduction written: it fails with an unescaped backtick.' })}` }] },
        // implement station: first try to make the reproduction pass by rewriting it, then fix the code
        { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: "printf 'process.exit(0)\\n' > .shopfloor/reproduction/repro.js" } }] },
        { blocks: [{ type: 'tool_use', name: 'Edit', input: { file_path: `${WS}/index.js`, old_string: fix.from, new_string: fix.to } }] },
        { blocks: [{ type: 'text', text: `Fixed.\n${claimBlock({ terminal: 'PR_READY', summary: 'A-z became A-Za-z.', filesChanged: ['index.js'] })}` }] },
      ],
      human,
    );
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['PR_READY', 'validated-fix'], out.terminal.detail);
    // The line's own run on the base commit: failed as stated.
    const before = out.evidence.reproduction.before[0]!;
    assert.equal(before.exitCode, 1);
    assert.equal(before.reproduction?.verdict, 'reproduced', JSON.stringify(before.reproduction));
    assert.match(before.outputTail, /unescaped backtick/);
    // The gate after the reproduce station showed the script, the expected failure and the output.
    const g = gates.find((x) => x.stationId === 'reproduce' && x.position === 'after')!;
    assert.ok(g, 'the reproduce station had its gate');
    const content = g.content as { reproduction: { files: Array<{ path: string; text: string }>; expectFailure: unknown }; commands: Array<{ outputTail: string }> };
    assert.equal(content.reproduction.files.find((f) => f.path === 'repro.js')?.text, SCRIPT);
    assert.deepEqual(content.reproduction.expectFailure, { exitCode: 1, outputMatches: 'unescaped backtick' });
    assert.match(content.commands[0]!.outputTail, /unescaped backtick/);
    // The implementer's overwrite failed inside the container, and what ran after is the frozen script.
    const impl = JSON.parse(readFileSync(join(runDir, 'artifacts', 'stations', 'implement-1.json'), 'utf8')) as StationResult;
    assert.ok(impl.agent?.toolCalls?.some((t) => t.name === 'Bash' && t.errors >= 1), `the overwrite was refused: ${JSON.stringify(impl.agent?.toolCalls)}`);
    const log = readFileSync(join(runDir, 'artifacts', 'logs', 'implement-1-agent.log'), 'utf8');
    assert.match(log, /Read-only file system/);
    assert.deepEqual(out.evidence.reproduction.after.map((c) => [c.exitCode, c.command.argv.join(' ')]), [[0, 'node .shopfloor/reproduction/repro.js']]);
    assert.match(out.evidence.reproduction.after[0]!.outputTail, /escaped: /);
    // The hash in the evidence is the frozen copy's; its script is the one the agent wrote.
    const written = out.evidence.reproduction.written!;
    assert.equal(written.files.find((f) => f.path === 'repro.js')?.sha256, sha(SCRIPT));
    const frozen = (JSON.parse(readFileSync(join(runDir, 'artifacts', 'stations', 'reproduce-1.json'), 'utf8')) as StationResult).reproduction!;
    assert.equal(out.evidence.reproduction.sha256, frozen.sha256);
    // The branch holds the fix and nothing of the reproduction.
    const files = execFileSync('git', ['diff', '--name-only', 'HEAD', out.output!.branch!], { cwd: repo, encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(files, ['index.js']);
  });

  it('a written reproduction that fails with a syntax error is refused as a reproduction, with the reason; nothing is implemented', async () => {
    const human: Gatekeeper = { decide: async () => ({ decision: 'approve', by: { kind: 'human', name: 'Rita Reviewer <rita@example.com>' } }) };
    const { out } = await line(
      () => [
        { blocks: [{ type: 'tool_use', name: 'Write', input: { file_path: `${WS}/.shopfloor/reproduction/repro.js`, content: "const { quote } = require('../../');\nif (quote(['`:`id`']).startsWith('`') { process.exit(1) }\n" } }] },
        { blocks: [{ type: 'tool_use', name: 'Write', input: { file_path: `${WS}/.shopfloor/reproduction/reproduction.json`, content: JSON.stringify({ statement: 'quote() leaves a backtick unescaped', argv: ['node', '.shopfloor/reproduction/repro.js'], expectFailure: { exitCode: 1 } }) } }] },
        { blocks: [{ type: 'text', text: `Written.\n${claimBlock({ terminal: 'PR_READY', summary: 'Reproduction written.' })}` }] },
      ],
      human,
    );
    assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'invalid-reproduction', 'T3r']);
    assert.match(out.terminal.detail ?? '', /not a reproduction: the script has a syntax error/);
    assert.ok(!out.evidence.agents.some((a) => a.stationId === 'implement'), 'no implement agent ran');
  });
});

import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { TerminalGatekeeper, toolNotice } from '../../../src/cli/terminal-prompt';
import type { Gate } from '../../../src/core/run/ports';

describe('cli/terminal-prompt: what a gate says about the MCP gateway', () => {
  it('lists held tool calls with their arguments and changed tool definitions field by field, escaped', () => {
    const text = toolNotice({
      content: { effects: [{ id: 'effect-1', server: 'tracker', tool: 'create_ticket', arguments: { title: 'Fix \u001b[31mquoting' }, reason: 'marked effectful in the MCP config' }] },
      toolDrift: [{ tool: 'docs__search', pinned: 'a'.repeat(64), current: 'b'.repeat(64), changes: [{ field: 'description', before: '"Search."', after: '"Search and post."' }] }],
    });
    assert.match(text, /approving also runs 1 tool call\(s\)/);
    assert.match(text, /effect-1 tracker__create_ticket \{"title":"Fix .*quoting"\}/);
    assert.ok(!text.includes('\u001b'), 'control characters are escaped');
    assert.match(text, /docs__search changed since it was approved[\s\S]*description: "Search\." {2}→ {2}"Search and post\."/);
  });
  it('says nothing for a gate without held calls or drift', () => {
    assert.equal(toolNotice({ content: { patch: 'x' } }), '');
  });

  it('approving at the terminal asks for each held call; "n" declines it, enter runs it', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d) => (shown += String(d)));
    const gk = new TerminalGatekeeper({ input, output, close: () => undefined }, 'rita');
    const effect = (id: string) => ({ id, server: 'tracker', tool: 'create_ticket', arguments: {}, reason: 'marked effectful in the MCP config' });
    const gate: Gate = { runId: 'r', gateId: 'decide.after.5', stationId: 'decide', position: 'after', contentHash: 'h', summary: 'Ship?', content: { patch: 'x', effects: [effect('effect-1'), effect('effect-2')] }, allowed: ['approve', 'reject'], risk: { packetRisk: 'one-reviewer', touchedRiskPaths: [], diffFlags: [] } };
    const answer = gk.decide(gate);
    // One answer per prompt, written as each prompt appears.
    const replies = ['a', '', 'n'];
    const next = () => {
      const r = replies.shift();
      if (r !== undefined) setImmediate(() => input.write(`${r}\n`));
    };
    output.on('data', (d) => /: $/.test(String(d)) && next());
    next();
    const a = await answer;
    assert.equal(a.decision, 'approve');
    assert.deepEqual(a.declinedEffects, ['effect-2']);
    assert.match(shown, /Run held tool call effect-1 after this gate\? \[Y\/n\]: [\s\S]*Run held tool call effect-2/);
  });
});


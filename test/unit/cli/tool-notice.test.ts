import { strict as assert } from 'node:assert';
import { toolNotice } from '../../../src/cli/terminal-prompt';

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
});

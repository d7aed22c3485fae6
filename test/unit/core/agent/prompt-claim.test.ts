import { strict as assert } from 'node:assert';
import { buildStationPrompt, PROMPT_TEMPLATE_VERSION } from '../../../../src/core/agent/prompt';
import { extractClaim } from '../../../../src/core/agent/claim';
import { sha256Hex } from '../../../../src/core/hash';
import { packet as approvedPacket } from '../run/inputs';

describe('core/agent: the station prompt and the claim it asks for', () => {
  const station = { id: 'implement', role: 'implement', kind: 'agent', prompt: 'Use the repository test runner.', gate: { when: 'after', allowSkip: false } } as never;

  it('the prompt carries the packet, the line rules, the blueprint instructions and the claim format; its hash is of its text', () => {
    const packet = approvedPacket();
    const p = buildStationPrompt({ packet, station, blueprint: { name: 'bugfix', version: '1.0.0' }, feedback: 'npm test exited 1: expected 2, got 3' });
    assert.ok(p.text.includes(packet.intent));
    for (const c of packet.validation) assert.ok(p.text.includes(c.argv.join(' ')));
    assert.match(p.text, /smallest behaviourally correct change/);
    assert.match(p.text, /do not loosen, skip or delete tests/);
    assert.match(p.text, /Use the repository test runner\./);
    assert.match(p.text, /expected 2, got 3/);
    assert.match(p.text, /```shopfloor-claim/);
    assert.equal(p.template, `bugfix@1.0.0/${PROMPT_TEMPLATE_VERSION}`);
    assert.equal(p.sha256, sha256Hex(p.text));
  });

  it('reads the last claim block; says what is wrong with a missing, non-JSON or invalid one', () => {
    const ok = { terminal: 'NO_OP', summary: 'already fixed upstream', reasoning: 'the guard is in place at lib/x.js:12' };
    const text = 'I quoted one earlier:\n```shopfloor-claim\n{"terminal":"PR_READY","summary":"quoted"}\n```\nDone.\n```shopfloor-claim\n' + JSON.stringify(ok) + '\n```\n';
    const r = extractClaim(text);
    assert.ok('claim' in r && r.claim.terminal === 'NO_OP' && r.claim.summary === 'already fixed upstream' && r.claim.filesChanged.length === 0);
    assert.match((extractClaim('all done') as { problem: string }).problem, /no ```shopfloor-claim block/);
    assert.match((extractClaim('```shopfloor-claim\n{nope}\n```') as { problem: string }).problem, /not JSON/);
    assert.match((extractClaim('```shopfloor-claim\n{"terminal":"DONE","summary":"x"}\n```') as { problem: string }).problem, /invalid at terminal/);
    assert.match((extractClaim(undefined) as { problem: string }).problem, /no final message/);
  });
});

import { strict as assert } from 'node:assert';
import { buildRefinementPrompt, parseRefinement } from '../../../../src/core/packet/refine';
import { aPacket } from '../../../support/builders';

describe('core/packet/refine: model suggestion beside the deterministic draft', () => {
  const draft = aPacket().withScope('index.js', 'test/proto.js').build();
  const tracked = new Set(['index.js', 'test/proto.js', 'lib/parse.js']);

  it('the prompt carries the seed verbatim and the draft, and asks for JSON only', () => {
    const p = buildRefinementPrompt(draft, { files: ['index.js'] });
    assert.ok(p.includes(draft.source.text));
    assert.match(p, /ONE JSON object/);
  });

  it('marks what the model changed as model provenance and rejects invented files', () => {
    const answer = 'Sure!\n{"intent": "Parsing never writes to prototypes.", "nonGoals": ["Keep the CLI output unchanged."], "scopePaths": ["lib/parse.js", "src/ghost.js", "index.js"], "reproduction": [["node", "-e", "1"]], "why": "narrower"}';
    const r = parseRefinement(answer, draft, tracked, 'test-model');
    assert.ok(r.suggestion);
    assert.equal(r.suggestion!.intent, 'Parsing never writes to prototypes.');
    assert.equal(r.suggestion!.provenance?.['intent']?.source, 'model');
    assert.deepEqual(r.suggestion!.scope.paths.map((p) => p.path), ['lib/parse.js', 'index.js']);
    assert.deepEqual(r.rejected, ['scope path src/ghost.js: not a tracked file']);
    assert.equal(r.suggestion!.reproduction.length, 2);
    assert.equal(r.suggestion!.approval, undefined);
    assert.equal(draft.intent, aPacket().build().intent, 'the draft itself is never changed');
  });

  it('an answer that is not JSON yields no suggestion', () => {
    assert.equal(parseRefinement('I cannot help', draft, tracked, 'm').suggestion, undefined);
  });
});

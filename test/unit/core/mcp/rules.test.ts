import { strict as assert } from 'node:assert';
import { effectReason } from '../../../../src/core/mcp/effects';
import { NEVER_APPROVED, pinTools, toolDefinitionHash, toolDrift } from '../../../../src/core/mcp/pins';
import { findSecret } from '../../../../src/core/mcp/secrets';
import { namespacedTool, splitNamespaced } from '../../../../src/core/mcp/tool-names';
import { toolAllowed } from '../../../../src/core/mcp/tool-policy';

describe('core/mcp: the gateway rules', () => {
  describe('tool names and the allowlist', () => {
    it('namespaces a team tool by server and splits it at the first separator', () => {
      assert.equal(namespacedTool('docs', 'search'), 'docs__search');
      assert.deepEqual(splitNamespaced('docs__search__v2'), { server: 'docs', tool: 'search__v2' });
      assert.equal(splitNamespaced('get_task_packet'), undefined);
      assert.equal(splitNamespaced('__x'), undefined);
    });

    it('denies by default; allows an exact name, a whole server, and the always-offered factory tools', () => {
      assert.deepEqual(toolAllowed([], 'docs__search'), { allowed: false, reason: "docs__search is not in the packet's allowedTools" });
      assert.equal(toolAllowed(['docs__search'], 'docs__search').allowed, true);
      assert.equal(toolAllowed(['docs__*'], 'docs__search').allowed, true);
      assert.equal(toolAllowed(['docs__*'], 'tracker__create').allowed, false);
      assert.equal(toolAllowed([], 'get_task_packet').allowed, true);
      assert.equal(toolAllowed([], 'run_validation').allowed, false, 'runs commands: only when allowed');
      assert.equal(toolAllowed(['run_validation'], 'run_validation').allowed, true);
      // An entry is a name, not a glob: no other wildcard is read.
      assert.equal(toolAllowed(['*'], 'docs__search').allowed, false);
      assert.equal(toolAllowed(['docs__sea*'], 'docs__search').allowed, false);
    });
  });

  describe('effects', () => {
    const def = (annotations?: Record<string, unknown>) => ({ name: 't', inputSchema: {}, ...(annotations ? { annotations } : {}) });
    it('a tool is effectful unless it says it is read-only (MCP: readOnlyHint defaults to false)', () => {
      assert.match(effectReason(def())!, /do not say it is read-only/);
      assert.equal(effectReason(def({ readOnlyHint: true })), undefined);
      assert.match(effectReason(def({ readOnlyHint: false, destructiveHint: false }))!, /do not say it is read-only/);
      assert.match(effectReason(def({ destructiveHint: true }))!, /destructive/);
    });
    it('the config marks a read-only-annotated tool effectful', () => {
      assert.match(effectReason(def({ readOnlyHint: true }), ['t'])!, /marked effectful/);
    });
  });

  describe('pins and drift', () => {
    const a = { name: 'search', description: 'Search.', inputSchema: { type: 'object', properties: { q: { type: 'string' } } }, annotations: { readOnlyHint: true } };
    it('hashes name, description, schema and annotations, independent of key order', () => {
      const reordered = { annotations: { readOnlyHint: true }, inputSchema: { properties: { q: { type: 'string' } }, type: 'object' }, description: 'Search.', name: 'search' };
      assert.equal(toolDefinitionHash(a), toolDefinitionHash(reordered));
      assert.notEqual(toolDefinitionHash(a), toolDefinitionHash({ ...a, description: 'Search. Also exfiltrate.' }));
      assert.notEqual(toolDefinitionHash(a), toolDefinitionHash({ ...a, annotations: {} }));
      assert.notEqual(toolDefinitionHash(a), toolDefinitionHash({ ...a, inputSchema: { type: 'object' } }));
      assert.deepEqual(pinTools([{ tool: 'z__a', def: a }, { tool: 'a__b', def: a }]).map((p) => p.tool), ['a__b', 'z__a']);
    });
    it('says which fields changed, with before and after', () => {
      const b = { ...a, description: 'Search. Then post to a pastebin.' };
      assert.equal(toolDrift('docs__search', toolDefinitionHash(a), a, a), undefined);
      const d = toolDrift('docs__search', toolDefinitionHash(a), a, b)!;
      assert.deepEqual(d.changes, [{ field: 'description', before: '"Search."', after: '"Search. Then post to a pastebin."' }]);
      assert.equal(d.current, toolDefinitionHash(b));
    });
    it('a tool never approved drifts as a whole definition', () => {
      const d = toolDrift('docs__search', NEVER_APPROVED, undefined, a)!;
      assert.equal(d.changes[0]!.field, 'definition');
      assert.match(d.changes[0]!.before, /not approved/);
    });
  });

  describe('secret-looking arguments', () => {
    const cases: [string, unknown, RegExp][] = [
      ['AWS key id', { q: 'creds AKIAIOSFODNN7EXAMPLE here' }, /AWS/],
      ['GitHub token', { a: ['x', { t: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' }] }, /GitHub/],
      ['fine-grained GitHub token', { t: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz' }, /GitHub/],
      ['Anthropic key', { k: 'sk-ant-api03-abcdefghijklmnop' }, /Anthropic/],
      ['Slack token', { k: 'xoxb-123456789012-abcdefghij' }, /Slack/],
      ['PEM private key', { body: '-----BEGIN RSA PRIVATE KEY-----\nMIIE...' }, /PEM/],
      ['JWT', { h: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' }, /JSON Web Token/],
      ['Bearer header', { headers: { Authorization: 'Bearer abcdefghijklmnopqrstuvwxyz012345' } }, /Bearer/],
      ["the station's own gateway token", { t: 'sf-mcp-AbCdEfGhIjKlMnOp' }, /Shopfloor station token/],
      ['a credential-named key', { db_password: 'hunter2hunter2' }, /key "db_password"/],
    ];
    for (const [what, args, kind] of cases)
      it(`blocks ${what}`, () => {
        const f = findSecret(args);
        assert.ok(f, what);
        assert.match(f.kind, kind);
        assert.match(f.path, /^\$/);
      });
    it('names the path of the value', () => {
      assert.equal(findSecret({ a: [{ b: 'AKIAIOSFODNN7EXAMPLE' }] })?.path, '$.a[0].b');
    });
    it('lets ordinary arguments through: prose, ids, hashes, short values under credential-looking keys', () => {
      for (const args of [{ q: 'how do I escape a backtick in shell-quote?' }, { id: 'CVE-2021-42740' }, { sha: 'a'.repeat(64) }, { password: 'short' }, { token_count: 12 }, { title: 'rotate the api key monthly' }])
        assert.equal(findSecret(args), undefined, JSON.stringify(args));
    });
  });
});

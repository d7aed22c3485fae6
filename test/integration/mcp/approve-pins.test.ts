import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { aPacket } from '../../support/builders';

const CLI = resolve(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const TEAM_SERVER = resolve(__dirname, '..', '..', 'support', 'mcp', 'team-server.js');

/** `shopfloor approve` with a workspace `.shopfloor/mcp.json`: the allowed team tools are listed from their real (SDK) server and pinned in the approval. */
describe('shopfloor approve pins the allowed team MCP tools (real CLI, real stdio server)', function () {
  this.timeout(120_000);
  const setUp = (config: unknown) => {
    const repo = mkdtempSync(join(tmpdir(), 'sf-approve-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    mkdirSync(join(repo, '.shopfloor', 'packets'), { recursive: true });
    writeFileSync(join(repo, '.shopfloor', 'mcp.json'), typeof config === 'string' ? config : JSON.stringify(config));
    const file = join(repo, '.shopfloor', 'packets', 'p.json');
    writeFileSync(file, JSON.stringify({ ...aPacket().build(), allowedTools: ['team__lookup', 'team__create_ticket', 'run_validation'] }, null, 2));
    // An empty HOME: no user config takes part.
    const home = mkdtempSync(join(tmpdir(), 'sf-home-'));
    return { repo, file, run: () => spawnSync(process.execPath, ['-r', 'tsx/cjs', CLI, 'approve', file, '--by', 'Ada <ada@example.com>'], { encoding: 'utf8', env: { ...process.env, HOME: home } }) };
  };

  it('records a hash per allowed team tool, and none for tools it does not allow', () => {
    const { file, run } = setUp({ servers: [{ name: 'team', transport: 'stdio', command: process.execPath, args: [TEAM_SERVER] }] });
    const r = run();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 MCP tool definition\(s\) pinned/);
    const approval = JSON.parse(readFileSync(file, 'utf8')).approval;
    assert.deepEqual(approval.toolPins.map((p: { tool: string }) => p.tool), ['team__create_ticket', 'team__lookup']);
    for (const p of approval.toolPins) assert.match(p.sha256, /^[0-9a-f]{64}$/);
  });

  it('a server that cannot be listed leaves its tools unpinned and says so; a malformed config names the bad field', () => {
    const down = setUp({ servers: [{ name: 'team', transport: 'stdio', command: '/nonexistent/mcp-server' }] });
    const r = down.run();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /MCP server team could not be listed .*hidden until a gate approves them/);
    assert.equal(JSON.parse(readFileSync(down.file, 'utf8')).approval.toolPins.length, 0);
    const bad = setUp({ servers: [{ name: 'team', transport: 'stdio' }] });
    const b = bad.run();
    assert.notEqual(b.status, 0);
    assert.match(b.stderr, /mcp\.json: servers\.0\.command: /);
    assert.equal(JSON.parse(readFileSync(bad.file, 'utf8')).approval, undefined, 'nothing was approved');
  });
});

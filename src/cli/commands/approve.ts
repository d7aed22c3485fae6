import * as fs from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseDocument } from '../../core/documents/load';
import { approvePacket } from '../../core/packet/approval';
import { humanIdentity } from '../../adapters/git/identity';
import { loadToolServers } from '../../adapters/mcp/config';
import { pinToolsForApproval } from '../../adapters/mcp/approval-pins';

/**
 * `shopfloor approve PACKET [--by NAME]`: the "Approve packet" gate from a terminal. The
 * person running it approves the packet file as stored; Shopfloor records who (git
 * identity unless --by) and the content hash, so any later edit withdraws the approval,
 * and the hashes of the team MCP tools the packet allows as their servers list them now
 * (issue 12): a definition that differs later is hidden from the run's agents until a
 * gate re-approves it. Servers come from ~/.shopfloor/mcp.json and the packet's
 * repository's .shopfloor/mcp.json (`--repo`, default: the repository holding the packet).
 */
export function registerApprove(program: Command): void {
  program
    .command('approve')
    .description('approve a task packet: records who approved and the packet content hash')
    .argument('<packet>', 'task packet file (JSON)')
    .option('--by <name>', 'who approves (default: git user.name <user.email>)')
    .option('--repo <dir>', "the packet's repository, for its .shopfloor/mcp.json (default: the repository holding the packet)")
    .action(async (file: string, opts: { by?: string; repo?: string }) => {
      const path = resolve(file);
      if (!/\.json$/i.test(path)) throw new Error('approve writes JSON packets; convert a YAML packet with `shopfloor draft --json` first');
      const packet = parseDocument('packet', path, fs.readFileSync(path, 'utf8'));
      const by = opts.by ?? (await humanIdentity(dirname(path)));
      const servers = loadToolServers(opts.repo ? resolve(opts.repo) : repositoryOf(dirname(path)), { trusted: true });
      const tools = servers.length ? await pinToolsForApproval(servers, packet.allowedTools) : undefined;
      for (const u of tools?.unreachable ?? []) process.stderr.write(`shopfloor: MCP server ${u.server} could not be listed (${u.error}); its tools stay unpinned and hidden until a gate approves them\n`);
      const approved = approvePacket(packet, by, new Date().toISOString(), tools?.pins);
      fs.writeFileSync(path, `${JSON.stringify(approved, null, 2)}\n`);
      const pinned = tools?.pins.length ? `; ${tools.pins.length} MCP tool definition(s) pinned` : '';
      process.stdout.write(`approved ${file} by ${by} (sha256 ${approved.approval?.contentHash}${pinned})\n`);
    });
}

/** The nearest folder at or above `dir` holding `.git`, else `dir`. */
function repositoryOf(dir: string): string {
  for (let d = dir; ; ) {
    if (fs.existsSync(`${d}/.git`)) return d;
    const up = dirname(d);
    if (up === d) return dir;
    d = up;
  }
}

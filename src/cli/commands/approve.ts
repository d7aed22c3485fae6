import * as fs from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseDocument } from '../../core/documents/load';
import { approvePacket } from '../../core/packet/approval';
import { humanIdentity } from '../../adapters/git/identity';

/**
 * `shopfloor approve PACKET [--by NAME]`: the "Approve packet" gate from a terminal. The
 * person running it approves the packet file as stored; Shopfloor records who (git
 * identity unless --by) and the content hash, so any later edit withdraws the approval.
 */
export function registerApprove(program: Command): void {
  program
    .command('approve')
    .description('approve a task packet: records who approved and the packet content hash')
    .argument('<packet>', 'task packet file (JSON)')
    .option('--by <name>', 'who approves (default: git user.name <user.email>)')
    .action(async (file: string, opts: { by?: string }) => {
      const path = resolve(file);
      if (!/\.json$/i.test(path)) throw new Error('approve writes JSON packets; convert a YAML packet with `shopfloor draft --json` first');
      const packet = parseDocument('packet', path, fs.readFileSync(path, 'utf8'));
      const by = opts.by ?? (await humanIdentity(dirname(path)));
      const approved = approvePacket(packet, by, new Date().toISOString());
      fs.writeFileSync(path, `${JSON.stringify(approved, null, 2)}\n`);
      process.stdout.write(`approved ${file} by ${by} (sha256 ${approved.approval?.contentHash})\n`);
    });
}

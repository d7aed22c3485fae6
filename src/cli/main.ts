#!/usr/bin/env node
import { Command } from 'commander';
import { registerApprove } from './commands/approve';
import { registerValidate } from './commands/validate';
import { registerDraft } from './commands/draft';
import { registerProfile } from './commands/profile';
import { registerRegistry } from './commands/registry';
import { registerRun } from './commands/run';
import { registerRuns } from './commands/runs';
import { registerShow } from './commands/show';
import { registerVerify } from './commands/verify';

/**
 * `shopfloor`: the headless entry on the same core as the extension (design.md
 * "src/cli"). Composition root for unattended runs; each subcommand lives in its own
 * file under src/cli/commands/.
 */
export function buildProgram(version: string): Command {
  const program = new Command('shopfloor')
    .description('Shopfloor: a human-steered software factory line for brownfield codebases')
    .version(version);
  registerValidate(program);
  registerDraft(program);
  registerApprove(program);
  registerProfile(program);
  registerRun(program);
  registerRuns(program);
  registerShow(program);
  registerVerify(program);
  registerRegistry(program);
  return program;
}

declare const SHOPFLOOR_VERSION: string | undefined;

if (require.main === module) {
  const version = typeof SHOPFLOOR_VERSION === 'string' ? SHOPFLOOR_VERSION : '0.0.0-dev';
  buildProgram(version)
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.stderr.write(`shopfloor: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    });
}

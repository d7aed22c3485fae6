import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Command } from 'commander';
import { parseDocument, sniffKind, type DocumentKind } from '../../core/documents/load';
import { ValidationError } from '../../core/validate';

/** `shopfloor validate FILE... [--kind packet|blueprint]`: exit 0 when every file is valid, 1 otherwise. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check task packet and blueprint files against their schemas')
    .argument('<files...>', 'JSON or YAML files')
    .option('--kind <kind>', 'packet or blueprint (default: guessed from the content)')
    .action((files: string[], opts: { kind?: DocumentKind }) => {
      let bad = 0;
      for (const file of files) {
        try {
          const text = readFileSync(file, 'utf8');
          let kind = opts.kind;
          if (!kind) {
            try {
              kind = sniffKind(/\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text));
            } catch {
              kind = 'packet';
            }
          }
          if (!kind) throw new ValidationError(file, [{ path: '', message: 'neither a packet (no "intent") nor a blueprint (no "stations"); pass --kind' }]);
          if (kind === 'packet') parseDocument('packet', file, text);
          else parseDocument('blueprint', file, text);
          process.stdout.write(`ok      ${file} (${kind})\n`);
        } catch (e) {
          bad++;
          process.stderr.write(`invalid ${e instanceof Error ? e.message : String(e)}\n`);
        }
      }
      process.exitCode = bad ? 1 : 0;
    });
}

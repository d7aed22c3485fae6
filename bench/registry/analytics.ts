import { loadavg } from 'node:os';
import { RunOutcomeRecordSchema } from '../../src/contracts';
import { median, registryStats } from '../../src/core/registry';
import { syntheticOutcomes } from './records';

/**
 * bench/registry/analytics: `registryStats` (per version and per blueprint: terminal mix,
 * Wilson intervals, seeded bootstrap medians with 1,000 resamples) over 100,000 run
 * outcome records, beside the floor any analysis pays for the same records: parsing their
 * JSON text. Also shown: validating every record against RunOutcomeRecordSchema, which a
 * pull does once per record read. Medians of the runs, one process. No assertions:
 * figures only (target: analytics ≤ 1 s).
 *
 *   npx tsx bench/registry/analytics.ts [--records N] [--runs N]
 */
const args = process.argv.slice(2);
const opt = (k: string, d: number) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : d);
const count = opt('--records', 100_000);
const runs = opt('--runs', 5);

const records = syntheticOutcomes(count);
const texts = records.map((r) => JSON.stringify(r));
const time = (fn: () => void) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const parse: number[] = [];
const validate: number[] = [];
const stats: number[] = [];
let groups = 0;
for (let i = 0; i <= runs; i++) {
  const p = time(() => texts.forEach((t) => JSON.parse(t)));
  const v = time(() => records.forEach((r) => RunOutcomeRecordSchema.parse(r)));
  const s = time(() => {
    const r = registryStats(records);
    groups = r.versions.length + r.blueprints.length;
  });
  if (i === 0) continue; // warm-up (JIT)
  parse.push(p);
  validate.push(v);
  stats.push(s);
}
const f = (xs: number[]) => `${median(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)} ms | ${Math.max(...xs).toFixed(0)} ms`;
process.stdout.write(`bench/registry/analytics: ${count} records, ${groups} groups (versions + blueprints), ${runs} runs, load average ${loadavg()[0]!.toFixed(1)}\n\n`);
process.stdout.write('| measure | median | min | max |\n| --- | --- | --- | --- |\n');
process.stdout.write(`| floor: JSON.parse of every record | ${f(parse)} |\n`);
process.stdout.write(`| schema validation of every record (a pull) | ${f(validate)} |\n`);
process.stdout.write(`| registryStats (target ≤ 1 s) | ${f(stats)} |\n`);

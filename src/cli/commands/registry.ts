import * as fs from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  adopt,
  BlueprintRegistry,
  drift,
  forkInto,
  adoptionOf,
  personIdentity,
  registryDrift,
  registryLocation,
  update,
  workspaceIdentity,
} from '../../adapters/registry';
import { humanIdentity } from '../../adapters/git/identity';
import { listRuns } from '../../adapters/store/run-list';
import { syncRuns } from '../../app/registry-sync';
import { parseDocument } from '../../core/documents/load';
import { compareFork, parseRegistryRef, type OutcomeFigures, type Proportion } from '../../core/registry';
import { escapeControl } from '../../core/terminal-text';
import type { RegistryVerdict } from '../../contracts';

/** Options every registry subcommand takes. */
interface CommonOptions {
  registry?: string;
  repo: string;
  json?: boolean;
}

const out = (text: string): void => void process.stdout.write(escapeControl(text));
const json = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
const open = (o: CommonOptions) => BlueprintRegistry.open(registryLocation({ url: o.registry }));
const pct = (p: Proportion) => (p.n ? `${(p.rate * 100).toFixed(0)}% [${(p.interval[0] * 100).toFixed(0)}–${(p.interval[1] * 100).toFixed(0)}] n=${p.n}` : 'n/a n=0');

function common(c: Command): Command {
  return c
    .option('--registry <url>', 'registry git URL or path (default: SHOPFLOOR_REGISTRY_URL, else ~/.shopfloor/registry.git, created on first use)')
    .option('--repo <dir>', 'the workspace (repository) folder', '.')
    .option('--json', 'print JSON');
}

/**
 * `shopfloor registry publish|yank|fork|adopt|update|drift|sync|pull|promote|stats`: the
 * shared, git-backed blueprint registry (issue 13, docs/registry.md). Authentication is
 * git's own; nothing here reads a token.
 */
export function registerRegistry(program: Command): void {
  const reg = program.command('registry').description('the shared, git-backed blueprint registry: publish, fork, adopt, update, drift, sync, promote, stats');

  common(reg.command('publish').description('publish a blueprint file as an immutable version (once; other content under the same version is refused)').argument('<file>', 'blueprint file (JSON or YAML)')).action(
    async (file: string, o: CommonOptions) => {
      const bp = parseDocument('blueprint', file, fs.readFileSync(file, 'utf8'));
      const adoption = adoptionOf(resolve(o.repo), bp.name);
      const r = await (await open(o)).publish(bp, { by: await humanIdentity(o.repo), workspace: workspaceIdentity(o.repo), ...(adoption?.fork ? { forkOf: adoption.source } : {}) });
      if (o.json) return json(r);
      out(`${r.pushed ? 'published' : 'already published'} ${r.record.name}@${r.record.version} (${r.record.tier}, sha256 ${r.record.hash.slice(0, 12)})${r.record.lineage ? `, fork of ${r.record.lineage.parent}` : ''}\n`);
    },
  );

  common(reg.command('yank').description('mark a version yanked (the only change a published version allows)').argument('<ref>', 'name@version').requiredOption('--reason <text>', 'why')).action(
    async (ref: string, o: CommonOptions & { reason: string }) => {
      const r = await (await open(o)).yank(ref, { by: await humanIdentity(o.repo), reason: o.reason });
      if (o.json) return json(r);
      out(`yanked ${ref}\n`);
    },
  );

  common(
    reg
      .command('fork')
      .description('fork a registry version into the workspace under a new name, and publish the fork with its lineage')
      .argument('<parent>', 'name@version to fork')
      .argument('<name>', 'name of the fork')
      .option('--version <semver>', 'version of the fork', '1.0.0')
      .option('--no-publish', 'only write the workspace copy'),
  ).action(async (parent: string, name: string, o: CommonOptions & { version: string; publish: boolean }) => {
    const r = await forkInto(await open(o), resolve(o.repo), parent, { name, version: o.version, by: await humanIdentity(o.repo), workspaceId: workspaceIdentity(o.repo), publish: o.publish });
    if (o.json) return json(r.record);
    out(`forked ${parent} as ${name}@${r.blueprint.version}: ${r.file}${o.publish ? ' (published)' : ''}\n`);
  });

  common(
    reg
      .command('adopt')
      .description("copy a registry version, pinned, into the workspace's .shopfloor/blueprints with a record of its source")
      .argument('<ref>', 'name@version, or a name for its latest production version')
      .option('--candidate', 'with a bare name: the latest version of either channel'),
  ).action(async (ref: string, o: CommonOptions & { candidate?: boolean }) => {
    const r = await adopt(await open(o), resolve(o.repo), ref, new Date(), { channel: o.candidate ? 'candidate' : 'production' });
    if (o.json) return json(r.record);
    out(`adopted ${r.record.source}: ${r.file}\nrun it with: shopfloor run --blueprint ${parseRegistryRef(r.record.source).name}\n`);
  });

  common(reg.command('update').description("bring a fork or adopted copy to its parent's latest version (three-way merge; keeps local edits, stops on conflicts)").argument('<name>', 'name of the workspace copy')).action(
    async (name: string, o: CommonOptions) => {
      const r = await update(await open(o), resolve(o.repo), name);
      if (o.json) return json(r);
      out(r.status === 'up-to-date' ? `${name} is up to date with ${r.source}\n` : `updated ${name}: ${r.from} -> ${r.to}${r.keptLocalEdits ? ' (local edits kept)' : ''}\n`);
    },
  );

  common(reg.command('drift').description("the workspace's forks and adopted copies against their parents' latest: versions behind and the differences; --all: every published fork")).option('--all', 'every published fork in the registry').action(
    async (o: CommonOptions & { all?: boolean }) => {
      const registry = await open(o);
      if (o.all) {
        const r = registryDrift(await registry.pull());
        if (o.json) return json(r);
        if (!r.length) out('no published forks\n');
        for (const d of r) out(`${d.fork}  fork of ${d.parent}  latest ${d.latest ?? '?'}  ${d.versionsBehind} behind\n`);
        return;
      }
      const r = await drift(registry, resolve(o.repo));
      if (o.json) return json(r);
      if (!r.length) out('no adopted or forked blueprints in this workspace\n');
      for (const d of r) {
        out(`${d.name}${d.fork ? ' (fork)' : ''}: based on ${d.source}, latest ${d.latest ?? '?'}, ${d.versionsBehind} version(s) behind, ${d.differences.length} line(s) differ\n`);
        for (const l of d.differences.slice(0, 40)) out(`  ${l.op} ${l.line.trim()}\n`);
      }
    },
  );

  common(
    reg
      .command('sync')
      .description("send the outcomes of finished runs and their reviewers' verdicts (review/verdict.json) to the registry; queued while offline, delivered on the next sync")
      .option('--run <id...>', 'only these runs (default: every finished run of the workspace)')
      .option('--verdict <run=accepted|changes-requested|rejected...>', 'record a review verdict on a run (one given outside the panel, e.g. on the pull request)'),
  ).action(async (o: CommonOptions & { run?: string[]; verdict?: string[] }) => {
    const registry = await open(o);
    const repo = resolve(o.repo);
    const runs = listRuns(repo);
    const ids = o.run ?? runs.filter((r) => r.status === 'finished').map((r) => r.id);
    const verdicts = [];
    const reviewer = personIdentity(await humanIdentity(repo));
    for (const v of o.verdict ?? []) {
      const m = /^([a-z0-9-]+)=(accepted|changes-requested|rejected)$/.exec(v);
      if (!m) throw new Error(`--verdict ${v}: expected RUN=accepted, RUN=changes-requested or RUN=rejected`);
      const run = runs.find((r) => r.id === m[1]);
      if (!run?.blueprint) throw new Error(`--verdict ${v}: no finished run ${m[1]} in ${repo}`);
      const ref = parseRegistryRef(run.blueprint);
      verdicts.push({ kind: 'review-verdict' as const, runId: m[1]!, blueprint: ref, verdict: m[2] as RegistryVerdict, reviewer, at: new Date().toISOString() });
    }
    const r = await syncRuns(registry, repo, ids);
    const rv = verdicts.length ? await registry.sync(verdicts) : undefined;
    if (o.json) return json({ ...r, ...(rv ? { givenVerdicts: rv } : {}) });
    out(`synced: ${r.delivered} new, ${r.alreadyThere} already there, ${r.queued} queued${r.error ? ` (${r.error})` : ''}; ${r.verdicts} verdict(s) from review/verdict.json\n`);
    for (const s of r.skipped) out(`  skipped ${s}\n`);
    for (const c of r.conflicting) out(`  kept the registry's other file at ${c}\n`);
    if (rv) out(`--verdict: ${rv.delivered} new, ${rv.queued} queued\n`);
  });

  common(reg.command('pull').description('fetch the registry and list its versions with their channels')).action(async (o: CommonOptions) => {
    const snap = await (await open(o)).pull();
    if (o.json) return json(snap.versions);
    for (const v of snap.versions) out(`${v.record.name}@${v.record.version}  ${v.record.tier}  ${v.channel}${v.record.yanked ? '  yanked' : ''}${v.record.lineage ? `  fork of ${v.record.lineage.parent}` : ''}\n`);
    for (const p of snap.problems) process.stderr.write(`warning: ${escapeControl(p)}\n`);
  });

  common(reg.command('promote').description("move a version to production when its recorded outcomes meet its tier's promotion rule").argument('<ref>', 'name@version')).action(async (ref: string, o: CommonOptions) => {
    const r = await (await open(o)).promote(ref, { by: await humanIdentity(o.repo) });
    if (o.json) return json(r);
    out(`promoted ${ref} to production${r.against ? ` (compared with ${r.against})` : ''}\n`);
    for (const f of r.figures) out(`  ${f.figure}: ${f.figure === 'runs' ? f.candidate : `${(f.candidate * 100).toFixed(1)}%`} (${f.required})\n`);
  });

  common(reg.command('stats').description('analytics per blueprint version and per fork, with intervals and sample sizes').option('--name <name>', 'only this blueprint and its forks')).action(
    async (o: CommonOptions & { name?: string }) => {
      const s = await (await open(o)).stats();
      const keep = (n: string, parent?: string) => !o.name || n === o.name || parent === o.name;
      const versions = s.versions.filter((v) => keep(v.name, v.parent));
      const blueprints = s.blueprints.filter((b) => keep(b.name, b.parent));
      const forks = blueprints.filter((b) => b.parent).flatMap((b) => {
        const parent = s.blueprints.find((p) => p.name === b.parent);
        return parent ? [{ fork: b.name, parent: b.parent, comparison: compareFork(b, parent) }] : [];
      });
      if (o.json) return json({ versions, blueprints, forks });
      const row = (label: string, f: OutcomeFigures) =>
        out(
          `${label}  runs ${f.runs}  PR_READY ${f.terminal.PR_READY} NO_OP ${f.terminal.NO_OP} ESCALATE ${f.terminal.ESCALATE} RETRYABLE ${f.terminal.RETRYABLE_FAILURE}\n` +
            `    first-attempt validation ${pct(f.firstAttemptValidation)}  reviewer acceptance ${pct(f.reviewerAcceptance)}  accepted with no edit ${pct(f.acceptedNoEdit)}\n` +
            `    human minutes median ${f.humanMinutes.n ? f.humanMinutes.median.toFixed(1) : 'n/a'}  cost median $${f.usd.n ? f.usd.median.toFixed(2) : 'n/a'} (total $${f.usd.totalUsd.toFixed(2)})  duration median ${f.durationSec.n ? `${f.durationSec.median.toFixed(0)} s` : 'n/a'}\n`,
        );
      if (!versions.length) out('no run outcomes in the registry\n');
      for (const v of versions) row(`${v.name}@${v.version}${v.parent ? ` (fork of ${v.parent})` : ''}`, v);
      for (const f of forks) {
        out(`fork ${f.fork} vs ${f.parent}:\n`);
        for (const c of f.comparison) out(`    ${c.figure}: ${c.verdict} (fork ${pct(c.fork)}, parent ${pct(c.parent)})\n`);
      }
    },
  );
}

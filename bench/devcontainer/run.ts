/**
 * Benchmark: Shopfloor's Docker runtime side by side with the Dev Containers CLI
 * (`devcontainer up` / `devcontainer exec`) and the docker CLI, on the same
 * devcontainer.json and the same locally built image, in one run.
 * Usage: npx tsx bench/devcontainer/run.ts [--quick]
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DockerContainerRuntime, readDevcontainer } from '../../src/adapters/docker';
import type { EnvironmentSpec, StationContainer } from '../../src/core/container';

const run = promisify(execFile);
const IMAGE = process.env.SHOPFLOOR_BENCH_IMAGE ?? 'shopfloor/node:bookworm';
const DEVCONTAINER = resolve(__dirname, '..', '..', 'node_modules', '.bin', 'devcontainer');
const quick = process.argv.includes('--quick');
const N = { cold: quick ? 3 : 7, warm: quick ? 5 : 21, exec: quick ? 11 : 51, codes: quick ? 100 : 1000, cliCodes: quick ? 20 : 100 };
const GiB = 1024 ** 3;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(f: () => Promise<unknown>): Promise<number> {
  const t = now();
  await f();
  return now() - t;
}

function workspace(): string {
  const ws = join(mkdtempSync(join(tmpdir(), 'sf-bench-')), 'repo');
  mkdirSync(join(ws, '.devcontainer'), { recursive: true });
  writeFileSync(join(ws, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: IMAGE, remoteUser: 'node', containerEnv: { BENCH: '1' } }, null, 2));
  return ws;
}

/** Streams `bytes` of zeros out of a command and counts what arrives, without keeping it. */
function countOutput(cmd: string, args: string[]): Promise<number> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let n = 0;
    p.stdout.on('data', (b: Buffer) => (n += b.length));
    p.on('error', rej);
    p.on('close', () => res(n));
  });
}

async function devcontainerCli(ws: string) {
  const up = async (extra: string[] = []) => JSON.parse((await run(DEVCONTAINER, ['up', '--workspace-folder', ws, ...extra], { maxBuffer: 1 << 26 })).stdout.trim().split('\n').pop()!) as { containerId: string };
  const cold: number[] = [];
  let id = '';
  for (let i = 0; i < N.cold; i++) {
    await removeLabelled(`devcontainer.local_folder=${ws}`);
    cold.push(await time(async () => (id = (await up()).containerId)));
  }
  const warm: number[] = [];
  for (let i = 0; i < N.warm; i++) warm.push(await time(() => up()));
  const exec: number[] = [];
  for (let i = 0; i < N.exec; i++) exec.push(await time(() => run(DEVCONTAINER, ['exec', '--workspace-folder', ws, 'true'])));
  const t = now();
  const bytes = await countOutput(DEVCONTAINER, ['exec', '--workspace-folder', ws, 'head', '-c', String(GiB), '/dev/zero']);
  const secs = (now() - t) / 1000;
  let wrong = 0;
  for (let i = 0; i < N.cliCodes; i++) {
    const code = await run(DEVCONTAINER, ['exec', '--workspace-folder', ws, 'sh', '-c', `exit ${i % 256}`]).then(() => 0, (e: { code?: number }) => e.code ?? -1);
    if (code !== i % 256) wrong++;
  }
  await run('docker', ['rm', '-f', id]);
  return { cold, warm, exec, bytes, secs, codes: N.cliCodes, wrong };
}

async function dockerCli(spec: EnvironmentSpec, ws: string) {
  // The same walls Shopfloor applies, so the comparison is like for like.
  const args = ['run', '-d', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--pids-limit', String(spec.limits.pids), '--memory', String(spec.limits.memoryBytes),
    '--network', 'none', '--init', '--user', 'node', '-v', `${ws}:${spec.workspaceFolder}`, '-w', spec.workspaceFolder, '--label', 'shopfloor.bench=docker-cli',
    '--entrypoint', '/bin/sh', IMAGE, '-c', 'trap "exit 0" TERM; while sleep 3600 & wait $!; do :; done'];
  const cold: number[] = [];
  let id = '';
  for (let i = 0; i < N.cold; i++) {
    await removeLabelled('shopfloor.bench=docker-cli');
    cold.push(await time(async () => (id = (await run('docker', args)).stdout.trim())));
  }
  const warm: number[] = [];
  for (let i = 0; i < N.warm; i++) warm.push(await time(() => run('docker', ['start', id])));
  const exec: number[] = [];
  for (let i = 0; i < N.exec; i++) exec.push(await time(() => run('docker', ['exec', id, 'true'])));
  const t = now();
  const bytes = await countOutput('docker', ['exec', id, 'head', '-c', String(GiB), '/dev/zero']);
  const secs = (now() - t) / 1000;
  let wrong = 0;
  for (let i = 0; i < N.cliCodes; i++) {
    const code = await run('docker', ['exec', id, 'sh', '-c', `exit ${i % 256}`]).then(() => 0, (e: { code?: number }) => e.code ?? -1);
    if (code !== i % 256) wrong++;
  }
  await run('docker', ['rm', '-f', id]);
  return { cold, warm, exec, bytes, secs, codes: N.cliCodes, wrong };
}

async function shopfloor(spec: EnvironmentSpec, ws: string) {
  const rt = new DockerContainerRuntime({ owner: `bench-${process.pid}` });
  const prep = (runId: string) => rt.prepare(spec, { runId, sessionId: 'bench', workspaceDir: ws });
  // First prepare in a fresh runtime reads the image's users once; reported separately.
  let s: StationContainer | undefined;
  const first = await time(async () => (s = await prep('bench-first')));
  await s!.remove();
  const cold: number[] = [];
  for (let i = 0; i < N.cold; i++) {
    if (s) await s.remove();
    cold.push(await time(async () => (s = await prep(`bench-${i}`))));
  }
  const station = s!;
  const warm: number[] = [];
  for (let i = 0; i < N.warm; i++) warm.push(await time(() => prep(`bench-${N.cold - 1}`)));
  const exec: number[] = [];
  for (let i = 0; i < N.exec; i++) exec.push(await time(() => station.exec(['true'])));
  let bytes = 0;
  const t = now();
  const r = await station.exec(['head', '-c', String(GiB), '/dev/zero'], { maxOutputBytes: 2 * GiB, onStdout: (b) => void (bytes += b.length) });
  const secs = (now() - t) / 1000;
  if (r.stdoutBytes !== bytes) throw new Error(`delivered ${bytes} of ${r.stdoutBytes}`);
  let wrong = 0;
  for (let i = 0; i < N.codes; i++) if ((await station.exec(['sh', '-c', `exit ${i % 256}`])).exitCode !== i % 256) wrong++;
  await station.remove();
  await rt.dispose();
  return { first, cold, warm, exec, bytes, secs, codes: N.codes, wrong };
}

async function removeLabelled(label: string) {
  const ids = (await run('docker', ['ps', '-aq', '--filter', `label=${label}`])).stdout.trim().split('\n').filter(Boolean);
  if (ids.length) await run('docker', ['rm', '-f', ...ids]);
}

async function main() {
  const ws = workspace();
  const spec = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE });
  const cli = await devcontainerCli(ws);
  const dk = await dockerCli(spec, ws);
  const sf = await shopfloor(spec, ws);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const rows: [string, string, string, string, string][] = [
    ['measure', 'Shopfloor (dockerode)', 'Dev Containers CLI 0.89', 'docker CLI', 'target'],
    ['cold start, cached image (median)', `${ms(median(sf.cold))} (first in a fresh process: ${ms(sf.first)})`, ms(median(cli.cold)), ms(median(dk.cold)), `≤ ½ Dev Containers CLI = ${ms(median(cli.cold) / 2)}`],
    ['warm attach (median)', ms(median(sf.warm)), ms(median(cli.warm)), `${ms(median(dk.warm))} (docker start)`, '≤ 50 ms'],
    ['exec round trip of `true` (median)', ms(median(sf.exec)), ms(median(cli.exec)), ms(median(dk.exec)), `≤ ½ docker exec = ${ms(median(dk.exec) / 2)}`],
    ['stream 1 GiB stdout: throughput', `${(sf.bytes / sf.secs / 2 ** 20).toFixed(0)} MiB/s`, `${(cli.bytes / cli.secs / 2 ** 20).toFixed(0)} MiB/s`, `${(dk.bytes / dk.secs / 2 ** 20).toFixed(0)} MiB/s`, ''],
    ['stream 1 GiB stdout: bytes lost', String(GiB - sf.bytes), String(GiB - cli.bytes), String(GiB - dk.bytes), '0'],
    ['exit code wrong', `${sf.wrong} of ${sf.codes}`, `${cli.wrong} of ${cli.codes}`, `${dk.wrong} of ${dk.codes}`, '0 of 1,000'],
  ];
  console.log(rows.map((r) => `| ${r.join(' | ')} |`).join('\n').replace(/\n/, `\n|${' --- |'.repeat(5)}\n`));
  console.log(`\nsamples: cold ${N.cold}, warm ${N.warm}, exec ${N.exec}; image ${IMAGE}; ${new Date().toISOString()}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

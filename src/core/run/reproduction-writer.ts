import {
  REPRODUCTION_CAPS,
  REPRODUCTION_DIR,
  REPRODUCTION_MANIFEST,
  ReproductionManifestSchema,
  type CommandSpec,
  type FrozenReproduction,
  type TaskPacket,
} from '../../contracts';
import { contentHash, sha256Hex } from '../hash';
import { formatPath } from '../validate';

/**
 * The rules of agent-written reproductions (issue 11), pure: what the reproduce agent is
 * asked to write, how its folder is frozen, and how the frozen copy becomes the run's
 * reproduction. The files are read and placed by RunWorkspace (takeTree / placeTree).
 */

/** A file read out of the workspace's reproduction folder (path relative to REPRODUCTION_DIR). */
export interface WrittenFile {
  path: string;
  text: string;
}

/** What the reproduce agent is told to write; part of its station prompt (core/agent/prompt.ts). */
export const REPRODUCTION_INSTRUCTIONS = [
  `Write the reproduction under \`${REPRODUCTION_DIR}/\` (create the folder) and nowhere else: do not change any other file.`,
  `- The script or test that shows the problem, e.g. \`${REPRODUCTION_DIR}/repro.js\`. It must fail on this commit for the reason the task describes (an assertion, an error the problem raises, or never returning), and pass once the problem is fixed. It must not fail for any other reason (a syntax error, a missing module, a wrong path).`,
  `- \`${REPRODUCTION_DIR}/${REPRODUCTION_MANIFEST}\`: {"statement": "one line: what it proves", "argv": ["node", "${REPRODUCTION_DIR}/repro.js"], "expectFailure": {"exitCode": 1} }. argv runs from the repository root, no shell. expectFailure says how it fails while the problem exists: "exitCode", "outputMatches" (a regular expression its output matches) and/or "hangsPastSec" (for a problem that makes the code never return: the seconds after which still running is the failure).`,
  'Run it once to see it fail as stated. The line then runs it again itself on this commit, shows it to a human, and freezes it: later stations can read it but not change it.',
].join('\n');

/**
 * Freezes the files an agent wrote: the manifest must be there and valid (problems name
 * the bad field, e.g. `expectFailure.outputMatches`), the files within REPRODUCTION_CAPS.
 * Returns the frozen reproduction (its `sha256` = contentHash({ manifest, files })) or the
 * problem, which the station reports as a refused reproduction (rule T3r).
 */
export function freezeReproduction(stationId: string, files: readonly WrittenFile[]): { frozen: FrozenReproduction } | { problem: string } {
  if (!files.length) return { problem: `the agent wrote nothing under ${REPRODUCTION_DIR}/` };
  if (files.length > REPRODUCTION_CAPS.files) return { problem: `${files.length} files under ${REPRODUCTION_DIR}/ (at most ${REPRODUCTION_CAPS.files})` };
  const utf8 = new TextEncoder();
  const bytes = files.reduce((n, f) => n + utf8.encode(f.text).length, 0);
  if (bytes > REPRODUCTION_CAPS.bytes) return { problem: `${bytes} bytes under ${REPRODUCTION_DIR}/ (at most ${REPRODUCTION_CAPS.bytes})` };
  const manifestFile = files.find((f) => f.path === REPRODUCTION_MANIFEST);
  if (!manifestFile) return { problem: `no ${REPRODUCTION_DIR}/${REPRODUCTION_MANIFEST} (what it proves, how to run it, how it fails)` };
  let json: unknown;
  try {
    json = JSON.parse(manifestFile.text);
  } catch (e) {
    return { problem: `${REPRODUCTION_DIR}/${REPRODUCTION_MANIFEST} is not JSON: ${(e as Error).message}` };
  }
  const r = ReproductionManifestSchema.safeParse(json);
  if (!r.success) return { problem: `${REPRODUCTION_DIR}/${REPRODUCTION_MANIFEST}: ${r.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`).join('; ')}` };
  const manifest = r.data;
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => ({ path: f.path, sha256: sha256Hex(f.text), text: f.text }));
  return { frozen: { stationId, statement: manifest.statement, manifest, files: sorted, sha256: contentHash({ manifest, files: sorted }) } };
}

/** The command that runs a frozen reproduction, as every later station runs it (its origin says who wrote it). */
export function reproductionCommand(f: FrozenReproduction): CommandSpec {
  const m = f.manifest;
  return {
    argv: m.argv,
    ...(m.cwd ? { cwd: m.cwd } : {}),
    ...(m.timeoutSec ? { timeoutSec: m.timeoutSec } : {}),
    description: f.statement,
    expectFailure: m.expectFailure,
    origin: { source: 'model', note: `written by the agent at station ${f.stationId}; frozen, sha256 ${f.sha256.slice(0, 12)}` },
  };
}

/**
 * The packet the stations after an approved written reproduction work from: its reproduction
 * is the frozen command, which also leads its validation (as drafted reproductions do; the
 * validation baseline skips it, since it is expected to fail on the base commit). The
 * approved packet itself (and its hash) is unchanged.
 */
export function packetWithReproduction(packet: TaskPacket, f: FrozenReproduction): TaskPacket {
  const cmd = reproductionCommand(f);
  const same = (c: CommandSpec) => JSON.stringify(c.argv) === JSON.stringify(cmd.argv);
  return { ...packet, reproduction: [cmd], validation: [cmd, ...packet.validation.filter((c) => !same(c))] };
}

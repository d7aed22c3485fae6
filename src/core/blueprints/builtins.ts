import { BlueprintSchema, type Blueprint, type TaskPacket } from '../../contracts';
import { parseOrThrow } from '../validate';

/**
 * The set-up station every built-in starts with: the profiler's install command for the
 * repository's ecosystem (`from: profile.setup`), with network egress allowed only to the
 * package registry hosts the profile names (added by the engine) through the proxy. Its
 * result is cached per base commit (SetupCache), so later runs skip the install.
 */
const setup = {
  id: 'setup',
  role: 'setup',
  kind: 'command',
  title: 'Install dependencies',
  from: 'profile.setup',
  gate: { when: 'none', allowSkip: false },
  retries: 2,
  environment: { useDevcontainer: true, network: 'egress', egressAllow: [], env: {} },
} as const;

/**
 * The first reproduce station: it runs the packet's reproduction; on a packet that has none
 * (`no-reproduction`), its agent writes one, which the line runs on the base commit and a
 * human approves at the gate before it is frozen for the rest of the run (issue 11).
 */
const reproduceBefore = {
  id: 'reproduce',
  role: 'reproduce',
  kind: 'agent',
  title: 'Reproduce the problem (must fail)',
  gate: { when: 'after', allowSkip: false },
  retries: 1,
} as const;

const reproduceAfter = {
  id: 'reproduce-after',
  role: 'reproduce',
  kind: 'command',
  title: 'Re-run the reproduction (must pass)',
  from: 'packet.reproduction',
  gate: { when: 'none', allowSkip: false },
  retries: 1,
} as const;

const validate = {
  id: 'validate',
  role: 'validate',
  kind: 'command',
  title: 'Validate (all must pass)',
  from: 'packet.validation',
  gate: { when: 'none', allowSkip: false },
  retries: 1,
} as const;

/** `bugfix`: reproduce, plan, implement, validate. */
export const BUGFIX = parseOrThrow(
  BlueprintSchema,
  {
    schemaVersion: 1,
    name: 'bugfix',
    version: '1.0.0',
    description: 'Fix a reproducible bug: set up, reproduce (must fail), plan, implement, re-run the reproduction (must pass), validate.',
    tier: 'platform',
    pattern: 'interactive',
    maxRevisions: 2,
    riskPaths: [],
    stations: [
      setup,
      reproduceBefore,
      { id: 'plan', role: 'plan', kind: 'agent', title: 'Plan the fix', gate: { when: 'after', allowSkip: false }, retries: 1, prompt: 'Write a short plan for the smallest change that makes the reproduction pass. Do not change files.' },
      { id: 'implement', role: 'implement', kind: 'agent', title: 'Implement the plan', gate: { when: 'after', allowSkip: false }, retries: 1, prompt: 'Implement the approved plan within the packet scope. Do not delete, skip or loosen tests.' },
      reproduceAfter,
      validate,
    ],
  },
  'Built-in blueprint bugfix',
);

/** `cve-remediation`: reproduce with the advisory's proof of concept, implement, validate, check the dependency tree. */
export const CVE_REMEDIATION = parseOrThrow(
  BlueprintSchema,
  {
    schemaVersion: 1,
    name: 'cve-remediation',
    version: '1.0.0',
    description: "Remediate a security advisory: the packet's reproduction is the advisory's proof of concept; implement, re-run it, validate, then check the dependency tree.",
    tier: 'platform',
    pattern: 'interactive',
    maxRevisions: 2,
    riskPaths: [],
    stations: [
      setup,
      { ...reproduceBefore, title: "Run the advisory's proof of concept (must fail)" },
      { id: 'implement', role: 'implement', kind: 'agent', title: 'Remediate', gate: { when: 'after', allowSkip: false }, retries: 1, prompt: 'Remediate the advisory with the smallest change: upgrade or patch the vulnerable code within the packet scope.' },
      { ...reproduceAfter, title: 'Re-run the proof of concept (must pass)' },
      validate,
      { id: 'dependency-check', role: 'check', kind: 'builtin', builtin: 'dependency-check', title: 'Check the dependency tree', gate: { when: 'none', allowSkip: false }, retries: 1 },
    ],
  },
  'Built-in blueprint cve-remediation',
);

/** `investigation`: no implement; the output is an investigation note for a human. */
export const INVESTIGATION = parseOrThrow(
  BlueprintSchema,
  {
    schemaVersion: 1,
    name: 'investigation',
    version: '1.0.0',
    description: 'Investigate without changing code: set up, try the reproduction, and write an investigation note for a human.',
    tier: 'platform',
    pattern: 'interactive',
    maxRevisions: 0,
    riskPaths: [],
    stations: [
      setup,
      { ...reproduceBefore, gate: { when: 'none', allowSkip: false } },
      { id: 'investigate', role: 'investigate', kind: 'agent', title: 'Write the investigation note', gate: { when: 'after', allowSkip: false }, retries: 1, prompt: 'Investigate the task and write a note: findings, likely cause, options, open questions. Change no files.' },
    ],
  },
  'Built-in blueprint investigation',
);

/** The built-in blueprints by name. */
export const BUILTIN_BLUEPRINTS: readonly Blueprint[] = [BUGFIX, CVE_REMEDIATION, INVESTIGATION];

/** Picks the built-in blueprint for a packet when none is named: investigation for an investigation note, cve-remediation for an advisory, else bugfix. Pure. */
export function defaultBlueprint(packet: Pick<TaskPacket, 'outputFormat' | 'source'>): string {
  if (packet.outputFormat === 'investigation-note') return 'investigation';
  if (packet.source.kind === 'advisory') return 'cve-remediation';
  return 'bugfix';
}

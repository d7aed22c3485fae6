import type { TaskPacket } from '../../../../src/contracts';
import { BUGFIX } from '../../../../src/core/blueprints';
import type { RunInputs } from '../../../../src/core/run/engine';
import { aPacket } from '../../../support/builders';

/** The engine tests' packet: scope index.js, reproduction `repro`, validation `test` (commands the fake environment knows). */
export const packet = (over: Partial<TaskPacket> = {}): TaskPacket => ({
  ...aPacket().withScope('index.js').with('reproduction', [{ argv: ['repro'] }]).with('validation', [{ argv: ['test'] }]).build(),
  ...over,
});

/** The engine tests' run inputs: the bugfix blueprint over `packet()`, with set-up and dependency-check commands. */
export const inputs = (over: Partial<RunInputs> = {}): RunInputs => ({
  runId: '20261121-200000-abcdef',
  repo: '/repo',
  packet: packet(),
  blueprint: BUGFIX,
  profile: { setup: [{ argv: ['install'] }], dependencyCheck: [{ argv: ['deps'] }], registryHosts: ['registry.npmjs.org'] },
  ...over,
});

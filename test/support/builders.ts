import type { Blueprint, TaskPacket } from '../../src/contracts';

/** Test data builder for task packets (style.md "Builders for test data"). */
export class PacketBuilder {
  private p: TaskPacket = {
    schemaVersion: 1,
    id: 'pkt-1',
    intent: 'Parsing must never write through constructor/prototype chains.',
    source: { kind: 'advisory', text: 'Security advisory: minimist pollutes prototypes.' },
    scope: { paths: [{ path: 'index.js' }], services: [] },
    nonGoals: ['No refactoring outside the parser.'],
    reproduction: [{ argv: ['node', '-e', 'process.exit(1)'] }],
    allowedTools: ['Read', 'Edit'],
    validation: [{ argv: ['npm', 'test'] }],
    noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
    evidenceRequired: ['reproduction-before-after', 'diff', 'validation'],
    outputFormat: 'pr',
    risk: 'one-reviewer',
    riskReasons: [],
    flags: [],
  };
  with<K extends keyof TaskPacket>(key: K, value: TaskPacket[K]): this {
    this.p = { ...this.p, [key]: value };
    return this;
  }
  withScope(...paths: string[]): this {
    return this.with('scope', { paths: paths.map((path) => ({ path })), services: [] });
  }
  build(): TaskPacket {
    return structuredClone(this.p);
  }
}
export const aPacket = () => new PacketBuilder();

/** Test data builder for blueprints. */
export class BlueprintBuilder {
  private b: Blueprint = {
    schemaVersion: 1,
    name: 'bugfix',
    version: '1.0.0',
    tier: 'platform',
    pattern: 'interactive',
    maxRevisions: 2,
    riskPaths: [],
    defaults: { timeoutSec: 1800, retries: 0 },
    stations: [
      { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: { when: 'after', allowSkip: false }, retries: 0 },
      { id: 'implement', role: 'implement', kind: 'agent', agent: 'claude', gate: { when: 'after', allowSkip: false }, retries: 0 },
    ],
  };
  with<K extends keyof Blueprint>(key: K, value: Blueprint[K]): this {
    this.b = { ...this.b, [key]: value };
    return this;
  }
  build(): Blueprint {
    return structuredClone(this.b);
  }
}
export const aBlueprint = () => new BlueprintBuilder();

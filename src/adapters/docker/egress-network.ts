import type Docker from 'dockerode';
import { LABEL_OWNER } from './labels';

/**
 * The internal bridge network egress stations join: Docker gives it no route out and
 * no external DNS, and the host's end of the bridge (the gateway address) is where the
 * egress proxy listens. Created once per owner and reused.
 */
export async function ensureEgressNetwork(docker: Docker, owner: string): Promise<{ name: string; gateway: string }> {
  const name = `shopfloor-egress-${owner.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 40)}`;
  let net: Docker.NetworkInspectInfo | undefined;
  try {
    net = (await docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  if (!net) {
    try {
      await docker.createNetwork({ Name: name, Driver: 'bridge', Internal: true, CheckDuplicate: true, Labels: { [LABEL_OWNER]: owner } });
    } catch (e) {
      // Another Shopfloor window created it first.
      if ((e as { statusCode?: number }).statusCode !== 409) throw e;
    }
    net = (await docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo;
  }
  if (!net.Internal) throw new Error(`network ${name} exists but is not internal; remove it (docker network rm ${name})`);
  const gateway = net.IPAM?.Config?.[0]?.Gateway;
  if (!gateway) throw new Error(`network ${name} has no gateway address for the egress proxy`);
  return { name, gateway };
}

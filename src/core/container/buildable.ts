import type { EnvironmentSpec } from './types';

/** What the container runtime in use can build and start, beyond an image or a Dockerfile. */
export interface BuildCapabilities {
  /** Features from the repository (`./x` folders) are built. */
  localFeatures: boolean;
  /**
   * Registry hosts (OCI features, tarball URLs) the runtime reached, or undefined when it
   * did not look. A feature from a host not in the list cannot be fetched.
   */
  reachableFeatureHosts?: readonly string[];
  /** Compose services beside the station (`runServices`) are started. */
  composeServices: boolean;
}

/**
 * Why a resolved environment cannot be built or started with `caps`, one problem per
 * property (empty when it can). The one rule both the approval check (before a run
 * starts) and the runtime (a guard, so nothing is ever silently left out) apply. Pure.
 */
export function buildProblems(spec: EnvironmentSpec, caps: BuildCapabilities): { property: string; message: string }[] {
  const out: { property: string; message: string }[] = [];
  for (const f of spec.features ?? []) {
    if (f.kind === 'local' && !caps.localFeatures) out.push({ property: `features.${f.id}`, message: 'local features are not built by this runtime' });
    if (f.kind !== 'local') {
      const host = featureHost(f.id);
      if (!caps.reachableFeatureHosts?.includes(host)) out.push({ property: `features.${f.id}`, message: `the feature comes from ${host}, which this machine cannot reach; use a local feature (./folder in .devcontainer) or install it in the Dockerfile` });
    }
  }
  if (spec.compose && spec.compose.services.length > 0 && !caps.composeServices)
    out.push({ property: 'runServices', message: `Compose services beside the station (${spec.compose.services.map((s) => s.name).join(', ')}) are not started by this runtime; set "runServices": [] to run the station's service alone` });
  if (spec.compose?.shareNetworkWith && !caps.composeServices)
    out.push({ property: `services.${spec.compose.service}.network_mode`, message: `service:${spec.compose.shareNetworkWith} needs the Compose services started` });
  return out;
}

/** The host a non-local feature is fetched from: the registry of an OCI reference, the host of a tarball URL. */
export function featureHost(id: string): string {
  const m = /^https:\/\/([^/:]+)/i.exec(id);
  return (m ? m[1]! : id.split('/')[0]!).toLowerCase();
}

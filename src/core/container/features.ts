import { posix } from 'node:path';
import type { FeatureRef } from './types';

/**
 * Reads a devcontainer.json `features` object (containers.dev/implementors/features,
 * "Referencing a feature") into FeatureRefs, in the order written:
 * - `./x` or `../x`: a local feature, a folder relative to the devcontainer.json folder;
 *   the spec requires it to stay inside that folder (the `.devcontainer/` folder), so
 *   nothing outside the repository's configuration is built into the image;
 * - `https://.../x.tgz`: a tarball URL;
 * - anything else with a registry path (`ghcr.io/owner/repo/name:1`): an OCI reference.
 * A value is the feature's options (an object of strings and booleans) or a string, which
 * the spec reads as the `version` option. The deprecated short ids of the first release
 * (`node`, `docker-in-docker` with no registry) are refused: their meaning depended on a
 * catalogue the Dev Containers CLI no longer ships.
 * Pure; returns the refs and the problems, each naming the feature.
 */
export function parseFeatures(
  value: unknown,
  configDir: string,
  sub: (v: string, where: string) => string,
): { features: FeatureRef[]; problems: { property: string; message: string }[] } {
  const features: FeatureRef[] = [];
  const problems: { property: string; message: string }[] = [];
  if (value === undefined || value === null) return { features, problems };
  if (typeof value !== 'object' || Array.isArray(value)) return { features, problems: [{ property: 'features', message: 'must be an object of feature id to options' }] };
  for (const [id, raw] of Object.entries(value as Record<string, unknown>)) {
    const property = `features.${id}`;
    const options: Record<string, string | boolean> = {};
    if (typeof raw === 'string') options.version = sub(raw, property);
    else if (typeof raw === 'boolean') {
      if (!raw) continue; // `false` turns a feature off
    } else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      let bad = false;
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v === 'string') options[k] = sub(v, `${property}.${k}`);
        else if (typeof v === 'boolean') options[k] = v;
        else if (typeof v === 'number') options[k] = String(v);
        else {
          problems.push({ property: `${property}.${k}`, message: 'a feature option is a string or a boolean' });
          bad = true;
        }
      }
      if (bad) continue;
    } else {
      problems.push({ property, message: 'options must be an object, a version string or true' });
      continue;
    }
    if (id.startsWith('./') || id.startsWith('../')) {
      const path = posix.normalize(posix.join(configDir, id));
      const inside = configDir === '' ? !path.startsWith('../') && path !== '..' : path.startsWith(`${configDir}/`);
      if (!inside) problems.push({ property, message: `a local feature must be a folder inside ${configDir || 'the repository'} (the Dev Containers spec's rule)` });
      else features.push({ id, kind: 'local', path: path.replace(/\/$/, ''), options });
    } else if (/^https:\/\//i.test(id)) features.push({ id, kind: 'tarball', options });
    else if (/^http:\/\//i.test(id)) problems.push({ property, message: 'a feature tarball must come over https' });
    else if (/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})?$/i.test(id)) features.push({ id, kind: 'oci', options });
    else problems.push({ property, message: 'not a feature reference: use a registry path (ghcr.io/owner/repo/name:1), an https tarball or a ./local folder' });
  }
  return { features, problems };
}

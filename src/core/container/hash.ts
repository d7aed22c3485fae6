import { contentHash } from '../hash';
import type { EnvironmentSpec } from './types';

/**
 * Hash of what goes into an image: the base image name, or the build definition plus
 * the digest of the build context's files (computed by the adapter while it packs the
 * context). Equal hashes reuse the same built image, tagged `imageTagFor(hash)`.
 */
export function imageHash(spec: Pick<EnvironmentSpec, 'image' | 'build'>, contextDigest?: string): string {
  return contentHash({ v: 1, image: spec.image, build: spec.build, contextDigest });
}

/** Local tag of a built station image. */
export function imageTagFor(hash: string): string {
  return `shopfloor-station:${hash.slice(0, 24)}`;
}

/**
 * Hash of everything that shapes a station container (image, env, users, mounts,
 * walls, network, lifecycle). A container labelled with the same hash is
 * interchangeable, so a run reattaches to it instead of creating a new one. Notes are
 * left out: they describe the configuration, they do not change the container.
 */
export function environmentHash(spec: EnvironmentSpec, imageId: string): string {
  const { notes: _notes, origin: _origin, ...shape } = spec;
  return contentHash({ v: 1, imageId, ...shape });
}

/** Labels on every container and network Shopfloor creates, so orphans can be found and removed. */
export const LABEL_RUN = 'shopfloor.run';
export const LABEL_SESSION = 'shopfloor.session';
export const LABEL_OWNER = 'shopfloor.owner';
/** Hash of the resolved configuration (`environmentHash`); equal hashes reattach. */
export const LABEL_CONFIG = 'shopfloor.config';
/** Marks built station images, with the image hash. */
export const LABEL_IMAGE_HASH = 'shopfloor.image-hash';

/** Turns a run id into a fragment safe in a container name. */
export function nameFragment(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').slice(0, 40);
}

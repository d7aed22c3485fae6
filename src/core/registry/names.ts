/**
 * The one check every registry name and version passes before any path is built from it
 * (issue 13 item 2). A registry is a git repository checked out on Windows, macOS and
 * Linux alike, so a name must be safe on all three:
 * - no traversal: no `/`, `\`, `..`, leading `.`, NUL or control character;
 * - no reserved device name (Windows: CON, PRN, AUX, NUL, COM0-9, LPT0-9, also with an
 *   extension such as `con.json`; source: Microsoft "Naming Files, Paths, and Namespaces");
 * - no case-folding collision: names are lowercase ASCII only, so `Bugfix` and `bugfix`
 *   can never be two entries on a case-insensitive file system;
 * - no Unicode confusable: any non-ASCII character is refused (a Cyrillic `а` reads as
 *   a Latin `a`), naming its code point;
 * - bounded length (64 for names, 64 for versions), no trailing `.` or space (Windows
 *   drops them, making two names one).
 * Pure.
 */

/** What kind of value is checked, for the error message. */
export type RegistryNameKind = 'name' | 'version' | 'run id' | 'tier';

/** A name or version refused before any path was built. `field` names what was bad. */
export class RegistryNameError extends Error {
  constructor(
    readonly field: string,
    readonly value: string,
    why: string,
  ) {
    super(`registry ${field} ${JSON.stringify(value)} refused: ${why}`);
    this.name = 'RegistryNameError';
  }
}

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/;
const MAX = { name: 64, version: 64, 'run id': 64, tier: 16 } as const;
const TIERS = new Set(['platform', 'domain', 'team']);
// Semver without build metadata (`+build` does not change precedence, so 1.0.0 and 1.0.0+x would be one version in two files).
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-z-][0-9a-z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-z-][0-9a-z-]*))*))?$/;

/**
 * Returns `value` when it is a safe registry `kind` (name, version, run id or tier);
 * throws RegistryNameError naming `field` (default: the kind) and the first rule broken.
 */
export function checkRegistryName(kind: RegistryNameKind, value: unknown, field: string = kind): string {
  if (typeof value !== 'string') throw new RegistryNameError(field, String(value), 'not a string');
  if (value.length === 0) throw new RegistryNameError(field, value, 'empty');
  if (value.length > MAX[kind]) throw new RegistryNameError(field, value, `longer than ${MAX[kind]} characters`);
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x7e) throw new RegistryNameError(field, value, `non-ASCII character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (refused: it may be confused with an ASCII one)`);
    if (cp < 0x20 || cp === 0x7f) throw new RegistryNameError(field, value, 'control character');
  }
  if (/[/\\]/.test(value) || value.includes('..') || value.startsWith('.')) throw new RegistryNameError(field, value, 'path traversal: no "/", "\\", ".." or leading "."');
  // Device names match in any case on Windows (CON, Nul.json), so this comes before the case rule.
  if (RESERVED.test(value.toLowerCase().split('.')[0]!)) throw new RegistryNameError(field, value, 'a reserved device name on Windows');
  if (/[A-Z]/.test(value)) throw new RegistryNameError(field, value, `upper-case letters (names are lower-case so they cannot collide on a case-insensitive file system; use ${JSON.stringify(value.toLowerCase())})`);
  if (/[. ]$/.test(value)) throw new RegistryNameError(field, value, 'ends with "." or a space');
  switch (kind) {
    case 'version':
      if (value.includes('+')) throw new RegistryNameError(field, value, 'build metadata ("+...") does not change a version\'s precedence; publish a new version instead');
      if (!SEMVER.test(value)) throw new RegistryNameError(field, value, 'not a semantic version such as 1.2.0 (https://semver.org)');
      break;
    case 'tier':
      if (!TIERS.has(value)) throw new RegistryNameError(field, value, 'not one of platform, domain, team');
      break;
    case 'run id':
      if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) throw new RegistryNameError(field, value, 'expected a-z, 0-9 and "-"');
      break;
    default:
      if (!/^[a-z][a-z0-9.-]*$/.test(value)) throw new RegistryNameError(field, value, 'expected a-z, 0-9, "-" or ".", starting with a letter');
      if (value.endsWith('-')) throw new RegistryNameError(field, value, 'ends with "-"');
  }
  return value;
}

/**
 * Parses `name@version` and checks both parts. Throws RegistryNameError (field `ref`).
 */
export function parseRegistryRef(ref: unknown): { name: string; version: string } {
  if (typeof ref !== 'string') throw new RegistryNameError('ref', String(ref), 'not a string');
  const at = ref.lastIndexOf('@');
  if (at <= 0) throw new RegistryNameError('ref', ref, 'expected name@version, e.g. bugfix@1.0.0');
  return { name: checkRegistryName('name', ref.slice(0, at), 'ref name'), version: checkRegistryName('version', ref.slice(at + 1), 'ref version') };
}

/**
 * The key two names collide under on a case-insensitive, normalising file system (lower
 * case, NFKC). Used to refuse a name read from a registry someone wrote by hand that
 * collides with one already listed.
 */
export function foldedKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

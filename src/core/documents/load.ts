import { parse as parseYaml } from 'yaml';
import { BlueprintSchema, TaskPacketSchema, type Blueprint, type TaskPacket } from '../../contracts';
import { parseOrThrow, ValidationError } from '../validate';

/** Document kinds Shopfloor reads from `.shopfloor/**` files. */
export type DocumentKind = 'packet' | 'blueprint';

/**
 * Parses the text of a packet or blueprint file (JSON, or YAML when `name` ends in
 * .yaml/.yml) and validates it. Throws ValidationError naming `name` and the path of each
 * bad field; a syntax error is reported as a problem at the root with its line.
 */
export function parseDocument(kind: 'packet', name: string, text: string): TaskPacket;
export function parseDocument(kind: 'blueprint', name: string, text: string): Blueprint;
export function parseDocument(kind: DocumentKind, name: string, text: string): TaskPacket | Blueprint {
  const what = `${kind === 'packet' ? 'Task packet' : 'Blueprint'} ${name}`;
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(name) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ValidationError(what, [{ path: '', message: `cannot be parsed: ${(e as Error).message}` }]);
  }
  return kind === 'packet' ? parseOrThrow(TaskPacketSchema, value, what) : parseOrThrow(BlueprintSchema, value, what);
}

/** Guesses a document's kind from its content: blueprints have `stations`, packets `intent`. */
export function sniffKind(value: unknown): DocumentKind | undefined {
  if (value && typeof value === 'object') {
    if ('stations' in value) return 'blueprint';
    if ('intent' in value) return 'packet';
  }
  return undefined;
}

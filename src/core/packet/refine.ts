import { TaskPacketSchema, type CommandSpec, type Provenance, type TaskPacket } from '../../contracts';

/**
 * Optional model-assisted refinement: the prompt Shopfloor sends to a chat model the user
 * already has (VS Code's Language Model API), and the parsing of its answer into a
 * *suggested* packet shown beside the deterministic draft. Pure: the host does the call.
 * The model may only rephrase the intent, add non-goals, reorder or drop scope paths among
 * files that exist, and propose commands; every value it touches is marked `model`.
 */

export const REFINEMENT_FIELDS = ['intent', 'nonGoals', 'scopePaths', 'reproduction', 'validation'] as const;

export function buildRefinementPrompt(packet: TaskPacket, extra: { files?: readonly string[]; readme?: string } = {}): string {
  const { approval: _a, provenance: _p, ...draft } = packet;
  return [
    'You review a task packet for a coding agent, drafted deterministically from a seed and a repository.',
    'Improve it only where the seed supports it. Do not invent files, commands or requirements.',
    'Answer with ONE JSON object and nothing else, with any of these optional keys:',
    '  "intent": string (one or two sentences: what must be true after the job),',
    '  "nonGoals": string[] (what the job must not do),',
    '  "scopePaths": string[] (repository-relative files, best first, only from the list below),',
    '  "reproduction": string[][] (argv arrays that FAIL while the problem exists; no shell),',
    '  "validation": string[][] (argv arrays that must pass afterwards),',
    '  "why": string (one paragraph: what you changed and why).',
    '',
    'Seed (verbatim):',
    '"""',
    packet.source.text.slice(0, 12_000),
    '"""',
    '',
    'Draft packet:',
    JSON.stringify({ ...draft, source: { kind: packet.source.kind, ref: packet.source.ref } }, null, 2).slice(0, 12_000),
    ...(extra.files?.length ? ['', 'Some repository files (candidates):', extra.files.slice(0, 200).join('\n')] : []),
  ].join('\n');
}

export interface Refinement {
  /** The suggested packet (never approved), or undefined when the answer was unusable. */
  readonly suggestion?: TaskPacket;
  readonly changes: string[];
  readonly why?: string;
  readonly rejected: string[];
}

function argvList(v: unknown): string[][] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.filter((a): a is string[] => Array.isArray(a) && a.length > 0 && a.every((x) => typeof x === 'string'));
  return out.length ? out : undefined;
}

/**
 * Parses a model's answer into a suggested packet. Paths not in `tracked` are rejected
 * (a model must not invent files); the result is validated against the packet schema.
 */
export function parseRefinement(answer: string, draft: TaskPacket, tracked: ReadonlySet<string>, modelName: string): Refinement {
  const rejected: string[] = [];
  const changes: string[] = [];
  const m = /\{[\s\S]*\}/.exec(answer);
  let obj: Record<string, unknown>;
  try {
    if (!m) throw new Error('no JSON object');
    obj = JSON.parse(m[0]) as Record<string, unknown>;
  } catch {
    return { changes, rejected: ['the answer is not JSON'] };
  }
  const origin: Provenance = { source: 'model', note: `suggested by ${modelName}` };
  const next: TaskPacket = structuredClone({ ...draft, approval: undefined });
  delete next.approval;
  next.provenance = { ...(next.provenance ?? {}) };
  if (typeof obj['intent'] === 'string' && obj['intent'].trim() && obj['intent'].trim() !== draft.intent) {
    next.intent = obj['intent'].trim().slice(0, 2000);
    next.provenance['intent'] = origin;
    changes.push('intent');
  }
  if (Array.isArray(obj['nonGoals'])) {
    const added = obj['nonGoals'].filter((g): g is string => typeof g === 'string' && !draft.nonGoals.includes(g));
    added.forEach((_, i) => (next.provenance![`nonGoals[${draft.nonGoals.length + i}]`] = origin));
    if (added.length) changes.push(`${added.length} non-goal(s)`);
    next.nonGoals = [...draft.nonGoals, ...added];
  }
  if (Array.isArray(obj['scopePaths'])) {
    const paths = obj['scopePaths'].filter((p): p is string => typeof p === 'string');
    const ok = paths.filter((p) => tracked.has(p));
    rejected.push(...paths.filter((p) => !tracked.has(p)).map((p) => `scope path ${p}: not a tracked file`));
    if (ok.length) {
      next.scope = { ...draft.scope, paths: ok.map((p) => draft.scope.paths.find((x) => x.path === p) ?? { path: p, origin }) };
      changes.push('scope order');
    }
  }
  for (const key of ['reproduction', 'validation'] as const) {
    const list = argvList(obj[key]);
    if (!list) continue;
    const known = new Set(draft[key].map((c) => JSON.stringify(c.argv)));
    const added: CommandSpec[] = list.filter((a) => !known.has(JSON.stringify(a))).map((argv) => ({ argv, origin }));
    if (added.length) {
      next[key] = [...draft[key], ...added];
      changes.push(`${added.length} ${key} command(s)`);
    }
  }
  if (!changes.length) return { changes, rejected };
  const r = TaskPacketSchema.safeParse(next);
  if (!r.success) return { changes: [], rejected: [...rejected, `the suggestion is not a valid packet: ${r.error.issues[0]?.message}`] };
  return { suggestion: r.data, changes, rejected, ...(typeof obj['why'] === 'string' ? { why: obj['why'] } : {}) };
}

import type { SeedFacts } from './seed';

/**
 * Advisory proof-of-concept → a `node -e` script that exits 1 while the problem exists
 * and 0 once it is fixed. Built only from (a) a call or argument-list literal the seed
 * quotes, checked to be plain data, (b) the package's export shape read from its entry
 * file, and (c) an oracle the seed's words name (prototype pollution, a result that starts
 * with / contains a character, a throw, a hang). Anything less: no command.
 */

export interface NodePoc {
  readonly script: string;
  readonly seedLine: number;
  /** The oracle used, in words, for the provenance note. */
  readonly oracle: string;
  readonly call: string;
  /** How the command fails while the problem exists, when its exit code alone cannot say it (a call that never returns). */
  readonly expectFailure?: { hangsPastSec: number };
}

/**
 * A denial of service's bounds: a call slower than SLOW_MS exits 1; one still running after
 * HANG_SEC is stopped by the line, and that is the failure as stated (reproduction-check.ts).
 * Without the second, a trigger that never returns could never be reproduced.
 */
const SLOW_MS = 2000;
const HANG_SEC = 10;

/** Exports an entry file declares: a callable default and named functions. */
export function exportShape(entryText: string): { callableDefault: boolean; named: Set<string> } {
  const named = new Set<string>();
  for (const m of entryText.matchAll(/(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=/g)) named.add(m[1]!);
  for (const m of entryText.matchAll(/export\s+(?:async\s+)?(?:function\s*\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/g)) named.add(m[1]!);
  const obj = /module\.exports\s*=\s*\{([^}]*)\}/.exec(entryText);
  if (obj) for (const k of obj[1]!.matchAll(/([A-Za-z_$][\w$]*)\s*(?:[:,]|$)/g)) named.add(k[1]!);
  const callableDefault = /module\.exports\s*=\s*(?:async\s+)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*;?\s*$)/m.test(entryText) || /export\s+default\s+(?:async\s+)?function/.test(entryText);
  return { callableDefault, named };
}

/**
 * True when `text` is a JavaScript literal of plain data only: strings (no template
 * substitutions), numbers, true/false/null/undefined, arrays, objects with plain keys.
 * Guards the generated command against code smuggled in through the seed.
 */
export function isPlainLiteral(text: string): boolean {
  let i = 0;
  const s = text.trim();
  let expectKey = false;
  const stack: string[] = [];
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) return false;
      i = j + 1;
      continue;
    }
    if (c === '[' || c === '{') {
      stack.push(c);
      expectKey = c === '{';
      i++;
      continue;
    }
    if (c === ']' || c === '}') {
      if (stack.pop() !== (c === ']' ? '[' : '{')) return false;
      i++;
      continue;
    }
    if (c === ',') {
      expectKey = stack[stack.length - 1] === '{';
      i++;
      continue;
    }
    if (c === ':') {
      expectKey = false;
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(s.slice(i));
    if (num) {
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(s.slice(i));
    if (word && (['true', 'false', 'null', 'undefined'].includes(word[0]) || (expectKey && s.slice(i + word[0].length).trimStart().startsWith(':')))) {
      i += word[0].length;
      continue;
    }
    return false;
  }
  return stack.length === 0 && s.length > 0;
}

const CHAR_NAMES: Record<string, string> = {
  backtick: '`', 'back-tick': '`', 'grave accent': '`', semicolon: ';', 'dollar sign': '$', dollar: '$', pipe: '|', ampersand: '&',
  'single quote': "'", apostrophe: "'", 'double quote': '"', newline: '\n', 'null byte': '\0', 'less-than sign': '<', 'greater-than sign': '>',
};

/** An assertion the seed states about a call's result: "returns a string that starts with an unescaped backtick". */
function resultClaim(text: string): { js: (r: string) => string; words: string } | undefined {
  const names = Object.keys(CHAR_NAMES).join('|');
  const m = new RegExp(`\\b(starts? with|begins? with|contains?|includes?|ends? with)\\s+(?:an?\\s+)?(?:unescaped\\s+|raw\\s+|literal\\s+)?(${names}|\`[^\`]\`|'[^']'|"[^"]")`, 'i').exec(text);
  if (!m) return undefined;
  const raw = m[2]!.toLowerCase();
  const ch = CHAR_NAMES[raw] ?? m[2]!.slice(1, -1);
  const verb = m[1]!.toLowerCase();
  const method = verb.startsWith('start') || verb.startsWith('begin') ? 'startsWith' : verb.startsWith('end') ? 'endsWith' : 'includes';
  return { js: (r) => `typeof ${r} === 'string' && ${r}.${method}(${JSON.stringify(ch)})`, words: `the result ${verb} ${m[2]}` };
}

const PROTO_SNAPSHOT =
  "const snap = () => [Object.prototype, Function.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype].map((p) => Object.getOwnPropertyNames(p).join(','));";

/**
 * Builds the proof-of-concept script for an npm package whose entry file text is
 * `entryText`, or undefined when the seed gives no call/literal or no oracle.
 */
export function buildNodePoc(facts: SeedFacts, entryText: string | undefined, packageName?: string): NodePoc | undefined {
  if (entryText === undefined) return undefined;
  const text = facts.lines.join('\n');
  const shape = exportShape(entryText);
  // The call: a quoted call of an exported function with plain-data arguments...
  let call: { expr: string; seedLine: number; shown: string } | undefined;
  for (const c of facts.calls) {
    const fn = c.callee.split('.').pop()!;
    if (!c.args.trim() || !isPlainLiteral(`[${c.args}]`)) continue;
    if (shape.named.has(fn)) call = { expr: `require('./')[${JSON.stringify(fn)}](${c.args})`, seedLine: c.seedLine, shown: `${fn}(${c.args})` };
    else if (shape.callableDefault && packageName && fn.toLowerCase() === packageName.toLowerCase().replace(/[^a-z0-9]/g, '')) call = { expr: `require('./')(${c.args})`, seedLine: c.seedLine, shown: `${fn}(${c.args})` };
    if (call) break;
  }
  // ...or an argument list the seed quotes, passed to a callable default export.
  if (!call && shape.callableDefault) {
    const lit = facts.literals.find((l) => isPlainLiteral(l.text));
    if (lit) call = { expr: `require('./')(${lit.text})`, seedLine: lit.seedLine, shown: `${packageName ?? 'the package'}(${lit.text})` };
  }
  if (!call) return undefined;

  if (/prototype/i.test(text) && /pollut|__proto__|constructor\.prototype/i.test(text)) {
    return {
      script: `${PROTO_SNAPSHOT} const before = snap(); try { ${call.expr}; } catch (e) {} const after = snap(); process.exit(before.some((b, i) => b !== after[i]) ? 1 : 0);`,
      seedLine: call.seedLine,
      oracle: 'a built-in prototype gains a property (prototype pollution)',
      call: call.shown,
    };
  }
  const claim = resultClaim(text);
  if (claim) {
    return { script: `const r = ${call.expr}; process.exit(${claim.js('r')} ? 1 : 0);`, seedLine: call.seedLine, oracle: claim.words, call: call.shown };
  }
  if (/\b(ReDoS|catastrophic backtracking|hangs?|takes? (?:minutes|seconds|forever)|denial of service)\b/i.test(text)) {
    return {
      script: `const t = Date.now(); ${call.expr}; process.exit(Date.now() - t > ${SLOW_MS} ? 1 : 0);`,
      seedLine: call.seedLine,
      oracle: `the call takes longer than ${SLOW_MS / 1000} s, or does not return within ${HANG_SEC} s (denial of service)`,
      call: call.shown,
      expectFailure: { hangsPastSec: HANG_SEC },
    };
  }
  if (/\b(throws?|crash(?:es)?|TypeError|RangeError|uncaught exception)\b/i.test(text)) {
    return { script: `try { ${call.expr}; } catch (e) { process.exit(1); } process.exit(0);`, seedLine: call.seedLine, oracle: 'the call throws', call: call.shown };
  }
  return undefined;
}

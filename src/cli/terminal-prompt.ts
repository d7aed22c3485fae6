import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Budget, TaskPacket, TerminalState } from '../contracts';
import { parseBudget } from '../core/agent/usage';
import { reviewerRejections } from '../core/run/gates';
import { heldEffectIds } from '../core/mcp/effects';
import { escapeControl } from '../core/terminal-text';
import type { Gate, GateAnswer, Gatekeeper, HumanStation } from '../core/run/ports';

/** A terminal to ask a human on: /dev/tty when it can be opened, else stdin/stderr when stdin is a TTY. */
export interface Terminal {
  input: Readable;
  output: Writable;
  close(): void;
}

/** Opens the controlling terminal, or undefined when there is none (headless, CI). */
export function openTerminal(): Terminal | undefined {
  try {
    const fd = fs.openSync('/dev/tty', 'r+');
    const input = new tty.ReadStream(fd);
    const output = new tty.WriteStream(fd);
    return { input, output, close: () => input.destroy() };
  } catch {
    if (process.stdin.isTTY) return { input: process.stdin, output: process.stderr, close: () => undefined };
    return undefined;
  }
}

async function ask(term: Terminal, question: string): Promise<string> {
  const rl = createInterface({ input: term.input, output: term.output, terminal: false });
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('close', () => reject(new Error('the terminal closed before an answer')));
      rl.question(question, (a) => resolve(a.trim()));
    });
  } finally {
    rl.removeAllListeners('close');
    rl.close();
  }
}

/** Lines of a patch the terminal gate shows; a longer one says how much was left out. */
const PATCH_LINES = 80;

/**
 * What the terminal gate shows of a gate's content: the patch (its first PATCH_LINES
 * lines, saying when that is only part of it), the plan text, or each command with its exit
 * code and output tail. Every piece is escaped (escapeControl): it is repository text.
 */
export function preview(content: unknown): string {
  const c = content as { patch?: string; text?: string; commands?: { argv: string[]; exitCode: number | null; outputTail: string }[] };
  if (typeof c?.patch === 'string') {
    const lines = c.patch.split('\n');
    const shown = lines.slice(0, PATCH_LINES).join('\n');
    const more = lines.length > PATCH_LINES ? `\n… only the first ${PATCH_LINES} of ${lines.length} lines of the patch are shown; the whole patch is what you approve: read it with \`git diff\` in the run workspace or in the run folder's station result` : '';
    return escapeControl(shown) + more;
  }
  if (typeof c?.text === 'string') return escapeControl(c.text.split('\n').slice(0, 40).join('\n'));
  if (Array.isArray(c?.commands)) return escapeControl(c.commands.map((x) => `$ ${x.argv.join(' ')}  → exit ${x.exitCode ?? 'none'}\n${x.outputTail.split('\n').slice(-10).join('\n')}`).join('\n'));
  return '';
}

/**
 * What a gate says about the MCP gateway (issue 12): the tool calls held for the output
 * gate, with their arguments (approving runs them), and changed tool definitions (approving
 * re-approves them), field by field. Escaped: tool servers and agents wrote it.
 */
export function toolNotice(gate: Pick<Gate, 'content' | 'toolDrift'>): string {
  const out: string[] = [];
  const effects = (gate.content as { effects?: { id: string; server: string; tool: string; arguments: unknown; reason: string }[] } | undefined)?.effects ?? [];
  if (effects.length) {
    out.push(`!! approving also runs ${effects.length} tool call(s) the agents proposed (held until now):`);
    for (const e of effects) out.push(`   ${e.id} ${e.server}__${e.tool} ${JSON.stringify(e.arguments).slice(0, 500)}  (${e.reason})`);
  }
  for (const d of gate.toolDrift ?? []) {
    out.push(`!! MCP tool ${d.tool} changed since it was approved (hidden from agents); approving re-approves it:`);
    for (const c of d.changes) out.push(`   ${c.field}: ${c.before.slice(0, 300)}  →  ${c.after.slice(0, 300)}`);
  }
  return out.length ? `${escapeControl(out.join('\n'))}\n` : '';
}

/**
 * A human deciding gates at a terminal prompt. Shows the summary, the content hash and a
 * preview; accepts approve, reject (then a terminal state and reason), retry and skip where
 * the gate allows them. Editing a plan at a gate is done in the editor panel, not here.
 */
export class TerminalGatekeeper implements Gatekeeper {
  constructor(
    private readonly term: Terminal,
    private readonly name: string,
  ) {}

  async decide(gate: Gate): Promise<GateAnswer> {
    const w = (s: string) => this.term.output.write(s);
    w(`\n── Gate ${gate.gateId} (${gate.position} ${gate.stationId}) ──\n${escapeControl(gate.summary)}\ncontent sha256 ${gate.contentHash}\n`);
    if (gate.risk.diffFlags.length || gate.risk.touchedRiskPaths.length || gate.risk.packetRisk === 'hard-stop')
      w(`!! needs explicit approval: risk ${gate.risk.packetRisk}; flags ${gate.risk.diffFlags.join(', ') || 'none'}; risk paths ${gate.risk.touchedRiskPaths.join(', ') || 'none'}\n`);
    if (gate.risk.budgetExceeded) w(`!! the agent reached its budget: ${escapeControl(gate.risk.budgetExceeded)}; retry with a raised budget, or reject\n`);
    if (gate.risk.claim) w(`!! the agent claims ${gate.risk.claim} and changed nothing; approving accepts the claim\n`);
    if (gate.risk.preexistingFailures?.length)
      w(`!! pre-existing failures (red on the base commit too, not caused by the change): ${gate.risk.preexistingFailures.join(', ')}; approving accepts them\n`);
    const p = preview(gate.content);
    if (p) w(`${p}\n`);
    const held = toolNotice(gate);
    if (held) w(held);
    const choices: GateAnswer['decision'][] = gate.allowed.filter((c) => c !== 'edit');
    const keys: Record<string, GateAnswer['decision']> = { a: 'approve', r: 'reject', t: 'retry', s: 'skip' };
    for (;;) {
      const a = (await ask(this.term, `Decision [${choices.map((c) => `${c === 'retry' ? 't' : c[0]}=${c}`).join(', ')}]: `)).toLowerCase();
      const decision = a.length === 1 ? keys[a] : choices.find((c) => c === a);
      if (!decision || !choices.includes(decision)) continue;
      const by = { kind: 'human' as const, name: this.name };
      if (decision === 'retry' && gate.risk.budgetExceeded) return { decision, by, ...(await this.raisedBudget()) };
      if (decision === 'approve') return { decision, by, ...(await this.declined(gate)) };
      if (decision !== 'reject') return { decision, by };
      return { decision: 'reject', by, ...(await this.rejection()) };
    }
  }

  /** Asks, when approving a gate that holds tool calls, which of them to run (empty or y: run it; n: decline it). */
  private async declined(gate: Gate): Promise<{ declinedEffects?: string[] }> {
    const out: string[] = [];
    for (const id of heldEffectIds(gate.content)) {
      for (;;) {
        const a = (await ask(this.term, `Run held tool call ${id} after this gate? [Y/n]: `)).toLowerCase();
        if (a === '' || a === 'y' || a === 'yes') break;
        if (a === 'n' || a === 'no') {
          out.push(id);
          break;
        }
      }
    }
    return out.length ? { declinedEffects: out } : {};
  }

  /** Asks for the raised budget of a retry at a budget gate (empty: retry under the same budget). */
  private async raisedBudget(): Promise<{ raisedBudget?: Budget }> {
    for (;;) {
      const r = parseBudget(await ask(this.term, 'Raise the budget to (e.g. tokens=200000 usd=5 wallMs=600000; empty: the same budget): '));
      if ('problem' in r) {
        this.term.output.write(`${r.problem}\n`);
        continue;
      }
      return r.budget ? { raisedBudget: r.budget } : {};
    }
  }

  private async rejection(): Promise<{ terminal: TerminalState; reason: string }> {
    const options = reviewerRejections();
    this.term.output.write(options.map((o, i) => `  ${i + 1}. ${o.state} ${o.reason}`).join('\n') + '\n');
    for (;;) {
      const n = Number(await ask(this.term, 'End the run as (number, default 1): ')) || 1;
      const t = options[n - 1];
      if (!t) continue;
      const reason = await ask(this.term, 'Why (one line): ');
      return { terminal: { ...t, detail: reason || undefined } as TerminalState, reason: reason || 'rejected at the gate' };
    }
  }
}

/** A human station at the terminal: shows the instructions and waits for "done". */
export class TerminalHumanStation implements HumanStation {
  constructor(
    private readonly term: Terminal | undefined,
    private readonly name: string,
  ) {}

  async perform(req: { stationId: string; instructions: string; packet: TaskPacket }): Promise<{ done: boolean; by: string; note?: string }> {
    if (!this.term) return { done: false, by: this.name, note: 'no terminal to ask a human on' };
    this.term.output.write(`\n── Human station ${req.stationId} ──\n${req.instructions}\nTask: ${req.packet.intent}\n`);
    const a = (await ask(this.term, 'Mark done? [y/n]: ')).toLowerCase();
    return { done: a.startsWith('y'), by: this.name };
  }
}

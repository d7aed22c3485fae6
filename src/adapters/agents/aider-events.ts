import type { StreamItem } from '../../core/agent/events';
import type { StreamParser } from './stream-agent';

/**
 * Start-up announcements Aider prints before the reply (base_coder.py get_announcements,
 * main.py): status lines, not the model's answer.
 */
const STATUS = /^(Aider v\S+|(Main |Weak |Editor )?[Mm]odel: |Git repo: |Repo-map: |Use \/help |Added .* to the chat|Cur working dir: |Warning: |Note: |Did you mean one of these\?|For more info, see: |- \S+$|You can use \/undo |Retrying in |Opening release notes|Unable to |Exception while updating files:|The LLM did not conform to the edit format\.|https:\/\/aider\.chat\/)/;

/**
 * Reads Aider's plain console output (`aider --message … --no-pretty --no-stream`; the lines
 * its io.py `tool_output`/`tool_error` print, which its chat-history file also keeps, there
 * with a `> ` blockquote prefix and two trailing spaces: both forms are read) into normalised
 * items. Aider has no event stream; the line shapes are those of its source
 * (aider/coders/base_coder.py, aider/repo.py, aider/utils.py format_tokens) and of the
 * transcripts in test/fixtures/agents/aider/:
 * - `Applied edit to PATH` → a tool call `edit`, ok; `The LLM did not conform to the edit
 *   format.` → a tool call `edit`, error (Aider's edits are its only tools);
 * - `Commit HASH MESSAGE` → a tool call `commit`, ok (only when auto-commits are on);
 * - `Tokens: N sent[, N cache write][, N cache hit], N received.` with `Cost: $X message|request,
 *   $Y session.` on the same or the next line → usage of the model of the `Model:` line
 *   (else `model`), `usd` the message's cost. Counts are as Aider rounds them (`5.2k`,
 *   `12k`, or `5,244` in older versions): `sent` counts cache writes, so they are taken
 *   out of `inputTokens`;
 * - the text since the last status line, when a Tokens line closes it, is the reply: the
 *   final message (the last reply wins); a user message line of the chat history
 *   (`#### …`) starts a new reply;
 * - `Unexpected error: …`, `litellm.…Error…` → failure (Aider exits 0 after `--message` even
 *   when the model call failed);
 * - the start-up announcements and other status lines → log text.
 */
export class AiderOutputParser implements StreamParser {
  private text: string[] = [];
  private modelName: string;
  private lastUsageModel: string | undefined;

  /** `model`: the model the adapter asked for, used until a `Model:` line names Aider's own name for it. */
  constructor(model: string) {
    this.modelName = model;
  }

  line(raw: string): StreamItem[] {
    const quoted = raw.startsWith('>');
    const t = (quoted ? raw.replace(/^> ?/, '') : raw).replace(/\s+$/, '');
    if (!quoted && raw.startsWith('#### ')) {
      // A user message of the chat history: what follows is the reply to it.
      this.text = [];
      return [];
    }
    if (!quoted && !isStatus(t)) {
      this.text.push(t);
      return [];
    }
    if (!t) return [];
    const tokens = /^Tokens: ([\d.,]+k?) sent(?:, ([\d.,]+k?) cache write)?(?:, ([\d.,]+k?) cache hit)?, ([\d.,]+k?) received\.(?:\s+Cost: \$([\d.]+) (?:message|request), \$[\d.]+ session\.)?$/.exec(t);
    if (tokens) {
      const reply = this.flushText();
      const sent = count(tokens[1]!);
      const write = tokens[2] ? count(tokens[2]) : 0;
      const hit = tokens[3] ? count(tokens[3]) : 0;
      this.lastUsageModel = this.modelName;
      return [
        ...(reply !== undefined ? [{ type: 'final' as const, text: reply.slice(0, 200_000) }] : []),
        { type: 'usage', model: this.modelName.slice(0, 200), inputTokens: Math.max(0, sent - write), outputTokens: count(tokens[4]!), ...(hit ? { cacheReadTokens: hit } : {}), ...(write ? { cacheWriteTokens: write } : {}), ...(tokens[5] ? { usd: Number(tokens[5]) } : {}) },
      ];
    }
    const items: StreamItem[] = [];
    const said = this.flushText();
    if (said !== undefined) items.push({ type: 'log', text: said });
    const cost = /^Cost: \$([\d.]+) (?:message|request), \$[\d.]+ session\.$/.exec(t);
    if (cost) {
      // The cost on its own line (Aider splits the report when there are both cache reads and writes).
      if (this.lastUsageModel) items.push({ type: 'usage', model: this.lastUsageModel, inputTokens: 0, outputTokens: 0, usd: Number(cost[1]) });
      return items;
    }
    const model = /^(?:Main )?[Mm]odel: (\S+) with /.exec(t);
    if (model) this.modelName = model[1]!;
    items.push({ type: 'log', text: t });
    if (/^Applied edit to /.test(t)) items.push({ type: 'tool', name: 'edit', outcome: 'ok' });
    else if (t === 'The LLM did not conform to the edit format.') items.push({ type: 'tool', name: 'edit', outcome: 'error' });
    else if (/^Commit [0-9a-f]{7,40} /.test(t)) items.push({ type: 'tool', name: 'commit', outcome: 'ok' });
    else if (/^Unexpected error: |^litellm\.\w*Error/.test(t)) items.push({ type: 'failure', message: `aider: ${t.slice(0, 2000)}` });
    return items;
  }

  /** The text lines since the last status line, trimmed; undefined when they are blank. */
  private flushText(): string | undefined {
    const s = this.text.join('\n').trim();
    this.text = [];
    return s ? s : undefined;
  }
}

/** Whether an unquoted console line is one of Aider's status lines rather than reply text. */
function isStatus(t: string): boolean {
  return STATUS.test(t) || /^(Tokens: .* received\.|Cost: \$|Applied edit to |Did not apply edit to |Commit [0-9a-f]{7,40} |Unexpected error: |litellm\.\w*Error)/.test(t);
}

/** A token count as Aider prints it (utils.py format_tokens): `604`, `5.2k`, `12k`, or `5,244` in older versions. */
function count(s: string): number {
  const k = s.endsWith('k');
  const n = Number(s.replace(/[,k]/g, ''));
  return Number.isFinite(n) ? Math.round(k ? n * 1000 : n) : 0;
}

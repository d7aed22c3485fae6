/**
 * The output caps of a station command, named once (issue 8). Three genuinely different
 * limits, each used by every layer that needs it:
 *
 * - `LOG_FILE_CAP_BYTES`: bytes of one command's combined output kept in its log file
 *   (`artifacts/logs/<station>-<attempt>-<n>.log`). The log writer cuts there and says so
 *   in the log; the Docker station stops delivering a stream after the same many bytes, so
 *   no more than that crosses from the engine.
 * - `OUTPUT_TAIL_CHARS`: characters of the output's tail a result carries in memory and in
 *   the evidence (`ExecResult.output`, `CommandResult.outputTail`, an agent's `outputTail`).
 * - `INLINE_TAIL_CHARS`: characters of that tail shown inline, in evidence Markdown and in
 *   the feedback a revise round gives the implementing agent.
 *
 * The panel's own display cap (src/host/run/panel-gatekeeper.ts) is the panel's concern.
 */
export const LOG_FILE_CAP_BYTES = 16 * 1024 * 1024;

/** See the module comment: characters of output tail a result and the evidence carry. */
export const OUTPUT_TAIL_CHARS = 20_000;

/** See the module comment: characters of output tail shown inline (Markdown, revise feedback). */
export const INLINE_TAIL_CHARS = 4000;

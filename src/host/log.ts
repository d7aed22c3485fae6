import * as vscode from 'vscode';
import type { Logger } from '../core/ports';

/**
 * The "Shopfloor" output channel. A LogOutputChannel, so the user picks the level with
 * "Developer: Set Log Level" and every line carries its timestamp and level.
 */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Shopfloor', { log: true });
}

/** Adapts the output channel to core's Logger port. */
export function asLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    trace: (m, ...a) => channel.trace(m, ...a),
    debug: (m, ...a) => channel.debug(m, ...a),
    info: (m, ...a) => channel.info(m, ...a),
    warn: (m, ...a) => channel.warn(m, ...a),
    error: (m, ...a) => channel.error(m, ...a),
  };
}

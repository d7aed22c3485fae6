/**
 * A small stand-in for the `vscode` module, so host code that is mostly glue (the run
 * controller, the panel gatekeeper) runs in unit tests without an editor. It implements
 * only what that code calls, and records what a person would have seen (messages, the
 * commands executed). Install it before the host module is first required:
 * `installVscodeStub()`; the real editor is covered by the e2e tier (code-server).
 */
import Module from 'node:module';
import { join } from 'node:path';

type Listener<T> = (e: T) => void;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  token = { isCancellationRequested: false, onCancellationRequested: (l: () => void) => this.emitter.event(l) };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

/** What the stub was asked to show; tests read and reset it. */
export const seen = {
  messages: [] as string[],
  commands: [] as string[],
  modalAnswer: undefined as string | undefined,
  /** Quick picks shown: their items (label and description). */
  picks: [] as Array<Array<{ label: string; description?: string }>>,
  /** The label a quick pick accepts; undefined: its active item; null: the person presses Escape. */
  pickAnswer: undefined as string | null | undefined,
};

/** A quick pick that answers at once as `seen.pickAnswer` says. */
function createQuickPick<T extends { label: string; description?: string }>() {
  const accept = new EventEmitter<void>();
  const hide = new EventEmitter<void>();
  const qp = {
    title: '',
    placeholder: '',
    items: [] as T[],
    activeItems: [] as T[],
    selectedItems: [] as T[],
    onDidAccept: accept.event,
    onDidHide: hide.event,
    show: () => {
      seen.picks.push(qp.items.map((i) => ({ label: i.label, description: i.description })));
      setImmediate(() => {
        if (seen.pickAnswer === null) return hide.fire();
        const chosen = seen.pickAnswer === undefined ? qp.activeItems[0] : qp.items.find((i) => i.label === seen.pickAnswer);
        qp.selectedItems = chosen ? [chosen] : [];
        accept.fire();
      });
    },
    hide: () => hide.fire(),
    dispose: () => undefined,
  };
  return qp;
}

/** SecretStorage in memory. */
export class MemorySecrets {
  private readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

const message = (kind: string) => async (text: string, ...rest: unknown[]) => {
  seen.messages.push(`${kind}: ${text}`);
  const modal = typeof rest[0] === 'object' && rest[0] !== null && (rest[0] as { modal?: boolean }).modal;
  return modal ? seen.modalAnswer : undefined;
};

export const stub = {
  EventEmitter,
  CancellationTokenSource,
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  Uri: { file: (fsPath: string) => ({ fsPath, scheme: 'file', path: fsPath }) },
  workspace: {
    isTrusted: true,
    workspaceFolders: [] as Array<{ uri: { fsPath: string }; name: string; index: number }>,
    getConfiguration: () => ({ get: <T>(_key: string, dflt?: T) => dflt, inspect: () => undefined }),
    // A watcher that never fires (the Blueprints view refreshes on adoption records changing).
    createFileSystemWatcher: () => ({ onDidCreate: () => ({ dispose: () => undefined }), onDidChange: () => ({ dispose: () => undefined }), onDidDelete: () => ({ dispose: () => undefined }), dispose: () => undefined }),
    onDidChangeConfiguration: () => ({ dispose: () => undefined }),
  },
  window: {
    showInformationMessage: message('info'),
    showWarningMessage: message('warning'),
    showErrorMessage: message('error'),
    createQuickPick,
    withProgress: async <R>(_o: unknown, task: (p: { report(v: unknown): void }, t: CancellationTokenSource['token']) => Promise<R>) => task({ report: () => undefined }, new CancellationTokenSource().token),
  },
  commands: {
    executeCommand: async (id: string) => {
      seen.commands.push(id);
      return undefined;
    },
  },
};

let installed = false;

/** Makes `require('vscode')` return the stub (idempotent). */
export function installVscodeStub(): typeof stub {
  if (installed) return stub;
  installed = true;
  const path = join(__dirname, '__vscode_stub__.js');
  const m = new Module(path);
  m.filename = path;
  m.loaded = true;
  m.exports = stub;
  (Module as unknown as { _cache: Record<string, Module> })._cache[path] = m;
  const original = (Module as unknown as { _resolveFilename: (...a: unknown[]) => string })._resolveFilename;
  (Module as unknown as { _resolveFilename: (...a: unknown[]) => string })._resolveFilename = function (request: unknown, ...rest: unknown[]) {
    if (request === 'vscode') return path;
    return original.call(this, request, ...rest);
  };
  return stub;
}

/** A Memento in memory (workspaceState). */
export class MemoryMemento {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string, dflt?: T): T {
    return (this.values.has(key) ? this.values.get(key) : dflt) as T;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
  keys(): string[] {
    return [...this.values.keys()];
  }
}

/** A LogOutputChannel that keeps its lines. */
export function memoryLog() {
  const lines: string[] = [];
  const at = (level: string) => (m: string | Error) => lines.push(`${level} ${m instanceof Error ? m.message : m}`);
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), show: () => undefined, dispose: () => undefined };
}

// A do-nothing `vscode` module for timing the extension's activation outside VS Code: every
// member is a callable, constructible proxy, so activate() runs its own code and nothing else.
const Module = require('node:module');
const make = (fixed = {}) => new Proxy(function () {}, { get: (_t, k) => (k in fixed ? fixed[k] : k === 'then' ? undefined : k === Symbol.toPrimitive ? () => '' : make()), set: () => true, apply: () => make(), construct: () => make() });
const vscode = {};
for (const k of ['window', 'workspace', 'commands', 'env', 'extensions', 'languages', 'l10n', 'Uri', 'CancellationTokenSource', 'ProgressLocation', 'ViewColumn', 'Disposable', 'StatusBarAlignment', 'TreeItemCollapsibleState', 'ThemeColor', 'MarkdownString', 'lm', 'tests']) vscode[k] = make();
vscode.workspace = make({ workspaceFolders: undefined, isTrusted: true });
vscode.TreeItem = class {};
vscode.ThemeIcon = class {};
vscode.EventEmitter = class { constructor() { this.event = () => ({ dispose() {} }); } fire() {} dispose() {} };
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};
module.exports = { make };

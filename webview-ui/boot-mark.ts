// The first module main.ts imports, so it runs before the rest of the bundle is evaluated
// (ES modules evaluate in import order): bench/panel/code-server.ts reads this mark to split
// the panel's first paint into fetching the script and evaluating it.
performance.mark('shopfloor:script-start');

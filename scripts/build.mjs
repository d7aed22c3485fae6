// Builds Shopfloor's two bundles with esbuild (style.md "Build"):
//  - dist/extension.js and dist/cli.js: node, cjs, `vscode` external. dockerode and its
//    ssh2/cpu-features dependencies stay external because dockerode loads .proto files
//    relative to its own folder at run time; they ship from node_modules.
//  - dist/webview/main.js: browser, esm, for the panel.
// Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Packages that stay out of the node bundles and ship from node_modules. */
const nodeExternals = ['vscode', 'dockerode', 'docker-modem', 'ssh2', 'cpu-features'];

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

/**
 * zod's classic API re-exports all 64 of its locales (`export * as locales`), which is half
 * of the panel's bundle; the panel only ever reports errors in English (zod's default,
 * imported directly by its schemas module), and so do the CLI and the extension. This
 * resolves zod's locales index to its `en` module, in every bundle.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), args.path.replace(/index\.js$/, 'en.js')) } : undefined,
    );
  },
};

/**
 * The extension's services (src/host/wiring.ts) are their own bundle, dist/host.js, loaded
 * by src/extension.ts's `require('./host/wiring')` on the first command: activation then
 * loads a few kilobytes instead of the whole host, engine and zod (issue 14 "Start-up cost").
 */
const hostApart = {
  name: 'host-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/host\/wiring$/ }, (args) => (/[\\/]src[\\/]extension\.ts$/.test(args.importer) ? { path: './host.js', external: true } : undefined));
  },
};

const nodeBuild = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: nodeExternals,
  // jsonc-parser's "main" is a UMD build whose dynamic requires esbuild cannot follow;
  // its ESM build ("module") bundles cleanly.
  mainFields: ['module', 'main'],
  entryPoints: { extension: 'src/extension.ts', host: 'src/host/wiring.ts', cli: 'src/cli/main.ts' },
  outdir: 'dist',
  define: { SHOPFLOOR_VERSION: JSON.stringify(pkg.version) },
  banner: { js: '' },
  plugins: [zodEnglishOnly, hostApart],
};

const webviewBuild = {
  ...common,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  entryPoints: { main: 'webview-ui/main.ts' },
  outdir: 'dist/webview',
  loader: { '.css': 'css' },
  plugins: [zodEnglishOnly],
};

mkdirSync('dist/webview', { recursive: true });
cpSync('webview-ui/panel.css', 'dist/webview/panel.css');
// Codicons (the editor's own icon font) ship beside the panel's script, inside its localResourceRoots.
for (const f of ['codicon.css', 'codicon.ttf']) cpSync(join('node_modules', '@vscode', 'codicons', 'dist', f), join('dist', 'webview', f));

if (watch) {
  const contexts = await Promise.all([esbuild.context(nodeBuild), esbuild.context(webviewBuild)]);
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all([esbuild.build(nodeBuild), esbuild.build(webviewBuild)]);
}

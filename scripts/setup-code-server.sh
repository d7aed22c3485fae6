#!/usr/bin/env bash
# Installs code-server (real VS Code served to a browser) into .cache/code-server for
# the e2e tests and the README's main job when no `code` command exists. Idempotent.
# Recipe: ../shared/environment.md "A real VS Code for end-to-end tests".
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${SHOPFLOOR_CODE_SERVER_VERSION:-4.100.3}" # 4.100.x is the last line on Node 20
DIR=.cache/code-server
BIN="$DIR/node_modules/.bin/code-server"
if [ -x "$BIN" ] && [ -e "$DIR/node_modules/code-server/lib/vscode/node_modules.asar" ] \
   && grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/code-server/package.json"; then
  echo "[setup] code-server $VERSION ready"; exit 0
fi
# code-server's bundled @vscode/ripgrep downloads rg at install; seed its cache with Debian's rg.
d="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
if [ ! -f "$d/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
  command -v rg >/dev/null || { echo "[setup] ripgrep missing: run scripts/setup-system.sh"; exit 1; }
  mkdir -p "$d/x" && cp "$(command -v rg)" "$d/x/rg" && tar -C "$d/x" -czf "$d/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
fi
rm -rf "$DIR" && mkdir -p "$DIR"
echo '{"name":"shopfloor-code-server","private":true}' >"$DIR/package.json"
echo "[setup] installing code-server $VERSION (builds native modules; about a minute)"
# npm 11 runs no install scripts unless allowed; code-server's postinstall installs VS Code's
# own dependencies, so allow them for this private folder only.
( cd "$DIR" && npm_config_dangerously_allow_all_scripts=true npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION" >/tmp/shopfloor-code-server-install.log 2>&1 ) \
  || { tail -40 /tmp/shopfloor-code-server-install.log; exit 1; }
echo "[setup] code-server $VERSION ready"

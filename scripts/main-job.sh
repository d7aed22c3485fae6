#!/usr/bin/env bash
# The README's main job (`npm start`): builds and packages Shopfloor, makes a sample
# brownfield repository from ../shared/brownfield (minimist@1.2.5, a real package with a
# published prototype-pollution advisory), and opens it with Shopfloor installed: in the
# user's VS Code when `code` exists, otherwise in a local code-server (URL printed).
# With --headless it runs the whole line on the sample instead (scripts/main-headless.sh).
# Usage: scripts/main-job.sh [--port N] [--no-open] [--headless [--agent claude]]
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=8080 OPEN=1
while [ $# -gt 0 ]; do
  case $1 in --port) PORT=$2; shift 2;; --no-open) OPEN=0; shift;; --headless) shift; exec bash scripts/main-headless.sh "$@";; *) echo "unknown option $1"; exit 2;; esac
done

bash scripts/ensure-deps.sh
npm run --silent package >/dev/null
echo "[main] built dist/shopfloor.vsix ($(du -k dist/shopfloor.vsix | cut -f1) KiB)"

BROWNFIELD=$(bash scripts/brownfield-dir.sh)
DEMO=.shopfloor-demo/minimist
if [ ! -d "$DEMO/.git" ]; then
  [ -x "$BROWNFIELD/materialize.sh" ] || [ -f "$BROWNFIELD/materialize.sh" ] || { echo "[main] $BROWNFIELD/materialize.sh not found (set SHOPFLOOR_BROWNFIELD)"; exit 1; }
  bash "$BROWNFIELD/materialize.sh" minimist 1.2.5 "$DEMO"
fi
mkdir -p "$DEMO/.shopfloor/packets"
# The advisory the user would paste, as the seed for "Shopfloor: Draft Task Packet".
node -e '
const c = require(process.argv[1]).cases.find((x) => x.id === "minimist-function-prototype-pollution");
require("fs").writeFileSync(process.argv[2], c.seed + "\n");
' "$(realpath "$BROWNFIELD/cases.json")" "$DEMO/.shopfloor/seed-advisory.txt"
echo "[main] sample brownfield repository: $(realpath "$DEMO")"

[ "$OPEN" = 1 ] || exit 0
if command -v code >/dev/null 2>&1; then
  code --install-extension dist/shopfloor.vsix --force
  code "$(realpath "$DEMO")"
  echo "[main] opened in VS Code: run \"Shopfloor: Open Panel\" from the command palette"
else
  bash scripts/setup-code-server.sh
  DATA=.cache/code-server-user
  BIN=.cache/code-server/node_modules/.bin/code-server
  mkdir -p "$DATA/data" "$DATA/extensions"
  "$BIN" --user-data-dir "$DATA/data" --extensions-dir "$DATA/extensions" --install-extension dist/shopfloor.vsix --force >/dev/null
  echo "[main] open http://127.0.0.1:$PORT/?folder=$(realpath "$DEMO") and run \"Shopfloor: Open Panel\" (Ctrl+Shift+P)"
  exec "$BIN" --auth none --bind-addr "127.0.0.1:$PORT" --user-data-dir "$DATA/data" --extensions-dir "$DATA/extensions" \
    --disable-telemetry --disable-update-check "$(realpath "$DEMO")"
fi

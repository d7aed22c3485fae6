#!/usr/bin/env bash
# Installs the project's npm dependencies when package-lock.json changed since the last
# install (or node_modules is missing). Idempotent and quiet when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.shopfloor-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

#!/usr/bin/env bash
# Usage: derive-touches.sh PACKAGE VULNERABLE FIXED
# Packs both published versions from the npm registry, extracts them and prints the files
# that differ (A/M/D + path, relative to the package root), then the diffstat. The corpus's
# `touches` is chosen from this list by hand: the implementation files whose change is the
# fix (package.json version bumps, changelogs, tests and dist duplicates are left out).
# Tarballs are cached in ${SHOPFLOOR_CORPUS_CACHE:-$TMPDIR/shopfloor-advisory-corpus}.
set -euo pipefail
pkg=$1 vuln=$2 fixed=$3
cache=${SHOPFLOOR_CORPUS_CACHE:-${TMPDIR:-/tmp}/shopfloor-advisory-corpus}
safe=${pkg//\//+}
fetch() {
  local ver=$1 dir="$cache/src/$safe@$1"
  if [ ! -d "$dir" ]; then
    mkdir -p "$cache/tgz" "$dir.part"
    local tgz
    tgz=$(cd "$cache/tgz" && npm pack --silent "$pkg@$ver" | tail -n1)
    tar -xzf "$cache/tgz/$tgz" -C "$dir.part" --strip-components=1
    mv "$dir.part" "$dir"
  fi
  echo "$dir"
}
a=$(fetch "$vuln")
b=$(fetch "$fixed")
{ diff -rq "$a" "$b" || true; } | sed -E "s#^Files $a/(.*) and $b/.* differ#M \1#; s#^Only in $a(/?)(.*): (.*)#D \2\1\3#; s#^Only in $b(/?)(.*): (.*)#A \2\1\3#" | sed -E 's#^([AMD]) /#\1 #' | sort -k2
echo '--- changed lines per file (+added -removed)'
(cd "$cache/src" && diff -ruN "$safe@$vuln" "$safe@$fixed" || true) | awk '
  /^\+\+\+ / { f = $2; sub(/^[^\/]*\//, "", f); next }
  /^--- / { next }
  /^\+/ { add[f]++ } /^-/ { del[f]++ }
  END { for (k in add) seen[k] = 1; for (k in del) seen[k] = 1; for (k in seen) printf "%5d +%-4d -%-4d %s\n", add[k] + del[k], add[k], del[k], k }' | sort -k4

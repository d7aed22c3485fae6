#!/usr/bin/env bash
# The README's test command (`npm test`): sets up what the tests need, then runs the
# three tiers (unit, integration, e2e) and prints one closing line per tier plus a total.
# Usage: scripts/test.sh [unit] [integration] [e2e]   (no argument: all three)
set -uo pipefail
cd "$(dirname "$0")/.."
tiers=("$@"); [ ${#tiers[@]} -eq 0 ] && tiers=(unit integration e2e)
has() { local t; for t in "${tiers[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

set -e
bash scripts/ensure-deps.sh
if has integration || has e2e; then bash scripts/setup-system.sh; fi
if has e2e; then bash scripts/setup-code-server.sh; fi
npm run --silent typecheck
if has e2e; then npm run --silent package >/dev/null; else npm run --silent build >/dev/null; fi
set +e

status=0; passed=0; failed=0; skipped=0
for tier in unit integration e2e; do
  has "$tier" || continue
  echo "== $tier tests =="
  log=$(mktemp)
  SHOPFLOOR_TEST_TIER=$tier npx mocha --config "test/.mocharc.$tier.json" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E "^$tier: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
  if [ -n "$line" ]; then
    passed=$((passed + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
    skipped=$((skipped + $(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")))
  else
    failed=$((failed + 1)) # the tier did not even report: count it as a failure
  fi
  [ "$rc" -ne 0 ] && status=1
  rm -f "$log"
done
echo
echo "total: $passed passed, $failed failed, $skipped skipped"
exit $status

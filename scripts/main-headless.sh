#!/usr/bin/env bash
# The main job, headless (`npm start -- --headless`): on the sample brownfield case
# (minimist 1.2.5, a real prototype-pollution advisory from ../shared/brownfield), it
# drafts the task packet from the advisory text, approves it, runs it through the
# cve-remediation blueprint in Docker devcontainers with the unattended policy, and prints
# the terminal state and where the evidence is. The implement station is a stand-in for an
# agent: a command that applies the published upstream fix (the 1.2.5 -> 1.2.6 diff of the
# file the real fix touched).
# With `--agent claude` and ANTHROPIC_API_KEY in the environment, the implement station is
# the real Claude Code CLI in the devcontainer instead, reaching the model through the run's
# model proxy (the key stays on the host); without a key it says so and uses the stand-in.
set -euo pipefail
cd "$(dirname "$0")/.."
AGENT_CLI=""
while [ $# -gt 0 ]; do
  case $1 in --agent) AGENT_CLI=$2; shift 2;; *) echo "unknown option $1 (expected --agent claude)"; exit 2;; esac
done
if [ -n "$AGENT_CLI" ] && [ "$AGENT_CLI" != claude ] && [ "$AGENT_CLI" != claude-code ]; then echo "[main] --agent $AGENT_CLI: only claude is wired for the headless job"; exit 2; fi
BROWNFIELD=$(bash scripts/brownfield-dir.sh)
CASE=${SHOPFLOOR_CASE:-minimist-function-prototype-pollution}

bash scripts/ensure-deps.sh
bash scripts/setup-system.sh docker
npm run --silent build >/dev/null
CLI="node dist/cli.js"

read -r PKG VULN FIXED TOUCHES < <(node -e '
const c = require(process.argv[1]).cases.find((x) => x.id === process.argv[2]);
if (!c) { console.error("no case " + process.argv[2]); process.exit(2); }
console.log(c.package, c.vulnerable, c.fixed, c.touches.join(","));
' "$(realpath "$BROWNFIELD/cases.json")" "$CASE")

DEMO=.shopfloor-demo/headless-$PKG-$VULN
rm -rf "$DEMO" && mkdir -p "$DEMO"
bash "$BROWNFIELD/materialize.sh" "$PKG" "$VULN" "$DEMO/repo" >/dev/null
bash "$BROWNFIELD/materialize.sh" "$PKG" "$FIXED" "$DEMO/fixed" >/dev/null
node -e '
const c = require(process.argv[1]).cases.find((x) => x.id === process.argv[2]);
require("fs").writeFileSync(process.argv[3], c.seed + "\n");
' "$(realpath "$BROWNFIELD/cases.json")" "$CASE" "$DEMO/seed.txt"
echo "[main] sample repository: $(realpath "$DEMO/repo") ($PKG@$VULN)"

$CLI draft --repo "$DEMO/repo" --seed-file "$DEMO/seed.txt" --seed-kind advisory --json >"$DEMO/packet.json"
echo "[main] drafted $DEMO/packet.json"
$CLI approve "$DEMO/packet.json" --by "${SHOPFLOOR_APPROVER:-Shopfloor demo <demo@localhost>}"

# The stand-in agent: git apply of the upstream fix inside the station.
( cd "$DEMO" && rm -rf scratch && git clone -q repo scratch && IFS=, && for f in $TOUCHES; do cp "fixed/$f" "scratch/$f"; done \
  && cd scratch && git diff --no-color >../upstream-fix.patch )
AGENT=$(node -e '
const patch = require("fs").readFileSync(process.argv[1], "utf8");
console.log(JSON.stringify(["node", "-e", "require(\"child_process\").execFileSync(\"git\", [\"apply\", \"--whitespace=nowarn\", \"-\"], { input: process.argv[1], stdio: [\"pipe\", \"inherit\", \"inherit\"] })", patch]));
' "$DEMO/upstream-fix.patch")

AGENT_ARGS=(--agent-command "$AGENT")
if [ -n "$AGENT_CLI" ]; then
  if [ -n "${ANTHROPIC_API_KEY:-}" ]; then
    AGENT_ARGS=(--agent claude)
    echo "[main] implement station: Claude Code (its key stays on the host, behind the run's model proxy)"
  else
    echo "[main] --agent claude: ANTHROPIC_API_KEY is not set, so the implement station is the stand-in command (the upstream fix), not an agent"
  fi
else
  echo "[main] implement station: a stand-in command that applies the upstream fix (npm start -- --headless --agent claude for Claude Code)"
fi
set +e
$CLI run --repo "$DEMO/repo" --packet "$DEMO/packet.json" --unattended "${AGENT_ARGS[@]}" --json >"$DEMO/summary.json"
rc=$?
set -e
node -e '
const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`[main] ${s.terminalState} (${s.reason}) run ${s.runId}`);
console.log(`[main] evidence: ${s.evidenceMarkdown}`);
if (s.output && s.output.branch) console.log(`[main] branch ${s.output.branch} in ${process.argv[2]}`);
' "$DEMO/summary.json" "$(realpath "$DEMO/repo")"
exit $rc

#!/usr/bin/env bash
# Prints the folder of brownfield cases to use: $SHOPFLOOR_BROWNFIELD when set, else
# ../shared/brownfield beside this checkout when it is there, else samples/brownfield
# (a copy committed with the project), so a clone anywhere finds its cases.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${SHOPFLOOR_BROWNFIELD:-}" ]; then echo "$SHOPFLOOR_BROWNFIELD"
elif [ -f "$root/../shared/brownfield/cases.json" ]; then echo "$(cd "$root/../shared/brownfield" && pwd)"
else echo "$root/samples/brownfield"; fi

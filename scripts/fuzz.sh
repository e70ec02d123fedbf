#!/usr/bin/env bash
# scripts/fuzz.sh — runs every Fuzz* target in the module for FUZZTIME (default 20s) each.
# A failing input is written by Go to testdata/fuzz/FuzzXxx/ in its package: commit it
# as a regression case once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
TAGS=${TAGS:-migrated_fynedo}
FUZZTIME=${FUZZTIME:-20s}

failed=()
ran=0
for pkg in $(go list -tags "$TAGS" ./...); do
	# -list prints matching names, then "ok <pkg> <time>" ("?" lines when no test files).
	listing=$(go test -tags "$TAGS" -list '^Fuzz' "$pkg") || { echo "fuzz: cannot list $pkg" >&2; exit 1; }
	names=$(grep -E '^Fuzz[A-Za-z0-9_]*$' <<<"$listing" || true)
	for name in $names; do
		echo "fuzz: $pkg $name ($FUZZTIME)"
		ran=$((ran + 1))
		if ! go test -tags "$TAGS" -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg"; then
			failed+=("$pkg.$name")
		fi
	done
done
if ((${#failed[@]} > 0)); then
	echo "fuzz: FAIL: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz: ok ($ran targets, $FUZZTIME each)"

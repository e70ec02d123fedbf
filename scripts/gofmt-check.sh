#!/usr/bin/env bash
# scripts/gofmt-check.sh — fails, listing them, if any Go file needs gofmt.
# Checks the files git knows of (tracked, plus new ones not ignored); outside a git
# work tree, every .go file below the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	while IFS= read -r -d '' f; do
		[[ -f "$f" ]] && files+=("$f") # skip tracked files deleted in the work tree
	done < <(git ls-files -z --cached --others --exclude-standard -- '*.go')
else
	while IFS= read -r -d '' f; do files+=("$f"); done < <(find . -name '*.go' -not -path './.git/*' -print0)
fi
((${#files[@]} > 0)) || { echo "gofmt: no Go files"; exit 0; }

unformatted=$(gofmt -l "${files[@]}")
if [[ -n "$unformatted" ]]; then
	echo "gofmt: these files need formatting (run: gofmt -w FILE):" >&2
	echo "$unformatted" | sed 's/^/  /' >&2
	exit 1
fi
echo "gofmt: ok (${#files[@]} files)"

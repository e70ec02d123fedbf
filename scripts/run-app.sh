#!/usr/bin/env bash
# scripts/run-app.sh [ARGS...] — starts bin/ecabinet, with a readable hint instead of
# GLFW's error when there is no display to open a window on.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
	cat >&2 <<HINT
run: no display (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app cannot open
     a window. Either run it on a virtual X server:
         xvfb-run -a -s '-screen 0 1280x800x24' ./bin/ecabinet $*
     (make smoke does that and saves a screenshot to build/smoke.png),
     or, for a headless subcommand, call the binary directly:
         ./bin/ecabinet --profile DIR SUBCOMMAND ...
HINT
	exit 1
fi
exec ./bin/ecabinet "$@"

#!/usr/bin/env bash
# scripts/smoke.sh — end-to-end smoke test of the desktop app under a private Xvfb.
#
#  1. builds bin/ecabinet;
#  2. in a temporary HOME and profile (ECABINET_PASSPHRASE=smoke-test-passphrase)
#     runs `ecabinet --profile $P sample` (headless: creates the profile, loads the
#     sample committee);
#  3. starts Xvfb on a free display, waits until it answers xdpyinfo;
#  4. starts the app there, waits for a window named eCabinet, lets it render,
#     screenshots the screen into build/smoke.png and checks it is not blank;
#  5. sends SIGTERM and expects exit status 0 within 15 s;
#  6. fails on "Error in Fyne call thread", "panic:" or "DATA RACE" in the app's log.
#
# Env: SMOKE_RACE=1 builds the app with -race (into build/ecabinet-race) so that data
#      races in the running GUI are reported; SMOKE_KEEP=1 keeps the temp dir.
# The app's log is kept in build/smoke.log.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
TAGS=${TAGS:-migrated_fynedo}

IMPORT=/usr/bin/import # the real ImageMagick, not a stand-in earlier on PATH
CONVERT=/usr/bin/convert
IDENTIFY=/usr/bin/identify

fail() {
	echo "smoke: FAIL: $*" >&2
	exit 1
}

for tool in Xvfb xdpyinfo xdotool "$IMPORT" "$CONVERT" "$IDENTIFY"; do
	command -v "$tool" >/dev/null 2>&1 ||
		fail "$tool not found; run scripts/deps.sh test (or: make deps)"
done

mkdir -p build bin
if [[ "${SMOKE_RACE:-0}" == 1 ]]; then
	BIN=$ROOT/build/ecabinet-race
	go build -race -tags "$TAGS" -o "$BIN" .
else
	BIN=$ROOT/bin/ecabinet
	go build -tags "$TAGS" -o "$BIN" .
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ecabinet-smoke.XXXXXX")
XVFB_PID=
APP_PID=
LOG=$TMP/app.log

cleanup() {
	local rc=$?
	if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
		kill -KILL "$APP_PID" 2>/dev/null || true
		wait "$APP_PID" 2>/dev/null || true
	fi
	if [[ -n "$XVFB_PID" ]] && kill -0 "$XVFB_PID" 2>/dev/null; then
		kill -TERM "$XVFB_PID" 2>/dev/null || true
		for _ in $(seq 1 20); do kill -0 "$XVFB_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$XVFB_PID" 2>/dev/null || true
		wait "$XVFB_PID" 2>/dev/null || true
	fi
	[[ -f "$LOG" ]] && cp "$LOG" "$ROOT/build/smoke.log" 2>/dev/null || true
	if [[ "${SMOKE_KEEP:-0}" == 1 ]]; then
		echo "smoke: kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {
	echo "---- app log (last 60 lines) ----" >&2
	tail -n 60 "$LOG" >&2 2>/dev/null || true
	echo "---- end of app log ----" >&2
}

# A private environment: own HOME and XDG dirs (Fyne's preferences collide
# otherwise), no session bus or Wayland of the developer's desktop.
export HOME=$TMP/home
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share XDG_CACHE_HOME=$HOME/.cache
export XDG_RUNTIME_DIR=$TMP/run
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
export ECABINET_PASSPHRASE=smoke-test-passphrase
P=$TMP/profile

# --- 1. headless: create the profile and load the sample committee ----------
echo "smoke: ecabinet --profile \$P sample"
if ! "$BIN" --profile "$P" sample </dev/null >"$TMP/sample.log" 2>&1; then
	cat "$TMP/sample.log" >&2
	fail "'ecabinet --profile \$P sample' failed"
fi

# --- 2. Xvfb on a free display -----------------------------------------------
XVFB_LOG=$TMP/xvfb.log
DISP=
for n in $(seq 99 140); do
	[[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] && continue
	Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp -noreset >"$XVFB_LOG" 2>&1 &
	XVFB_PID=$!
	# Wait up to ~10 s for the server to answer.
	for _ in $(seq 1 100); do
		if xdpyinfo -display ":$n" >/dev/null 2>&1; then
			DISP=:$n
			break
		fi
		kill -0 "$XVFB_PID" 2>/dev/null || break # died (display taken meanwhile?)
		sleep 0.1
	done
	[[ -n "$DISP" ]] && break
	kill -KILL "$XVFB_PID" 2>/dev/null || true
	wait "$XVFB_PID" 2>/dev/null || true
	XVFB_PID=
done
if [[ -z "$DISP" ]]; then
	cat "$XVFB_LOG" >&2 2>/dev/null || true
	fail "could not start Xvfb on any display :99-:140"
fi
export DISPLAY=$DISP
echo "smoke: Xvfb on $DISPLAY"

# --- 3. the desktop app -------------------------------------------------------
FYNE_THEME=light LANG=vi_VN.UTF-8 "$BIN" --profile "$P" </dev/null >"$LOG" 2>&1 &
APP_PID=$!

WID=
for _ in $(seq 1 120); do # up to 60 s
	WID=$(xdotool search --onlyvisible --name eCabinet 2>/dev/null | head -n 1 || true)
	[[ -n "$WID" ]] && break
	if ! kill -0 "$APP_PID" 2>/dev/null; then
		rc=0
		wait "$APP_PID" || rc=$?
		APP_PID=
		show_log
		fail "app exited (status $rc) before showing a window named eCabinet"
	fi
	sleep 0.5
done
if [[ -z "$WID" ]]; then
	show_log
	fail "no window named eCabinet within 60 s"
fi
echo "smoke: window $WID: $(xdotool getwindowname "$WID" 2>/dev/null || true)"
sleep 3 # let it render

# --- 4. screenshot, not blank -------------------------------------------------
"$IMPORT" -display "$DISPLAY" -window root "$ROOT/build/smoke.png" ||
	fail "screenshot failed"
# Judge the window's own area where its geometry is known (a blank window on the
# black root would otherwise look "varied"), else the whole screen.
region=
if geo=$(xdotool getwindowgeometry --shell "$WID" 2>/dev/null); then
	X=$(sed -n 's/^X=//p' <<<"$geo"); Y=$(sed -n 's/^Y=//p' <<<"$geo")
	W=$(sed -n 's/^WIDTH=//p' <<<"$geo"); H=$(sed -n 's/^HEIGHT=//p' <<<"$geo")
	if [[ "$W" =~ ^[0-9]+$ && "$H" =~ ^[0-9]+$ && "$X" =~ ^-?[0-9]+$ && "$Y" =~ ^-?[0-9]+$ ]] &&
		((W > 0 && H > 0)); then
		((X < 0)) && X=0
		((Y < 0)) && Y=0
		region="${W}x${H}+${X}+${Y}"
	fi
fi
if [[ -n "$region" ]]; then
	stats=$("$CONVERT" "$ROOT/build/smoke.png" -crop "$region" +repage \
		-format '%k %[fx:standard_deviation]' info:)
else
	stats=$("$IDENTIFY" -format '%k %[fx:standard_deviation]' "$ROOT/build/smoke.png")
fi
colours=${stats%% *}
stddev=${stats#* }
echo "smoke: screenshot ${region:-whole screen}: $colours colours, std dev $stddev"
if ! [[ "$colours" =~ ^[0-9]+$ ]] || ((colours <= 10)) ||
	! awk -v s="$stddev" 'BEGIN { exit !(s > 0.005) }'; then
	show_log
	fail "screenshot looks blank (colours=$colours, std dev=$stddev); see build/smoke.png"
fi

# --- 5. SIGTERM -> exit 0 -----------------------------------------------------
kill -0 "$APP_PID" 2>/dev/null || {
	rc=0
	wait "$APP_PID" || rc=$?
	APP_PID=
	show_log
	fail "app exited by itself (status $rc) after showing its window"
}
kill -TERM "$APP_PID"
for _ in $(seq 1 150); do # up to 15 s
	kill -0 "$APP_PID" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$APP_PID" 2>/dev/null; then
	show_log
	fail "app still running 15 s after SIGTERM"
fi
rc=0
wait "$APP_PID" || rc=$?
APP_PID=
if ((rc != 0)); then
	show_log
	fail "app exited with status $rc on SIGTERM (want 0)"
fi

# --- 6. the log ---------------------------------------------------------------
if grep -nE 'Error in Fyne call thread|panic:|DATA RACE' "$LOG" >&2; then
	show_log
	fail "app log has errors (above)"
fi

echo "smoke: ok (window shown, screenshot build/smoke.png)"

#!/usr/bin/env bash
# scripts/deps.sh [build|test|all]
#
# Makes sure the machine has what building (build) or testing (test, all) eCabinet
# needs: Debian packages, checked with dpkg-query and installed with apt-get only
# when some are missing, and, for test/all, staticcheck at a pinned version in
# $(go env GOPATH)/bin, and the test servers (scripts/test-servers.sh install:
# PostgreSQL, versitygw). When everything is present it makes no apt or network call.
#
# Not root and no passwordless sudo: prints the command to run and exits 1.
set -euo pipefail

# staticcheck release pinned for Go 1.26 (2026.2.2 == module v0.8.2).
STATICCHECK_MODULE=honnef.co/go/tools/cmd/staticcheck
STATICCHECK_VERSION=v0.8.2

BUILD_PKGS=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev)
TEST_PKGS=(xvfb xauth x11-apps x11-utils xdotool imagemagick poppler-utils
	gcc-mingw-w64-x86-64)

mode=${1:-all}
case "$mode" in
build) pkgs=("${BUILD_PKGS[@]}"); want_staticcheck=0 ;;
test | all) pkgs=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"); want_staticcheck=1 ;;
-h | --help)
	echo "usage: $0 [build|test|all]"
	exit 0
	;;
*)
	echo "usage: $0 [build|test|all]" >&2
	exit 2
	;;
esac

log() { echo "deps: $*" >&2; }

# --- Debian packages --------------------------------------------------------
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
	for p in "${pkgs[@]}"; do
		# Second letter "i" = installed ("ii", or "hi" when held). Anything else
		# (not known, "rc" removed, half-installed) counts as missing.
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		if [[ "${status:1:1}" != i ]]; then
			missing+=("$p")
		fi
	done
else
	log "dpkg-query not found: not a Debian/Ubuntu system; cannot check packages."
	log "make sure the equivalents of these are installed: ${pkgs[*]}"
fi

if ((${#missing[@]} > 0)); then
	log "missing packages: ${missing[*]}"
	install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
	if [[ $(id -u) -eq 0 ]]; then
		sudo_cmd=()
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo_cmd=(sudo -n)
	else
		log "not root and no passwordless sudo; run this, then try again:"
		echo "  sudo sh -c '$install_cmd'" >&2
		exit 1
	fi
	"${sudo_cmd[@]}" apt-get update
	"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
	log "installed: ${missing[*]}"
fi

# --- staticcheck ------------------------------------------------------------
if ((want_staticcheck)); then
	if ! command -v go >/dev/null 2>&1; then
		log "go not found on PATH"
		exit 1
	fi
	gopath=$(go env GOPATH)
	gobin="${gopath%%:*}/bin" # first GOPATH entry
	sc="$gobin/staticcheck"
	# `staticcheck -version` prints e.g. "staticcheck 2026.2.2 (0.8.2)".
	if [[ -x "$sc" ]] && "$sc" -version 2>/dev/null | grep -qF "(${STATICCHECK_VERSION#v})"; then
		: # present at the pinned version
	else
		log "installing $STATICCHECK_MODULE@$STATICCHECK_VERSION into $gobin"
		mkdir -p "$gobin"
		# Run outside the module so its go.mod/GOFLAGS play no part.
		(cd / && GOBIN="$gobin" GOFLAGS= go install "$STATICCHECK_MODULE@$STATICCHECK_VERSION")
		"$sc" -version >&2
	fi
fi

# --- test servers (PostgreSQL, versitygw) for the scaled-out hub's tests ----
if ((want_staticcheck)); then
	bash "$(dirname "${BASH_SOURCE[0]}")/test-servers.sh" install
fi

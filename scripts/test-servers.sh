#!/usr/bin/env bash
# scripts/test-servers.sh install | run [--] CMD [ARGS...]
#
# The servers the scaled-out hub's tests run against (issue 14, SCALE.md):
#
#   install  PostgreSQL's server binaries from the distribution (Debian's
#            postgresql-15, or the distribution's default version) when no
#            /usr/lib/postgresql/*/bin/initdb exists, and versitygw at a pinned
#            version, built from the Go module proxy into $(go env GOPATH)/bin,
#            when it is missing or another version. With everything present it
#            makes no apt or network call. A cluster the package install
#            creates and starts (Debian's 15/main) is dropped again: nothing
#            is left running.
#   run      starts one throwaway PostgreSQL cluster (initdb + postgres on
#            127.0.0.1, a free port, a temporary directory, fsync off, as the
#            postgres user when run as root) and one versitygw (posix backend,
#            127.0.0.1, a free port, a temporary directory), exports
#
#              ECABINET_TEST_PG         postgres://ecab@127.0.0.1:PORT/postgres?sslmode=disable
#              ECABINET_TEST_S3         http://127.0.0.1:PORT
#              ECABINET_TEST_S3_ACCESS  the root access key
#              ECABINET_TEST_S3_SECRET  its secret
#
#            runs CMD with them, then stops both and removes their
#            directories, whatever CMD did (trap on exit). CMD's exit status is
#            the script's. internal/pgtest and internal/s3test use these
#            servers when the variables are set, and start their own otherwise.
set -euo pipefail

VERSITYGW_MODULE=github.com/versity/versitygw/cmd/versitygw
VERSITYGW_VERSION=v1.8.0

log() { echo "test-servers: $*" >&2; }

gobin() {
	local gopath
	gopath=$(go env GOPATH)
	echo "${gopath%%:*}/bin"
}

# pg_bindir prints Debian's newest /usr/lib/postgresql/N/bin holding initdb.
pg_bindir() {
	if [[ -n "${ECABINET_PG_BINDIR:-}" ]]; then
		echo "$ECABINET_PG_BINDIR"
		return
	fi
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n | tail -n1)
	if [[ -n "$d" && -x "$d/initdb" ]]; then
		echo "$d"
		return
	fi
	return 1
}

as_root() {
	if [[ $(id -u) -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		log "not root and no passwordless sudo; run as root: $*"
		return 1
	fi
}

install_postgres() {
	if pg_bindir >/dev/null; then
		return
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		log "PostgreSQL server binaries not found and no apt-get: install PostgreSQL (initdb, postgres) and set ECABINET_PG_BINDIR"
		return 1
	fi
	as_root apt-get update
	# Debian 12's postgresql-15 when the distribution has it (SCALE.md's
	# verified version), else the distribution's default (Ubuntu's 16, …).
	local pkg=postgresql
	if apt-cache show postgresql-15 >/dev/null 2>&1; then
		pkg=postgresql-15
	fi
	local before
	before=$(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}' || true)
	log "installing $pkg"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$pkg" </dev/null
	# The package creates and may start a system cluster (N/main on 5432).
	# The tests start their own; drop one this install made.
	local c
	for c in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do
		if ! grep -qxF "$c" <<<"$before"; then
			log "dropping the system cluster $c the package created"
			as_root pg_dropcluster --stop "${c%/*}" "${c#*/}"
		fi
	done
	pg_bindir >/dev/null || {
		log "installed $pkg but found no /usr/lib/postgresql/*/bin/initdb"
		return 1
	}
}

install_versitygw() {
	local bin
	bin="$(gobin)/versitygw"
	# `go version -m` names the module version it was built from
	# (`versitygw --version` says only "git" for a go install build).
	if [[ -x "$bin" ]] && go version -m "$bin" 2>/dev/null | grep -qE "^\s+mod\s+github.com/versity/versitygw\s+${VERSITYGW_VERSION}\b"; then
		return
	fi
	log "building $VERSITYGW_MODULE@$VERSITYGW_VERSION into $(gobin) (a few minutes the first time)"
	mkdir -p "$(gobin)"
	# Outside the module, so its go.mod and GOFLAGS play no part.
	(cd / && GOBIN="$(gobin)" GOFLAGS= go install "$VERSITYGW_MODULE@$VERSITYGW_VERSION")
}

# free_port prints a loopback port nothing listens on, from 20000–59999
# (a shell cannot ask the kernel for one as the Go helpers do with :0).
free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	log "no free port found"
	return 1
}

PG_DIR= S3_DIR= S3_PID=

stop_servers() {
	local rc=$?
	if [[ -n "$PG_DIR" && -f "$PG_DIR/data/postmaster.pid" ]]; then
		run_pg "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
			run_pg "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [[ -n "$S3_PID" ]] && kill -0 "$S3_PID" 2>/dev/null; then
		kill "$S3_PID" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$S3_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$S3_PID" 2>/dev/null || true
		wait "$S3_PID" 2>/dev/null || true
	fi
	[[ -n "$PG_DIR" ]] && rm -rf "$PG_DIR"
	[[ -n "$S3_DIR" ]] && rm -rf "$S3_DIR"
	exit "$rc"
}

# run_pg runs a PostgreSQL tool as the postgres user when we are root
# (initdb refuses root), directly otherwise.
run_pg() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start_postgres() {
	local bin port
	bin=$(pg_bindir) || {
		log "PostgreSQL server binaries not found: run $0 install"
		return 1
	}
	PG_DIR=$(mktemp -d -t ecab-pg.XXXXXX)
	if [[ $(id -u) -eq 0 ]]; then
		chown postgres:postgres "$PG_DIR"
	fi
	chmod 700 "$PG_DIR"
	run_pg "$bin/initdb" -D "$PG_DIR/data" -U ecab --auth=trust -E UTF8 --no-locale --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log" >&2
		return 1
	}
	port=$(free_port)
	run_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB -c max_connections=300" \
		start >/dev/null || {
		cat "$PG_DIR/log" >&2
		return 1
	}
	export ECABINET_TEST_PG="postgres://ecab@127.0.0.1:$port/postgres?sslmode=disable"
	log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

# health_ok: GET /health on 127.0.0.1:$1 answers 200 (bash's /dev/tcp, so
# neither curl nor wget is needed).
health_ok() {
	local status
	status=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n1 <&3) 2>/dev/null) || return 1
	[[ "$status" =~ ^HTTP/1\.[01]\ 200 ]]
}

start_versitygw() {
	local bin port
	bin="${ECABINET_VERSITYGW:-$(gobin)/versitygw}"
	[[ -x "$bin" ]] || {
		log "versitygw not found at $bin: run $0 install"
		return 1
	}
	S3_DIR=$(mktemp -d -t ecab-s3.XXXXXX)
	mkdir -m 700 "$S3_DIR/root"
	port=$(free_port)
	export ECABINET_TEST_S3="http://127.0.0.1:$port"
	export ECABINET_TEST_S3_ACCESS="ecab$RANDOM$RANDOM"
	export ECABINET_TEST_S3_SECRET="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
	"$bin" --access "$ECABINET_TEST_S3_ACCESS" --secret "$ECABINET_TEST_S3_SECRET" \
		--port "127.0.0.1:$port" --health /health --quiet posix "$S3_DIR/root" \
		>"$S3_DIR/log" 2>&1 </dev/null &
	S3_PID=$!
	for _ in $(seq 1 300); do
		if health_ok "$port"; then
			log "versitygw $VERSITYGW_VERSION on 127.0.0.1:$port"
			return
		fi
		kill -0 "$S3_PID" 2>/dev/null || break
		sleep 0.1
	done
	log "versitygw did not become healthy; its log:"
	cat "$S3_DIR/log" >&2
	return 1
}

case "${1:-}" in
install)
	install_postgres
	install_versitygw
	;;
run)
	shift
	[[ "${1:-}" == -- ]] && shift
	(($# > 0)) || {
		echo "usage: $0 run [--] CMD [ARGS...]" >&2
		exit 2
	}
	trap stop_servers EXIT
	trap 'exit 130' INT TERM
	start_postgres
	start_versitygw
	set +e
	"$@"
	rc=$?
	set -e
	exit "$rc"
	;;
*)
	echo "usage: $0 install | run [--] CMD [ARGS...]" >&2
	exit 2
	;;
esac

#!/usr/bin/env bash
# Installs and starts what the interoperability suite (npm run test:interop) and the benchmark
# (npm run bench) need besides Node: pinned Python tools in git-ignored virtual environments under
# .venv/, and a PostgreSQL server on loopback. Safe to run again: finished steps are skipped.
#
#   scripts/interop-setup.sh              # everything
#   scripts/interop-setup.sh python       # only the virtual environments
#   scripts/interop-setup.sh postgres     # only PostgreSQL
#
# PostgreSQL: if PGHOST is set, that server is used as it is (a developer's own PostgreSQL; set
# PGPORT, PGUSER, PGPASSWORD, PGDATABASE as psql expects) and nothing is installed or started.
# Otherwise the script installs Debian's postgresql package when no server binaries are found
# (needs root, as on CI), creates a throwaway cluster in ${INTEROP_PGDATA:-.interop/pgdata} (one per checkout) and
# starts it on 127.0.0.1:${INTEROP_PG_PORT:-55432}; a server already answering on that port is used as it is.
# The connection settings are written to .interop/pg.env, which the suite reads.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WHAT=${1:-all}
PYTHON=${PYTHON:-python3}
log() { printf '[interop-setup] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# One virtual environment per tool: their dependency trees conflict (meltano and the Singer SDK
# target pin different versions of the same libraries; so do PyAirbyte and airbyte-cdk).
# Each installs from its lock file (exact versions of everything, made by `pip freeze` from the .in
# file), so a fresh machine gets what was verified.
# A venv may also get a package of this repository, installed without dependencies (they are all in the
# lock file) and without build isolation (the lock pins setuptools), so nothing unpinned is fetched:
# the Singer SDK peer of the benchmark (bench/peers/singer-sdk, the `tap-bookings-sdk` executable).
local_package() {
  case "$1" in
    tap-bookings-sdk) echo bench/peers/singer-sdk ;;
  esac
}

setup_python() {
  command -v "$PYTHON" >/dev/null || die "$PYTHON not found; install Python 3.10-3.12"
  local req name venv lock stamp want pkg
  for req in interop/requirements/*.in; do
    name=$(basename "$req" .in)
    venv=.venv/$name
    lock=interop/requirements/$name.lock.txt
    [ -f "$lock" ] || lock=$req
    pkg=$(local_package "$name")
    want=$(sha256sum "$lock" | cut -c1-16)
    # a local package's sources count too (the stamp of a venv without one is as it always was)
    [ -z "$pkg" ] || want=$( { echo "$want"; find "$pkg" -type f \( -name '*.py' -o -name '*.toml' \) -not -path '*/build/*' | sort | xargs sha256sum; } | sha256sum | cut -c1-16)
    stamp=$venv/.tap-bookings-stamp
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
      log "$name: up to date ($venv)"
      continue
    fi
    log "$name: installing $(tr '\n' ' ' < "$req")into $venv"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade 'pip==25.3' \
      || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$lock"
    if [ -n "$pkg" ]; then
      rm -rf "$pkg/build" "$pkg"/*.egg-info
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation "./$pkg"
      rm -rf "$pkg/build" "$pkg"/*.egg-info
    fi
    echo "$want" > "$stamp"
  done
}

find_pg_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

setup_postgres() {
  mkdir -p .interop
  if [ -n "${PGHOST:-}" ]; then
    log "PGHOST is set: using the PostgreSQL at $PGHOST:${PGPORT:-5432} as it is"
    {
      echo "PGHOST=$PGHOST"; echo "PGPORT=${PGPORT:-5432}"; echo "PGUSER=${PGUSER:-postgres}"
      echo "PGPASSWORD=${PGPASSWORD:-}"; echo "PGDATABASE=${PGDATABASE:-postgres}"
    } > .interop/pg.env
    return
  fi
  local bindir port data runas=()
  bindir=$(find_pg_bindir || true)
  if [ -z "$bindir" ]; then
    [ "$(id -u)" = 0 ] || die "no PostgreSQL server found; install Debian's postgresql package, or set PGHOST to a server of yours"
    log "installing Debian's postgresql package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
    bindir=$(find_pg_bindir) || die "postgresql installed but initdb not found"
  fi
  port=${INTEROP_PG_PORT:-55432}
  # The cluster's directory: INTEROP_PGDATA, else one per checkout (.interop/pgdata, git-ignored). A server already
  # answering on the port is used whatever directory it runs from, so changing this never disturbs a running setup.
  data=${INTEROP_PGDATA:-$ROOT/.interop/pgdata}
  # PostgreSQL refuses to run as root: run the cluster as the package's postgres user.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    runas=(runuser -u postgres --)
    if [ -z "${INTEROP_PGDATA:-}" ] && ! runuser -u postgres -- test -x "$ROOT/.interop"; then
      # The postgres user cannot reach into this checkout (a home directory, say): a directory of its own per checkout.
      data=/tmp/tap-bookings-interop-pg-$(printf %s "$ROOT" | sha256sum | cut -c1-12)
    fi
  fi
  if "${runas[@]}" "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
    log "PostgreSQL already running on 127.0.0.1:$port"
  else
    if [ ! -f "$data/PG_VERSION" ]; then
      log "creating a cluster in $data"
      rm -rf "$data"; mkdir -p "$data"
      [ "$(id -u)" = 0 ] && chown postgres "$data"
      "${runas[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    log "starting PostgreSQL ($bindir) on 127.0.0.1:$port"
    "${runas[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$data -c fsync=off" start >/dev/null \
      || { cat "$data/server.log" >&2; die "PostgreSQL did not start (log above)"; }
  fi
  {
    echo "PGHOST=127.0.0.1"; echo "PGPORT=$port"; echo "PGUSER=postgres"
    echo "PGPASSWORD="; echo "PGDATABASE=postgres"
  } > .interop/pg.env
  log "PostgreSQL ready: .interop/pg.env"
}

mkdir -p .interop
case "$WHAT" in
  all) setup_python; setup_postgres ;;
  python) setup_python ;;
  postgres) setup_postgres ;;
  *) die "unknown argument '$WHAT' (all, python or postgres)" ;;
esac
if [ "$WHAT" != postgres ]; then
  log "the tools are in .venv/<tool>/bin, not on PATH; for a shell of yours:"
  log "  export PATH=\"$ROOT/.venv/meltano/bin:$ROOT/.venv/target-postgres/bin:\$PATH\""
fi
log "done"

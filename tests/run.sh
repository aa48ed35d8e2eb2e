#!/usr/bin/env bash
# The test command (README "Test it"; CI's .ci/run runs exactly this). From any folder, on a fresh machine:
#   - installs Debian's chromium for the dashboard's browser test when it is missing (apt-get, as root or with sudo);
#   - installs the real tus-js-client for the tus end-to-end test (npm ci in tests/tus-client) when it is missing;
#   - starts a throwaway PostgreSQL 15 for the cluster tests (unless UPLOADPROXY_TEST_POSTGRES names one), in a temp
#     folder, as the non-root postgres user, and stops it and deletes the folder on exit;
#   - runs `dotnet test Orleans.sln -c Release`, and ends with one line `tests: N passed, N failed`.
#     Arguments go to dotnet test: tests/run.sh --filter "FullyQualifiedName~Dashboard"
# When something cannot be had, it stops with one line that says what to install. Exit status: dotnet test's.
# Settings (environment): PG_BIN (/usr/lib/postgresql/15/bin), PG_USER (postgres), UPLOADPROXY_TEST_POSTGRES.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
chromium=/usr/bin/chromium # where the dashboard test looks for it
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
pg_user="${PG_USER:-postgres}"

missing() { echo "tests/run.sh: $*" >&2; exit 2; }

# Runs a command as root: directly, or through sudo when it needs no password; fails otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else return 1; fi
}

# Installs what is missing, never upgrades what is there: an upgrade under a running server breaks it.
apt_install() { # packages…
  command -v apt-get >/dev/null 2>&1 && as_root true || return 1
  echo "tests/run.sh: installing $* (apt-get)…"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-upgrade "$@" >/dev/null 2>&1
}

command -v dotnet >/dev/null 2>&1 || missing "needs the .NET 10 SDK: install it from https://dot.net, then run again"

# Debian's Chromium: Playwright drives it for the dashboard test (Playwright's own browser download cannot run here).
if [ ! -x "$chromium" ]; then
  apt_install chromium && [ -x "$chromium" ] ||
    missing "the dashboard test needs Debian's chromium at $chromium: run 'apt-get install -y chromium' as root, then run again"
fi

# tus-js-client for the tus end-to-end test, from tests/tus-client's package-lock.json.
if [ ! -d tests/tus-client/node_modules/tus-js-client ]; then
  command -v npm >/dev/null 2>&1 ||
    missing "the tus end-to-end test needs Node.js 20 and npm: run 'apt-get install -y nodejs npm' as root, then run again"
  (cd tests/tus-client && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
    missing "npm ci in tests/tus-client failed: run it there to see why"
fi

# PostgreSQL 15 for the cluster tests, unless one is given.
work=""
stop_postgres() {
  [ -n "$work" ] || return 0
  as_pg "$pg_bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }

if [ -z "${UPLOADPROXY_TEST_POSTGRES:-}" ]; then
  if [ ! -x "$pg_bin/initdb" ]; then
    apt_install postgresql-15 && [ -x "$pg_bin/initdb" ] ||
      missing "the cluster tests need PostgreSQL 15 in $pg_bin: run 'apt-get install -y postgresql-15' as root (or set UPLOADPROXY_TEST_POSTGRES), then run again"
  fi
  if [ "$(id -u)" -eq 0 ] && ! id "$pg_user" >/dev/null 2>&1; then
    useradd --system --no-create-home "$pg_user" || missing "could not create the user '$pg_user' that runs PostgreSQL"
  fi

  trap stop_postgres EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # A temp folder the server's user owns, whatever the checkout's permissions: data, socket and log.
  work="$(mktemp -d "${TMPDIR:-/tmp}/uploadproxy-tests-pg.XXXXXX")"
  [ "$(id -u)" -eq 0 ] && chown "$pg_user" "$work"
  as_pg "$pg_bin/initdb" -D "$work/data" -A trust -U postgres --no-sync >"$work/initdb.log" 2>&1 ||
    missing "PostgreSQL's initdb failed: $(tail -n 1 "$work/initdb.log")"
  # A free port: try a few at random; the server refuses one already taken.
  started=""
  for _ in 1 2 3 4 5 6 7 8; do
    pg_port=$((20000 + RANDOM % 30000))
    if as_pg "$pg_bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
      -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null 2>&1; then
      started=1; break
    fi
  done
  [ -n "$started" ] || missing "PostgreSQL did not start: $(tail -n 1 "$work/server.log" 2>/dev/null)"
  export UPLOADPROXY_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
fi

# The tests themselves. One summary line per test assembly:
#   "Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42, Duration: …"
summary="$(mktemp "${TMPDIR:-/tmp}/uploadproxy-tests.XXXXXX")"
dotnet test Orleans.sln -c Release "$@" 2>&1 | tee "$summary"
status=${PIPESTATUS[0]}

counts="$(sed 's/\x1b\[[0-9;]*m//g' "$summary" | grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+')"
rm -f "$summary"
failed=$(printf '%s\n' "$counts" | awk -F'[:,]' 'NF {s += $2} END {print s + 0}')
passed=$(printf '%s\n' "$counts" | awk -F'[:,]' 'NF {s += $4} END {print s + 0}')
skipped=$(printf '%s\n' "$counts" | awk -F'[:,]' 'NF {s += $6} END {print s + 0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or a test host failed before any test could report
fi
[ "$skipped" -eq 0 ] || echo "tests/run.sh: $skipped test(s) skipped"
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"

#!/usr/bin/env bash
# Applies every deploy/sql/*.sql file, in file-name order, to one PostgreSQL
# database in a single psql session and a single transaction: either all
# files are applied or (on the first error) nothing is.
#
# Usage: deploy/sql/apply.sh "<libpq connection string or URI>"
#   e.g. deploy/sql/apply.sh "host=db port=5432 dbname=uploadproxy user=app"
#        deploy/sql/apply.sh "postgresql://app@db:5432/uploadproxy"
# The password can come from the URI, PGPASSWORD or ~/.pgpass.
# Re-running is safe; the scripts are idempotent.
set -euo pipefail

if [[ $# -ne 1 || -z "${1:-}" ]]; then
    echo "usage: $0 \"<libpq connection string or URI>\"" >&2
    exit 2
fi
connection="$1"

command -v psql >/dev/null 2>&1 || { echo "apply.sh: psql not found on PATH" >&2; exit 2; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Byte-wise order of the file names (01-, 02-, ...), whatever the locale.
files=()
shopt -s nullglob
candidates=("$script_dir"/*.sql)
shopt -u nullglob
if [[ ${#candidates[@]} -gt 0 ]]; then
    mapfile -d '' files < <(printf '%s\0' "${candidates[@]}" | LC_ALL=C sort -z)
fi
if [[ ${#files[@]} -eq 0 ]]; then
    echo "apply.sh: no .sql files in $script_dir" >&2
    exit 2
fi

# Build the psql driver: announce each file, then include it. Arguments of
# psql meta-commands are single-quoted; a quote inside is written twice.
psql_quote() { local s="${1//\'/\'\'}"; printf "'%s'" "$s"; }
driver=$'SET client_min_messages = warning;\n'
for f in "${files[@]}"; do
    driver+="\\echo $(psql_quote "applying $(basename "$f")")"$'\n'
    driver+="\\i $(psql_quote "$f")"$'\n'
done

echo "apply.sh: applying ${#files[@]} file(s) from $script_dir"
status=0
printf '%s' "$driver" | psql --dbname="$connection" \
    --no-psqlrc --quiet --single-transaction \
    -v ON_ERROR_STOP=1 --file=- || status=$?

if [[ $status -ne 0 ]]; then
    echo "apply.sh: FAILED (psql exit $status); nothing was committed" >&2
    exit "$status"
fi
echo "apply.sh: done, applied: $(for f in "${files[@]}"; do printf '%s ' "$(basename "$f")"; done)"

#!/usr/bin/env bash
# Installs what the tests need, builds, runs every test project and ends with the line
# "N passed, N failed, N skipped", counted from the TRX results. Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")"

CONFIGURATION="${CONFIGURATION:-Release}"
RESULTS="$(pwd)/TestResults"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
  local packages=()
  command -v redis-server >/dev/null || packages+=(redis-server)
  command -v docker-compose >/dev/null || packages+=(docker-compose)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
  if [ ${#packages[@]} -gt 0 ]; then
    echo "Installing ${packages[*]} ..."
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${packages[@]}" >/dev/null
  fi
  # The Debian package may start a system-wide server; the tests start their own on free ports.
  command -v redis-server >/dev/null || { echo "redis-server could not be installed" >&2; exit 1; }
}

install_missing

echo "Building ($CONFIGURATION) ..."
if ! dotnet build OrleansRedis.sln -c "$CONFIGURATION" -nologo -v quiet; then
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

rm -rf "$RESULTS"
dotnet test OrleansRedis.sln -c "$CONFIGURATION" --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" \
  --blame-hang-timeout 10m
test_exit=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(value total); executed=$(value executed); p=$(value passed); f=$(value failed); e=$(value error)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

# A crashed test host leaves no TRX or a short count: never report that as success.
if [ "$files" -eq 0 ] || { [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  echo "The test run did not complete (exit code $test_exit, $files result files)."
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

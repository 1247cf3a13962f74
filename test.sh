#!/usr/bin/env bash
# Installs what the tests need, builds, runs the test projects one after another and ends with the line
# "N passed, N failed, N skipped", counted from the TRX results. Exits non-zero when anything failed or a
# project left no result or a short one.
set -uo pipefail
cd "$(dirname "$0")"

CONFIGURATION="${CONFIGURATION:-Release}"
RESULTS="$(pwd)/TestResults"

# Every exit path ends with the summary line: a failure before the tests ran (install, build) counts as one failure.
passed=0; failed=0; skipped=0
summary() { echo "$passed passed, $failed failed, $skipped skipped"; }
fail_early() { echo "$1" >&2; failed=$((failed + 1)); summary; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
  local packages=()
  command -v redis-server >/dev/null || packages+=(redis-server)
  command -v docker-compose >/dev/null || packages+=(docker-compose)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
  command -v chromium >/dev/null || packages+=(chromium)
  if [ ${#packages[@]} -gt 0 ]; then
    echo "Installing ${packages[*]} ..."
    as_root apt-get update -qq || fail_early "apt-get update failed; could not install ${packages[*]}."
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${packages[@]}" >/dev/null \
      || fail_early "apt-get install ${packages[*]} failed."
  fi
  # The Debian package may start a system-wide server; the tests start their own on free ports.
  command -v redis-server >/dev/null || fail_early "redis-server could not be installed"
  # The live page's browser test: playwright-core from the lock file (node_modules is not committed).
  [ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund >/dev/null) \
    || fail_early "npm ci in tests/browser failed."
}

install_missing

echo "Building ($CONFIGURATION) ..."
if ! dotnet build OrleansRedis.sln -c "$CONFIGURATION" -nologo -v quiet; then
  fail_early "Build failed."
fi

rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# The packages (metadata, readme, licence, SourceLink, symbols; nothing packed that is not a library or the CLI), then
# the sample web app and its AppHost built from them only. Before the test projects: the fault suite's browser test
# runs the sample built here, and fails (naming this step) when it is missing. One result, counted as one test.
echo "Checking the packages and building the sample web app from them ..."
if CONFIGURATION="$CONFIGURATION" tests/pack-check.sh; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

# One project after another: `dotnet test OrleansRedis.sln` would start both test assemblies at once, and the fault
# scenarios (one at a time by design) would then share the two cores with the whole main suite.
PROJECTS=(tests/OrleansRedis.Tests tests/OrleansRedis.FaultTests)

for project in "${PROJECTS[@]}"; do
  name=$(basename "$project")
  trx="$RESULTS/$name.trx"
  listed=$(dotnet test "$project" -c "$CONFIGURATION" --no-build -nologo --list-tests 2>/dev/null \
    | sed -n '/The following Tests are available:/,$p' | tail -n +2 | grep -c '^    ')
  echo "Testing $name ($listed tests listed) ..."
  dotnet test "$project" -c "$CONFIGURATION" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" \
    --blame-hang-timeout 10m
  test_exit=$?

  if [ ! -f "$trx" ]; then
    echo "$name: no result file (exit code $test_exit); the test host did not finish."
    failed=$((failed + 1))
    continue
  fi

  # Count the results themselves, not only the summary the runner wrote at the top.
  p=$(grep -o '<UnitTestResult [^>]*outcome="Passed"' "$trx" | wc -l)
  f=$(grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"' "$trx" | wc -l)
  s=$(grep -o '<UnitTestResult [^>]*outcome="NotExecuted"' "$trx" | wc -l)
  total=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 | grep -o ' total="[0-9]*"' | grep -o '[0-9]*')
  echo "$name: $p passed, $f failed, $s skipped (exit code $test_exit)"
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))

  # A crashed or hung test host leaves a short result: never report that as success.
  if [ "$((p + f + s))" -lt "${total:-0}" ] || [ "$((p + f + s))" -lt "$listed" ] || [ "$((p + f + s))" -eq 0 ]; then
    echo "$name: the result is short ($((p + f + s)) results; the summary says ${total:-?}, $listed tests were listed)."
    failed=$((failed + 1))
  elif [ "$test_exit" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "$name: the test run did not complete (exit code $test_exit)."
    failed=$((failed + 1))
  fi
done

summary
[ "$failed" -eq 0 ]

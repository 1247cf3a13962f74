#!/usr/bin/env bash
# Installs what the browser test needs when it is missing: Debian's chromium and the locked npm packages.
# test.sh calls it before the test projects run; safe to run again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y --no-install-recommends chromium; else sudo apt-get install -y --no-install-recommends chromium; fi
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to its project's
# PublicAPI.Unshipped.txt, so that a deliberate API change becomes a diff of those files. Review the diff, then commit.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for project in src/OrleansRedis.AspNetCore src/OrleansRedis.Client src/OrleansRedis.Cli; do
  dotnet build "$project" -c Release -nologo -v q -p:TreatWarningsAsErrors=false -clp:NoSummary >>"$log" 2>&1 || true
done
python3 - "$log" <<'PY'
import collections, re, sys
root = __import__('os').getcwd() + '/'
found = collections.defaultdict(set)
for line in open(sys.argv[1]):
    m = re.search(r"warning RS0016: Symbol '(.*)' is not part of the declared public API .*\[" + re.escape(root) + r"(src/[^/]+)/", line)
    if m:
        found[m.group(2)].add(m.group(1))
for project, symbols in sorted(found.items()):
    path = f"{project}/PublicAPI.Unshipped.txt"
    lines = [l.rstrip('\n') for l in open(path) if l.strip() and not l.startswith('#')]
    merged = sorted(set(lines) | symbols, key=str.lower)
    open(path, 'w').write('#nullable enable\n' + ''.join(s + '\n' for s in merged))
    print(f"{path}: {len(symbols)} symbols added")
PY

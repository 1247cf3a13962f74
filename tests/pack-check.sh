#!/usr/bin/env bash
# Packs every packable project (after a build of the same configuration) and checks each package: id, version,
# authors, licence, readme, repository with its commit (SourceLink), a symbols package, and that hosts, samples,
# benchmarks and tests produced none. Prints one line per problem; exits non-zero when there is any.
set -u
cd "$(dirname "$0")/.."
CONFIGURATION="${CONFIGURATION:-Release}"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if ! dotnet pack OrleansRedis.sln -c "$CONFIGURATION" --no-build -nologo -v quiet -o "$OUT" >"$OUT/pack.log" 2>&1; then
  cat "$OUT/pack.log"; echo "pack-check: dotnet pack failed"; exit 1
fi

EXPECTED=(OrleansRedis.Abstractions OrleansRedis.AspNetCore OrleansRedis.Client OrleansRedis.Grains OrleansRedis.Redis orleansredis)
problems=0
problem() { echo "pack-check: $1"; problems=$((problems + 1)); }

for id in "${EXPECTED[@]}"; do
  # The CLI's package id is its assembly name; its nuspec declares the DotnetTool package type.
  package=$(ls "$OUT"/"$id".[0-9]*.nupkg 2>/dev/null | grep -v '\.symbols\.' | head -1)
  if [ -z "$package" ]; then problem "no package $id"; continue; fi
  [ -f "${package%.nupkg}.snupkg" ] || problem "$id: no symbols package (.snupkg)"
  nuspec=$(unzip -p "$package" '*.nuspec')
  for field in '<id>'"$id"'</id>' '<version>[0-9]' '<authors>OrleansRedis contributors</authors>' \
               '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<repository type="git" url="https://' 'commit="[0-9a-f]\{40\}"'; do
    echo "$nuspec" | grep -q "$field" || problem "$id: the nuspec lacks $field"
  done
  unzip -l "$package" | grep -q ' README.md$' || problem "$id: README.md is not in the package"
  unzip -l "$package" | grep -q ' LICENSE$' || problem "$id: LICENSE is not in the package"
done
unzip -p "$OUT"/orleansredis.[0-9]*.nupkg '*.nuspec' 2>/dev/null | grep -q '<packageType name="DotnetTool"' || problem "orleansredis: not a .NET tool package"

for package in "$OUT"/*.nupkg; do
  name=$(basename "$package" | sed 's/\.[0-9].*//')
  printf '%s\n' "${EXPECTED[@]}" | grep -qx "$name" || problem "$name: packed, but hosts, samples, benchmarks and tests are not packable"
done

echo "pack-check: $(ls "$OUT"/*.nupkg | wc -l) packages, $problems problems"
[ "$problems" -eq 0 ]

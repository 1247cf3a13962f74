#!/usr/bin/env bash
# Packs every packable project (after a build of the same configuration) into the folder feed artifacts/packages and
# checks each package: id, version, authors, licence, readme, repository with its commit (SourceLink), a symbols
# package, and that hosts, samples, benchmarks and tests produced none. Then builds the sample web app and its Aspire
# AppHost from that feed, with the README's own commands ("Sample web app"), and checks that every OrleansRedis
# package the sample uses came from the feed and none from a project reference. Prints one line per problem; exits
# non-zero when there is any.
set -u
cd "$(dirname "$0")/.."
CONFIGURATION="${CONFIGURATION:-Release}"
FEED=artifacts/packages
SAMPLE=samples/OrleansRedis.WebApp
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

problems=0
problem() { echo "pack-check: $1"; problems=$((problems + 1)); }

# The README's commands of the section "Sample web app" that start with `dotnet pack` or `dotnet build samples/`,
# in order, with this run's configuration: the README is the only copy of them.
readme_commands=$(sed -n '/^## Sample web app/,/^## [A-Z]/p' README.md | sed -n '/^```bash/,/^```/p' \
  | grep -E '^dotnet (pack|build samples/)' | sed -E "s/ -c Release/ -c $CONFIGURATION/; s/ +#.*$//")
pack_command=$(echo "$readme_commands" | grep '^dotnet pack')
[ -n "$pack_command" ] && echo "$pack_command" | grep -q -- "-o $FEED" \
  || { echo "pack-check: the README's 'Sample web app' section has no 'dotnet pack ... -o $FEED' command"; exit 1; }

rm -rf "$FEED"
if ! $pack_command -nologo -v quiet >"$LOG" 2>&1; then
  cat "$LOG"; echo "pack-check: $pack_command failed"; exit 1
fi

EXPECTED=(OrleansRedis.Abstractions OrleansRedis.AspNetCore OrleansRedis.Client OrleansRedis.Grains OrleansRedis.Redis orleansredis)

for id in "${EXPECTED[@]}"; do
  # The CLI's package id is its assembly name; its nuspec declares the DotnetTool package type.
  package=$(ls "$FEED"/"$id".[0-9]*.nupkg 2>/dev/null | grep -v '\.symbols\.' | head -1)
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
unzip -p "$FEED"/orleansredis.[0-9]*.nupkg '*.nuspec' 2>/dev/null | grep -q '<packageType name="DotnetTool"' || problem "orleansredis: not a .NET tool package"

for package in "$FEED"/*.nupkg; do
  name=$(basename "$package" | sed 's/\.[0-9].*//')
  printf '%s\n' "${EXPECTED[@]}" | grep -qx "$name" || problem "$name: packed, but hosts, samples, benchmarks and tests are not packable"
done
echo "pack-check: $(ls "$FEED"/*.nupkg | wc -l) packages in $FEED"

# The sample restores the OrleansRedis packages into artifacts/sample-packages (its RestorePackagesPath): emptied of
# them first, so what it builds against is what was packed just now.
rm -rf artifacts/sample-packages/orleansredis.*
while read -r command; do
  [ -z "$command" ] || echo "$command" | grep -q '^dotnet pack' && continue
  if ! $command -nologo -v quiet >"$LOG" 2>&1; then
    cat "$LOG"; problem "$command failed"
  fi
done <<<"$readme_commands"
echo "$readme_commands" | grep -q "^dotnet build $SAMPLE " || problem "the README's 'Sample web app' section does not build $SAMPLE"

assets="$SAMPLE/obj/project.assets.json"
if [ -f "$assets" ]; then
  grep -q '"type": "project"' "$assets" && problem "$SAMPLE: a project reference; the sample must use the packages only"
  used=$(grep -o '"OrleansRedis\.[A-Za-z]*/[^"]*": {' "$assets" | sort -u | sed 's/^"//; s/": {$//')
  [ -n "$used" ] || problem "$SAMPLE: uses no OrleansRedis package"
  for library in $used; do
    id=$(echo "${library%/*}" | tr 'A-Z' 'a-z'); version=${library#*/}
    metadata="artifacts/sample-packages/$id/$version/.nupkg.metadata"
    grep -q "\"source\": \"$(pwd)/$FEED\"" "$metadata" 2>/dev/null || problem "$SAMPLE: $library was not restored from $FEED"
  done
  echo "pack-check: $SAMPLE uses $(echo $used) from $FEED"
else
  problem "$SAMPLE was not restored ($assets is missing)"
fi

echo "pack-check: $problems problems"
[ "$problems" -eq 0 ]

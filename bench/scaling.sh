#!/usr/bin/env bash
# The scaling runs of docs/PERFORMANCE.md: bench/compare on 1/8, 1/4, 1/2 and all of the
# UNGDC corpus, then on UNGDC and the presidential speeches together, each run's JSON
# kept in OUT; then one Markdown table per engine of how index time, size and query
# latency grow. A run that exists in OUT is not repeated (delete it to re-run).
#
#   bench/scaling.sh OUT [compare options...]      e.g. bench/scaling.sh /tmp/scaling
#   bench/scaling.sh --table OUT                   only print the tables from OUT
#
# Needs jq. The full set takes about an hour on the 2-core machine; run it on a quiet one.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
compare="${POLSEARCH_BUILD:-$repo/build/release}/bench/compare"
shared="${POLSEARCH_SHARED:-$repo/../shared}"
table_only=0
if [ "${1:-}" = --table ]; then table_only=1; shift; fi
[ $# -ge 1 ] || { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 2; }
out=$1
shift
command -v jq >/dev/null || { echo "scaling.sh: needs jq" >&2; exit 2; }
mkdir -p "$out"

ungdc="$shared/corpus/ungdc/docs.jsonl.gz"
speeches="$shared/corpus/us-presidential-speeches/docs.jsonl.gz"
runs=("ungdc-1_8|--fraction 1/8 --corpus $ungdc"
      "ungdc-1_4|--fraction 1/4 --corpus $ungdc"
      "ungdc-1_2|--fraction 1/2 --corpus $ungdc"
      "ungdc-1|--fraction 1 --corpus $ungdc"
      "both-1|--fraction 1 --corpus $ungdc --corpus $speeches")

if [ "$table_only" = 0 ]; then
  [ -x "$compare" ] || { echo "scaling.sh: $compare not built" >&2; exit 2; }
  for run in "${runs[@]}"; do
    name=${run%%|*}
    [ -s "$out/$name.json" ] && continue
    echo "scaling.sh: $name" >&2
    # shellcheck disable=SC2086  # the options are words
    "$compare" ${run#*|} --format json --output "$out/$name.json.tmp" "$@"
    mv "$out/$name.json.tmp" "$out/$name.json"
  done
fi

# One table per engine: a row per run that has that engine.
engines=$(jq -r '.engines[].name' "$out"/*.json | awk '!seen[$0]++')
for engine in $engines; do
  echo "#### $engine"
  echo
  echo "| corpus | passages | MB | index wall s | index CPU s | peak RSS MB | index size MB | query p50 ms | query p99 ms | worst class p99 ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for run in "${runs[@]}"; do
    name=${run%%|*}
    [ -s "$out/$name.json" ] || continue
    jq -r --arg e "$engine" --arg name "$name" '
      def f(k): (.figures[k].value // null) | if . == null then "–"
                else (. * 100 | round / 100 | tostring) end;
      (.meta.passages) as $p
      | .engines[] | select(.name == $e)
      | [ .figures | to_entries[] | select(.key | test("^query\\.[a-z]+\\.p99_ms$"))
          | select(.key != "query.all.p99_ms") | .value.value ] as $class_p99
      | "| \($name) | \($p | capture("(?<n>[0-9]+) passages").n)"
        + " | \($p | capture("(?<mb>[0-9.]+) MB").mb)"
        + " | \(f("index.wall_s")) | \(f("index.cpu_s")) | \(f("index.peak_rss_mb"))"
        + " | \(f("index.size_mb")) | \(f("query.all.p50_ms")) | \(f("query.all.p99_ms"))"
        + " | \(if ($class_p99 | length) > 0 then ($class_p99 | max * 100 | round / 100 | tostring) else "–" end) |"
    ' "$out/$name.json"
  done
  echo
done

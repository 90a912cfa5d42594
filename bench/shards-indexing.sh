#!/usr/bin/env bash
# Indexing with N shards (docs/DEPLOYMENT.md, "Indexing with shards"): the same statements
# indexed into one database (`--jobs 1`, then `--jobs` every core) and into 1, 2, 4 and 8
# shards (`--shards N`, one writer thread per shard). Prints one Markdown table: wall
# seconds, CPU seconds (user + system, the indexer's own), CPU / wall (how many cores it
# kept busy), statements/s, peak memory and the size on disk. With the machine's load
# average at the start and end, since other work on the cores changes every figure.
#
#   bench/shards-indexing.sh OUT [CORPUS.jsonl.gz [STATEMENTS]]
#
# Default corpus: ../shared/corpus/us-presidential-speeches, its first 300 statements.
# It prints figures and asserts nothing.
set -euo pipefail

# shellcheck source=lib/corpus-args.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/corpus-args.sh"
bench_corpus_args 300 "$@"
rm -rf "$out"/db-*
(zcat "$corpus" || true) | head -n "$limit" >"$out/input.jsonl"
statements=$(wc -l <"$out/input.jsonl")
mb=$(du -m "$out/input.jsonl" | cut -f1)

echo "corpus: $(basename "$(dirname "$corpus")"), $statements statements, $mb MB of JSON; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| layout | wall s | CPU s | CPU / wall | statements/s | peak MB | size MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for layout in "one database, --jobs 1:--jobs 1" "one database, --jobs $(nproc):--jobs $(nproc)" \
  "--shards 1:--shards 1" "--shards 2:--shards 2" "--shards 4:--shards 4" "--shards 8:--shards 8"; do
  name=${layout%%:*}
  read -r -a options <<<"${layout#*:}"
  db="$out/db-${options[1]}-${options[0]#--}"
  # The child's own wall time, CPU time and peak memory (getrusage of the children).
  python3 - "$bin/indexer" "$db" "$out/input.jsonl" "$name" "$statements" "${options[@]}" <<'PY'
import os, resource, subprocess, sys, time
indexer, db, data, name, statements, options = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6:]
start = time.monotonic()
subprocess.run([indexer, "--db", db, "-q", *options, data], check=True)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(db) for f in fs) / 1e6
print(f"| {name} | {wall:.1f} | {cpu:.1f} | {cpu / wall:.2f} | {statements / wall:.0f} | {usage.ru_maxrss / 1024:.0f} | {size:.0f} |")
PY
done
echo
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Shard benchmark (docs/DEPLOYMENT.md): the same statements in 1, 2, 4 and 8 shards,
# indexed (`indexer --shards N`, one writer per shard) and searched with the bench
# queries, from local shards (the stub) and from remote shards (one xapian-tcpsrv per
# shard on 127.0.0.1). Prints one Markdown table: indexing statements/s and MB/s, query
# p50/p99 (the searcher's own elapsed_ms per query) and single-client queries/s (wall).
#
#   bench/shards.sh OUT [CORPUS.jsonl.gz [STATEMENTS]]
#
# Default corpus: ../shared/corpus/us-presidential-speeches (all statements). Servers
# are stopped by pid when the script ends. It prints figures and asserts nothing.
set -euo pipefail

# shellcheck source=lib/corpus-args.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/corpus-args.sh"
bench_corpus_args 0 "$@"
rm -rf "$out"/db* "$out"/*.stub

if [ "$limit" -gt 0 ]; then (zcat "$corpus" || true) | head -n "$limit" >"$out/input.jsonl"
else zcat "$corpus" >"$out/input.jsonl"; fi
cut -f1,3 "$shared/bench/queries.tsv" >"$out/queries.tsv"
statements=$(wc -l <"$out/input.jsonl")
mb=$(du -m "$out/input.jsonl" | cut -f1)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# p50 p99 qps of one batch run: the summaries' elapsed_ms, and queries / wall seconds.
query_stats() {
  local db=$1 start end
  start=$(date +%s.%N)
  "$bin/searcher" --db "$db" --queries "$out/queries.tsv" --format json --limit 10 >"$out/run.json"
  end=$(date +%s.%N)
  python3 - "$out/run.json" "$start" "$end" <<'PY'
import json, sys
ms = sorted(json.loads(l)["elapsed_ms"] for l in open(sys.argv[1]) if '"type":"summary"' in l)
pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
print(f"{pick(0.5):.1f} | {pick(0.99):.1f} | {len(ms) / (float(sys.argv[3]) - float(sys.argv[2])):.0f}")
PY
}

echo "corpus: $(basename "$(dirname "$corpus")"), $statements statements, $mb MB of JSON; $(wc -l <"$out/queries.tsv") queries; $(nproc) cores"
echo
echo "| shards | index s | statements/s | MB/s | local p50 ms | local p99 ms | local q/s | remote p50 ms | remote p99 ms | remote q/s |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in 1 2 4 8; do
  db="$out/db$n"
  start=$(date +%s.%N)
  if [ "$n" = 1 ]; then "$bin/indexer" --db "$db" -q "$out/input.jsonl"
  else "$bin/indexer" --db "$db" --shards "$n" -q "$out/input.jsonl"; fi
  end=$(date +%s.%N)
  secs=$(python3 -c "print(f'{$end - $start:.1f}')")
  rate=$(python3 -c "print(f'{$statements / ($end - $start):.0f} | {$mb / ($end - $start):.2f}')")
  local_stats=$(query_stats "$db")
  stub="$out/remote$n.stub"
  [ "$n" = 1 ] && shards=("$db") || { echo "# polsearch-aux $db/aux" >"$stub"; shards=(); for k in $(seq 0 $((n - 1))); do shards+=("$db/shard$k"); done; }
  [ "$n" = 1 ] && : >"$stub"
  ports=()
  for s in "${shards[@]}"; do
    port=$(free_port)
    # Its own session: on SIGTERM xapian-tcpsrv signals its whole process group.
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" --quiet "$s" 2>/dev/null &
    pids+=($!)
    ports+=("$port")
    echo "remote 127.0.0.1:$port" >>"$stub"
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$port)).close()" 2>/dev/null && break; sleep 0.1; done
  done
  remote_stats=$(query_stats "$stub")
  cleanup
  pids=()
  echo "| $n | $secs | $rate | $local_stats | $remote_stats |"
done

# Sourced by the bench scripts that take `OUT [CORPUS.jsonl.gz [STATEMENTS]]`
# (shards.sh, shards-indexing.sh). bench_corpus_args DEFAULT_STATEMENTS "$@" sets repo,
# bin (POLSEARCH_BUILD or build/release), shared (POLSEARCH_SHARED or ../shared), out
# (created), corpus (default: the US presidential speeches) and limit; without OUT it
# prints the calling script's header comment as its usage and exits 2.
bench_corpus_args() {
  local default_limit=$1
  shift
  repo=$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)
  bin="${POLSEARCH_BUILD:-$repo/build/release}"
  shared="${POLSEARCH_SHARED:-$repo/../shared}"
  if [ $# -lt 1 ]; then
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit 2
  fi
  out=$1
  corpus=${2:-$shared/corpus/us-presidential-speeches/docs.jsonl.gz}
  limit=${3:-$default_limit}
  mkdir -p "$out"
}

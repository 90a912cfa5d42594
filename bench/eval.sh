#!/usr/bin/env bash
# Retrieval quality on the shared test collections, one command per row of
# docs/EVALUATION.md: index the collection (once per schema, cached), answer every query,
# score the run with bench/evaluate (trec_eval's definitions) and print a Markdown row.
#
#   bench/eval.sh scifact                 one collection
#   bench/eval.sh all                     the eight collections, with a header
#   bench/eval.sh cisi -- --prf 10:20     searcher options for this run (ablations)
#   bench/eval.sh --schema FILE npl       another schema (a separate cached database)
#
# Collections: scifact cranfield cisi med npl time lisa cacm, and two CACM variants:
# cacm-anserini-qrels (the cacm run scored against Anserini's published qrels) and
# cacm-title-text (title and abstract only, queries without authors). See
# docs/EVALUATION.md for what each indexes and why.
#
# Options: --schema FILE (default schema/beir.toml), --db-root DIR (cached databases and
# prepared inputs; default $POLSEARCH_EVAL_DB or ${TMPDIR:-/tmp}/polsearch-eval),
# --build DIR (default build/release), --runs DIR (keep each TREC run there),
# --reindex (rebuild the databases), --header (print the table header for one collection).
# Needs bash, gzip, jq and sha1sum. The engine is deterministic: the same build, schema
# and options give the same figures.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
schema="$repo/schema/beir.toml"
build="$repo/build/release"
db_root="${POLSEARCH_EVAL_DB:-${TMPDIR:-/tmp}/polsearch-eval}"
shared="${POLSEARCH_SHARED:-$repo/../shared}/eval"
runs=""
reindex=0
header=0
collections=()
searcher_args=()

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
  exit "${1:-2}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --schema) schema=$(realpath "$2"); shift 2 ;;
    --db-root) db_root="$2"; shift 2 ;;
    --build) build=$(realpath "$2"); shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --reindex) reindex=1; shift ;;
    --header) header=1; shift ;;
    -h|--help) usage 0 ;;
    --) shift; searcher_args=("$@"); break ;;
    -*) echo "eval.sh: unknown option $1" >&2; usage ;;
    *) collections+=("$1"); shift ;;
  esac
done
[ ${#collections[@]} -gt 0 ] || usage
expanded=()
for name in "${collections[@]}"; do
  if [ "$name" = all ]; then
    expanded+=(scifact cranfield cisi med npl time lisa cacm)
    header=1
  else
    expanded+=("$name")
  fi
done
collections=("${expanded[@]}")
for tool in "$build/indexer" "$build/searcher" "$build/bench/evaluate"; do
  [ -x "$tool" ] || { echo "eval.sh: $tool not built (cmake --build --preset release)" >&2; exit 2; }
done
[ -d "$shared" ] || { echo "eval.sh: $shared not found (set POLSEARCH_SHARED)" >&2; exit 2; }
command -v jq >/dev/null || { echo "eval.sh: needs jq" >&2; exit 2; }

schema_id=$(sha1sum "$schema" | cut -c1-12)
mkdir -p "$db_root/inputs"
[ -z "$runs" ] || mkdir -p "$runs"

# Prepared inputs (deterministic, cached). CACM: the published Anserini figure indexes
# every field of a record (title, abstract, date, authors, entry, citations, keywords,
# categories) and searches with the query text plus its author line; 1,617 records have
# no abstract, and a polsearch statement needs body text, so everything but the title
# goes into the body.
prepare_cacm() {
  local dir="$db_root/inputs"
  if [ ! -s "$dir/cacm-all-fields.jsonl.gz" ]; then
    gzip -dc "$shared/cacm/corpus.jsonl.gz" |
      jq -c '{_id, title, text: ([.text] + [(.metadata // {}) | to_entries[] | .value | tostring]
               | map(select(length > 0)) | join("\n\n"))}' |
      gzip -n >"$dir/cacm-all-fields.jsonl.gz.tmp"
    mv "$dir/cacm-all-fields.jsonl.gz.tmp" "$dir/cacm-all-fields.jsonl.gz"
  fi
  if [ ! -s "$dir/cacm-title-text.jsonl.gz" ]; then
    gzip -dc "$shared/cacm/corpus.jsonl.gz" |
      jq -c 'if .text == "" then {_id, title: "", text: .title} else {_id, title, text} end' |
      gzip -n >"$dir/cacm-title-text.jsonl.gz.tmp"
    mv "$dir/cacm-title-text.jsonl.gz.tmp" "$dir/cacm-title-text.jsonl.gz"
  fi
  if [ ! -s "$dir/cacm-queries-authors.tsv" ]; then
    jq -r '[._id, ((.text + " " + (.metadata.author // "")) | gsub("[\t\n\r]+"; " "))] | @tsv' \
      "$shared/cacm/queries.jsonl" >"$dir/cacm-queries-authors.tsv"
  fi
  if [ ! -s "$dir/cacm-anserini-qrels.txt" ]; then
    tar -xzf "$shared/cacm/orig/cacm.tar.gz" -O qrels.cacm.txt >"$dir/cacm-anserini-qrels.txt"
  fi
}

# Sets corpus, queries, qrels and db for a collection name.
resolve() {
  local name=$1 base=$1
  case "$name" in
    scifact|cranfield|cisi|med|npl|time|lisa)
      corpus="$shared/$name/corpus.jsonl.gz"
      queries="$shared/$name/queries.jsonl"
      qrels="$shared/$name/qrels/test.tsv" ;;
    cacm|cacm-anserini-qrels)
      prepare_cacm
      base=cacm
      corpus="$db_root/inputs/cacm-all-fields.jsonl.gz"
      queries="$db_root/inputs/cacm-queries-authors.tsv"
      qrels="$shared/cacm/qrels/test.tsv"
      [ "$name" = cacm ] || qrels="$db_root/inputs/cacm-anserini-qrels.txt" ;;
    cacm-title-text)
      prepare_cacm
      corpus="$db_root/inputs/cacm-title-text.jsonl.gz"
      queries="$shared/cacm/queries.jsonl"
      qrels="$shared/cacm/qrels/test.tsv" ;;
    *) echo "eval.sh: unknown collection '$name'" >&2; exit 2 ;;
  esac
  db="$db_root/$base-$schema_id"
}

index() {
  if [ "$reindex" = 1 ] || [ ! -f "$db/.complete" ]; then
    rm -rf "$db"
    local status=0
    "$build/indexer" --db "$db" --schema "$schema" "$corpus" >"$db.log" 2>&1 || status=$?
    # 1 = some records skipped (Cranfield's two empty documents): reported, not fatal.
    if [ "$status" -gt 1 ]; then
      cat "$db.log" >&2
      exit "$status"
    fi
    tail -n 1 "$db.log" | sed "s|^|eval.sh: $(basename "$db"): |" >&2
    touch "$db/.complete"
  fi
}

if [ "$header" = 1 ]; then
  echo "| collection | nDCG@10 | R@100 | R@1000 | MAP | P@10 | MRR@10 | P@30 | nDCG |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
fi
for name in "${collections[@]}"; do
  resolve "$name"
  index
  run=$(mktemp "${TMPDIR:-/tmp}/polsearch-eval-run.XXXXXX")
  "$build/searcher" --db "$db" --queries "$queries" --unit statement --format trec \
    --limit 1000 --tag "polsearch" "${searcher_args[@]}" >"$run" || {
    status=$?
    [ "$status" = 1 ] || exit "$status"  # 1: some queries reported and skipped
  }
  scores=$("$build/bench/evaluate" -m ndcg_cut.10 -m recall.100,1000 -m map -m P.10,30 \
    -m recip_rank_cut.10 -m ndcg "$qrels" "$run")
  awk -v name="$name" '{ v[$1] = $3 }
    END { if (v["ndcg"] == "") exit 1
          printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, v["ndcg_cut_10"],
          v["recall_100"], v["recall_1000"], v["map"], v["P_10"], v["recip_rank_cut_10"],
          v["P_30"], v["ndcg"] }' <<<"$scores" || { echo "eval.sh: $name: no scores" >&2; exit 4; }
  if [ -n "$runs" ]; then mv "$run" "$runs/$name.run"; else rm -f "$run"; fi
done

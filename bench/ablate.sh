#!/usr/bin/env bash
# The ablation tables of docs/EVALUATION.md: every ranking technique alone on plain BM25,
# the default without each one, and the passage bounds, on all eight collections.
# Each row is one bench/eval.sh run; the script prints Markdown (nDCG@10 and MAP per
# collection) and the eval.sh command of each row, so any row can be re-run alone.
#
#   bench/ablate.sh                 all three tables (about 15 minutes on 2 cores)
#   bench/ablate.sh techniques      one table: techniques | defaults | passages
#
# Options are passed on to bench/eval.sh through the environment it reads
# (POLSEARCH_EVAL_DB for the cached databases).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval_sh="$repo/bench/eval.sh"
work="${POLSEARCH_EVAL_DB:-${TMPDIR:-/tmp}/polsearch-eval}/schemas"
mkdir -p "$work"
tables=("${@:-techniques defaults passages}")
tables=(${tables[*]})
collections=(scifact cranfield cisi med npl time lisa cacm)

# Plain BM25 in this engine: Anserini's k1/b (the schema's), every query word kept, no
# exact-form boost, no feedback. Stemmed words, as every published baseline here uses.
# CLI11 takes each option once, so a technique replaces its plain value (plus OPT VALUE...).
plus() {
  local -A opts=([--exact-boost]=0 [--stopwords]=none [--prf]=off [--proximity]=off
                 [--other-passages]=0)
  while [ $# -gt 1 ]; do opts[$1]=$2; shift 2; done
  local key
  for key in "${!opts[@]}"; do printf '%s\n%s\n' "$key" "${opts[$key]}"; done
}
plain_row() {  # plain_row LABEL [OPT VALUE]...
  local label=$1
  shift
  local args
  mapfile -t args < <(plus "$@")
  row "$label" "$beir" "${args[@]}"
}

# A copy of schema/beir.toml with other passage bounds (cached by content in eval.sh).
schema_with_bounds() {
  local min=$1 max=$2 file="$work/beir-$1-$2.toml"
  sed -e "s/^min_words = .*/min_words = $min/" -e "s/^max_words = .*/max_words = $max/" \
    "$repo/schema/beir.toml" >"$file"
  echo "$file"
}

header() {
  printf '| %s |' "$1"
  for c in "${collections[@]}"; do printf ' %s |' "$c"; done
  printf '\n|---|'
  for _ in "${collections[@]}"; do printf -- '---:|'; done
  printf '\n'
}

# row LABEL SCHEMA [searcher options...]: one line, "nDCG@10 / MAP" per collection.
commands=()
row() {
  local label=$1 schema=$2
  shift 2
  local out
  out=$("$eval_sh" --schema "$schema" "${collections[@]}" -- "$@" 2>>"$work/ablate.log") || {
    echo "ablate.sh: row '$label' failed; see $work/ablate.log" >&2
    exit 4
  }
  printf '| %s |' "$label"
  awk -F'|' '{ gsub(/ /, ""); printf " %s / %s |", $3, $6 }' <<<"$out"
  printf '\n'
  local shown_schema=${schema#"$repo/"}
  if [[ "$shown_schema" == /* ]]; then  # a bounds copy: the script makes it again
    commands+=("$label: bench/ablate.sh passages (schema/beir.toml, bounds as labelled)")
  else
    commands+=("$label: bench/eval.sh --schema $shown_schema all${*:+ -- $*}")
  fi
}

beir="$repo/schema/beir.toml"
for table in "${tables[@]}"; do
  commands=()
  case "$table" in
    techniques)
      echo "### Each technique alone, added to plain BM25 (nDCG@10 / MAP)"
      echo
      header "plain BM25 +"
      plain_row "nothing (plain BM25, k1 0.9 b 0.4)"
      plain_row "k1 1.2 b 0.75 instead" --k1 1.2 --b 0.75
      plain_row "stop words: common" --stopwords common
      plain_row "stop words: lucene (33)" --stopwords lucene
      plain_row "exact-form boost 0.25" --exact-boost 0.25
      plain_row "proximity 0.05 (adjacent pairs)" --proximity 0.05:2
      plain_row "proximity 0.1 (NEAR 8)" --proximity 0.1:8:near
      plain_row "PRF 15 docs, 15 terms, 0.2" --prf 15:15:0.2
      plain_row "PRF 10 docs, 10 terms, 0.5" --prf 10:10:0.5
      plain_row "other passages 0.05 (statement evidence)" --other-passages 0.05
      plain_row "passage-only statistics" --passage-stats on
      plain_row "Lucene idf" --lucene-idf on
      plain_row "all words first" --all-terms-first on
      ;;
    defaults)
      echo "### The default, and the default without each part (nDCG@10 / MAP)"
      echo
      header "setting"
      row "default (schema/beir.toml)" "$beir"
      row "without stop words" "$beir" --stopwords none
      row "without exact-form boost" "$beir" --exact-boost 0
      row "without PRF" "$beir" --prf off
      row "with k1 1.2 b 0.75" "$beir" --k1 1.2 --b 0.75
      row "with proximity 0.05" "$beir" --proximity 0.05:2
      row "with other passages 0.05" "$beir" --other-passages 0.05
      ;;
    passages)
      echo "### Passage bounds, with the default ranking (nDCG@10 / MAP)"
      echo
      header "min_words / max_words"
      for bounds in "12 180" "30 180" "50 180" "100 180" "180 180" "100 300" "100000 100000"; do
        set -- $bounds
        label="$1 / $2"
        [ "$1" = 100000 ] && label="whole document, one passage (default)"
        row "$label" "$(schema_with_bounds "$1" "$2")"
      done
      ;;
    *) echo "ablate.sh: unknown table '$table' (techniques, defaults, passages)" >&2; exit 2 ;;
  esac
  echo
  echo "Commands:"
  echo
  for c in "${commands[@]}"; do echo "- ${c%%: bench/*}: \`bench/${c#*: bench/}\`"; done
  echo
done

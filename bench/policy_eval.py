#!/usr/bin/env python3
"""Rankers scored on the judged policy set (test/data/relevance/GUIDELINES.md).

Builds the policy collection (tools/policy-collection: samples/statements plus a fixed
subset of ../shared's presidential speeches and UN General Debate), answers the 60
judged queries with each named ranker and prints nDCG@10, P@10 and R@100 (bench/evaluate,
trec_eval's definitions) overall and by query kind, as a Markdown table.

  bench/policy_eval.py                        every ranker: default, bm25 (plain Xapian
                                              BM25: no all-words tier, no exact-form
                                              boost, stop words kept, no feedback or
                                              proximity, per_doc 0), bm25_stop (the same,
                                              common stop words dropped), bm25_xapian and
                                              bm25_075 (plain BM25 at k1 1, b 0.5 and at
                                              k1 1.2, b 0.75 whatever the schema), expand,
                                              per_doc0, per_doc1, per_doc2, per_doc3
  bench/policy_eval.py default bm25           the named rankers only
  bench/policy_eval.py --ranker 'mine=--k1 0.9 --b 0.4' default
                                              an extra ranker: NAME=searcher options
  bench/policy_eval.py --pool DIR [--unjudged] [--depth N] [RANKER...]
                                              instead, write the pool per query: the top
                                              --depth passages of each ranker with their
                                              text (--unjudged: only those not judged
                                              yet), what a judge reads

Options: --build DIR (default build/release), --work DIR (collection and database,
cached; default ${TMPDIR:-/tmp}/polsearch-policy), --reindex, --runs DIR (keep the TREC
runs), --per-query, --half odd|even (score the odd- or even-numbered queries only: a
leave-half-out check), --baseline NAME (each ranker's nDCG@10 difference from NAME, overall
and by kind, with the p-value of a paired randomization test: with 12 queries a kind,
small per-kind differences are noise). Queries are run in the full syntax (quoted phrases are phrases), as
a user types them, passages ranked (--unit passage), top 100. The last column,
judged@10, is the share of the top 10 passages that were judged: below about 0.95 the
ranker's figures are not trustworthy until its unread passages are judged (--pool
--unjudged).
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(REPO, "test", "data", "relevance")
QUERIES = os.path.join(DATA, "judged_queries.tsv")
QRELS = os.path.join(DATA, "judged_qrels.tsv")

# Plain BM25: Xapian's BM25 (the schema's k1, b) over the analysed words, nothing else:
# no all-words tier, no exact-form boost, no stop-word dropping, feedback or proximity,
# no folding of passages per statement, every passage shown (a passage printed twice too).
PLAIN = ["--all-terms-first", "off", "--exact-boost", "0", "--stopwords", "none",
         "--prf", "off", "--proximity", "off", "--per-doc", "0", "--show-repeats"]
RANKERS = {
    "default": [],
    "bm25": PLAIN,
    # The same with the common English stop words dropped from the query (a peer that
    # drops stop words; analyst questions are full of them).
    "bm25_stop": [o if o != "none" else "common" for o in PLAIN],
    # Plain BM25 with fixed parameters, whatever the schema says: Xapian's own defaults
    # (BM25Weight(): k1 1, b 0.5) and the policy schema's before issue 17 (k1 1.2, b 0.75).
    "bm25_xapian": PLAIN + ["--k1", "1", "--b", "0.5"],
    "bm25_075": PLAIN + ["--k1", "1.2", "--b", "0.75"],
    "expand": ["--expand"],
    "per_doc0": ["--per-doc", "0"],
    "per_doc1": ["--per-doc", "1"],
    "per_doc2": ["--per-doc", "2"],
    "per_doc3": ["--per-doc", "3"],
}
KINDS = ["keyword", "phrase", "concept", "question"]
MEASURES = ["ndcg_cut_10", "P_10", "recall_100"]


def read_queries():
    """[(qid, kind, query)] from judged_queries.tsv (header: qid kind query need)."""
    rows = []
    with open(QUERIES, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            fields = line.rstrip("\n").split("\t")
            if number == 1:
                continue
            if len(fields) != 4:
                sys.exit(f"{QUERIES}:{number}: expected 4 tab-separated fields")
            rows.append(tuple(fields[:3]))
    return rows


def build_db(args):
    db = os.path.join(args.work, "db")
    if os.path.isdir(db) and not args.reindex:
        return db
    shutil.rmtree(db, ignore_errors=True)
    subprocess.run([os.path.join(REPO, "tools", "policy-collection"), "--out", args.work],
                   check=True)
    subprocess.run([os.path.join(args.build, "indexer"), "-q", "--db", db,
                    os.path.join(args.work, "corpus.jsonl"),
                    os.path.join(REPO, "samples", "statements")], check=True)
    return db


def search(args, db, queries_file, options, fmt, limit):
    # The full syntax unless the ranker chooses (CLI11 takes an option once).
    syntax = [] if "--query-syntax" in options else ["--query-syntax", "full"]
    command = [os.path.join(args.build, "searcher"), "--db", db, "--queries", queries_file,
               "--format", fmt, "--limit", str(limit), "--color", "never"] + syntax + options
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def per_query_figures(args, run_file):
    """{qid: {measure: value}} from bench/evaluate -q -c."""
    command = [os.path.join(args.build, "bench", "evaluate"), "-q"]
    for measure in MEASURES:
        command += ["-m", measure.replace("_", ".", 1) if measure != "ndcg_cut_10"
                    else "ndcg_cut.10"]
    command += [QRELS, run_file]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures = {}
    for line in out.splitlines():
        measure, qid, value = line.split()
        if qid != "all":
            figures.setdefault(qid, {})[measure] = float(value)
    return figures


def read_judged_pairs():
    """{(qid, passage)} of every passage read and graded, 0 included."""
    with open(QRELS, encoding="utf-8") as lines:
        next(lines)  # header
        return {tuple(line.split("\t")[:2]) for line in lines}


def judged(queries, pairs):
    """The queries that have judgements (a set is judged query by query)."""
    qids = {qid for qid, _ in pairs}
    return [q for q in queries if q[0] in qids]


def judged_at_10(run_file, pairs):
    """{qid: share of the top 10 passages that were judged}: below 1, a ranker brings up
    passages nobody has read, which count as not relevant (pool them and judge them)."""
    top = {}
    with open(run_file, encoding="utf-8") as lines:
        for line in lines:
            qid, _, docno, rank = line.split()[:4]
            if int(rank) <= 10:
                top.setdefault(qid, []).append((qid, docno) in pairs)
    return {qid: sum(flags) / len(flags) for qid, flags in top.items()}


def row(name, queries, figures):
    cells = []
    groups = [("all", [q for q, _, _ in queries])] + [
        (kind, [q for q, k, _ in queries if k == kind]) for kind in KINDS]
    for _, qids in groups:
        for measure in MEASURES:
            values = [figures.get(q, {}).get(measure, 0.0) for q in qids]
            cells.append(f"{sum(values) / len(values):.4f}" if values else "–")
    coverage = [figures.get(q, {}).get("judged_10", 1.0) for q, _, _ in queries]
    cells.append(f"{sum(coverage) / len(coverage):.3f}")
    return f"| {name} | " + " | ".join(cells) + " |"


def randomization_p(a, b, trials=20000, seed=17):
    """Two-sided p-value of a paired randomization test on the mean difference of a - b
    (each query's pair swapped at random; Smucker et al. 2007). Seeded: reproducible."""
    diffs = [x - y for x, y in zip(a, b)]
    observed = abs(sum(diffs))
    rng = random.Random(seed)
    hits = sum(abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= observed - 1e-12
               for _ in range(trials))
    return (hits + 1) / (trials + 1)


def print_significance(baseline, scored, queries):
    """nDCG@10 of each ranker against the baseline: difference and p, overall and by kind.
    With 12 queries a kind, only large per-kind differences can be told from noise."""
    if baseline not in scored:
        sys.exit(f"policy_eval: --baseline {baseline} is not among the rankers run")
    print(f"\nnDCG@10 against {baseline}: difference (paired randomization test p)\n")
    print("| ranker | all | " + " | ".join(KINDS) + " |\n|---|" + "---:|" * (len(KINDS) + 1))
    for name, figures in scored.items():
        if name == baseline:
            continue
        cells = []
        for kind in [None] + KINDS:
            qids = [q for q, k, _ in queries if kind is None or k == kind]
            a = [figures.get(q, {}).get("ndcg_cut_10", 0.0) for q in qids]
            b = [scored[baseline].get(q, {}).get("ndcg_cut_10", 0.0) for q in qids]
            cells.append(f"{(sum(a) - sum(b)) / len(qids):+.4f} ({randomization_p(a, b):.3f})")
        print(f"| {name} | " + " | ".join(cells) + " |")


def header():
    names = {"ndcg_cut_10": "nDCG@10", "P_10": "P@10", "recall_100": "R@100"}
    cols = [f"{g} {names[m]}" for g in ["all"] + KINDS for m in MEASURES] + ["judged@10"]
    return "| ranker | " + " | ".join(cols) + " |\n|---|" + "---:|" * len(cols)


def write_pool(args, db, queries_file, rankers, queries):
    """DIR/QID.txt: every passage in some ranker's top --depth, with its text (with
    --unjudged, only the passages judged_qrels.tsv does not have yet)."""
    done = read_judged_pairs() if args.unjudged else set()
    os.makedirs(args.pool, exist_ok=True)
    pool = {}
    for name, options in rankers.items():
        out = search(args, db, queries_file, options, "json", args.depth)
        for line in out.splitlines():
            hit = json.loads(line)
            if hit.get("type") != "hit":
                continue
            key = f"{hit['doc_id']}#{hit['passage']}"
            if (hit["qid"], key) in done:
                continue
            entry = pool.setdefault(hit["qid"], {}).setdefault(key, [hit, []])
            entry[1].append(f"{name}:{hit['rank']}")
    for qid, kind, query in queries:
        with open(os.path.join(args.pool, qid + ".txt"), "w", encoding="utf-8") as out:
            out.write(f"## {qid} [{kind}] {query}\n")
            for number, (key, (hit, ranks)) in enumerate(sorted(pool.get(qid, {}).items()), 1):
                out.write(f"\n[{number}] {key} | {hit['title']} | {' '.join(ranks)}\n"
                          f"{hit['text']}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rankers", nargs="*", help="ranker names (default: all)")
    parser.add_argument("--ranker", action="append", default=[], help="NAME=OPTIONS")
    parser.add_argument("--build", default=os.path.join(REPO, "build", "release"))
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(),
                                                       "polsearch-policy"))
    parser.add_argument("--reindex", action="store_true")
    parser.add_argument("--runs", help="keep each TREC run in this folder")
    parser.add_argument("--pool", help="write the judging pool into this folder")
    parser.add_argument("--depth", type=int, default=10, help="pool depth per ranker")
    parser.add_argument("--unjudged", action="store_true",
                        help="pool only passages not judged yet")
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--half", choices=["odd", "even"],
                        help="score only the queries whose number is odd (k1, k3, ...) or "
                        "even: choose on one half, confirm on the other")
    parser.add_argument("--baseline", help="also print each ranker's nDCG@10 difference "
                        "from this one with a paired randomization test's p")
    args = parser.parse_args()

    rankers = dict(RANKERS)
    for spec in args.ranker:
        name, _, options = spec.partition("=")
        rankers[name] = options.split()
    chosen = (args.rankers or list(RANKERS)) + [s.partition("=")[0] for s in args.ranker]
    unknown = [name for name in chosen if name not in rankers]
    if unknown:
        sys.exit(f"policy_eval: unknown ranker {', '.join(unknown)}; known: "
                 f"{', '.join(rankers)}")
    rankers = {name: rankers[name] for name in chosen}

    os.makedirs(args.work, exist_ok=True)
    db = build_db(args)
    queries = read_queries()
    queries_file = os.path.join(args.work, "queries.tsv")
    with open(queries_file, "w", encoding="utf-8") as out:
        out.writelines(f"{qid}\t{query}\n" for qid, _, query in queries)
    if args.pool:
        write_pool(args, db, queries_file, rankers, queries)
        return 0
    pairs = read_judged_pairs()
    queries = judged(queries, pairs)
    if args.half:
        parity = 1 if args.half == "odd" else 0
        queries = [q for q in queries if int(q[0][1:]) % 2 == parity]
    runs = args.runs or os.path.join(args.work, "runs")
    os.makedirs(runs, exist_ok=True)
    print(header())
    scored = {}
    for name, options in rankers.items():
        run_file = os.path.join(runs, name + ".trec")
        with open(run_file, "w", encoding="utf-8") as out:
            out.write(search(args, db, queries_file, options + ["--tag", name], "trec", 100))
        figures = per_query_figures(args, run_file)
        for qid, share in judged_at_10(run_file, pairs).items():
            figures.setdefault(qid, {})["judged_10"] = share
        print(row(name, queries, figures), flush=True)
        scored[name] = figures
        if args.per_query:
            for qid, kind, _ in queries:
                f = figures.get(qid, {})
                print(f"  {qid} {kind} " + " ".join(f"{m} {f.get(m, 0.0):.4f}"
                                                   for m in MEASURES))
    if args.baseline:
        print_significance(args.baseline, scored, queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())

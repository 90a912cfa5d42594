// micro: Google Benchmark micro-benchmarks of the library's hot paths on a few MB of
// corpus text: passage splitting, analysis (ICU segmentation + normalisation +
// stemming) and highlighting, with the bare ICU tokenising floor alongside for scale.
//
// The text is the first statements of the corpus (default
// ../shared/corpus/ungdc/docs.jsonl.gz from the repo root; POLSEARCH_BENCH_CORPUS
// overrides it) up to POLSEARCH_BENCH_MB megabytes (default 4), read once before any
// benchmark runs. Figures only: nothing here asserts a timing.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "analyzer.h"
#include "lib/corpus.h"
#include "lib/peers.h"
#include "passages.h"
#include "query_builder.h"

#ifndef BENCH_REPO_ROOT
#define BENCH_REPO_ROOT ""
#endif

namespace {

struct Sample {
  std::vector<std::string> statements;  // statement texts
  bench::Corpus passages;               // the same text split on blank lines, as compare does
  int64_t statement_bytes = 0;
};

const Sample& sample() {
  static const Sample s = [] {
    Sample out;
    const char* env_path = std::getenv("POLSEARCH_BENCH_CORPUS");
    const char* env_mb = std::getenv("POLSEARCH_BENCH_MB");
    std::string path = env_path ? env_path
                                : bench::resolve_default_path(
                                      "../shared/corpus/ungdc/docs.jsonl.gz", BENCH_REPO_ROOT);
    double mb = env_mb ? std::atof(env_mb) : 4.0;
    out.statements = bench::load_statement_texts(path, static_cast<uint64_t>(mb * 1e6));
    for (const auto& text : out.statements) {
      out.statement_bytes += static_cast<int64_t>(text.size());
      size_t start = 0;
      for (;;) {
        size_t sep = text.find("\n\n", start);
        size_t end = sep == std::string::npos ? text.size() : sep;
        if (end > start) {
          out.passages.spans.emplace_back(out.passages.text.size(),
                                          static_cast<uint32_t>(end - start));
          out.passages.text.append(text, start, end - start);
        }
        if (sep == std::string::npos) break;
        start = sep + 2;
      }
    }
    out.passages.statements = out.statements.size();
    std::fprintf(stderr, "micro: %zu statements, %zu passages, %.1f MB from %s\n",
                 out.statements.size(), out.passages.size(),
                 static_cast<double>(out.statement_bytes) / 1e6, path.c_str());
    return out;
  }();
  return s;
}

// The ICU word-break + case-fold floor (the same code as `compare --engines icu`).
void BM_IcuFloor(benchmark::State& state) {
  const auto& s = sample();
  auto floor = bench::make_icu_floor();
  bench::IndexContext ctx;
  for (auto _ : state) {
    floor->index(s.passages, ctx);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.passages.bytes()));
  state.counters["tokens"] = ctx.counters["tokens"];
}
BENCHMARK(BM_IcuFloor)->Unit(benchmark::kMillisecond);

// PassageSplitter::split over every statement.
void BM_PassageSplitter_split(benchmark::State& state) {
  const auto& s = sample();
  polsearch::PassageSplitter splitter;
  size_t passages = 0;
  for (auto _ : state) {
    passages = 0;
    for (const auto& text : s.statements) {
      auto out = splitter.split(text);
      passages += out.size();
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * s.statement_bytes);
  state.counters["passages"] = static_cast<double>(passages);
}
BENCHMARK(BM_PassageSplitter_split)->Unit(benchmark::kMillisecond);

// Analyzer::analyze over every passage; arg 1 also collects hyphenated compounds.
void BM_Analyzer_analyze(benchmark::State& state) {
  const auto& s = sample();
  polsearch::Analyzer analyzer;
  std::vector<polsearch::Token> tokens;
  std::vector<polsearch::Compound> compounds;
  const bool with_compounds = state.range(0) != 0;
  size_t count = 0;
  for (auto _ : state) {
    count = 0;
    for (size_t i = 0; i < s.passages.size(); ++i) {
      tokens.clear();
      compounds.clear();
      analyzer.analyze(s.passages.passage(i), tokens, with_compounds ? &compounds : nullptr);
      count += tokens.size();
    }
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.passages.bytes()));
  state.counters["tokens"] = static_cast<double>(count);
}
BENCHMARK(BM_Analyzer_analyze)->ArgName("compounds")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Analyzer::analyze + stem() of every token: what the indexer does per passage.
void BM_Analyzer_analyze_and_stem(benchmark::State& state) {
  const auto& s = sample();
  polsearch::Analyzer analyzer;
  std::vector<polsearch::Token> tokens;
  std::vector<polsearch::Compound> compounds;
  for (auto _ : state) {
    size_t stem_bytes = 0;
    for (size_t i = 0; i < s.passages.size(); ++i) {
      tokens.clear();
      compounds.clear();
      analyzer.analyze(s.passages.passage(i), tokens, &compounds);
      for (const auto& t : tokens) stem_bytes += analyzer.stem(t.form).size();
    }
    benchmark::DoNotOptimize(stem_bytes);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.passages.bytes()));
}
BENCHMARK(BM_Analyzer_analyze_and_stem)->Unit(benchmark::kMillisecond);

// Highlight patterns like the query builder makes: words matched by stem, and a phrase.
std::vector<polsearch::HighlightPattern> patterns_for(polsearch::Analyzer& analyzer,
                                                      const std::vector<std::string>& words,
                                                      const std::string& phrase) {
  std::vector<polsearch::HighlightPattern> patterns;
  std::vector<polsearch::Token> tokens;
  for (const auto& w : words) {
    tokens.clear();
    analyzer.analyze(w, tokens);
    for (const auto& t : tokens) {
      polsearch::HighlightPattern p;
      p.kind = polsearch::HighlightPattern::Kind::Word;
      p.forms = {t.form};
      p.stem = analyzer.stem(t.form);
      p.label = w;
      patterns.push_back(std::move(p));
    }
  }
  if (!phrase.empty()) {
    tokens.clear();
    analyzer.analyze(phrase, tokens);
    polsearch::HighlightPattern p;
    p.kind = polsearch::HighlightPattern::Kind::Sequence;
    for (const auto& t : tokens) p.forms.push_back(t.form);
    p.label = phrase;
    patterns.push_back(std::move(p));
  }
  return patterns;
}

// find_highlights over every passage (each passage is a "hit" to mark up). Arg 0: two
// words; arg 1: two words and a phrase.
void BM_find_highlights(benchmark::State& state) {
  const auto& s = sample();
  polsearch::Analyzer analyzer;
  auto patterns = patterns_for(analyzer, {"peace", "security"},
                               state.range(0) ? "united nations" : std::string());
  size_t spans = 0;
  for (auto _ : state) {
    spans = 0;
    for (size_t i = 0; i < s.passages.size(); ++i) {
      auto out = polsearch::find_highlights(s.passages.passage(i), patterns, analyzer);
      spans += out.size();
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.passages.bytes()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(s.passages.size()));
  state.counters["spans"] = static_cast<double>(spans);
}
BENCHMARK(BM_find_highlights)->ArgName("phrase")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// Request counters and latency histograms for GET /metrics (Prometheus text format).
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace polsearch::serve {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};

  void record(const std::string& endpoint, int status, double seconds);
  void rejected() { ++rejected_; }
  std::atomic<int>& in_flight() { return in_flight_; }

  // The whole exposition; `documents` and `revision` describe the database.
  std::string render(double documents, double revision) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<int> in_flight_{0};
  std::atomic<uint64_t> rejected_{0};
};

// The endpoint label of a path: its route pattern, so ids do not make new series.
std::string endpoint_label(const std::string& path);

}  // namespace polsearch::serve

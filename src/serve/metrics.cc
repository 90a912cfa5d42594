#include "metrics.h"

#include <sstream>

namespace polsearch::serve {

void Metrics::record(const std::string& endpoint, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{endpoint, status}];
  Histogram& h = latency_[endpoint];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(double documents, double revision) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP polsearch_http_requests_total Requests answered, by endpoint and status.\n"
      << "# TYPE polsearch_http_requests_total counter\n";
  for (auto& [key, n] : requests_)
    out << "polsearch_http_requests_total{endpoint=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << n << '\n';
  out << "# HELP polsearch_http_request_duration_seconds Time to answer, by endpoint.\n"
      << "# TYPE polsearch_http_request_duration_seconds histogram\n";
  for (auto& [endpoint, h] : latency_) {
    std::string label = "polsearch_http_request_duration_seconds_bucket{endpoint=\"" + endpoint;
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out << label << "\",le=\"" << kBuckets[i] << "\"} " << h.counts[i] << '\n';
    out << label << "\",le=\"+Inf\"} " << h.count << '\n';
    out << "polsearch_http_request_duration_seconds_sum{endpoint=\"" << endpoint << "\"} " << h.sum
        << '\n';
    out << "polsearch_http_request_duration_seconds_count{endpoint=\"" << endpoint << "\"} "
        << h.count << '\n';
  }
  out << "# HELP polsearch_http_requests_in_flight Requests being answered now.\n"
      << "# TYPE polsearch_http_requests_in_flight gauge\n"
      << "polsearch_http_requests_in_flight " << in_flight_.load() << '\n'
      << "# HELP polsearch_http_rejected_total Requests answered 503 because the server was "
         "saturated.\n"
      << "# TYPE polsearch_http_rejected_total counter\n"
      << "polsearch_http_rejected_total " << rejected_.load() << '\n'
      << "# HELP polsearch_database_documents Documents (passages and statement records).\n"
      << "# TYPE polsearch_database_documents gauge\n"
      << "polsearch_database_documents " << documents << '\n'
      << "# HELP polsearch_database_revision Revision of the database being served.\n"
      << "# TYPE polsearch_database_revision gauge\n"
      << "polsearch_database_revision " << revision << '\n';
  return out.str();
}

std::string endpoint_label(const std::string& path) {
  if (path.rfind("/api/v1/statements/", 0) == 0) {
    if (path.size() > 5 && path.compare(path.size() - 5, 5, "/like") == 0)
      return "/api/v1/statements/{id}/passages/{n}/like";
    if (path.find("/passages/") != std::string::npos) return "/api/v1/statements/{id}/passages/{n}";
    return "/api/v1/statements/{id}";
  }
  for (const char* known : {"/api/v1/search", "/api/v1/export", "/api/v1/schema", "/api/v1/related",
                            "/healthz", "/readyz", "/metrics", "/"})
    if (path == known) return known;
  return "other";
}

}  // namespace polsearch::serve

// An API request's parameters as a search: checked, with the limits of docs/API.md,
// and the filter parameters written into the query as the query language writes them.
// No HTTP here: the parameters come as a name -> values map (from a URL or a JSON
// body), so the checks are tested without a server.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "searcher.h"

namespace polsearch::serve {

// An error answered to the client: HTTP status, a stable code, a message and, for a
// query syntax error, the code-point position in `q`.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message,
           std::optional<uint64_t> position = std::nullopt)
      : std::runtime_error(message), status_(status), code_(std::move(code)), position_(position) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  std::optional<uint64_t> position() const { return position_; }
  nlohmann::json to_json() const;

 private:
  int status_;
  std::string code_;
  std::optional<uint64_t> position_;
};

ApiError bad_parameter(const std::string& message);

struct Limits {
  unsigned max_limit = 100;           // hits per page
  unsigned max_window = 10000;        // offset + limit
  size_t max_query_bytes = 4096;      // q
  size_t max_body_bytes = 64 * 1024;  // POST body
  unsigned max_context = 10;
  unsigned max_facet_values = 1000;  // values listed per facet
  unsigned export_cap = 10000;
};

using Params = std::multimap<std::string, std::string, std::less<>>;

// A POST body (a JSON object) as parameters; a list becomes repeated values.
Params params_from_json(const std::string& body);

struct SearchRequest {
  std::string q;        // as the client wrote it
  std::string query;    // q with the filter parameters added
  size_t q_offset = 0;  // where q starts in `query` (for error positions)
  SearchOptions options;
  std::vector<std::string> facets;  // asked for, in the order given
};

// Names of the facets a database offers (FacetCollector's fields).
const std::vector<std::string>& facet_names();

enum class RequestKind { Search, Like, Export };
SearchRequest parse_search_request(const Params& params, const Limits& limits, RequestKind kind);

// Checks `q` itself: length and UTF-8 (position of the first bad byte).
void check_query_text(const std::string& q, const Limits& limits);

// Turns a QuerySyntaxError on `request.query` into a 400 with its position in q.
ApiError syntax_error(const SearchRequest& request, const QuerySyntaxError& e);

// An unsigned parameter in [min, max]; `fallback` when absent.
unsigned unsigned_param(const Params& params, const std::string& name, unsigned fallback,
                        unsigned min, unsigned max);
bool flag_param(const Params& params, const std::string& name);
std::optional<std::string> single_param(const Params& params, const std::string& name);

}  // namespace polsearch::serve

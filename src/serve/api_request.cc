#include "api_request.h"

#include <charconv>
#include <regex>

#include "output.h"

namespace polsearch::serve {

nlohmann::json ApiError::to_json() const {
  nlohmann::json position = position_ ? nlohmann::json(*position_) : nlohmann::json(nullptr);
  return {{"error", {{"code", code_}, {"message", what()}, {"position", position}}}};
}

ApiError bad_parameter(const std::string& message) {
  return ApiError(400, "bad_parameter", message);
}

namespace {

// The filter parameters and the query field each one becomes.
const std::vector<std::string> kFilterParams = {"country", "speaker", "source", "lang"};

// Byte offset of the first invalid UTF-8 sequence, or npos.
size_t invalid_utf8_at(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || (len == 2 && c < 0xC2) || (len == 4 && c > 0xF4) || i + len > s.size())
      return i;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    if (len == 3) {  // overlong forms and surrogates
      auto d = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d >= 0xA0)) return i;
    }
    if (len == 4) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && d < 0x90) || (c == 0xF4 && d >= 0x90)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::vector<std::string> all_values(const Params& params, const std::string& name) {
  std::vector<std::string> out;
  auto [first, last] = params.equal_range(name);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

void check_filter_value(const std::string& name, const std::string& value) {
  if (value.empty() || value.size() > 200)
    throw bad_parameter("'" + name + "' must be 1 to 200 bytes");
  if (invalid_utf8_at(value) != std::string_view::npos)
    throw bad_parameter("'" + name + "' is not valid UTF-8");
  for (unsigned char c : value)
    if (c < 0x20 || c == '"' || c == 0x7F)
      throw bad_parameter("'" + name + "' must not hold quotes or control characters");
}

// "YYYY" or "YYYY-MM-DD" as the query language's date bound.
std::string date_param(const Params& params, const std::string& name) {
  auto value = single_param(params, name);
  if (!value || value->empty()) return "";
  static const std::regex kDate("[0-9]{4}(-[0-9]{2}-[0-9]{2})?");
  if (!std::regex_match(*value, kDate) || !normalise_date(*value))
    throw bad_parameter("'" + name + "' must be YYYY or YYYY-MM-DD, not '" + value->substr(0, 40) +
                        "'");
  return *value;
}

// The filters as query text: values of one field OR-ed in a group, groups AND-ed.
std::string filter_clauses(const Params& params) {
  std::string out;
  for (const std::string& name : kFilterParams) {
    auto values = all_values(params, name);
    if (values.empty()) continue;
    std::string group;
    for (const std::string& v : values) {
      check_filter_value(name, v);
      group += (group.empty() ? "" : " OR ") + name + ":\"" + v + "\"";
    }
    out += " (" + group + ")";
  }
  std::string from = date_param(params, "date_from"), to = date_param(params, "date_to");
  if (!from.empty() || !to.empty()) out += " (date:" + from + ".." + to + ")";
  return out;
}

std::vector<std::string> facet_list(const Params& params) {
  std::vector<std::string> out;
  auto value = single_param(params, "facets");
  if (!value) return out;
  size_t start = 0;
  while (start <= value->size()) {
    size_t comma = std::min(value->find(',', start), value->size());
    std::string name = value->substr(start, comma - start);
    if (!name.empty()) {
      auto& known = facet_names();
      if (std::find(known.begin(), known.end(), name) == known.end())
        throw bad_parameter("unknown facet '" + name.substr(0, 40) +
                            "' (facets: country, speaker, source, year)");
      out.push_back(name);
    }
    start = comma + 1;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& facet_names() {
  static const std::vector<std::string> kNames = {"country", "speaker", "source", "year"};
  return kNames;
}

std::optional<std::string> single_param(const Params& params, const std::string& name) {
  auto [first, last] = params.equal_range(name);
  if (first == last) return std::nullopt;
  if (std::next(first) != last) throw bad_parameter("'" + name + "' given more than once");
  return first->second;
}

unsigned unsigned_param(const Params& params, const std::string& name, unsigned fallback,
                        unsigned min, unsigned max) {
  auto text = single_param(params, name);
  if (!text) return fallback;
  unsigned long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || text->empty() || value < min ||
      value > max)
    throw bad_parameter("'" + name + "' must be a whole number from " + std::to_string(min) +
                        " to " + std::to_string(max) + ", not '" + text->substr(0, 40) + "'");
  return static_cast<unsigned>(value);
}

bool flag_param(const Params& params, const std::string& name) {
  auto text = single_param(params, name);
  if (!text || *text == "0" || *text == "false") return false;
  if (*text == "1" || *text == "true" || text->empty()) return true;
  throw bad_parameter("'" + name + "' must be 0 or 1");
}

Params params_from_json(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw bad_parameter("the request body must be a JSON object");
  Params out;
  auto add = [&](const std::string& key, const nlohmann::json& v) {
    if (v.is_string())
      out.emplace(key, v.get<std::string>());
    else if (v.is_boolean())
      out.emplace(key, v.get<bool>() ? "1" : "0");
    else if (v.is_number_unsigned())
      out.emplace(key, std::to_string(v.get<uint64_t>()));
    else
      throw bad_parameter("'" + key + "' must be a string, a whole number or true/false");
  };
  for (auto& [key, value] : j.items()) {
    if (value.is_array())
      for (auto& v : value) add(key, v);
    else
      add(key, value);
  }
  return out;
}

void check_query_text(const std::string& q, const Limits& limits) {
  if (q.size() > limits.max_query_bytes)
    throw ApiError(400, "bad_query",
                   "the query is " + std::to_string(q.size()) + " bytes; at most " +
                       std::to_string(limits.max_query_bytes) + " are allowed");
  size_t bad = invalid_utf8_at(q);
  if (bad != std::string_view::npos)
    throw ApiError(400, "bad_query", "the query is not valid UTF-8 at byte " + std::to_string(bad),
                   code_point_offset(q, bad));
}

ApiError syntax_error(const SearchRequest& request, const QuerySyntaxError& e) {
  std::optional<uint64_t> position;
  size_t offset = e.offset();
  if (offset >= request.q_offset && offset <= request.q_offset + request.q.size())
    position = code_point_offset(request.q, offset - request.q_offset);
  return ApiError(400, "bad_query", e.what(), position);
}

SearchRequest parse_search_request(const Params& params, const Limits& limits, RequestKind kind) {
  SearchRequest r;
  r.q = single_param(params, "q").value_or("");
  check_query_text(r.q, limits);
  SearchOptions& o = r.options;
  bool exporting = kind == RequestKind::Export;
  unsigned max_limit = exporting ? limits.export_cap : limits.max_limit;
  o.limit = unsigned_param(params, "limit", exporting ? max_limit : 10, 0, max_limit);
  o.offset = unsigned_param(params, "offset", 0, 0, limits.max_window);
  if (o.offset + o.limit > limits.max_window)
    throw bad_parameter("offset + limit must be at most " + std::to_string(limits.max_window));
  if (params.count("per_doc")) o.per_doc = unsigned_param(params, "per_doc", 0, 0, 1000);
  std::string sort = single_param(params, "sort").value_or("relevance");
  auto order = sort_order_named(sort);
  if (!order) throw bad_parameter("'sort' must be relevance, date or -date");
  o.sort = *order;
  o.context = unsigned_param(params, "context", 0, 0, limits.max_context);
  o.explain = flag_param(params, "explain");
  o.expand = flag_param(params, "expand");
  o.show_repeats = flag_param(params, "show_repeats");
  r.facets = facet_list(params);
  o.facets = !r.facets.empty();
  o.exact_facets = flag_param(params, "exact_facets");
  o.facet_values =
      unsigned_param(params, "facet_values", o.facet_values, 1, limits.max_facet_values);
  std::string filters = filter_clauses(params);
  // A top-level OR in q would bind tighter than the filters: group q then.
  bool group = !filters.empty() && r.q.find("OR") != std::string::npos;
  r.q_offset = group ? 1 : 0;
  r.query = group ? "(" + r.q + ")" + filters : r.q + filters;
  if (kind != RequestKind::Like && r.query.find_first_not_of(' ') == std::string::npos)
    throw ApiError(400, "bad_query", "give a query (q) or a filter", 0);
  return r;
}

}  // namespace polsearch::serve

#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace bench {
namespace {

struct Grid {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

int group_of(const std::string& key) {
  static const char* const groups[] = {"index.", "step.", "count.", "query."};
  for (int g = 0; g < 4; ++g) {
    if (key.rfind(groups[g], 0) == 0) return g;
  }
  return 4;
}

// Every figure key that any engine has, grouped (index, extra steps, counters,
// queries) and otherwise in order of first appearance.
std::vector<const Figure*> row_keys(const Report& r) {
  std::vector<const Figure*> keys;
  for (const auto& e : r.engines) {
    for (const auto& f : e.figures) {
      bool seen =
          std::any_of(keys.begin(), keys.end(), [&](const Figure* k) { return k->key == f.key; });
      if (!seen) keys.push_back(&f);
    }
  }
  std::stable_sort(keys.begin(), keys.end(), [](const Figure* a, const Figure* b) {
    return group_of(a->key) < group_of(b->key);
  });
  return keys;
}

std::string format_value(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  std::string s = buf;
  // Thousands separators in the integer part of large values.
  size_t dot = s.find('.');
  size_t int_end = dot == std::string::npos ? s.size() : dot;
  size_t int_start = (s[0] == '-') ? 1 : 0;
  if (int_end - int_start > 3) {
    for (size_t i = int_end; i > int_start + 3; i -= 3) s.insert(i - 3, ",");
  }
  return s;
}

std::string format_ratio(double r) {
  char buf[64];
  if (r >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f×", r);
  } else if (r >= 10) {
    std::snprintf(buf, sizeof buf, "%.1f×", r);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f×", r);
  }
  return buf;
}

std::vector<Grid> build_grids(const Report& r) {
  std::vector<Grid> grids;
  auto keys = row_keys(r);

  Grid main;
  main.title = "Figures (MB = 10^6 bytes; latencies are warm, per query, top 10 with snippets)";
  main.header.push_back("figure");
  for (const auto& e : r.engines) main.header.push_back(e.name);
  for (const Figure* k : keys) {
    std::vector<std::string> row = {k->label};
    for (const auto& e : r.engines) {
      const Figure* f = e.find(k->key);
      row.push_back(f ? format_value(f->value, f->precision) : "–");
    }
    main.rows.push_back(std::move(row));
  }
  grids.push_back(std::move(main));

  // Ratios: one block per engine, its figure divided by each peer's.
  if (r.engines.size() < 2) return grids;
  for (const auto& a : r.engines) {
    Grid g;
    g.title = "Ratios: " + a.name + " ÷ peer (for 'higher' rows above 1× is better, else below)";
    g.header = {"figure", "better"};
    for (const auto& b : r.engines) {
      if (&b != &a) g.header.push_back(a.name + " / " + b.name);
    }
    for (const Figure* k : keys) {
      if (!k->ratio) continue;
      const Figure* fa = a.find(k->key);
      if (!fa) continue;
      std::vector<std::string> row = {k->label, k->higher_is_better ? "higher" : "lower"};
      bool any = false;
      for (const auto& b : r.engines) {
        if (&b == &a) continue;
        const Figure* fb = b.find(k->key);
        if (fb && fb->value > 0 && std::isfinite(fa->value / fb->value)) {
          row.push_back(format_ratio(fa->value / fb->value));
          any = true;
        } else {
          row.push_back("–");
        }
      }
      if (any) g.rows.push_back(std::move(row));
    }
    if (!g.rows.empty()) grids.push_back(std::move(g));
  }
  return grids;
}

// Display width of UTF-8 text (code points; good enough for our labels and the ×/–).
size_t width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string pad(const std::string& s, size_t w, bool right) {
  std::string fill(w > width(s) ? w - width(s) : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string legend(const Report& r, bool markdown) {
  std::ostringstream out;
  out << (markdown ? "\n**Engines**\n\n" : "\nEngines:\n");
  for (const auto& e : r.engines) {
    out << (markdown ? "- `" : "  ") << e.name << (markdown ? "`: " : ": ") << e.description
        << "\n";
  }
  bool notes = false;
  for (const auto& e : r.engines) {
    for (const auto& n : e.notes) {
      if (!notes) out << (markdown ? "\n**Notes**\n\n" : "\nNotes:\n");
      notes = true;
      out << (markdown ? "- `" : "  ") << e.name << (markdown ? "`: " : ": ") << n << "\n";
    }
  }
  return out.str();
}

}  // namespace

std::string format_text(const Report& r) {
  std::ostringstream out;
  for (const auto& [k, v] : r.meta) out << k << ": " << v << "\n";
  for (const auto& g : build_grids(r)) {
    std::vector<size_t> w(g.header.size(), 0);
    for (size_t c = 0; c < g.header.size(); ++c) w[c] = width(g.header[c]);
    for (const auto& row : g.rows) {
      for (size_t c = 0; c < row.size(); ++c) w[c] = std::max(w[c], width(row[c]));
    }
    out << "\n" << g.title << "\n";
    auto line = [&](const std::vector<std::string>& row) {
      for (size_t c = 0; c < row.size(); ++c) {
        out << (c ? "  " : "") << pad(row[c], w[c], c > 0 && !(c == 1 && g.header[1] == "better"));
      }
      out << "\n";
    };
    line(g.header);
    size_t total = 0;
    for (size_t c = 0; c < w.size(); ++c) total += w[c] + (c ? 2 : 0);
    out << std::string(total, '-') << "\n";
    for (const auto& row : g.rows) line(row);
  }
  out << legend(r, false);
  return out.str();
}

std::string format_markdown(const Report& r) {
  std::ostringstream out;
  for (const auto& [k, v] : r.meta) out << "- " << k << ": " << v << "\n";
  for (const auto& g : build_grids(r)) {
    out << "\n**" << g.title << "**\n\n|";
    for (const auto& h : g.header) out << " " << h << " |";
    out << "\n|";
    for (size_t c = 0; c < g.header.size(); ++c) {
      bool left = c == 0 || (c == 1 && g.header[1] == "better");
      out << (left ? "---|" : "---:|");
    }
    out << "\n";
    for (const auto& row : g.rows) {
      out << "|";
      for (const auto& cell : row) out << " " << cell << " |";
      out << "\n";
    }
  }
  out << legend(r, true);
  return out.str();
}

std::string format_json(const Report& r) {
  nlohmann::ordered_json j;
  for (const auto& [k, v] : r.meta) j["meta"][k] = v;
  j["engines"] = nlohmann::ordered_json::array();
  for (const auto& e : r.engines) {
    nlohmann::ordered_json je;
    je["name"] = e.name;
    je["description"] = e.description;
    je["figures"] = nlohmann::ordered_json::object();
    for (const auto& f : e.figures) {
      je["figures"][f.key] = {
          {"label", f.label}, {"value", f.value}, {"higher_is_better", f.higher_is_better}};
    }
    je["notes"] = e.notes;
    j["engines"].push_back(std::move(je));
  }
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace bench

#include "static_files.h"

#include <map>

namespace polsearch::serve {

std::optional<std::filesystem::path> static_file(const std::filesystem::path& web_dir,
                                                 const std::string& url_path) {
  if (web_dir.empty() || url_path.empty() || url_path[0] != '/') return std::nullopt;
  std::string relative = url_path == "/" ? "index.html" : url_path.substr(1);
  std::filesystem::path path(relative);
  for (const auto& part : path) {
    std::string name = part.string();
    // No "..", no hidden files, no absolute or empty parts.
    if (name.empty() || name[0] == '.' || name == "/" || name.find('\0') != std::string::npos)
      return std::nullopt;
  }
  std::error_code ec;
  auto full = web_dir / path;
  if (!std::filesystem::is_regular_file(full, ec)) return std::nullopt;
  // A symbolic link may still lead out of the folder: compare the real paths.
  auto real = std::filesystem::canonical(full, ec);
  auto root = std::filesystem::canonical(web_dir, ec);
  if (ec) return std::nullopt;
  auto [r, f] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (r != root.end()) return std::nullopt;
  return real;
}

std::optional<std::string> content_type_of(const std::filesystem::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"}};
  auto it = kTypes.find(file.extension().string());
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

std::string default_web_dir(const std::filesystem::path& exe_dir, const std::string& source_web) {
  std::error_code ec;
  auto installed = exe_dir / ".." / "share" / "polsearch" / "web";
  if (std::filesystem::is_directory(installed, ec)) return installed.lexically_normal().string();
  if (!source_web.empty() && std::filesystem::is_directory(source_web, ec)) return source_web;
  return "";
}

}  // namespace polsearch::serve

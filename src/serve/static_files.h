// The web page's files: which file a URL path names under the web folder (never one
// outside it, nor a hidden one) and its Content-Type.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace polsearch::serve {

// The regular file `url_path` names under `web_dir` ("/" is index.html), or nullopt.
std::optional<std::filesystem::path> static_file(const std::filesystem::path& web_dir,
                                                 const std::string& url_path);

// By extension; nullopt for a type we do not serve.
std::optional<std::string> content_type_of(const std::filesystem::path& file);

// --web, else <exe dir>/../share/polsearch/web, else the source tree's web/; "" if none.
std::string default_web_dir(const std::filesystem::path& exe_dir, const std::string& source_web);

}  // namespace polsearch::serve

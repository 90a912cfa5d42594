// ARCHITECTURE.md must describe the tree as it is: every folder of src/ appears in it
// (as `src/NAME/`), and it names no src/ folder that does not exist.
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "test_support.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = POLSEARCH_SOURCE_DIR;

std::set<std::string> src_folders() {
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator(kSource / "src"))
    if (entry.is_directory()) out.insert(entry.path().filename().string());
  return out;
}

TEST(Architecture, EverySrcFolderIsDescribed) {
  std::string doc = read_file(kSource / "ARCHITECTURE.md");
  std::set<std::string> folders = src_folders();
  ASSERT_FALSE(folders.empty());
  for (const std::string& folder : folders)
    EXPECT_NE(doc.find("`src/" + folder + "/`"), std::string::npos)
        << "ARCHITECTURE.md does not describe src/" << folder << "/";
}

TEST(Architecture, NamesNoSrcFolderThatIsGone) {
  std::string doc = read_file(kSource / "ARCHITECTURE.md");
  std::set<std::string> folders = src_folders();
  std::regex folder_ref("`src/([a-z_]+)/`");
  for (std::sregex_iterator it(doc.begin(), doc.end(), folder_ref), end; it != end; ++it)
    EXPECT_TRUE(folders.count((*it)[1].str())) << "ARCHITECTURE.md names " << (*it)[0].str();
}

}  // namespace
}  // namespace polsearch::testing

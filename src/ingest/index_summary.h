// The indexer's closing summary, shared by the program and its tests.
#pragma once

#include <string>

#include "indexing.h"

namespace polsearch {

// "indexer: 1 statement added, 0 replaced, 0 skipped; 2 passages; 0 errors, 0 warnings;
// 0.1 s", then, if a folder held files of other types, a line naming them (the first
// few, then how many more). Every line ends with '\n'.
std::string index_summary(const IndexStats& stats, double seconds);

}  // namespace polsearch

// Exit statuses shared by the command-line tools (documented in README.md).
#pragma once

namespace polsearch {

inline constexpr int kExitOk = 0;
inline constexpr int kExitPartial = 1;      // indexer: some records skipped; searcher: unused
inline constexpr int kExitUsage = 2;        // bad options, schema or query syntax
inline constexpr int kExitDatabase = 3;     // missing, unreadable, locked or too-new database
inline constexpr int kExitFailed = 4;       // unexpected failure while running
inline constexpr int kExitCheckFailed = 5;  // indexer --check found problems

}  // namespace polsearch

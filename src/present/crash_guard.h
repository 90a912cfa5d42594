// A last line of defence for the command-line tools: Xapian can crash (SIGSEGV,
// SIGBUS) reading some damaged tables, since glass has no checksums. After this call
// such a crash prints `message` on stderr and exits with `status` instead of dumping
// core, so a damaged database gives a clear error like any other.
#pragma once

#include <string>

namespace polsearch {

void exit_cleanly_on_crash(const std::string& message, int status);

}  // namespace polsearch

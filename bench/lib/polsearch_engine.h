// Our own engine in bench/compare, on the same passages as the peers.
#pragma once

#include <memory>

#include "engine.h"

namespace bench {

// jobs: indexer threads (shards merged by compaction), as `indexer --jobs`.
std::unique_ptr<Engine> make_polsearch(unsigned jobs);

}  // namespace bench

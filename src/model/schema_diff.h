// What differs between two schemas, for the message that refuses to index into a
// database built with another schema.
#pragma once

#include <string>

#include "schema.h"

namespace polsearch {

// "field 'committee' added; field 'country' changed (case as-is -> lower); [ranking]
// changed (k1 1.2 -> 0.9)": every difference from `recorded` to `given`, "; "-separated.
// When they differ only in their text (comments, spacing, key order), says so.
std::string describe_schema_difference(const Schema& recorded, const Schema& given);

}  // namespace polsearch

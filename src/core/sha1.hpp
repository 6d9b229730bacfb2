#pragma once

#include <string>
#include <string_view>

namespace wa {

// Lowercase hex, as Redis expects for EVALSHA.
std::string sha1_hex(std::string_view data);

}  // namespace wa

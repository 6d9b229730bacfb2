#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wa {

// Accepts the spellings Python's uuid.UUID and pydantic accept in practice:
// 32 hex digits, or the 8-4-4-4-12 form, optionally inside braces and/or
// after "urn:uuid:". Returns the canonical lowercase 8-4-4-4-12 form.
std::optional<std::string> parse_uuid(std::string_view s);

std::string format_uuid_v4(uint64_t hi, uint64_t lo);

}  // namespace wa

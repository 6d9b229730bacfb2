#pragma once

#include <string_view>

namespace wa {

// The OpenAPI 3.1 document of every endpoint the module serves: the text of
// openapi/openapi.json (UTF-8 JSON) as it was when the module was built,
// served as it is at GET <location>/openapi.json.
std::string_view openapi_document();

}  // namespace wa

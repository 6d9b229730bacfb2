// GET <location>/openapi.json: the API's OpenAPI document, embedded at build
// time (core/openapi.hpp).
#pragma once

#include "ngx_wa.hpp"

namespace wa {

// Answers 200 with the document (application/json), its header only for
// HEAD. Needs no Redis, so it is answered also while Redis is down.
ngx_int_t send_openapi(ngx_http_request_t* r);

}  // namespace wa

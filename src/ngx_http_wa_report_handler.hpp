// The report API's content handler: routes each request to its endpoint
// room.
#pragma once

#include "ngx_wa.hpp"

// The content handler of wa_report locations.
ngx_int_t ngx_http_wa_report_handler(ngx_http_request_t* r) noexcept;

// The scheduler API (/scheduler/maintenance-reminder/...): start, stop,
// status and run-now.
#pragma once

#include "ngx_wa.hpp"

// The content handler of wa_report_scheduler locations.
ngx_int_t ngx_http_wa_report_scheduler_handler(ngx_http_request_t* r) noexcept;

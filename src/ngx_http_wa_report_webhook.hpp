// The webhook ingress: the content handler of `wa_report_webhook` locations,
// where Meta's Cloud API and Fonnte tell us how our messages fared and what
// customers sent back.
#pragma once

#include "ngx_wa.hpp"

ngx_int_t ngx_http_wa_report_webhook_handler(ngx_http_request_t* r) noexcept;

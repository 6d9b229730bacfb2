// Access control of the report and data API (wa_report_auth_read,
// wa_report_auth_write), and the bearer check the scheduler API shares: the
// rules are core/access, the directives are read in _conf; this is their
// HTTP side.
#pragma once

#include "ngx_http_wa_report_conf.hpp"

#include "core/access.hpp"

namespace wa {

// NGX_DECLINED: the request may go on. Anything else: the 401 has been sent
// ({"detail":...} with WWW-Authenticate: Bearer) after the request body was
// read and thrown away, or the error to finalize with. Nothing else is
// touched (no Redis call). A refusal is logged at info by its reason alone,
// `wa_report: bearer token refused "<reason>"`, at most once a minute per
// reason and worker; the presented credentials never are.
ngx_int_t check_bearer(ngx_http_request_t* r, const AuthSettings& settings);

// check_bearer with the location's wa_report_auth_read (GET, HEAD) or
// wa_report_auth_write (every other method).
ngx_int_t check_report_access(ngx_http_request_t* r);

}  // namespace wa

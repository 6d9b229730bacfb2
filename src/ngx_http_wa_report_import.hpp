// POST /data/import: customers and vehicles from an NDJSON body.
#pragma once

#include "ngx_http_wa_report_respond.hpp"

namespace wa {

// The content handler for Route::import.
ngx_int_t handle_import(Ctx& ctx);

}  // namespace wa

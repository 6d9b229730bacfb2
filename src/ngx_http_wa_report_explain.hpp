// GET|HEAD .../customer/{c}/vehicle/{v}/reminder: whether the next run will
// remind the vehicle, and why not, from Redis alone and by the run's own
// rule.
#pragma once

#include "ngx_http_wa_report_respond.hpp"

namespace wa {

// The content handler for Route::reminder_explain.
ngx_int_t handle_explain(Ctx& ctx);

}  // namespace wa

// The delivery records' endpoints: a vehicle's message history and the
// delivery statistics.
#pragma once

#include "ngx_http_wa_report_respond.hpp"

namespace wa {

// A content handler for Route::vehicle_messages and
// Route::delivery_statistics (GET and HEAD).
ngx_int_t handle_delivery(Ctx& ctx);

}  // namespace wa

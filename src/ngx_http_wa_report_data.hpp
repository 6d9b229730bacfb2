// The data endpoints: /data/customers/{id} and /data/vehicles/{id}.
#pragma once

#include "ngx_http_wa_report_respond.hpp"

namespace wa {

// A content handler for Route::customer_data and Route::vehicle_data: GET,
// PUT (a JSON body), DELETE.
ngx_int_t handle_data(Ctx& ctx);

}  // namespace wa

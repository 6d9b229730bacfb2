// The report endpoints: the lists (handed to the stream), statistics, the
// vehicles due in the next days, one report, delete, reset-frequency and
// record.
#pragma once

#include "ngx_http_wa_report_respond.hpp"

namespace wa {

// A content handler for Route::list, Detail, Customer, Statistics, Due,
// CustomerVehicle, DeleteReport, ResetFrequency and Record.
ngx_int_t handle_report(Ctx& ctx);

}  // namespace wa

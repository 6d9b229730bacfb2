// Streamed answers: the report lists, and the details of a finished run for
// run-now, read page by page from the Store and written as a chunked body.
#pragma once

#include "ngx_http_wa_report_respond.hpp"

#include <string>

namespace wa {

enum class StreamKind { list, detail, customer };

// A content handler: GET /, /detail, /customer/{c} (ctx.route.a) with the
// query's limit and cursor.
ngx_int_t start_report_stream(Ctx& ctx, StreamKind kind);

// A step, the request held: answers 200 with the details of the finished
// run `run_id`, wrapped in head and tail instead of "[" and "]". The stream
// becomes the request's operation: the caller's is destroyed, so it returns
// this result at once (and its arguments are copies, not its members).
ngx_int_t stream_run_details(Ctx& ctx, std::string run_id, std::string head, std::string tail);

}  // namespace wa

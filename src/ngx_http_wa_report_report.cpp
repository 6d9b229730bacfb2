// The report endpoints. Each answers at once or issues one Store call and
// holds the request; the answer's step answers or issues the next call.

#include "ngx_http_wa_report_report.hpp"

#include "ngx_http_wa_report_stream.hpp"

#include "core/due.hpp"
#include "core/input.hpp"
#include "core/json.hpp"
#include "core/report.hpp"
#include "core/uuid.hpp"

namespace wa {

namespace {

constexpr int64_t reset_chunk_size = 1000;

Store& store() { return worker()->store; }

// ---- GET /customer/{c}/vehicle/{v} -----------------------------------------

ngx_int_t report_found(Ctx& ctx, const std::optional<Report>& report) {
    if (!report) {
        return send_not_found(ctx.r, "Report tidak ditemukan");
    }
    std::string out;
    append_report(out, *report);
    return send_json(ctx.r, NGX_HTTP_OK, out);
}

ngx_int_t get_report(Ctx& ctx) {
    return issue_store(ctx,
                       store().report(ctx.route.a, ctx.route.b,
                                      on_answer<std::optional<Report>, report_found>, &ctx));
}

// ---- GET /statistics --------------------------------------------------------

ngx_int_t stats_found(Ctx& ctx, const Stats& stats) {
    return send_json(ctx.r, NGX_HTTP_OK, stats_json(stats));
}

ngx_int_t get_stats(Ctx& ctx) {
    return issue_store(ctx, store().stats(on_answer<Stats, stats_found>, &ctx));
}

// ---- GET /due -------------------------------------------------------------

struct Due : Operation {
    Date from;
    int days = kDueDefaultDays;
};

ngx_int_t due_found(Ctx& ctx, const DueList& list) {
    const Due& due = ctx.op_as<Due>();
    return send_json(ctx.r, NGX_HTTP_OK, due_json(due.from, due.days, list));
}

ngx_int_t get_due(Ctx& ctx) {
    auto query = parse_due_query(sv(ctx.r->args));
    if (!query.value) {
        return send_validation(ctx.r, query.errors);
    }
    auto due = std::make_unique<Due>();
    due->days = query.value->days;
    due->from = query.value->from.value_or(
        worker()->config.zone.local_date(static_cast<int64_t>(ngx_time())));
    int64_t first = days_from_civil(due->from);
    ctx.op = std::move(due);
    return issue_store(ctx,
                       store().due_list(first, first + ctx.op_as<Due>().days - 1, kDueMaxVehicles,
                                        on_answer<DueList, due_found>, &ctx));
}

// ---- DELETE /{report_id} ----------------------------------------------------

ngx_int_t report_deleted(Ctx& ctx, const bool& deleted) {
    if (!deleted) {
        return send_not_found(ctx.r, "Report tidak ditemukan");
    }
    return send_json(ctx.r, NGX_HTTP_OK, R"({"message":"Report berhasil dihapus"})");
}

ngx_int_t delete_report(Ctx& ctx) {
    return issue_store(ctx,
                       store().report_delete(ctx.route.a, on_answer<bool, report_deleted>, &ctx));
}

// ---- POST /reset-frequency --------------------------------------------------
// Bounded chunks, so one script never holds Redis for the whole data set.

struct Reset : Operation {
    std::string customer;  // "" for every report
    std::string now;
    std::string after = "-inf";
    int64_t count = 0;
};

ngx_int_t chunk_reset(Ctx& ctx, const ResetChunk& chunk);

StoreCall* reset_call(Ctx& ctx) {
    Reset& reset = ctx.op_as<Reset>();
    return store().reset_chunk(reset.customer, reset.now, reset.after, reset_chunk_size,
                               on_answer<ResetChunk, chunk_reset>, &ctx);
}

ngx_int_t chunk_reset(Ctx& ctx, const ResetChunk& chunk) {
    Reset& reset = ctx.op_as<Reset>();
    reset.count += chunk.count;
    if (chunk.more && !chunk.last.empty()) {
        reset.after = "(" + chunk.last;
        return next_call(ctx, reset_call(ctx));
    }
    std::optional<std::string> customer;
    if (!reset.customer.empty()) {
        customer = reset.customer;
    }
    return send_json(ctx.r, NGX_HTTP_OK, reset_message_json(reset.count, customer));
}

ngx_int_t reset_frequency(Ctx& ctx) {
    ngx_http_request_t* r = ctx.r;
    auto reset = std::make_unique<Reset>();
    auto arg = query_arg(sv(r->args), "id_customer");
    if (arg) {
        auto id = parse_uuid(*arg);
        if (!id) {
            return send_validation(r, {uuid_error("query", "id_customer")});
        }
        reset->customer = *id;
    } else if (!take_stream_slot(ctx)) {
        // Every report, a chunk of reset_chunk_size at a time, is as long as
        // a whole list: it takes a slot, decided before the first chunk
        // writes. A customer's reports are one chunk, like any short request.
        return send_busy(r);
    }
    reset->now = now_local();
    ctx.op = std::move(reset);
    return issue_store(ctx, reset_call(ctx));
}

// ---- POST /record -----------------------------------------------------------

ngx_int_t recorded(Ctx& ctx, const RecordOutcome& out) {
    using Status = RecordOutcome::Status;
    ngx_http_request_t* r = ctx.r;
    switch (out.status) {
    case Status::no_customer:
        return send_validation(r, {not_found_field("id_customer", "customer")});
    case Status::no_vehicle: return send_validation(r, {not_found_field("id_vehicle", "vehicle")});
    case Status::vehicle_mismatch:
        return send_validation(
            r,
            {FieldError{"body", "id_vehicle", "vehicle does not belong to the customer",
                        "value_error.mismatch", 0}});
    default: break;
    }
    if (!out.report) {
        return send_json(r, NGX_HTTP_CONFLICT,
                         detail_error("message_id was already counted for another report"));
    }
    std::string json;
    append_report(json, *out.report);
    return send_json(r, NGX_HTTP_OK, json);
}

ngx_int_t record(Ctx& ctx, const std::string& body) {
    auto in = parse_record(body);
    if (!in.value) {
        return send_validation(ctx.r, in.errors);
    }
    const RecordInput& v = *in.value;
    return next_call(ctx,
                     store().record(v.id_customer, v.id_vehicle, v.message_id, new_uuid(),
                                    now_local(), worker()->config.message_id_ttl, nullptr,
                                    on_answer<RecordOutcome, recorded>, &ctx));
}

}  // namespace

ngx_int_t handle_report(Ctx& ctx) {
    switch (ctx.route.route) {
    case Route::list: return start_report_stream(ctx, StreamKind::list);
    case Route::detail: return start_report_stream(ctx, StreamKind::detail);
    case Route::customer: return start_report_stream(ctx, StreamKind::customer);
    case Route::statistics: return get_stats(ctx);
    case Route::due: return get_due(ctx);
    case Route::customer_vehicle: return get_report(ctx);
    case Route::delete_report: return delete_report(ctx);
    case Route::reset_frequency: return reset_frequency(ctx);
    case Route::record: return read_body(ctx, loc_conf(ctx.r)->max_body_size, body_text<record>);
    default: return send_not_found(ctx.r, "Not Found");
    }
}

}  // namespace wa

// The delivery records' endpoints: one Store read each, answered as JSON.

#include "ngx_http_wa_report_delivery.hpp"

#include "core/messages.hpp"

namespace wa {

namespace {

Store& store() { return worker()->store; }

// ---- GET /customer/{c}/vehicle/{v}/messages ------------------------------------

ngx_int_t history_found(Ctx& ctx, const MessageHistory& history) {
    if (!history.report_exists) {
        return send_not_found(ctx.r, "Report tidak ditemukan");
    }
    return send_json(ctx.r, NGX_HTTP_OK,
                     message_history_json(history.messages, worker()->config.zone));
}

ngx_int_t get_messages(Ctx& ctx) {
    return issue_store(ctx,
                       store().message_history(ctx.route.a, ctx.route.b, kMessageHistoryMax,
                                               on_answer<MessageHistory, history_found>, &ctx));
}

// ---- GET /statistics/delivery ------------------------------------------------

struct Range : Operation {
    DeliveryRange range;
};

ngx_int_t stats_found(Ctx& ctx, const DeliveryStats& stats) {
    const DeliveryRange& range = ctx.op_as<Range>().range;
    return send_json(ctx.r, NGX_HTTP_OK, delivery_stats_json(stats, range.from, range.to));
}

ngx_int_t get_stats(Ctx& ctx) {
    auto query = parse_delivery_range(sv(ctx.r->args));
    if (!query.value) {
        return send_validation(ctx.r, query.errors);
    }
    auto op = std::make_unique<Range>();
    op->range = *query.value;
    ctx.op = std::move(op);
    const DeliveryRange& range = ctx.op_as<Range>().range;
    return issue_store(
        ctx,
        store().delivery_stats(range.from, range.to, on_answer<DeliveryStats, stats_found>, &ctx));
}

}  // namespace

ngx_int_t handle_delivery(Ctx& ctx) {
    switch (ctx.route.route) {
    case Route::vehicle_messages: return get_messages(ctx);
    case Route::delivery_statistics: return get_stats(ctx);
    default: return send_not_found(ctx.r, "Not Found");
    }
}

}  // namespace wa

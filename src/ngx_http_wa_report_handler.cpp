// The report API's content handler: the route (core), the answers that need
// no endpoint (404, 405, 422, the trailing-slash redirect), then the room of
// the route's family.

#include "ngx_http_wa_report_handler.hpp"

#include "ngx_http_wa_report_access.hpp"
#include "ngx_http_wa_report_data.hpp"
#include "ngx_http_wa_report_delivery.hpp"
#include "ngx_http_wa_report_explain.hpp"
#include "ngx_http_wa_report_import.hpp"
#include "ngx_http_wa_report_openapi.hpp"
#include "ngx_http_wa_report_report.hpp"
#include "ngx_http_wa_report_respond.hpp"

#include "core/json.hpp"
#include "core/routes.hpp"

namespace wa {

namespace {

ngx_int_t route_answer(ngx_http_request_t* r, const RouteMatch& m, std::string_view base) {
    switch (m.route) {
    case Route::not_found: return send_not_found(r, "Not Found");
    case Route::method_not_allowed:
        return send_json_with(r, NGX_HTTP_NOT_ALLOWED, detail_error("Method Not Allowed"), "Allow",
                              m.allow);
    case Route::invalid: return send_validation(r, m.errors);
    case Route::openapi: return send_openapi(r);
    case Route::redirect: {
        // The prefix is the location's name, decoded like the path.
        std::string to = uri_escape_path(base) + m.redirect;
        if (r->args.len > 0) {
            to += '?';
            to += sv(r->args);
        }
        ngx_table_elt_t* loc = push_header(r, "Location", to);
        if (loc == nullptr) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        r->headers_out.location = loc;
        r->headers_out.status = NGX_HTTP_TEMPORARY_REDIRECT;
        r->headers_out.content_length_n = 0;
        r->header_only = 1;
        return ngx_http_send_header(r);
    }
    default: return NGX_DECLINED;
    }
}

ngx_int_t dispatch(Ctx& ctx) {
    switch (ctx.route.route) {
    case Route::customer_data:
    case Route::vehicle_data: return handle_data(ctx);
    case Route::import: return handle_import(ctx);
    case Route::vehicle_messages:
    case Route::delivery_statistics: return handle_delivery(ctx);
    case Route::reminder_explain: return handle_explain(ctx);
    default: return handle_report(ctx);
    }
}

ngx_int_t serve(ngx_http_request_t* r) {
    Worker* w = worker();
    if (w == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    // Before the route, so a caller without credentials learns nothing of
    // the API, not even which paths exist.
    ngx_int_t refused = check_report_access(r);
    if (refused != NGX_DECLINED) {
        return refused;
    }
    std::string_view uri = sv(r->uri);
    std::string_view base = sv(loc_conf(r)->base);
    std::string_view path = uri.substr(ngx_min(base.size(), uri.size()));

    RouteMatch m = match_request(method_of(r), path, sv(r->args));
    bool has_body = route_reads_body(m.route, method_of(r));
    if (!has_body) {
        // A broken chunked body is nginx's 400, not our 500.
        ngx_int_t rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }
    }
    ngx_int_t rc = route_answer(r, m, base);
    if (rc != NGX_DECLINED) {
        return rc;
    }
    Ctx* ctx = create_ctx(r);
    if (ctx == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ctx->route = std::move(m);
    if (!w->store.available()) {
        // The unread body must not be taken for the next request.
        if (has_body) {
            ngx_int_t discarded = ngx_http_discard_request_body(r);
            if (discarded != NGX_OK) {
                return discarded;
            }
        }
        return send_unavailable(r);
    }
    return dispatch(*ctx);
}

}  // namespace

}  // namespace wa

ngx_int_t ngx_http_wa_report_handler(ngx_http_request_t* r) noexcept {
    return wa::serve_guarded(r, wa::serve);
}

// Filters for the API's locations.
//
// nginx answers some errors itself before or around the module's handlers: a
// body over client_max_body_size, a broken chunked body, allow/deny,
// auth_basic, limit_req, `return 503`, a handler that fails with a status.
// Its answer is an HTML page; the API's clients expect JSON in the API's
// shape. The header filter recognises such an answer (r->err_status, set
// only by nginx's special response, and no JSON content type) in a wa_report
// or wa_report_scheduler location, sends {"detail":"<reason phrase>"} in its
// place, and the body filter drops nginx's page that follows. Errors nginx
// answers before it has chosen a location, or in no location at all, count
// when the request's URI is under an API location's prefix in the same
// server (or is that prefix without its final slash). An error_page
// written in the location itself still wins (nginx redirects before any
// answer is sent); one inherited from the server is not applied there (see
// the merge in the module).
//
// The request body filter counts the body of the endpoints that take one as
// it arrives, after nginx has removed its framing: a chunked body, or one
// sent a few bytes at a time, meets the same limit as one with a
// Content-Length, and is refused as soon as it passes it, not after nginx has
// buffered it whole.

#include "ngx_http_wa_report_filters.hpp"

#include "ngx_http_wa_report_respond.hpp"

#include "core/http_errors.hpp"

namespace wa {

namespace {

ngx_http_output_header_filter_pt next_header_filter;
ngx_http_output_body_filter_pt next_body_filter;
ngx_http_request_body_filter_pt next_request_body_filter;

// The request's URI as far as nginx has parsed it. When nginx refused the
// request line itself (an HTTP version it does not speak, junk after the
// version, a space in the URI), only the parser's marks of the URI it read
// are there (the request line is kept only if the refusal is logged, at
// info); when the URI was too long to take in, only the raw request line.
std::string_view request_uri(ngx_http_request_t* r) {
    if (r->uri.len > 0) {
        return sv(r->uri);
    }
    if (r->uri_start != nullptr && r->uri_end != nullptr && r->uri_end > r->uri_start) {
        return {reinterpret_cast<const char*>(r->uri_start),
                static_cast<size_t>(r->uri_end - r->uri_start)};
    }
    std::string_view line = sv(r->request_line);
    size_t space = line.find(' ');
    return space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
}

// A URI under a location's prefix; also the prefix without its final slash
// ("/whatsapp-report" for "location /whatsapp-report/"), which nginx gives to
// no location, where the old API redirected and nginx answers a 404 page.
bool under_prefix(std::string_view uri, const ngx_http_wa_report_api_prefix_t& p) {
    std::string_view name = sv(p.name);
    if (p.exact) {
        return uri == name;
    }
    if (uri.substr(0, name.size()) == name) {
        return true;
    }
    return name.size() > 1 && name.back() == '/' && uri == name.substr(0, name.size() - 1);
}

// An error nginx answered before choosing a location (a bad header, TRACE,
// a URI too long) for a URI under an API location of this server.
bool api_uri_without_location(ngx_http_request_t* r) {
    auto* cscf = static_cast<ngx_http_core_srv_conf_t*>(
        ngx_http_get_module_srv_conf(r, ngx_http_core_module));
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(
        ngx_http_get_module_main_conf(r, ngx_http_wa_report_module));
    if (cscf == nullptr || mcf == nullptr || mcf->api_prefixes == nullptr
        || r->loc_conf != cscf->ctx->loc_conf) {
        return false;
    }
    std::string_view uri = request_uri(r);
    const auto* p = static_cast<const ngx_http_wa_report_api_prefix_t*>(mcf->api_prefixes->elts);
    for (ngx_uint_t i = 0; i < mcf->api_prefixes->nelts; i++) {
        if (p[i].server == cscf && under_prefix(uri, p[i])) {
            return true;
        }
    }
    return false;
}

bool api_location(ngx_http_request_t* r) {
    const auto* lcf = loc_conf(r);
    if (lcf != nullptr && (lcf->enable == 1 || lcf->scheduler == 1 || lcf->webhook != 0)) {
        return true;
    }
    return api_uri_without_location(r);
}

bool is_json(const ngx_str_t& type) {
    static const ngx_str_t json = ngx_string("application/json");
    return type.len >= json.len && ngx_strncasecmp(type.data, json.data, json.len) == 0;
}

// The limit a 413 names: the endpoint's, when it was the one exceeded,
// otherwise nginx's client_max_body_size.
uint64_t exceeded_limit(ngx_http_request_t* r, const Ctx* ctx) {
    if (ctx != nullptr && ctx->body_too_large) {
        return ctx->body_limit;
    }
    auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(
        ngx_http_get_module_loc_conf(r, ngx_http_core_module));
    return static_cast<uint64_t>(clcf->client_max_body_size);
}

ngx_int_t send_json_instead(ngx_http_request_t* r) {
    Ctx* ctx = ctx_of(r);
    if (ctx == nullptr) {
        ctx = create_ctx(r);
        if (ctx == nullptr) {
            return next_header_filter(r);
        }
    }
    std::string body = error_status_json(static_cast<int>(r->err_status), exceeded_limit(r, ctx));
    ngx_buf_t* b = ngx_create_temp_buf(r->pool, body.size());
    if (b == nullptr) {
        return NGX_ERROR;
    }
    b->last = ngx_cpymem(b->last, body.data(), body.size());
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    // The reason phrases the API's clients saw from the old system ("405
    // Method Not Allowed", not nginx's "405 Not Allowed").
    std::string_view phrase = reason_phrase(static_cast<int>(r->err_status));
    if (phrase != "Error") {
        std::string line = std::to_string(r->err_status) + " " + std::string(phrase);
        auto* status_line = static_cast<u_char*>(ngx_pnalloc(r->pool, line.size()));
        if (status_line == nullptr) {
            return NGX_ERROR;
        }
        ngx_memcpy(status_line, line.data(), line.size());
        r->headers_out.status_line.data = status_line;
        r->headers_out.status_line.len = line.size();
    }

    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = nullptr;
    r->headers_out.content_length_n = static_cast<off_t>(body.size());
    if (r->headers_out.content_length != nullptr) {
        r->headers_out.content_length->hash = 0;
        r->headers_out.content_length = nullptr;
    }

    // nginx sends its page right after the header, or nothing at all for a
    // status without one: the JSON goes out from here either way.
    ctx->nginx_error = Ctx::NginxError::sending;
    ngx_int_t rc = next_header_filter(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        ctx->nginx_error = Ctx::NginxError::sent;
        return rc;
    }
    ngx_chain_t out{b, nullptr};
    ngx_int_t sent = ngx_http_output_filter(r, &out);
    ctx->nginx_error = Ctx::NginxError::sent;
    return sent == NGX_ERROR ? NGX_ERROR : rc;
}

ngx_int_t header_filter(ngx_http_request_t* r) noexcept {
    if (r->err_status < NGX_HTTP_BAD_REQUEST || !api_location(r)
        || is_json(r->headers_out.content_type)) {
        return next_header_filter(r);
    }
    ngx_int_t rc = NGX_ERROR;
    if (!guard(r->connection->log, [&] { rc = send_json_instead(r); })) {
        return next_header_filter(r);
    }
    return rc;
}

ngx_int_t body_filter(ngx_http_request_t* r, ngx_chain_t* in) noexcept {
    Ctx* ctx = ctx_of(r);
    if (ctx == nullptr || ctx->nginx_error != Ctx::NginxError::sent) {
        return next_body_filter(r, in);
    }
    // nginx's HTML page, after the JSON that replaced it.
    for (ngx_chain_t* cl = in; cl != nullptr; cl = cl->next) {
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }
    return next_body_filter(r, nullptr);
}

ngx_int_t request_body_filter(ngx_http_request_t* r, ngx_chain_t* in) noexcept {
    Ctx* ctx = ctx_of(r);
    if (ctx == nullptr || ctx->body_limit == 0) {
        return next_request_body_filter(r, in);
    }
    for (ngx_chain_t* cl = in; cl != nullptr; cl = cl->next) {
        ctx->body_received += static_cast<size_t>(ngx_buf_size(cl->buf));
    }
    if (ctx->body_received > ctx->body_limit) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "wa_report: request body larger than the limit \"%uz\"", ctx->body_limit);
        ctx->body_too_large = true;
        // As nginx does for client_max_body_size: the rest is read and
        // thrown away after the answer, so the client sees the 413.
        r->lingering_close = 1;
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    return next_request_body_filter(r, in);
}

}  // namespace

ngx_int_t install_filters() {
    next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = header_filter;
    next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = body_filter;
    next_request_body_filter = ngx_http_top_request_body_filter;
    ngx_http_top_request_body_filter = request_body_filter;
    return NGX_OK;
}

}  // namespace wa

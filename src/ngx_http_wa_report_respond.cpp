// The HTTP kit: see the header.

#include "ngx_http_wa_report_respond.hpp"

#include "core/escape.hpp"
#include "core/http_errors.hpp"

#include <cstring>
#include <new>

namespace wa {

namespace {

constexpr size_t min_chunk_buffer = 16384;

ngx_buf_tag_t chunk_tag() { return reinterpret_cast<ngx_buf_tag_t>(&ngx_http_wa_report_module); }

// The body as one string; bodies here are bounded by wa_report_max_body_size.
bool body_string(ngx_http_request_t* r, std::string& out) {
    if (r->request_body == nullptr) {
        return true;
    }
    for (ngx_chain_t* cl = r->request_body->bufs; cl; cl = cl->next) {
        ngx_buf_t* b = cl->buf;
        if (b->in_file) {
            size_t size = static_cast<size_t>(b->file_last - b->file_pos);
            size_t at = out.size();
            out.resize(at + size);
            ssize_t n =
                ngx_read_file(b->file, reinterpret_cast<u_char*>(&out[at]), size, b->file_pos);
            if (n != static_cast<ssize_t>(size)) {
                return false;
            }
            continue;
        }
        out.append(reinterpret_cast<const char*>(b->pos), static_cast<size_t>(b->last - b->pos));
    }
    return true;
}

ngx_int_t too_large(ngx_http_request_t* r, size_t limit) {
    return send_json(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE, body_too_large_json(limit));
}

void on_write_event(ngx_http_request_t* r) noexcept {
    Ctx* ctx = ctx_of(r);
    r->write_event_handler = ngx_http_request_empty_handler;
    if (ctx == nullptr || ctx->op == nullptr) {
        return;
    }
    run_step(r, [ctx] { return ctx->op->on_write(*ctx); });
}

}  // namespace

ngx_int_t Operation::on_write(Ctx&) { return NGX_DONE; }

// ---- the context ------------------------------------------------------------------

Ctx* create_ctx(ngx_http_request_t* r) {
    ngx_pool_cleanup_t* cln = ngx_pool_cleanup_add(r->pool, sizeof(Ctx));
    if (cln == nullptr) {
        return nullptr;
    }
    auto* ctx = new (cln->data) Ctx();
    cln->handler = [](void* data) { static_cast<Ctx*>(data)->~Ctx(); };
    ctx->r = r;
    ngx_http_set_ctx(r, ctx, ngx_http_wa_report_module);
    return ctx;
}

Ctx* ctx_of(ngx_http_request_t* r) {
    return static_cast<Ctx*>(ngx_http_get_module_ctx(r, ngx_http_wa_report_module));
}

Ctx::~Ctx() {
    if (store_call != nullptr) {
        store_call->cancel();
    }
    release_stream_slot(*this);
    op.reset();
}

const ngx_http_wa_report_loc_conf_t* loc_conf(ngx_http_request_t* r) {
    return static_cast<ngx_http_wa_report_loc_conf_t*>(
        ngx_http_get_module_loc_conf(r, ngx_http_wa_report_module));
}

Method method_of(ngx_http_request_t* r) {
    switch (r->method) {
    case NGX_HTTP_GET: return Method::get;
    case NGX_HTTP_HEAD: return Method::head;
    case NGX_HTTP_POST: return Method::post;
    case NGX_HTTP_PUT: return Method::put;
    case NGX_HTTP_DELETE: return Method::delete_;
    default: return Method::other;
    }
}

// ---- answers ------------------------------------------------------------------------

ngx_int_t send_json(ngx_http_request_t* r, ngx_uint_t status, const std::string& body) {
    r->headers_out.status = status;
    // nginx has no reason phrase for 422 and says "Not Allowed" for 405;
    // clients of the old API saw FastAPI's phrases.
    if (status == http_unprocessable) {
        ngx_str_set(&r->headers_out.status_line, "422 Unprocessable Entity");
    } else if (status == NGX_HTTP_NOT_ALLOWED) {
        ngx_str_set(&r->headers_out.status_line, "405 Method Not Allowed");
    }
    return send_whole(r, "application/json", body);
}

ngx_int_t send_whole(ngx_http_request_t* r, std::string_view content_type, std::string_view body) {
    r->headers_out.content_length_n = static_cast<off_t>(body.size());
    r->headers_out.content_type.data =
        reinterpret_cast<u_char*>(const_cast<char*>(content_type.data()));
    r->headers_out.content_type.len = content_type.size();
    r->headers_out.content_type_len = content_type.size();
    r->headers_out.content_type_lowcase = nullptr;

    ngx_int_t rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }
    ngx_buf_t* b = ngx_create_temp_buf(r->pool, body.size() ? body.size() : 1);
    if (b == nullptr) {
        return NGX_ERROR;
    }
    b->last = ngx_cpymem(b->last, body.data(), body.size());
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;
    ngx_chain_t out{b, nullptr};
    return ngx_http_output_filter(r, &out);
}

ngx_int_t send_json_with(ngx_http_request_t* r, ngx_uint_t status, const std::string& body,
                         const char* header, std::string_view value) {
    if (push_header(r, header, value) == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    return send_json(r, status, body);
}

ngx_int_t send_not_found(ngx_http_request_t* r, std::string_view what) {
    return send_json(r, NGX_HTTP_NOT_FOUND, detail_error(what));
}

ngx_int_t send_validation(ngx_http_request_t* r, const std::vector<FieldError>& errors) {
    return send_json(r, http_unprocessable, validation_errors(errors));
}

FieldError not_found_field(const char* field, const char* what) {
    return FieldError{"body", field, std::string(what) + " not found", "value_error.not_found", 0};
}

ngx_int_t send_unavailable(ngx_http_request_t* r) {
    return send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE, detail_error("Redis unavailable"));
}

ngx_int_t send_busy(ngx_http_request_t* r) {
    return send_json_with(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                          detail_error("Too many lists and imports in progress"), "Retry-After",
                          "1");
}

ngx_int_t send_store_error(ngx_http_request_t* r, StoreError error, const std::string& reason) {
    if (error == StoreError::unavailable) {
        return send_unavailable(r);
    }
    // A Redis that refuses (NOPERM, OOM, MISCONF) refuses every request
    // until someone fixes it: one line per error a minute.
    if (log_now("redis error " + reason)) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "wa_report: redis error \"%s\"",
                      reason.c_str());
    }
    if (error == StoreError::transient) {
        return send_unavailable(r);
    }
    return send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR, detail_error("Internal Server Error"));
}

ngx_table_elt_t* push_header(ngx_http_request_t* r, const char* key, std::string_view value) {
    // Every header the module sets passes here: a CR or LF in a value would
    // end this header and start one of the sender's choosing.
    if (!header_name_ok(key) || !header_value_ok(value)) {
        // Stored data can hold the character, and every request for it
        // meets it again.
        if (log_now(std::string("refused header ") + key)) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "wa_report: refused to send header \"%s\" with a control character",
                          log_value(key).c_str());
        }
        return nullptr;
    }
    auto* h = static_cast<ngx_table_elt_t*>(ngx_list_push(&r->headers_out.headers));
    if (h == nullptr) {
        return nullptr;
    }
    auto* v = static_cast<u_char*>(ngx_pnalloc(r->pool, value.size() ? value.size() : 1));
    if (v == nullptr) {
        return nullptr;
    }
    ngx_memcpy(v, value.data(), value.size());
    h->hash = 1;
    h->key.data = reinterpret_cast<u_char*>(const_cast<char*>(key));
    h->key.len = std::strlen(key);
    h->value.data = v;
    h->value.len = value.size();
    return h;
}

bool log_now(std::string_view cause) {
    Worker* w = worker();
    return w != nullptr && w->request_log.allow(cause, static_cast<int64_t>(ngx_current_msec));
}

// ---- a request held across events ----------------------------------------------------

// The slots bound the Redis work that long requests queue on the worker's
// one connection (each holds at most one bounded call at a time), so that
// short requests behind them are answered soon. Over the limit the answer is
// at once, as nginx's limit_conn does, rather than a wait the client cannot
// see.
bool take_stream_slot(Ctx& ctx) {
    Worker* w = worker();
    if (w->streams >= w->config.max_streams) {
        if (log_now("lists and imports at the limit")) {
            ngx_log_error(NGX_LOG_WARN, ctx.r->connection->log, 0,
                          "wa_report: lists and imports at the limit \"%uz\"",
                          w->config.max_streams);
        }
        return false;
    }
    w->streams++;
    ctx.holds_stream = true;
    return true;
}

void release_stream_slot(Ctx& ctx) {
    if (ctx.holds_stream && worker() != nullptr && worker()->streams > 0) {
        worker()->streams--;
    }
    ctx.holds_stream = false;
}

ngx_int_t serve_guarded(ngx_http_request_t* r, ngx_int_t (*serve)(ngx_http_request_t*)) noexcept {
    ngx_int_t rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
    guard(r->connection->log, [&] { rc = serve(r); });
    return rc;
}

ngx_int_t issue_store(Ctx& ctx, StoreCall* call) {
    if (call == nullptr) {
        return send_unavailable(ctx.r);
    }
    ctx.store_call = call;
    ctx.r->main->count++;
    return NGX_DONE;
}

ngx_int_t next_call(Ctx& ctx, StoreCall* call) {
    if (call == nullptr) {
        return send_unavailable(ctx.r);
    }
    ctx.store_call = call;
    return NGX_DONE;
}

void finish(ngx_http_request_t* r, ngx_int_t rc) {
    // The request's Redis work is over: its slot goes back now, not when
    // nginx frees the request, which a lingering close (a client that keeps
    // its socket open, or keeps sending, after a "Connection: close" answer)
    // puts off for up to lingering_time.
    Ctx* ctx = ctx_of(r);
    if (ctx != nullptr) {
        release_stream_slot(*ctx);
    }
    ngx_connection_t* c = r->connection;
    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}

// ---- the request body -------------------------------------------------------------------

ngx_int_t read_body(Ctx& ctx, size_t limit, ngx_http_client_body_handler_pt handler) {
    ngx_http_request_t* r = ctx.r;
    if (r->headers_in.content_length_n > static_cast<off_t>(limit)) {
        // Reading a body we refuse is wasted work: close after answering.
        r->keepalive = 0;
        r->lingering_close = 1;
        return too_large(r, limit);
    }
    ctx.body_limit = limit;
    r->request_body_in_single_buf = 1;
    ngx_int_t rc = ngx_http_read_client_request_body(r, handler);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }
    return NGX_DONE;
}

ngx_int_t with_body_text(ngx_http_request_t* r, ngx_int_t (*step)(Ctx&, const std::string&)) {
    Ctx* ctx = ctx_of(r);
    std::string body;
    if (!body_string(r, body)) {
        return send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR, detail_error("Cannot read body"));
    }
    if (body.size() > ctx->body_limit) {
        return too_large(r, ctx->body_limit);
    }
    return step(*ctx, body);
}

// ---- chunked answers ----------------------------------------------------------------------

ngx_int_t ChunkedBody::send_header(ngx_http_request_t* r) {
    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = -1;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = nullptr;
    header_sent_ = true;
    return ngx_http_send_header(r);
}

ngx_int_t ChunkedBody::write(ngx_http_request_t* r, const std::string& data, bool last) {
    ngx_chain_t* cl = ngx_chain_get_free_buf(r->pool, &free_);
    if (cl == nullptr) {
        return NGX_ERROR;
    }
    ngx_buf_t* b = cl->buf;
    size_t cap = b->start ? static_cast<size_t>(b->end - b->start) : 0;
    if (cap < data.size() || b->start == nullptr) {
        if (b->start != nullptr) {
            ngx_pfree(r->pool, b->start);
        }
        // At least a page, so the memory is a large pool allocation that
        // ngx_pfree really returns.
        size_t size = ngx_max(data.size(), min_chunk_buffer);
        b->start = static_cast<u_char*>(ngx_palloc(r->pool, size));
        if (b->start == nullptr) {
            return NGX_ERROR;
        }
        b->end = b->start + size;
    }
    b->pos = b->start;
    b->last = ngx_cpymem(b->start, data.data(), data.size());
    b->temporary = 1;
    b->tag = chunk_tag();
    b->last_buf = last ? 1 : 0;
    b->last_in_chain = 1;
    b->flush = last ? 0 : 1;
    cl->next = nullptr;

    ngx_int_t rc = ngx_http_output_filter(r, cl);
    ngx_chain_update_chains(r->pool, &free_, &busy_, &cl, chunk_tag());
    return rc;
}

bool ChunkedBody::behind(ngx_http_request_t* r) const {
    return busy_ != nullptr || (r->connection->buffered & NGX_HTTP_WRITE_BUFFERED);
}

ngx_int_t ChunkedBody::flush(Ctx& ctx) {
    ngx_http_request_t* r = ctx.r;
    ngx_event_t* wev = r->connection->write;
    if (wev->timedout) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, NGX_ETIMEDOUT,
                      "wa_report: client timed out");
        r->connection->timedout = 1;
        return NGX_HTTP_REQUEST_TIME_OUT;
    }
    if (ngx_http_output_filter(r, nullptr) == NGX_ERROR) {
        return NGX_ERROR;
    }
    ngx_chain_t* none = nullptr;
    ngx_chain_update_chains(r->pool, &free_, &busy_, &none, chunk_tag());
    if (behind(r)) {
        return wait_for_client(ctx);
    }
    if (wev->timer_set) {
        ngx_del_timer(wev);
    }
    return NGX_OK;
}

ngx_int_t wait_for_client(Ctx& ctx) {
    ngx_http_request_t* r = ctx.r;
    auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(
        ngx_http_get_module_loc_conf(r, ngx_http_core_module));
    ngx_event_t* wev = r->connection->write;
    r->write_event_handler = on_write_event;
    if (!wev->delayed) {
        ngx_add_timer(wev, clcf->send_timeout);
    }
    if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
        return NGX_ERROR;
    }
    return NGX_DONE;
}

void post_write(Ctx& ctx) {
    ngx_http_request_t* r = ctx.r;
    r->write_event_handler = on_write_event;
    ngx_post_event(r->connection->write, &ngx_posted_events);
}

}  // namespace wa

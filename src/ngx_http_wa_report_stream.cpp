// The list endpoints: pages read from Redis one bounded script call at a
// time and written out as a chunked response. The next page is requested
// only when the client has taken the previous one, so a million reports
// never sit in the worker at once. A script call reads at most
// wa_report_page_size reports whatever `limit` asks for: Redis runs one
// script at a time for every client, so one long call would hold up every
// other request on every worker.

#include "ngx_http_wa_report_handler.hpp"

#include "core/json.hpp"
#include "core/report.hpp"

#include <new>

namespace wa {

namespace {

constexpr int64_t max_limit = 10000;
constexpr size_t min_buffer = 16384;

struct StreamState {
    Ctx* ctx = nullptr;
    bool detail = false;
    std::string index;
    std::string customer;
    std::string cursor = "-inf";
    int64_t limit = 0;        // 0: the whole list
    // A page of `limit` reports read in several steps: where it ends (the
    // score of its last report, inclusive) and whether reports follow it,
    // measured once before the first step.
    bool page_measured = false;
    bool measuring_last = false;  // fewer than `limit` follow: where the list ends now
    std::string page_end = "+inf";
    bool page_more = false;
    // Details of a finished run (run-now): LRANGE pages of ready JSON items,
    // wrapped in head and tail instead of "[" and "]".
    bool run_details = false;
    int64_t position = 0;
    std::string head = "[";
    std::string tail = "]";
    bool headers_sent = false;
    bool first_row = true;
    bool fetching = false;
    bool ended = false;
    ngx_chain_t* free = nullptr;
    ngx_chain_t* busy = nullptr;
};

ngx_buf_tag_t tag() {
    return reinterpret_cast<ngx_buf_tag_t>(&ngx_http_wa_report_module);
}

bool fetch(StreamState* st);
void fetch_or_finish(StreamState* st);
void on_write(ngx_http_request_t* r);

// Writes one piece of the body through a recycled buffer.
ngx_int_t emit(StreamState* st, const std::string& data, bool last) {
    ngx_http_request_t* r = st->ctx->r;
    ngx_chain_t* cl = ngx_chain_get_free_buf(r->pool, &st->free);
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
        size_t size = ngx_max(data.size(), min_buffer);
        b->start = static_cast<u_char*>(ngx_palloc(r->pool, size));
        if (b->start == nullptr) {
            return NGX_ERROR;
        }
        b->end = b->start + size;
    }
    b->pos = b->start;
    b->last = ngx_cpymem(b->start, data.data(), data.size());
    b->temporary = 1;
    b->tag = tag();
    b->last_buf = last ? 1 : 0;
    b->last_in_chain = 1;
    b->flush = last ? 0 : 1;
    cl->next = nullptr;

    ngx_int_t rc = ngx_http_output_filter(r, cl);
    ngx_chain_update_chains(r->pool, &st->free, &st->busy, &cl, tag());
    return rc;
}

bool client_is_behind(StreamState* st) {
    return st->busy != nullptr || (st->ctx->r->connection->buffered & NGX_HTTP_WRITE_BUFFERED);
}

void wait_for_client(ngx_http_request_t* r) {
    auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(
        ngx_http_get_module_loc_conf(r, ngx_http_core_module));
    ngx_event_t* wev = r->connection->write;
    r->write_event_handler = on_write;
    if (!wev->delayed) {
        ngx_add_timer(wev, clcf->send_timeout);
    }
    if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
        finish(r, NGX_ERROR);
    }
}

void on_write(ngx_http_request_t* r) {
    if (!guard(r->connection->log, [&] {
        auto* ctx = static_cast<Ctx*>(ngx_http_get_module_ctx(r, ngx_http_wa_report_module));
        auto* st = static_cast<StreamState*>(ctx->aux);
        ngx_event_t* wev = r->connection->write;
        if (wev->timedout) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, NGX_ETIMEDOUT,
                      "wa_report: client timed out");
            r->connection->timedout = 1;
            finish(r, NGX_HTTP_REQUEST_TIME_OUT);
            return;
        }
        if (ngx_http_output_filter(r, nullptr) == NGX_ERROR) {
            finish(r, NGX_ERROR);
            return;
        }
        ngx_chain_t* none = nullptr;
        ngx_chain_update_chains(r->pool, &st->free, &st->busy, &none, tag());
        if (client_is_behind(st)) {
            wait_for_client(r);
            return;
        }
        if (wev->timer_set) {
            ngx_del_timer(wev);
        }
        r->write_event_handler = ngx_http_request_empty_handler;
        if (!st->fetching && !st->ended) {
            fetch_or_finish(st);
        }
        })) {
        finish(r, NGX_ERROR);
    }
}

ngx_int_t send_stream_header(StreamState* st) {
    ngx_http_request_t* r = st->ctx->r;
    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = -1;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = nullptr;
    st->headers_sent = true;
    return ngx_http_send_header(r);
}

void render_rows(StreamState* st, const redisReply* reply, std::string& out) {
    size_t width = st->detail ? 9 : 7;
    for (size_t i = 2; i + width <= reply->elements; i += width) {
        redisReply** e = reply->element + i;
        out += st->first_row ? "" : ",";
        st->first_row = false;
        if (st->detail) {
            ReportDetail d;
            d.id = reply_str(e[0]);
            d.customer_name = reply_opt(e[1]);
            d.customer_phone = reply_opt(e[2]);
            d.vehicle_model = reply_opt(e[3]);
            d.vehicle_nopol = reply_opt(e[4]);
            d.last_message_date = reply_opt(e[5]);
            d.frequency = reply_int(e[6]);
            d.created_at = reply_str(e[7]);
            d.updated_at = reply_str(e[8]);
            append_report_detail(out, d);
            continue;
        }
        append_report(out, report_from_reply(e));
    }
}

// A reply that is no page: answers the error, or cuts a started body short.
bool page_failed(StreamState* st, const redisReply* reply) {
    if (reply != nullptr && reply->type == REDIS_REPLY_ARRAY
        && (st->run_details || reply->elements >= 2)) {
        return false;
    }
    ngx_http_request_t* r = st->ctx->r;
    if (st->headers_sent) {
        // Too late for a status: cut the chunked body short, so the client
        // sees an incomplete response rather than a short list.
        if (log_now("redis failed in the middle of a list")) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "wa_report: redis failed in the middle of a list");
        }
        finish(r, NGX_ERROR);
    } else if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
        finish(r, send_redis_error(r, reply));
    } else {
        finish(r, reply == nullptr ? send_unavailable(r)
                                   : send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                               detail_error("Internal Server Error")));
    }
    return true;
}

// Writes one page's rows, then asks for the next page once the client has
// taken this one.
void deliver(StreamState* st, const std::string& rows, const std::string& next_cursor) {
    ngx_http_request_t* r = st->ctx->r;
    std::string out;
    if (!st->headers_sent) {
        // The cursor is a score as Redis wrote it; push_header still refuses
        // anything that could end the header.
        if (!next_cursor.empty() && push_header(r, "X-Next-Cursor", next_cursor) == nullptr) {
            finish(r, send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                detail_error("Internal Server Error")));
            return;
        }
        ngx_int_t rc = send_stream_header(st);
        if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
            finish(r, rc);
            return;
        }
        out += st->head;
    }
    out += rows;
    if (st->ended) {
        out += st->tail;
    }
    ngx_int_t rc = emit(st, out, st->ended);
    if (rc == NGX_ERROR) {
        finish(r, NGX_ERROR);
        return;
    }
    if (st->ended) {
        finish(r, rc);
        return;
    }
    if (client_is_behind(st)) {
        wait_for_client(r);
        return;
    }
    fetch_or_finish(st);
}

// The start every page callback shares; nullptr when the reply was no page
// (already answered).
StreamState* take_page(redisReply* reply, void* data) {
    auto* ctx = static_cast<Ctx*>(data);
    auto* st = static_cast<StreamState*>(ctx->aux);
    ctx->call = nullptr;
    st->fetching = false;
    return page_failed(st, reply) ? nullptr : st;
}

int64_t step_size(const StreamState* st) {
    return static_cast<int64_t>(loc_conf(st->ctx->r)->page_size);
}

// A page that takes one step ends with it; the cursor names the next page.
bool single_step(const StreamState* st) {
    return st->limit > 0 && st->limit <= step_size(st);
}

void on_page(redisReply* reply, void* data) {
    StreamState* st = take_page(reply, data);
    if (st == nullptr) {
        return;
    }
    bool more = reply_int(reply->element[0]) != 0;
    std::string last = reply_str(reply->element[1]);
    st->ended = !more || last.empty() || single_step(st);
    // A whole list takes a slot once it turns out to need more than one
    // step: a customer's few reports are one step, like any short request.
    if (!st->ended && !st->headers_sent && !st->ctx->holds_stream
        && !take_stream_slot(st->ctx)) {
        finish(st->ctx->r, send_busy(st->ctx->r));
        return;
    }
    std::string rows;
    render_rows(st, reply, rows);
    st->cursor = "(" + last;
    std::string next;
    if (single_step(st) && more) {
        next = last;
    } else if (st->limit > 0 && st->page_more) {
        next = st->page_end;
    }
    deliver(st, rows, next);
}

// First the reports at offsets limit-1 and limit from the cursor: the page's
// last report and, if any, the first of the next page. When fewer follow,
// the page ends with the list's last report as of now, so that reports
// created while it streams never make it longer than `limit`.
void on_page_measured(redisReply* reply, void* data) {
    auto* ctx = static_cast<Ctx*>(data);
    auto* st = static_cast<StreamState*>(ctx->aux);
    ctx->call = nullptr;
    st->fetching = false;
    if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY) {
        page_failed(st, reply);
        return;
    }
    if (reply->elements >= 2) {
        st->page_end = reply_str(reply->element[1]);
        st->page_more = !st->measuring_last && reply->elements >= 4;
        st->page_measured = true;
    } else if (!st->measuring_last) {
        st->measuring_last = true;
    } else {
        // Nothing after the cursor: an empty range, (n, n] or [-inf, -inf].
        st->page_end = st->cursor == "-inf" ? st->cursor : st->cursor.substr(1);
        st->page_measured = true;
    }
    fetch_or_finish(st);
}

void on_details(redisReply* reply, void* data) {
    StreamState* st = take_page(reply, data);
    if (st == nullptr) {
        return;
    }
    Ctx* ctx = st->ctx;
    std::string rows;
    for (size_t i = 0; i < reply->elements; i++) {
        rows += st->first_row ? "" : ",";
        st->first_row = false;
        rows += reply_str(reply->element[i]);
    }
    st->position += static_cast<int64_t>(reply->elements);
    st->ended = reply->elements < loc_conf(ctx->r)->page_size;
    deliver(st, rows, std::string());
}

// false: Redis is down; nothing was answered.
bool fetch(StreamState* st) {
    Ctx* ctx = st->ctx;
    const Keys& k = worker()->config.keys;
    int64_t count = step_size(st);
    if (st->run_details) {
        Call* call = worker()->redis.command(
            {"LRANGE", st->index, std::to_string(st->position),
             std::to_string(st->position + count - 1)},
            on_details, ctx);
        st->fetching = call != nullptr;
        return track(ctx, call);
    }
    if (st->limit > count && !st->page_measured) {
        std::vector<std::string> argv =
            st->measuring_last
                ? std::vector<std::string>{"ZREVRANGEBYSCORE", st->index, "+inf", st->cursor,
                                           "WITHSCORES", "LIMIT", "0", "1"}
                : std::vector<std::string>{"ZRANGEBYSCORE", st->index, st->cursor, "+inf",
                                           "WITHSCORES", "LIMIT", std::to_string(st->limit - 1),
                                           "2"};
        Call* call = worker()->redis.command(argv, on_page_measured, ctx);
        st->fetching = call != nullptr;
        return track(ctx, call);
    }
    Call* call = worker()->redis.script(
        Script::page, {st->index},
        {k.tag(), st->detail ? "detail" : "list", st->cursor,
         std::to_string(st->limit > 0 && st->limit < count ? st->limit : count), st->customer,
         st->page_end},
        on_page, ctx);
    st->fetching = call != nullptr;
    return track(ctx, call);
}

void fetch_or_finish(StreamState* st) {
    if (fetch(st)) {
        return;
    }
    ngx_http_request_t* r = st->ctx->r;
    // Once headers are out, only cutting the body short tells the client.
    finish(r, st->headers_sent ? NGX_ERROR : send_unavailable(r));
}

// limit: 1..10000; cursor: the X-Next-Cursor of the previous page.
bool parse_paging(ngx_http_request_t* r, StreamState* st, std::vector<FieldError>& errors) {
    std::string_view args = sv(r->args);
    if (auto limit = query_arg(args, "limit")) {
        char* end = nullptr;
        long long v = std::strtoll(limit->c_str(), &end, 10);
        if (limit->empty() || end != limit->c_str() + limit->size()) {
            errors.push_back(int_error("query", "limit"));
        } else if (v < 1 || v > max_limit) {
            errors.push_back(FieldError{"query", "limit", "ensure this value is between 1 and 10000",
                                        "value_error.number.not_in_range", 0});
        } else {
            st->limit = v;
        }
    }
    if (auto cursor = query_arg(args, "cursor")) {
        char* end = nullptr;
        long long v = std::strtoll(cursor->c_str(), &end, 10);
        if (cursor->empty() || end != cursor->c_str() + cursor->size() || v < 0) {
            errors.push_back(FieldError{"query", "cursor", "value is not a valid cursor",
                                        "value_error.cursor", 0});
        } else {
            st->cursor = "(" + std::to_string(v);
        }
    }
    return errors.empty();
}

void free_stream(void* p) {
    delete static_cast<StreamState*>(p);
}

}  // namespace

ngx_int_t start_stream(Ctx* ctx, StreamKind kind) {
    ngx_http_request_t* r = ctx->r;
    auto* st = new (std::nothrow) StreamState();
    if (st == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ctx->aux = st;
    ctx->aux_free = free_stream;
    st->ctx = ctx;
    st->detail = kind == StreamKind::detail;
    const Keys& k = worker()->config.keys;
    if (kind == StreamKind::customer) {
        st->customer = ctx->route.a;
        st->index = k.customer_reports(st->customer);
    } else {
        st->index = k.reports();
    }

    std::vector<FieldError> errors;
    if (!parse_paging(r, st, errors)) {
        return send_json(r, wa::http_unprocessable, validation_errors(errors));
    }
    if (st->limit > step_size(st) && !take_stream_slot(ctx)) {
        return send_busy(r);
    }
    if (!fetch(st)) {
        return send_unavailable(r);
    }
    r->main->count++;
    return NGX_DONE;
}

// The details of a finished run, from its Redis list; called with the
// request already held (count incremented), so it always finishes it.
void stream_run_details(Ctx* ctx, std::string key, std::string head, std::string tail) {
    auto* st = new (std::nothrow) StreamState();
    if (st == nullptr) {
        finish(ctx->r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }
    ctx->aux = st;
    ctx->aux_free = free_stream;
    st->ctx = ctx;
    st->run_details = true;
    st->index = std::move(key);
    st->head = std::move(head);
    st->tail = std::move(tail);
    if (!fetch(st)) {
        finish(ctx->r, send_unavailable(ctx->r));
    }
}

}  // namespace wa

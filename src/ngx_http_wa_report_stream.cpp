// The list endpoints: pages read from the Store one bounded call at a time
// and written out as a chunked response. The next page is requested only
// when the client has taken the previous one, so a million reports never sit
// in the worker at once. A call reads at most wa_report_page_size reports
// whatever `limit` asks for: Redis runs one script at a time for every
// client, so one long call would hold up every other request on every
// worker.

#include "ngx_http_wa_report_stream.hpp"

#include "core/json.hpp"
#include "core/queries.hpp"
#include "core/report.hpp"

#include <memory>

namespace wa {

namespace {

void append_row(std::string& out, const Report& r) { append_report(out, r); }

void append_row(std::string& out, const ReportDetail& d) { append_report_detail(out, d); }

class Stream : public Operation {
public:
    explicit Stream(Ctx& ctx) : ctx_(ctx) {}

    // A report list: kind, then the query's paging (422 on errors).
    ngx_int_t start(StreamKind kind);
    // A finished run's details.
    ngx_int_t start_details(std::string run_id, std::string head, std::string tail);

    ngx_int_t on_write(Ctx& ctx) override;

private:
    template <class T, ngx_int_t (Stream::*Step)(const T&)>
    static void on_page_answer(const Answer<T>& answer, void* data) noexcept;

    template <class Row>
    ngx_int_t page_read(const Page<Row>& page);
    ngx_int_t end_measured(const PageEnd& end);
    ngx_int_t details_read(const std::vector<std::string>& items);
    ngx_int_t failed(StoreError error, const std::string& reason);

    int64_t step_size() const;
    bool single_step() const;
    StoreCall* fetch();
    ngx_int_t fetch_or_finish();
    ngx_int_t deliver(const std::string& rows, const std::string& next_cursor);

    Ctx& ctx_;
    bool detail_ = false;
    std::string customer_;  // "" for every report
    std::string cursor_ = "-inf";
    int64_t limit_ = 0;  // 0: the whole list
    // A page of `limit` reports read in several steps: where it ends (the
    // score of its last report, inclusive) and whether reports follow it,
    // measured once before the first step.
    bool page_measured_ = false;
    bool measuring_last_ = false;  // fewer than `limit` follow: where the list ends now
    std::string page_end_ = "+inf";
    bool page_more_ = false;
    // Details of a finished run (run-now): LRANGE pages of ready JSON items,
    // wrapped in head and tail instead of "[" and "]".
    bool run_details_ = false;
    std::string run_id_;
    int64_t position_ = 0;
    std::string head_ = "[";
    std::string tail_ = "]";
    bool first_row_ = true;
    bool fetching_ = false;
    bool ended_ = false;
    ChunkedBody body_;
};

// The Store callback of every page: a value goes to Step, a failure to
// failed().
template <class T, ngx_int_t (Stream::*Step)(const T&)>
void Stream::on_page_answer(const Answer<T>& answer, void* data) noexcept {
    auto* ctx = static_cast<Ctx*>(data);
    ctx->store_call = nullptr;
    Stream& st = ctx->op_as<Stream>();
    st.fetching_ = false;
    run_step(ctx->r, [&] {
        return answer.ok() ? (st.*Step)(answer.value) : st.failed(answer.error, answer.reason);
    });
}

ngx_int_t Stream::on_write(Ctx& ctx) {
    ngx_int_t rc = body_.flush(ctx);
    if (rc != NGX_OK) {
        return rc;
    }
    if (!fetching_ && !ended_) {
        return fetch_or_finish();
    }
    return NGX_DONE;
}

// No page: answers the error, or cuts a started body short.
ngx_int_t Stream::failed(StoreError error, const std::string& reason) {
    ngx_http_request_t* r = ctx_.r;
    if (body_.header_sent()) {
        // Too late for a status: cut the chunked body short, so the client
        // sees an incomplete response rather than a short list.
        if (log_now("redis failed in the middle of a list")) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "wa_report: redis failed in the middle of a list");
        }
        return NGX_ERROR;
    }
    return send_store_error(r, error, reason);
}

// Writes one page's rows, then asks for the next page once the client has
// taken this one.
ngx_int_t Stream::deliver(const std::string& rows, const std::string& next_cursor) {
    ngx_http_request_t* r = ctx_.r;
    std::string out;
    if (!body_.header_sent()) {
        // The cursor is a score as Redis wrote it; push_header still refuses
        // anything that could end the header.
        if (!next_cursor.empty() && push_header(r, "X-Next-Cursor", next_cursor) == nullptr) {
            return send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                             detail_error("Internal Server Error"));
        }
        ngx_int_t rc = body_.send_header(r);
        if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
            return rc;
        }
        out += head_;
    }
    out += rows;
    if (ended_) {
        out += tail_;
    }
    ngx_int_t rc = body_.write(r, out, ended_);
    if (rc == NGX_ERROR || ended_) {
        return rc;
    }
    if (body_.behind(r)) {
        return wait_for_client(ctx_);
    }
    return fetch_or_finish();
}

int64_t Stream::step_size() const { return static_cast<int64_t>(loc_conf(ctx_.r)->page_size); }

// A page that takes one step ends with it; the cursor names the next page.
bool Stream::single_step() const { return limit_ > 0 && limit_ <= step_size(); }

template <class Row>
ngx_int_t Stream::page_read(const Page<Row>& page) {
    ended_ = !page.more || page.last.empty() || single_step();
    // A whole list takes a slot once it turns out to need more than one
    // step: a customer's few reports are one step, like any short request.
    if (!ended_ && !body_.header_sent() && !ctx_.holds_stream && !take_stream_slot(ctx_)) {
        return send_busy(ctx_.r);
    }
    std::string rows;
    for (const Row& row : page.rows) {
        rows += first_row_ ? "" : ",";
        first_row_ = false;
        append_row(rows, row);
    }
    cursor_ = "(" + page.last;
    std::string next;
    if (single_step() && page.more) {
        next = page.last;
    } else if (limit_ > 0 && page_more_) {
        next = page_end_;
    }
    return deliver(rows, next);
}

// First the reports at offsets limit-1 and limit from the cursor: the page's
// last report and, if any, the first of the next page. When fewer follow,
// the page ends with the list's last report as of now, so that reports
// created while it streams never make it longer than `limit`.
ngx_int_t Stream::end_measured(const PageEnd& end) {
    if (end.score) {
        page_end_ = *end.score;
        page_more_ = !measuring_last_ && end.more;
        page_measured_ = true;
    } else if (!measuring_last_) {
        measuring_last_ = true;
    } else {
        // Nothing after the cursor: an empty range, (n, n] or [-inf, -inf].
        page_end_ = cursor_ == "-inf" ? cursor_ : cursor_.substr(1);
        page_measured_ = true;
    }
    return fetch_or_finish();
}

ngx_int_t Stream::details_read(const std::vector<std::string>& items) {
    std::string rows;
    for (const std::string& item : items) {
        rows += first_row_ ? "" : ",";
        first_row_ = false;
        rows += item;
    }
    position_ += static_cast<int64_t>(items.size());
    ended_ = items.size() < loc_conf(ctx_.r)->page_size;
    return deliver(rows, std::string());
}

// The next call; nullptr when Redis is down.
StoreCall* Stream::fetch() {
    Store& store = worker()->store;
    int64_t count = step_size();
    StoreCall* call = nullptr;
    if (run_details_) {
        call = store.run_details(run_id_, position_, count,
                                 on_page_answer<std::vector<std::string>, &Stream::details_read>,
                                 &ctx_);
    } else if (limit_ > count && !page_measured_) {
        auto fn = on_page_answer<PageEnd, &Stream::end_measured>;
        call = measuring_last_ ? store.list_end(customer_, cursor_, fn, &ctx_)
                               : store.page_end(customer_, cursor_, limit_, fn, &ctx_);
    } else {
        Store::PageQuery q;
        q.customer = customer_;
        q.after = cursor_;
        q.limit = limit_ > 0 && limit_ < count ? limit_ : count;
        q.end = page_end_;
        call = detail_
            ? store.detail_page(q, on_page_answer<DetailPage, &Stream::page_read<ReportDetail>>,
                                &ctx_)
            : store.report_page(q, on_page_answer<ReportPage, &Stream::page_read<Report>>, &ctx_);
    }
    fetching_ = call != nullptr;
    return call;
}

ngx_int_t Stream::fetch_or_finish() {
    StoreCall* call = fetch();
    if (call != nullptr) {
        return next_call(ctx_, call);
    }
    // Once the header is out, only cutting the body short tells the client.
    return body_.header_sent() ? NGX_ERROR : send_unavailable(ctx_.r);
}

ngx_int_t Stream::start(StreamKind kind) {
    ngx_http_request_t* r = ctx_.r;
    detail_ = kind == StreamKind::detail;
    if (kind == StreamKind::customer) {
        customer_ = ctx_.route.a;
    }
    auto paging = parse_paging(sv(r->args));
    if (!paging.value) {
        return send_validation(r, paging.errors);
    }
    limit_ = paging.value->limit;
    if (paging.value->cursor) {
        cursor_ = "(" + std::to_string(*paging.value->cursor);
    }
    if (limit_ > step_size() && !take_stream_slot(ctx_)) {
        return send_busy(r);
    }
    return issue_store(ctx_, fetch());
}

ngx_int_t Stream::start_details(std::string run_id, std::string head, std::string tail) {
    run_details_ = true;
    run_id_ = std::move(run_id);
    head_ = std::move(head);
    tail_ = std::move(tail);
    return fetch_or_finish();
}

}  // namespace

ngx_int_t start_report_stream(Ctx& ctx, StreamKind kind) {
    ctx.op = std::make_unique<Stream>(ctx);
    return ctx.op_as<Stream>().start(kind);
}

ngx_int_t stream_run_details(Ctx& ctx, std::string run_id, std::string head, std::string tail) {
    auto stream = std::make_unique<Stream>(ctx);
    Stream& st = *stream;
    ctx.op = std::move(stream);
    return st.start_details(std::move(run_id), std::move(head), std::move(tail));
}

}  // namespace wa

// The HTTP kit of the API's endpoints: the per-request context, the request
// body, JSON and chunked answers, errors in the API's shapes, and the steps
// that hold a request across Store calls and finish it. It knows nothing of
// Redis beyond the Store's Answer.
//
// A step is what runs for a request outside its content handler (a Store
// answer, the body's arrival, the client's write event, a timer). It returns
// what the request ends with, which run_step() passes to finish(): a status
// or the rc of an answer it sent, or NGX_DONE while the request goes on (a
// call issued, a timer armed). A content handler returns the same to nginx.
#pragma once

#include "ngx_http_wa_report_store.hpp"
#include "ngx_http_wa_report_worker.hpp"

#include "core/json.hpp"
#include "core/routes.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wa {

struct Ctx;

// What a request does across several events (a reset's chunks, an import, a
// list's pages, run-now's wait). The context owns it and destroys it with
// the request, so its destructor gives back what it still holds (Store
// calls, timers, a waiter).
class Operation {
public:
    virtual ~Operation() = default;

    // The client's write event, once the operation asked for it
    // (wait_for_client, post_write): a step.
    virtual ngx_int_t on_write(Ctx& ctx);
};

// Per request, in r->pool; its destructor runs from a pool cleanup, which
// also detaches a Store call still in flight.
struct Ctx {
    ngx_http_request_t* r = nullptr;
    RouteMatch route;
    StoreCall* store_call = nullptr;  // the request's call in flight, if any
    bool holds_stream = false;        // one of the worker's wa_report_max_streams slots
    std::unique_ptr<Operation> op;

    // The request body as it arrives, whatever its framing: the endpoint's
    // limit (0: not counted) and the bytes so far (filters).
    size_t body_limit = 0;
    size_t body_received = 0;
    bool body_too_large = false;

    // An error nginx itself produced in the location, answered as JSON: the
    // JSON is being sent, then nginx's own page is dropped (filters).
    enum class NginxError { none, sending, sent };
    NginxError nginx_error = NginxError::none;

    // The operation of type T that the calling step belongs to: each step is
    // written for the one operation that issues it.
    template <class T>
    T& op_as() {
        return static_cast<T&>(*op);
    }

    ~Ctx();
};

// The request's context, destroyed with its pool; nullptr when out of memory.
Ctx* create_ctx(ngx_http_request_t* r);
// nullptr before create_ctx().
Ctx* ctx_of(ngx_http_request_t* r);

const ngx_http_wa_report_loc_conf_t* loc_conf(ngx_http_request_t* r);
Method method_of(ngx_http_request_t* r);

// ---- answers ---------------------------------------------------------------
// Each returns the rc of sending it (or a status when it could not be sent).

ngx_int_t send_json(ngx_http_request_t* r, ngx_uint_t status, const std::string& body);
// The whole answer from memory: body is copied into the request's pool;
// content_type must outlive the request (a literal or a static). The status
// is the caller's (r->headers_out.status).
ngx_int_t send_whole(ngx_http_request_t* r, std::string_view content_type, std::string_view body);
// With one more header; 500 when push_header() refuses it.
ngx_int_t send_json_with(ngx_http_request_t* r, ngx_uint_t status, const std::string& body,
                         const char* header, std::string_view value);
// 404 {"detail":"<what>"}.
ngx_int_t send_not_found(ngx_http_request_t* r, std::string_view what);
// 422 in FastAPI's shape.
ngx_int_t send_validation(ngx_http_request_t* r, const std::vector<FieldError>& errors);
// A body field naming what does not exist (422's item): ["body", field],
// "<what> not found", value_error.not_found.
FieldError not_found_field(const char* field, const char* what);
// 503 "Redis unavailable".
ngx_int_t send_unavailable(ngx_http_request_t* r);
// 503 with Retry-After: 1, when every wa_report_max_streams slot is taken.
ngx_int_t send_busy(ngx_http_request_t* r);
// A Store answer that is not a value: 503 for Redis down or refusing for
// now, 500 for anything else; Redis's text is logged (once a minute a cause).
ngx_int_t send_store_error(ngx_http_request_t* r, StoreError error, const std::string& reason);

// Adds a response header; nullptr (logged) when out of memory, or when the
// name is not a token or the value holds a control character other than HTAB
// (the caller answers 500 rather than send it).
ngx_table_elt_t* push_header(ngx_http_request_t* r, const char* key, std::string_view value);

// A line that every request may meet while its cause lasts: true when it is
// to be written now, false when the worker wrote the same cause (the line
// without its per-request parts) less than a minute ago.
bool log_now(std::string_view cause);

// ---- a request held across events --------------------------------------------

// A list, a full reset or an import: takes one of the worker's
// wa_report_max_streams slots until its Redis work is over (finish(), or the
// request's end). false: all taken, answer send_busy().
bool take_stream_slot(Ctx& ctx);
void release_stream_slot(Ctx& ctx);

// A content handler's work under guard(): what `serve` returns, or 500 when
// it threw (logged).
ngx_int_t serve_guarded(ngx_http_request_t* r, ngx_int_t (*serve)(ngx_http_request_t*)) noexcept;

// From a content handler: holds the request for the call just issued
// (NGX_DONE), or answers 503 when there is none (Redis down).
ngx_int_t issue_store(Ctx& ctx, StoreCall* call);
// From a step, the request already held: NGX_DONE, or 503.
ngx_int_t next_call(Ctx& ctx, StoreCall* call);

// Ends a request held by NGX_DONE, from an event that is not the client's
// (a Store answer); gives back its wa_report_max_streams slot.
void finish(ngx_http_request_t* r, ngx_int_t rc);

// Runs a step under guard() and finishes the request with what it returns,
// unless NGX_DONE. A step that threw (logged) ends the request with 500, or
// cuts the body short once the header is out.
template <class F>
void run_step(ngx_http_request_t* r, F&& step) noexcept {
    ngx_int_t rc = NGX_DONE;
    if (!guard(r->connection->log, [&] { rc = step(); })) {
        rc = r->header_sent ? NGX_ERROR : NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (rc != NGX_DONE) {
        finish(r, rc);
    }
}

// The Store callback of a request's call (data: its Ctx): a value goes to
// Step, anything else is answered by send_store_error().
template <class T, ngx_int_t (*Step)(Ctx& ctx, const T& value)>
void on_answer(const Answer<T>& answer, void* data) noexcept {
    auto* ctx = static_cast<Ctx*>(data);
    ctx->store_call = nullptr;
    run_step(ctx->r, [&] {
        return answer.ok() ? Step(*ctx, answer.value)
                           : send_store_error(ctx->r, answer.error, answer.reason);
    });
}

// ---- the request body ---------------------------------------------------------

// Reads the body, then nginx calls `handler` (at once when it is in
// already). A Content-Length over `limit` is 413 at once; a chunked body is
// counted as it arrives (filters) and refused once past it. What the
// content handler returns.
ngx_int_t read_body(Ctx& ctx, size_t limit, ngx_http_client_body_handler_pt handler);

// The whole body as one string for `step`: 500 when it cannot be read, 413
// when a chunked body grew past the limit.
ngx_int_t with_body_text(ngx_http_request_t* r, ngx_int_t (*step)(Ctx&, const std::string&));

// read_body()'s handler for a step that takes the body as one string
// (bodies bounded by wa_report_max_body_size).
template <ngx_int_t (*Step)(Ctx& ctx, const std::string& body)>
void body_text(ngx_http_request_t* r) noexcept {
    run_step(r, [r] { return with_body_text(r, Step); });
}

// read_body()'s handler for a step that walks r->request_body itself.
template <ngx_int_t (*Step)(Ctx& ctx)>
void body_read(ngx_http_request_t* r) noexcept {
    run_step(r, [r] { return Step(*ctx_of(r)); });
}

// ---- chunked answers ----------------------------------------------------------

// A 200 JSON body of unknown length, written piece by piece through
// recycled buffers: a long list holds about a piece's memory, not the body.
class ChunkedBody {
public:
    ngx_int_t send_header(ngx_http_request_t* r);
    bool header_sent() const { return header_sent_; }

    // One piece; `last` ends the body.
    ngx_int_t write(ngx_http_request_t* r, const std::string& data, bool last);

    // The client has not taken all that was written.
    bool behind(ngx_http_request_t* r) const;

    // From the client's write event: passes on what waited. NGX_OK once the
    // client has taken everything; NGX_DONE while it has not (waiting
    // again); 408 when it timed out, NGX_ERROR when the connection failed.
    ngx_int_t flush(Ctx& ctx);

private:
    bool header_sent_ = false;
    ngx_chain_t* free_ = nullptr;
    ngx_chain_t* busy_ = nullptr;
};

// Calls the operation's on_write when the client can take more, within
// send_timeout. NGX_DONE, or NGX_ERROR.
ngx_int_t wait_for_client(Ctx& ctx);

// Calls the operation's on_write from a posted event: a long operation does
// a bounded amount of work per event.
void post_write(Ctx& ctx);

}  // namespace wa

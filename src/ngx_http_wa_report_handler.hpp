// The report API's request context and the helpers its handlers share.
#pragma once

#include "ngx_http_wa_report_module.hpp"

#include "core/report.hpp"
#include "core/routes.hpp"

#include <optional>
#include <string>

namespace wa {

enum class StreamKind { list, detail, customer };

// Per request, in r->pool; its destructor runs from a pool cleanup, which
// also detaches a Redis call still in flight.
struct Ctx {
    ngx_http_request_t* r = nullptr;
    RouteMatch route;
    Call* call = nullptr;
    StoreCall* store_call = nullptr;
    bool holds_stream = false;  // one of the worker's wa_report_max_streams slots

    // Multi-step operations (reset chunks, import batches).
    int64_t count = 0;
    std::string cursor;
    std::string customer;
    std::string now;
    std::string answer;   // a body prepared before the call whose reply sends it

    // State of a long operation (stream, import), freed with the request.
    void* aux = nullptr;
    void (*aux_free)(void*) = nullptr;

    // The request body as it arrives, whatever its framing: the endpoint's
    // limit (0: not counted) and the bytes so far (filters).
    size_t body_limit = 0;
    size_t body_received = 0;
    bool body_too_large = false;

    // An error nginx itself produced in the location, answered as JSON: the
    // JSON is being sent, then nginx's own page is dropped (filters).
    enum class NginxError { none, sending, sent };
    NginxError nginx_error = NginxError::none;

    ~Ctx();
};

// Answer helpers: they return what the handler returns to nginx, or what is
// passed to finish() from an asynchronous callback.
ngx_int_t send_json(ngx_http_request_t* r, ngx_uint_t status, const std::string& body);
ngx_int_t send_unavailable(ngx_http_request_t* r);

// A list or an import: takes one of the worker's wa_report_max_streams
// slots until its Redis work is over (finish(), or the request's end).
// false: all taken, answer send_busy().
bool take_stream_slot(Ctx* ctx);
void release_stream_slot(Ctx* ctx);
// 503 with Retry-After: 1.
ngx_int_t send_busy(ngx_http_request_t* r);
ngx_int_t send_redis_error(ngx_http_request_t* r, const redisReply* reply);

// A line that every request may meet while its cause lasts: true when it is
// to be written now, false when the worker wrote the same cause (the line
// without its per-request parts) less than a minute ago.
bool log_now(std::string_view cause);

// Ends a request whose handler returned NGX_DONE, from an event that is not
// the client's (a Redis reply); gives back its wa_report_max_streams slot.
void finish(ngx_http_request_t* r, ngx_int_t rc);

// Adds a response header; nullptr (logged) when out of memory, or when the
// name is not a token or the value holds a control character other than HTAB
// (the caller answers 500 rather than send it).
ngx_table_elt_t* push_header(ngx_http_request_t* r, const char* key, std::string_view value);

Method method_of(ngx_http_request_t* r);

// The request's context, destroyed with its pool.
Ctx* create_ctx(ngx_http_request_t* r);

// The async step every handler shares: takes the reply off the context and
// turns a failed call into its error answer. nullptr when already answered.
Ctx* take_reply(redisReply* reply, void* data, size_t min_elements);

// Holds the request for a call just issued (NGX_DONE), or answers 503.
ngx_int_t issue_call(Ctx* ctx, Call* call);
ngx_int_t issue_store(Ctx* ctx, StoreCall* call);

// A Store answer that is not a value, as its error response (503 for Redis
// down or refusing for now, 500 for anything else, logged).
ngx_int_t send_store_error(ngx_http_request_t* r, StoreError error, const std::string& reason);

// The step every Store callback shares: the call is over, and a failed
// answer is answered. nullptr when already answered.
template <class T>
Ctx* take_answer(const Answer<T>& answer, void* data) {
    auto* ctx = static_cast<Ctx*>(data);
    ctx->store_call = nullptr;
    if (!answer.ok()) {
        finish(ctx->r, send_store_error(ctx->r, answer.error, answer.reason));
        return nullptr;
    }
    return ctx;
}

// A report from the 7 fields id, id_customer, id_vehicle, last_message_date,
// frequency, created_at, updated_at.
Report report_from_reply(redisReply** e);

// Remembers the call so an early client close can detach it. false: Redis is
// down, the caller answers 503.
bool track(Ctx* ctx, Call* call);

// Reply accessors.
std::string reply_str(const redisReply* e);
std::optional<std::string> reply_opt(const redisReply* e);
int64_t reply_int(const redisReply* e);
bool reply_ok(const redisReply* reply, size_t min_elements);

ngx_int_t start_stream(Ctx* ctx, StreamKind kind);

// Installs the module's filters (postconfiguration): JSON for the errors
// nginx produces in the API's locations, and the request body limits.
ngx_int_t install_filters();
void stream_run_details(Ctx* ctx, std::string key, std::string head, std::string tail);
ngx_int_t send_json_with(ngx_http_request_t* r, ngx_uint_t status, const std::string& body,
                         const char* header, std::string_view value);

const ngx_http_wa_report_loc_conf_t* loc_conf(ngx_http_request_t* r);
std::string now_local();

}  // namespace wa

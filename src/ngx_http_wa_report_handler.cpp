// The report API: routing, request bodies, and the Redis calls behind each
// endpoint. Every handler either answers at once or issues one Redis call and
// returns NGX_DONE; the reply callback answers or issues the next call.

#include "ngx_http_wa_report_handler.hpp"

#include "core/escape.hpp"
#include "core/http_errors.hpp"
#include "core/input.hpp"
#include "core/json.hpp"
#include "core/report.hpp"
#include "core/uuid.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <vector>

namespace wa {

namespace {

constexpr int64_t reset_chunk = 1000;
constexpr size_t import_batch_lines = 200;
constexpr size_t import_max_errors = 1000;
constexpr size_t import_batch_bytes = 1024 * 1024;

const Keys& keys() {
    return worker()->config.keys;
}

Redis& redis() {
    return worker()->redis;
}

Store& store() {
    return worker()->store;
}

Ctx* take(redisReply* reply, void* data, size_t min_elements) {
    return take_reply(reply, data, min_elements);
}

ngx_int_t issue(Ctx* ctx, Call* call) {
    return issue_call(ctx, call);
}

// Used from body handlers and callbacks, where the request is already held.
void store_or_finish(Ctx* ctx, StoreCall* call) {
    if (call == nullptr) {
        finish(ctx->r, send_unavailable(ctx->r));
        return;
    }
    ctx->store_call = call;
}

void issue_or_finish(Ctx* ctx, Call* call) {
    if (!track(ctx, call)) {
        finish(ctx->r, send_unavailable(ctx->r));
    }
}

ngx_int_t send_validation(ngx_http_request_t* r, const std::vector<FieldError>& errors) {
    return send_json(r, wa::http_unprocessable, validation_errors(errors));
}

FieldError not_found_field(const char* field, const char* what) {
    return FieldError{"body", field, std::string(what) + " not found", "value_error.not_found", 0};
}

// ---- GET /customer/{c}/vehicle/{v} -----------------------------------------

void on_report(const Answer<std::optional<Report>>& answer, void* data) {
    Ctx* ctx = take_answer(answer, data);
    if (ctx == nullptr) {
        return;
    }
    if (!answer.value) {
        finish(ctx->r, send_json(ctx->r, NGX_HTTP_NOT_FOUND, detail_error("Report tidak ditemukan")));
        return;
    }
    std::string out;
    append_report(out, *answer.value);
    finish(ctx->r, send_json(ctx->r, NGX_HTTP_OK, out));
}

ngx_int_t get_report(Ctx* ctx) {
    return issue_store(ctx, store().report(ctx->route.a, ctx->route.b, on_report, ctx));
}

// ---- GET /statistics --------------------------------------------------------

void on_stats(const Answer<Stats>& answer, void* data) {
    Ctx* ctx = take_answer(answer, data);
    if (ctx == nullptr) {
        return;
    }
    finish(ctx->r, send_json(ctx->r, NGX_HTTP_OK, stats_json(answer.value)));
}

ngx_int_t get_stats(Ctx* ctx) {
    return issue_store(ctx, store().stats(on_stats, ctx));
}

// ---- DELETE /{report_id} ----------------------------------------------------

void on_delete_report(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data, 0);
    if (ctx == nullptr) {
        return;
    }
    if (reply->integer == 0) {
        finish(ctx->r, send_json(ctx->r, NGX_HTTP_NOT_FOUND, detail_error("Report tidak ditemukan")));
        return;
    }
    finish(ctx->r, send_json(ctx->r, NGX_HTTP_OK, R"({"message":"Report berhasil dihapus"})"));
}

ngx_int_t delete_report(Ctx* ctx) {
    const Keys& k = keys();
    return issue(ctx, redis().script(Script::report_delete,
                                     {k.report_ids(), k.reports(), k.stats(), k.stats_freq()},
                                     {k.tag(), ctx->route.a}, on_delete_report, ctx));
}

// ---- POST /reset-frequency --------------------------------------------------
// Bounded chunks, so one script never holds Redis for the whole data set.

void reset_next(Ctx* ctx);

void on_reset(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data, 3);
    if (ctx == nullptr) {
        return;
    }
    ctx->count += reply_int(reply->element[0]);
    std::string last = reply_str(reply->element[1]);
    if (reply_int(reply->element[2]) != 0 && !last.empty()) {
        ctx->cursor = "(" + last;
        reset_next(ctx);
        return;
    }
    std::optional<std::string> customer;
    if (!ctx->customer.empty()) {
        customer = ctx->customer;
    }
    finish(ctx->r, send_json(ctx->r, NGX_HTTP_OK, reset_message_json(ctx->count, customer)));
}

Call* reset_call(Ctx* ctx) {
    const Keys& k = keys();
    std::string index = ctx->customer.empty() ? k.reports() : k.customer_reports(ctx->customer);
    return redis().script(Script::reset, {index, k.stats(), k.stats_freq()},
                          {k.tag(), ctx->now, ctx->cursor, std::to_string(reset_chunk),
                           ctx->customer},
                          on_reset, ctx);
}

void reset_next(Ctx* ctx) {
    issue_or_finish(ctx, reset_call(ctx));
}

ngx_int_t reset_frequency(Ctx* ctx) {
    ngx_http_request_t* r = ctx->r;
    auto arg = query_arg(sv(r->args), "id_customer");
    if (arg) {
        auto id = parse_uuid(*arg);
        if (!id) {
            return send_validation(r, {uuid_error("query", "id_customer")});
        }
        ctx->customer = *id;
    } else if (!take_stream_slot(ctx)) {
        // Every report, a chunk of reset_chunk at a time, is as long as a
        // whole list: it takes a slot, decided before the first chunk writes.
        // A customer's reports are one chunk, like any short request.
        return send_busy(r);
    }
    ctx->cursor = "-inf";
    ctx->now = now_local();
    return issue(ctx, reset_call(ctx));
}

// ---- request bodies ---------------------------------------------------------

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
            ssize_t n = ngx_read_file(b->file, reinterpret_cast<u_char*>(&out[at]), size,
                                      b->file_pos);
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

bool over_limit(ngx_http_request_t* r, size_t limit) {
    return r->headers_in.content_length_n > static_cast<off_t>(limit);
}

// Called once the body is in; answers 413 itself for a body that arrived
// chunked and grew past the limit. nullptr when answered.
Ctx* body_ctx(ngx_http_request_t* r, size_t limit, std::string& body) {
    auto* ctx = static_cast<Ctx*>(ngx_http_get_module_ctx(r, ngx_http_wa_report_module));
    if (!body_string(r, body)) {
        finish(r, send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR, detail_error("Cannot read body")));
        return nullptr;
    }
    if (body.size() > limit) {
        finish(r, too_large(r, limit));
        return nullptr;
    }
    return ctx;
}

// A body without a Content-Length (chunked) is counted as it arrives by the
// request body filter, which answers 413 as soon as it passes the limit.
ngx_int_t read_body(Ctx* ctx, size_t limit, ngx_http_client_body_handler_pt handler) {
    ngx_http_request_t* r = ctx->r;
    if (over_limit(r, limit)) {
        // Reading a body we refuse is wasted work: close after answering.
        r->keepalive = 0;
        r->lingering_close = 1;
        return too_large(r, limit);
    }
    ctx->body_limit = limit;
    r->request_body_in_single_buf = 1;
    ngx_int_t rc = ngx_http_read_client_request_body(r, handler);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }
    return NGX_DONE;
}

// ---- POST /record -----------------------------------------------------------

void on_record(const Answer<RecordOutcome>& answer, void* data) {
    using Status = RecordOutcome::Status;
    Ctx* ctx = take_answer(answer, data);
    if (ctx == nullptr) {
        return;
    }
    ngx_http_request_t* r = ctx->r;
    const RecordOutcome& out = answer.value;
    switch (out.status) {
    case Status::no_customer:
        finish(r, send_validation(r, {not_found_field("id_customer", "customer")}));
        return;
    case Status::no_vehicle:
        finish(r, send_validation(r, {not_found_field("id_vehicle", "vehicle")}));
        return;
    case Status::vehicle_mismatch:
        finish(r, send_validation(r, {FieldError{"body", "id_vehicle",
                                                 "vehicle does not belong to the customer",
                                                 "value_error.mismatch", 0}}));
        return;
    default:
        break;
    }
    if (!out.report) {
        finish(r, send_json(r, NGX_HTTP_CONFLICT,
                            detail_error("message_id was already counted for another report")));
        return;
    }
    std::string json;
    append_report(json, *out.report);
    finish(r, send_json(r, NGX_HTTP_OK, json));
}

void record_body(ngx_http_request_t* r) {
    if (!guard(r->connection->log, [&] {
        std::string body;
        Ctx* ctx = body_ctx(r, loc_conf(r)->max_body_size, body);
        if (ctx == nullptr) {
            return;
        }
        auto in = parse_record(body);
        if (!in.value) {
            finish(r, send_validation(r, in.errors));
            return;
        }
        const RecordInput& v = *in.value;
        store_or_finish(ctx, store().record(v.id_customer, v.id_vehicle, v.message_id,
                                            new_uuid(), now_local(),
                                            worker()->config.message_id_ttl, nullptr, on_record,
                                            ctx));
        })) {
        finish(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }
}

// ---- /data/customers/{id} ---------------------------------------------------

const std::vector<std::string> customer_fields = {
    "HMGET", "", "id", "name", "phone", "address", "created_at", "updated_at"};

std::string customer_json(redisReply** e) {
    Customer c{reply_str(e[0]), reply_str(e[1]), reply_str(e[2]),
               reply_str(e[3]), reply_str(e[4]), reply_str(e[5])};
    std::string out;
    append_customer(out, c);
    return out;
}

void on_customer(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data, 6);
    if (ctx == nullptr) {
        return;
    }
    if (reply->element[0]->type == REDIS_REPLY_NIL) {
        finish(ctx->r, send_json(ctx->r, NGX_HTTP_NOT_FOUND,
                                 detail_error("Customer tidak ditemukan")));
        return;
    }
    finish(ctx->r, send_json(ctx->r, NGX_HTTP_OK, customer_json(reply->element)));
}

void on_customer_put(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data, 7);
    if (ctx == nullptr) {
        return;
    }
    bool created = reply_str(reply->element[0]) == "created";
    finish(ctx->r, send_json(ctx->r, created ? NGX_HTTP_CREATED : NGX_HTTP_OK,
                             customer_json(reply->element + 1)));
}

void on_customer_delete(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data, 0);
    if (ctx == nullptr) {
        return;
    }
    std::string status = reply_str(reply);
    ngx_http_request_t* r = ctx->r;
    if (status == "not_found") {
        finish(r, send_json(r, NGX_HTTP_NOT_FOUND, detail_error("Customer tidak ditemukan")));
    } else if (status == "has_vehicles") {
        finish(r, send_json(r, NGX_HTTP_CONFLICT,
                            detail_error("Customer masih memiliki kendaraan")));
    } else {
        finish(r, send_json(r, NGX_HTTP_OK, R"({"message":"Customer berhasil dihapus"})"));
    }
}

Call* customer_put_call(const std::string& id, const CustomerInput& c, const std::string& now,
                        ReplyFn fn, void* data) {
    return redis().script(Script::customer_put, {keys().customer(id), keys().stats()},
                          {id, c.name, c.phone, c.address, now}, fn, data);
}

void customer_body(ngx_http_request_t* r) {
    if (!guard(r->connection->log, [&] {
        std::string body;
        Ctx* ctx = body_ctx(r, loc_conf(r)->max_body_size, body);
        if (ctx == nullptr) {
            return;
        }
        auto in = parse_customer(body);
        if (!in.value) {
            finish(r, send_validation(r, in.errors));
            return;
        }
        issue_or_finish(ctx, customer_put_call(ctx->route.a, *in.value, now_local(),
                                               on_customer_put, ctx));
        })) {
        finish(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }
}

ngx_int_t customer_data(Ctx* ctx) {
    ngx_http_request_t* r = ctx->r;
    const std::string& id = ctx->route.a;
    if (r->method == NGX_HTTP_PUT) {
        return read_body(ctx, loc_conf(r)->max_body_size, customer_body);
    }
    if (r->method == NGX_HTTP_DELETE) {
        return issue(ctx, redis().script(Script::customer_delete,
                                         {keys().customer(id), keys().customer_vehicles(id),
                                          keys().stats()},
                                         {},
                                         on_customer_delete, ctx));
    }
    std::vector<std::string> argv = customer_fields;
    argv[1] = keys().customer(id);
    return issue(ctx, redis().command(argv, on_customer, ctx));
}

// ---- /data/vehicles/{id} ----------------------------------------------------

const std::vector<std::string> vehicle_fields = {
    "HMGET", "", "id", "customer_id", "model", "nopol", "last_visit_date",
    "next_visit_date", "created_at", "updated_at"};

std::string vehicle_json(redisReply** e) {
    Vehicle v{reply_str(e[0]), reply_str(e[1]), reply_str(e[2]), reply_str(e[3]),
              reply_str(e[4]), reply_str(e[5]), reply_str(e[6]), reply_str(e[7])};
    std::string out;
    append_vehicle(out, v);
    return out;
}

void on_vehicle(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data, 8);
    if (ctx == nullptr) {
        return;
    }
    if (reply->element[0]->type == REDIS_REPLY_NIL) {
        finish(ctx->r, send_json(ctx->r, NGX_HTTP_NOT_FOUND, detail_error("Vehicle tidak ditemukan")));
        return;
    }
    finish(ctx->r, send_json(ctx->r, NGX_HTTP_OK, vehicle_json(reply->element)));
}

void on_vehicle_put(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data, 1);
    if (ctx == nullptr) {
        return;
    }
    ngx_http_request_t* r = ctx->r;
    std::string status = reply_str(reply->element[0]);
    if (status == "no_customer" || reply->elements < 9) {
        finish(r, send_validation(r, {not_found_field("customer_id", "customer")}));
        return;
    }
    finish(r, send_json(r, status == "created" ? NGX_HTTP_CREATED : NGX_HTTP_OK,
                        vehicle_json(reply->element + 1)));
}

void on_vehicle_delete(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data, 0);
    if (ctx == nullptr) {
        return;
    }
    ngx_http_request_t* r = ctx->r;
    if (reply_str(reply) == "not_found") {
        finish(r, send_json(r, NGX_HTTP_NOT_FOUND, detail_error("Vehicle tidak ditemukan")));
        return;
    }
    finish(r, send_json(r, NGX_HTTP_OK, R"({"message":"Vehicle berhasil dihapus"})"));
}

Call* vehicle_put_call(const std::string& id, const VehicleInput& v, Date next,
                       const std::string& now, ReplyFn fn, void* data) {
    const Keys& k = keys();
    return redis().script(Script::vehicle_put,
                          {k.vehicle(id), k.customer(v.customer_id),
                           k.customer_vehicles(v.customer_id), k.due_day(days_from_civil(next)),
                           k.stats()},
                          {k.tag(), id, v.customer_id, v.model, v.nopol,
                           format_date(v.last_visit), format_date(next),
                           std::to_string(days_from_civil(next)), now},
                          fn, data);
}

void vehicle_body(ngx_http_request_t* r) {
    if (!guard(r->connection->log, [&] {
        std::string body;
        Ctx* ctx = body_ctx(r, loc_conf(r)->max_body_size, body);
        if (ctx == nullptr) {
            return;
        }
        auto in = parse_vehicle(body);
        if (!in.value) {
            finish(r, send_validation(r, in.errors));
            return;
        }
        auto next = next_visit_of(*in.value, worker()->config.visit_interval_months);
        if (!next.value) {
            finish(r, send_validation(r, next.errors));
            return;
        }
        issue_or_finish(ctx, vehicle_put_call(ctx->route.a, *in.value, *next.value, now_local(),
                                              on_vehicle_put, ctx));
        })) {
        finish(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }
}

ngx_int_t vehicle_data(Ctx* ctx) {
    ngx_http_request_t* r = ctx->r;
    const std::string& id = ctx->route.a;
    if (r->method == NGX_HTTP_PUT) {
        return read_body(ctx, loc_conf(r)->max_body_size, vehicle_body);
    }
    if (r->method == NGX_HTTP_DELETE) {
        return issue(ctx, redis().script(Script::vehicle_delete, {keys().vehicle(id), keys().stats()},
                                         {keys().tag()}, on_vehicle_delete, ctx));
    }
    std::vector<std::string> argv = vehicle_fields;
    argv[1] = keys().vehicle(id);
    return issue(ctx, redis().command(argv, on_vehicle, ctx));
}

// ---- POST /data/import ------------------------------------------------------
// NDJSON, applied in batches of lines: each batch is pipelined (one script
// call per line, in order, so a vehicle may follow its customer in the same
// batch) and the next batch is read only when the last reply is in. The body
// is walked buffer by buffer, so a large import stays a bounded amount of
// worker memory beyond nginx's own body buffering.

struct ImportLineCall {
    struct ImportState* state;
    size_t line;
    Call* call;
};

struct ImportState {
    Ctx* ctx;
    ngx_chain_t* chain;       // next body buffer to read
    off_t file_pos;           // position inside an in-file buffer
    std::string pending;      // a line split across buffers
    size_t scanned = 0;       // bytes of pending already searched for '\n'
    bool overlong = false;    // skipping the rest of a line that was too long
    size_t line = 0;
    int64_t imported = 0;
    size_t error_count = 0;
    std::vector<std::pair<size_t, std::string>> batch_errors;
    std::string errors;       // JSON array items
    size_t in_flight = 0;
    bool failed = false;
    bool redis_error = false;
    std::vector<ImportLineCall*> calls;
};

void import_next(ImportState* st);

// Errors found by parsing arrive before those found by Redis for the same
// batch; they are kept per batch and written out in line order.
void import_error(ImportState* st, size_t line, const std::string& detail) {
    st->batch_errors.emplace_back(line, detail);
}

void import_flush_errors(ImportState* st) {
    std::sort(st->batch_errors.begin(), st->batch_errors.end());
    for (const auto& [line, detail] : st->batch_errors) {
        st->error_count++;
        if (st->error_count > import_max_errors) {
            continue;
        }
        if (!st->errors.empty()) {
            st->errors += ',';
        }
        st->errors += "{\"line\":";
        append_int(st->errors, static_cast<int64_t>(line));
        st->errors += ",\"detail\":";
        append_json_string(st->errors, detail);
        st->errors += '}';
    }
    st->batch_errors.clear();
}

void import_done(ImportState* st) {
    ngx_http_request_t* r = st->ctx->r;
    import_flush_errors(st);
    if (st->failed) {
        finish(r, st->redis_error ? send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                              detail_error("Internal Server Error"))
                                  : send_unavailable(r));
        return;
    }
    std::string out = "{\"imported\":";
    append_int(out, st->imported);
    out += ",\"errors\":[" + st->errors + "]";
    if (st->error_count > import_max_errors) {
        out += ",\"errors_omitted\":";
        append_int(out, static_cast<int64_t>(st->error_count - import_max_errors));
    }
    out += '}';
    finish(r, send_json(r, NGX_HTTP_OK, out));
}

void on_import_line(redisReply* reply, void* data) {
    auto* lc = static_cast<ImportLineCall*>(data);
    ImportState* st = lc->state;
    lc->call = nullptr;
    st->in_flight--;
    if (reply == nullptr) {
        st->failed = true;
    } else if (reply->type == REDIS_REPLY_ERROR) {
        // Every line of a long import meets the same refusal (OOM).
        std::string text = redis().error_text(reply);
        if (log_now("import redis error " + text)) {
            ngx_log_error(NGX_LOG_ERR, st->ctx->r->connection->log, 0,
                          "wa_report: import line %uz: redis error \"%s\"", lc->line,
                          text.c_str());
        }
        st->failed = true;
        st->redis_error = true;
    } else if (reply->type == REDIS_REPLY_ARRAY && reply->elements > 0
               && reply_str(reply->element[0]) == "no_customer") {
        import_error(st, lc->line, "customer_id: customer not found");
    } else {
        st->imported++;
    }
    if (st->in_flight > 0) {
        return;
    }
    if (st->failed) {
        import_done(st);
        return;
    }
    import_next(st);
}

void import_line(ImportState* st, std::string_view text, const std::string& now) {
    size_t line = ++st->line;
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    if (text.find_first_not_of(" \t") == std::string_view::npos) {
        return;
    }
    auto in = parse_import_line(text);
    if (!in.value) {
        import_error(st, line, errors_text(in.errors));
        return;
    }
    const ImportLine& il = *in.value;
    Date next;
    if (il.kind == ImportLine::Vehicle) {
        auto derived = next_visit_of(il.vehicle, worker()->config.visit_interval_months);
        if (!derived.value) {
            import_error(st, line, errors_text(derived.errors));
            return;
        }
        next = *derived.value;
    }
    auto* lc = new (std::nothrow) ImportLineCall{st, line, nullptr};
    if (lc == nullptr) {
        st->failed = true;
        return;
    }
    st->calls.push_back(lc);
    lc->call = il.kind == ImportLine::Customer
        ? customer_put_call(il.id, il.customer, now, on_import_line, lc)
        : vehicle_put_call(il.id, il.vehicle, next, now, on_import_line, lc);
    if (lc->call == nullptr) {
        st->failed = true;
        return;
    }
    st->in_flight++;
}

// Reads the next piece of body: up to 64 KB from a file buffer, or one
// memory buffer. false at the end of the body.
bool import_read(ImportState* st, std::string& chunk) {
    while (st->chain != nullptr) {
        ngx_buf_t* b = st->chain->buf;
        if (!b->in_file) {
            chunk.assign(reinterpret_cast<const char*>(b->pos),
                         static_cast<size_t>(b->last - b->pos));
            st->chain = st->chain->next;
            return true;
        }
        if (st->file_pos < b->file_pos) {
            st->file_pos = b->file_pos;
        }
        if (st->file_pos >= b->file_last) {
            st->chain = st->chain->next;
            st->file_pos = 0;
            continue;
        }
        size_t size = static_cast<size_t>(ngx_min(b->file_last - st->file_pos, 65536));
        chunk.resize(size);
        ssize_t n = ngx_read_file(b->file, reinterpret_cast<u_char*>(&chunk[0]), size,
                                  st->file_pos);
        if (n <= 0) {
            st->failed = true;
            return false;
        }
        chunk.resize(static_cast<size_t>(n));
        st->file_pos += n;
        return true;
    }
    return false;
}

// A complete line: applied, or reported when it is longer than the limit.
void import_complete_line(ImportState* st, std::string_view text, size_t limit,
                          const std::string& now) {
    if (text.size() > limit) {
        import_error(st, ++st->line, "line is longer than " + std::to_string(limit) + " bytes");
        return;
    }
    import_line(st, text, now);
}

// A line longer than wa_report_max_body_size is reported and skipped
// without being kept whole in memory, wherever the body's pieces end: in the
// piece that holds its newline as much as in an earlier one.
bool import_take_line(ImportState* st, size_t limit, const std::string& now) {
    size_t nl = st->pending.find('\n', st->scanned);
    if (nl == std::string::npos) {
        st->scanned = st->pending.size();
        if (st->pending.size() > limit && !st->overlong) {
            st->overlong = true;
            import_error(st, ++st->line, "line is longer than " + std::to_string(limit) + " bytes");
        }
        if (st->overlong) {
            st->pending.clear();
            st->scanned = 0;
        }
        return false;
    }
    if (st->overlong) {
        st->overlong = false;
    } else {
        import_complete_line(st, std::string_view(st->pending).substr(0, nl), limit, now);
    }
    st->pending.erase(0, nl + 1);
    st->scanned = 0;
    return true;
}

// Continues from a posted event, so one call does a bounded amount of work.
void import_later(ImportState* st) {
    ngx_http_request_t* r = st->ctx->r;
    r->write_event_handler = [](ngx_http_request_t* req) {
        auto* c = static_cast<Ctx*>(ngx_http_get_module_ctx(req, ngx_http_wa_report_module));
        req->write_event_handler = ngx_http_request_empty_handler;
        import_next(static_cast<ImportState*>(c->aux));
    };
    ngx_post_event(r->connection->write, &ngx_posted_events);
}

void import_next(ImportState* st) {
    import_flush_errors(st);
    for (auto* lc : st->calls) {
        delete lc;
    }
    st->calls.clear();

    size_t limit = loc_conf(st->ctx->r)->max_body_size;
    std::string now = now_local();
    size_t issued_lines = 0;
    size_t read_bytes = 0;
    bool more = true;
    std::string chunk;
    while (issued_lines < import_batch_lines && !st->failed) {
        if (import_take_line(st, limit, now)) {
            issued_lines++;
            continue;
        }
        if (read_bytes >= import_batch_bytes) {
            break;  // enough for one call; the rest after Redis answers
        }
        if (import_read(st, chunk)) {
            read_bytes += chunk.size();
            st->pending += chunk;
            continue;
        }
        more = false;
        if (!st->pending.empty() && !st->overlong) {
            import_complete_line(st, st->pending, limit, now);
        }
        st->pending.clear();
        break;
    }
    if (st->in_flight > 0) {
        return;  // on_import_line calls back when the batch is in
    }
    if (more && !st->failed) {
        import_later(st);
        return;
    }
    import_done(st);
}

void import_body(ngx_http_request_t* r) {
    if (!guard(r->connection->log, [&] {
        auto* ctx = static_cast<Ctx*>(ngx_http_get_module_ctx(r, ngx_http_wa_report_module));
        // The slot bounds the Redis work an import queues, and it queues none
        // while its body arrives: taken then, a client sending a body slowly
        // (or never) would hold a slot everyone's lists need.
        if (!take_stream_slot(ctx)) {
            finish(r, send_busy(r));
            return;
        }
        auto* st = new (std::nothrow) ImportState();
        if (st == nullptr) {
            finish(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }
        st->ctx = ctx;
        st->chain = r->request_body ? r->request_body->bufs : nullptr;
        ctx->aux = st;
        ctx->aux_free = [](void* p) {
            auto* s = static_cast<ImportState*>(p);
            for (auto* lc : s->calls) {
                if (lc->call != nullptr) {
                    lc->call->cancel();
                }
                delete lc;
            }
            delete s;
        };
        import_next(st);
        })) {
        finish(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }
}

// ---- dispatch ---------------------------------------------------------------

ngx_int_t dispatch(Ctx* ctx) {
    ngx_http_request_t* r = ctx->r;
    const RouteMatch& m = ctx->route;
    switch (m.route) {
    case Route::List: return start_stream(ctx, StreamKind::list);
    case Route::Detail: return start_stream(ctx, StreamKind::detail);
    case Route::Customer: return start_stream(ctx, StreamKind::customer);
    case Route::Statistics: return get_stats(ctx);
    case Route::CustomerVehicle: return get_report(ctx);
    case Route::DeleteReport: return delete_report(ctx);
    case Route::ResetFrequency: return reset_frequency(ctx);
    case Route::Record: return read_body(ctx, loc_conf(r)->max_body_size, record_body);
    case Route::CustomerData: return customer_data(ctx);
    case Route::VehicleData: return vehicle_data(ctx);
    case Route::Import: return read_body(ctx, loc_conf(r)->import_max_body_size, import_body);
    default: break;
    }
    return send_json(r, NGX_HTTP_NOT_FOUND, detail_error("Not Found"));
}

ngx_int_t route_answer(ngx_http_request_t* r, const RouteMatch& m, std::string_view base) {
    switch (m.route) {
    case Route::NotFound:
        return send_json(r, NGX_HTTP_NOT_FOUND, detail_error("Not Found"));
    case Route::MethodNotAllowed:
        return send_json_with(r, NGX_HTTP_NOT_ALLOWED, detail_error("Method Not Allowed"), "Allow",
                              m.allow);
    case Route::Invalid:
        return send_validation(r, m.errors);
    case Route::Redirect: {
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
    default:
        return NGX_DECLINED;
    }
}

}  // namespace

// ---- shared helpers -------------------------------------------------------------

Method method_of(ngx_http_request_t* r) {
    switch (r->method) {
    case NGX_HTTP_GET: return Method::Get;
    case NGX_HTTP_HEAD: return Method::Head;
    case NGX_HTTP_POST: return Method::Post;
    case NGX_HTTP_PUT: return Method::Put;
    case NGX_HTTP_DELETE: return Method::Delete;
    default: return Method::Other;
    }
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

Ctx* take_reply(redisReply* reply, void* data, size_t min_elements) {
    auto* ctx = static_cast<Ctx*>(data);
    ctx->call = nullptr;
    if (reply == nullptr) {
        finish(ctx->r, send_unavailable(ctx->r));
        return nullptr;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        finish(ctx->r, send_redis_error(ctx->r, reply));
        return nullptr;
    }
    if (!reply_ok(reply, min_elements)) {
        if (log_now("unexpected redis reply type " + std::to_string(reply->type))) {
            ngx_log_error(NGX_LOG_ERR, ctx->r->connection->log, 0,
                          "wa_report: unexpected redis reply type \"%d\"", reply->type);
        }
        finish(ctx->r, send_json(ctx->r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                 detail_error("Internal Server Error")));
        return nullptr;
    }
    return ctx;
}

ngx_int_t issue_call(Ctx* ctx, Call* call) {
    if (!track(ctx, call)) {
        return send_unavailable(ctx->r);
    }
    ctx->r->main->count++;
    return NGX_DONE;
}

ngx_int_t issue_store(Ctx* ctx, StoreCall* call) {
    if (call == nullptr) {
        return send_unavailable(ctx->r);
    }
    ctx->store_call = call;
    ctx->r->main->count++;
    return NGX_DONE;
}

Report report_from_reply(redisReply** e) {
    Report rep;
    rep.id = reply_str(e[0]);
    rep.id_customer = reply_str(e[1]);
    rep.id_vehicle = reply_str(e[2]);
    rep.last_message_date = reply_opt(e[3]);
    rep.frequency = reply_int(e[4]);
    rep.created_at = reply_str(e[5]);
    rep.updated_at = reply_str(e[6]);
    return rep;
}

Ctx::~Ctx() {
    if (call != nullptr) {
        call->cancel();
    }
    if (store_call != nullptr) {
        store_call->cancel();
    }
    release_stream_slot(this);
    if (aux != nullptr && aux_free != nullptr) {
        aux_free(aux);
    }
}

const ngx_http_wa_report_loc_conf_t* loc_conf(ngx_http_request_t* r) {
    return static_cast<ngx_http_wa_report_loc_conf_t*>(
        ngx_http_get_module_loc_conf(r, ngx_http_wa_report_module));
}

std::string now_local() {
    return worker()->config.zone.local_iso(static_cast<int64_t>(ngx_time()));
}

ngx_int_t send_json(ngx_http_request_t* r, ngx_uint_t status, const std::string& body) {
    r->headers_out.status = status;
    // nginx has no reason phrase for 422 and says "Not Allowed" for 405;
    // clients of the old API saw FastAPI's phrases.
    if (status == http_unprocessable) {
        ngx_str_set(&r->headers_out.status_line, "422 Unprocessable Entity");
    } else if (status == NGX_HTTP_NOT_ALLOWED) {
        ngx_str_set(&r->headers_out.status_line, "405 Method Not Allowed");
    }
    r->headers_out.content_length_n = static_cast<off_t>(body.size());
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
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

ngx_int_t send_unavailable(ngx_http_request_t* r) {
    return send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE, detail_error("Redis unavailable"));
}

// The slots bound the Redis work that long requests queue on the worker's
// one connection (each holds at most one bounded call at a time), so that
// short requests behind them are answered soon. Over the limit the answer is
// at once, as nginx's limit_conn does, rather than a wait the client cannot
// see.
bool take_stream_slot(Ctx* ctx) {
    Worker* w = worker();
    if (w->streams >= w->config.max_streams) {
        if (log_now("lists and imports at the limit")) {
            ngx_log_error(NGX_LOG_WARN, ctx->r->connection->log, 0,
                          "wa_report: lists and imports at the limit \"%uz\"",
                          w->config.max_streams);
        }
        return false;
    }
    w->streams++;
    ctx->holds_stream = true;
    return true;
}

void release_stream_slot(Ctx* ctx) {
    if (ctx->holds_stream && worker() != nullptr && worker()->streams > 0) {
        worker()->streams--;
    }
    ctx->holds_stream = false;
}

ngx_int_t send_busy(ngx_http_request_t* r) {
    return send_json_with(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                          detail_error("Too many lists and imports in progress"), "Retry-After",
                          "1");
}

bool log_now(std::string_view cause) {
    Worker* w = worker();
    return w != nullptr && w->request_log.allow(cause, static_cast<int64_t>(ngx_current_msec));
}

ngx_int_t send_redis_error(ngx_http_request_t* r, const redisReply* reply) {
    // A Redis that refuses (NOPERM, OOM, MISCONF) refuses every request
    // until someone fixes it: one line per error a minute.
    Worker* w = worker();
    if (w != nullptr) {
        std::string text = w->redis.error_text(reply);
        if (log_now("redis error " + text)) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "wa_report: redis error \"%s\"",
                          text.c_str());
        }
    }
    // Redis states that pass by themselves are 503; anything else is a bug.
    static const char* const transient[] = {"LOADING", "BUSY", "OOM", "READONLY", "MASTERDOWN",
                                            "TRYAGAIN", "NOAUTH", "CLUSTERDOWN", "MISCONF"};
    for (const char* t : transient) {
        if (std::strncmp(reply->str, t, std::strlen(t)) == 0) {
            return send_unavailable(r);
        }
    }
    return send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR, detail_error("Internal Server Error"));
}

ngx_int_t send_store_error(ngx_http_request_t* r, StoreError error, const std::string& reason) {
    if (error == StoreError::unavailable) {
        return send_unavailable(r);
    }
    // A Redis that refuses (NOPERM, OOM, MISCONF) refuses every request
    // until someone fixes it: one line per error a minute.
    Worker* w = worker();
    if (w != nullptr) {
        std::string text = w->redis.log_text(reason);
        if (log_now("redis error " + text)) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "wa_report: redis error \"%s\"",
                          text.c_str());
        }
    }
    if (error == StoreError::transient) {
        return send_unavailable(r);
    }
    return send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR, detail_error("Internal Server Error"));
}

void finish(ngx_http_request_t* r, ngx_int_t rc) {
    // The request's Redis work is over: its slot goes back now, not when
    // nginx frees the request, which a lingering close (a client that keeps
    // its socket open, or keeps sending, after a "Connection: close" answer)
    // puts off for up to lingering_time.
    auto* ctx = static_cast<Ctx*>(ngx_http_get_module_ctx(r, ngx_http_wa_report_module));
    if (ctx != nullptr) {
        release_stream_slot(ctx);
    }
    ngx_connection_t* c = r->connection;
    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}

bool track(Ctx* ctx, Call* call) {
    if (call == nullptr) {
        return false;
    }
    ctx->call = call;
    return true;
}

std::string reply_str(const redisReply* e) {
    switch (e->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        return std::string(e->str, e->len);
    case REDIS_REPLY_INTEGER:
        return std::to_string(e->integer);
    default:
        return std::string();
    }
}

std::optional<std::string> reply_opt(const redisReply* e) {
    if (e->type == REDIS_REPLY_NIL) {
        return std::nullopt;
    }
    return reply_str(e);
}

int64_t reply_int(const redisReply* e) {
    if (e->type == REDIS_REPLY_INTEGER) {
        return e->integer;
    }
    if (e->type == REDIS_REPLY_STRING) {
        return std::strtoll(e->str, nullptr, 10);
    }
    return 0;
}

bool reply_ok(const redisReply* reply, size_t min_elements) {
    if (min_elements == 0) {
        return true;
    }
    return reply->type == REDIS_REPLY_ARRAY && reply->elements >= min_elements;
}

}  // namespace wa

ngx_int_t ngx_http_wa_report_handler(ngx_http_request_t* r) {
    try {
        wa::Worker* w = wa::worker();
        if (w == nullptr) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        auto* lcf = const_cast<ngx_http_wa_report_loc_conf_t*>(wa::loc_conf(r));
        std::string_view uri = wa::sv(r->uri);
        std::string_view base = wa::sv(lcf->base);
        std::string_view path = uri.substr(ngx_min(base.size(), uri.size()));

        wa::RouteMatch m = wa::match_request(wa::method_of(r), path, wa::sv(r->args));
        bool has_body = m.route == wa::Route::Record || m.route == wa::Route::Import
            || ((m.route == wa::Route::CustomerData || m.route == wa::Route::VehicleData)
                && r->method == NGX_HTTP_PUT);
        if (!has_body) {
            // A broken chunked body is nginx's 400, not our 500.
            ngx_int_t rc = ngx_http_discard_request_body(r);
            if (rc != NGX_OK) {
                return rc;
            }
        }
        ngx_int_t rc = wa::route_answer(r, m, base);
        if (rc != NGX_DECLINED) {
            return rc;
        }
        wa::Ctx* ctx = wa::create_ctx(r);
        if (ctx == nullptr) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        ctx->route = std::move(m);
        if (!w->redis.available()) {
            // The unread body must not be taken for the next request.
            if (has_body) {
                ngx_int_t rc = ngx_http_discard_request_body(r);
                if (rc != NGX_OK) {
                    return rc;
                }
            }
            return wa::send_unavailable(r);
        }
        return wa::dispatch(ctx);
    } catch (const std::exception& e) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "wa_report: exception \"%s\"",
                      wa::log_value(e.what()).c_str());
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}

// POST /data/import: NDJSON, applied in batches of lines. Each batch is
// pipelined (one Store call per line, in order, so a vehicle may follow its
// customer in the same batch) and the next batch is read only when the last
// answer is in. The body is walked buffer by buffer, so a large import stays
// a bounded amount of worker memory beyond nginx's own body buffering.

#include "ngx_http_wa_report_import.hpp"

#include "core/input.hpp"
#include "core/json.hpp"
#include "core/lines.hpp"

#include <algorithm>
#include <memory>
#include <vector>

namespace wa {

namespace {

constexpr size_t import_batch_lines = 200;
constexpr size_t import_max_errors = 1000;
constexpr size_t import_batch_bytes = 1024 * 1024;

class Import : public Operation {
public:
    explicit Import(Ctx& ctx)
        : ctx_(ctx), chain_(ctx.r->request_body ? ctx.r->request_body->bufs : nullptr) {}

    ~Import() override {
        for (auto& lc : calls_) {
            if (lc->call != nullptr) {
                lc->call->cancel();
            }
        }
    }

    // The next batch: NGX_DONE while its calls are in flight or the batch
    // after it is posted; the answer once the body is done or Redis failed.
    ngx_int_t next();

    ngx_int_t on_write(Ctx&) override { return next(); }

private:
    struct LineCall {
        Import* import;
        size_t line;
        StoreCall* call = nullptr;
    };

    template <class T>
    static void on_line(const Answer<T>& answer, void* data) noexcept;

    ngx_int_t line_answered(LineCall& lc, StoreError failure, const std::string& reason,
                            bool no_customer);
    ngx_int_t done();
    void error(size_t line, const std::string& detail);
    void flush_errors();
    bool read(std::string& chunk);
    bool take_line(LineEvent event, size_t limit, const std::string& now);
    void apply_line(std::string_view text, const std::string& now);

    Ctx& ctx_;
    ngx_chain_t* chain_;  // next body buffer to read
    off_t file_pos_ = 0;  // position inside an in-file buffer
    LineReader lines_;
    size_t line_ = 0;
    int64_t imported_ = 0;
    size_t error_count_ = 0;
    std::vector<std::pair<size_t, std::string>> batch_errors_;
    std::string errors_;  // JSON array items
    size_t in_flight_ = 0;
    bool failed_ = false;
    bool redis_error_ = false;
    std::vector<std::unique_ptr<LineCall>> calls_;  // the batch's, answered or not
};

bool refused(const CustomerPut&) { return false; }

bool refused(const VehiclePut& put) { return put.status == VehiclePut::Status::no_customer; }

template <class T>
void Import::on_line(const Answer<T>& answer, void* data) noexcept {
    auto* lc = static_cast<LineCall*>(data);
    Import* im = lc->import;
    run_step(im->ctx_.r, [&] {
        return im->line_answered(*lc, answer.error, answer.reason, refused(answer.value));
    });
}

ngx_int_t Import::line_answered(LineCall& lc, StoreError failure, const std::string& reason,
                                bool no_customer) {
    lc.call = nullptr;
    in_flight_--;
    if (failure == StoreError::unavailable) {
        failed_ = true;
    } else if (failure != StoreError::none) {
        // Every line of a long import meets the same refusal (OOM).
        if (log_now("import redis error " + reason)) {
            ngx_log_error(NGX_LOG_ERR, ctx_.r->connection->log, 0,
                          "wa_report: import line %uz: redis error \"%s\"", lc.line,
                          reason.c_str());
        }
        failed_ = true;
        redis_error_ = true;
    } else if (no_customer) {
        error(lc.line, "customer_id: customer not found");
    } else {
        imported_++;
    }
    if (in_flight_ > 0) {
        return NGX_DONE;
    }
    if (failed_) {
        return done();
    }
    return next();  // frees lc with the batch
}

// Errors found by parsing arrive before those found by Redis for the same
// batch; they are kept per batch and written out in line order.
void Import::error(size_t line, const std::string& detail) {
    batch_errors_.emplace_back(line, detail);
}

void Import::flush_errors() {
    std::sort(batch_errors_.begin(), batch_errors_.end());
    for (const auto& [line, detail] : batch_errors_) {
        error_count_++;
        if (error_count_ > import_max_errors) {
            continue;
        }
        if (!errors_.empty()) {
            errors_ += ',';
        }
        errors_ += "{\"line\":";
        append_int(errors_, static_cast<int64_t>(line));
        errors_ += ",\"detail\":";
        append_json_string(errors_, detail);
        errors_ += '}';
    }
    batch_errors_.clear();
}

ngx_int_t Import::done() {
    ngx_http_request_t* r = ctx_.r;
    flush_errors();
    if (failed_) {
        return redis_error_
            ? send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR, detail_error("Internal Server Error"))
            : send_unavailable(r);
    }
    std::string out = "{\"imported\":";
    append_int(out, imported_);
    out += ",\"errors\":[" + errors_ + "]";
    if (error_count_ > import_max_errors) {
        out += ",\"errors_omitted\":";
        append_int(out, static_cast<int64_t>(error_count_ - import_max_errors));
    }
    out += '}';
    return send_json(r, NGX_HTTP_OK, out);
}

void Import::apply_line(std::string_view text, const std::string& now) {
    size_t line = ++line_;
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    if (text.find_first_not_of(" \t") == std::string_view::npos) {
        return;
    }
    auto in = parse_import_line(text);
    if (!in.value) {
        error(line, errors_text(in.errors));
        return;
    }
    const ImportLine& il = *in.value;
    Date next;
    if (il.kind == ImportLine::Vehicle) {
        auto derived = next_visit_of(il.vehicle, worker()->config.visit_interval_months);
        if (!derived.value) {
            error(line, errors_text(derived.errors));
            return;
        }
        next = *derived.value;
    }
    LineCall& lc = *calls_.emplace_back(std::make_unique<LineCall>(LineCall{this, line}));
    Store& store = worker()->store;
    lc.call = il.kind == ImportLine::Customer
        ? store.customer_put(il.id, il.customer, now, on_line<CustomerPut>, &lc)
        : store.vehicle_put(il.id, il.vehicle, next, now, on_line<VehiclePut>, &lc);
    if (lc.call == nullptr) {
        failed_ = true;
        return;
    }
    in_flight_++;
}

// Reads the next piece of body: up to 64 KB from a file buffer, or one
// memory buffer. false at the end of the body.
bool Import::read(std::string& chunk) {
    while (chain_ != nullptr) {
        ngx_buf_t* b = chain_->buf;
        if (!b->in_file) {
            chunk.assign(reinterpret_cast<const char*>(b->pos),
                         static_cast<size_t>(b->last - b->pos));
            chain_ = chain_->next;
            return true;
        }
        if (file_pos_ < b->file_pos) {
            file_pos_ = b->file_pos;
        }
        if (file_pos_ >= b->file_last) {
            chain_ = chain_->next;
            file_pos_ = 0;
            continue;
        }
        size_t size = static_cast<size_t>(ngx_min(b->file_last - file_pos_, 65536));
        chunk.resize(size);
        ssize_t n = ngx_read_file(b->file, reinterpret_cast<u_char*>(&chunk[0]), size, file_pos_);
        if (n <= 0) {
            failed_ = true;
            return false;
        }
        chunk.resize(static_cast<size_t>(n));
        file_pos_ += n;
        return true;
    }
    return false;
}

// A line is applied; one longer than wa_report_max_body_size is reported
// and skipped without being kept whole in memory, wherever the body's pieces
// end (LineReader). true when the event consumed a line.
bool Import::take_line(LineEvent event, size_t limit, const std::string& now) {
    if (event.kind == LineEvent::too_long) {
        error(++line_, "line is longer than " + std::to_string(limit) + " bytes");
    } else if (event.kind == LineEvent::line) {
        apply_line(event.text, now);
    }
    return event.taken;
}

ngx_int_t Import::next() {
    flush_errors();
    calls_.clear();  // the last batch's, all answered

    size_t limit = loc_conf(ctx_.r)->max_body_size;
    std::string now = now_local();
    size_t issued_lines = 0;
    size_t read_bytes = 0;
    bool more = true;
    std::string chunk;
    while (issued_lines < import_batch_lines && !failed_) {
        if (take_line(lines_.next(limit), limit, now)) {
            issued_lines++;
            continue;
        }
        if (read_bytes >= import_batch_bytes) {
            break;  // enough for one event; the rest after Redis answers
        }
        if (read(chunk)) {
            read_bytes += chunk.size();
            lines_.feed(chunk);
            continue;
        }
        more = false;
        take_line(lines_.finish(limit), limit, now);
        break;
    }
    if (in_flight_ > 0) {
        return NGX_DONE;  // line_answered goes on when the batch is in
    }
    if (more && !failed_) {
        post_write(ctx_);  // a bounded amount of work per event
        return NGX_DONE;
    }
    return done();
}

ngx_int_t import_body(Ctx& ctx) {
    // The slot bounds the Redis work an import queues, and it queues none
    // while its body arrives: taken then, a client sending a body slowly (or
    // never) would hold a slot everyone's lists need.
    if (!take_stream_slot(ctx)) {
        return send_busy(ctx.r);
    }
    ctx.op = std::make_unique<Import>(ctx);
    return ctx.op_as<Import>().next();
}

}  // namespace

ngx_int_t handle_import(Ctx& ctx) {
    return read_body(ctx, loc_conf(ctx.r)->import_max_body_size, body_read<import_body>);
}

}  // namespace wa

// The webhook ingress: authenticate (core), parse (core), hand the batch to
// the Store, answer once every call has answered. A provider retries what
// is not answered 2xx (Meta for up to 7 days, Fonnte 15 times a minute
// apart), so the answer says "try again" (503) exactly when Redis did not
// take the batch, and 200 for a body that no retry would make better.

#include "ngx_http_wa_report_webhook.hpp"

#include "ngx_http_wa_report_metrics.hpp"
#include "ngx_http_wa_report_respond.hpp"

#include "core/http_errors.hpp"
#include "core/webhook.hpp"

#include <type_traits>
#include <vector>

namespace wa {

namespace {

using metrics::WebhookResult;

constexpr std::string_view signature_header = "X-Hub-Signature-256";

struct WebhookOp;

// What a Store call's answer needs to find its place: the request's
// operation and the call's slot in it.
struct Waiting {
    WebhookOp* op = nullptr;
    size_t index = 0;
};

struct WebhookOp final : Operation {
    WebhookOp(Ctx& c, WebhookProvider p) : ctx(&c), provider(p) {}

    // A client that went away leaves its calls to answer nowhere; a body
    // nginx refused as too large (the filters) is counted here, as it never
    // reaches a step.
    ~WebhookOp() override {
        for (StoreCall* call : calls) {
            if (call != nullptr) {
                call->cancel();
            }
        }
        if (!counted && ctx->body_too_large) {
            metrics::webhook_request(provider, WebhookResult::too_large);
        }
    }

    Ctx* ctx;
    WebhookProvider provider;
    bool counted = false;  // the request's result is counted
    std::vector<StoreCall*> calls;
    std::vector<Waiting> waiting;  // sized before the first call: stable addresses
    size_t outstanding = 0;
    StoreError error = StoreError::none;
    std::string reason;
    bool has_applied = false;
    StatusesApplied applied;
};

// Fonnte's token travels in the query, which nginx writes into the log
// lines of a request ("request: ..."): its lines go without the request.
ngx_log_t* log_of(const WebhookOp& op) {
    return op.provider == WebhookProvider::fonnte ? ngx_cycle->log : op.ctx->r->connection->log;
}

WebhookProvider provider_of(ngx_http_request_t* r) {
    return static_cast<WebhookProvider>(loc_conf(r)->webhook - 1);
}

void count(WebhookOp& op, WebhookResult result) {
    op.counted = true;
    metrics::webhook_request(op.provider, result);
}

ngx_int_t answer(WebhookOp& op, WebhookResult result, ngx_uint_t status, const std::string& body) {
    count(op, result);
    return send_json(op.ctx->r, status, body);
}

ngx_int_t answer_ok(WebhookOp& op) {
    return answer(op, WebhookResult::ok, NGX_HTTP_OK, R"({"status":"ok"})");
}

ngx_int_t answer_unavailable(WebhookOp& op) {
    count(op, WebhookResult::unavailable);
    return send_unavailable(op.ctx->r);
}

// `why` is one of core's fixed words: the header's or token's value is
// never logged.
ngx_int_t unauthorized(WebhookOp& op, const char* what, const char* why) {
    // Anyone may knock: one line a minute per provider and reason.
    std::string cause =
        std::string("webhook ") + webhook_provider_name(op.provider) + " " + what + " " + why;
    if (log_now(cause)) {
        ngx_log_error(NGX_LOG_INFO, log_of(op), 0, "wa_report: webhook %s refused \"%s\"", what,
                      why);
    }
    bool signature = op.provider == WebhookProvider::cloud_api;
    return answer(op, WebhookResult::unauthorized, NGX_HTTP_UNAUTHORIZED,
                  detail_error(signature ? "Invalid signature" : "Invalid token"));
}

std::string_view header_value(ngx_http_request_t* r, std::string_view name) {
    for (ngx_list_part_t* part = &r->headers_in.headers.part; part != nullptr; part = part->next) {
        auto* h = static_cast<ngx_table_elt_t*>(part->elts);
        for (ngx_uint_t i = 0; i < part->nelts; i++) {
            if (h[i].key.len == name.size()
                && ngx_strncasecmp(h[i].key.data,
                                   reinterpret_cast<u_char*>(const_cast<char*>(name.data())),
                                   name.size())
                    == 0) {
                return sv(h[i].value);
            }
        }
    }
    return {};
}

// ---- the Store's answers ----------------------------------------------------------

ngx_int_t conclude(WebhookOp& op) {
    if (op.error != StoreError::none) {
        if (op.error != StoreError::unavailable && log_now("redis error " + op.reason)) {
            ngx_log_error(NGX_LOG_ERR, log_of(op), 0, "wa_report: redis error \"%s\"",
                          op.reason.c_str());
        }
        // The provider sends the batch again later; every call is idempotent.
        return answer_unavailable(op);
    }
    if (op.has_applied) {
        metrics::statuses_applied(op.applied);
    }
    return answer_ok(op);
}

template <class T>
void on_stored(const Answer<T>& a, void* data) noexcept {
    auto* w = static_cast<Waiting*>(data);
    WebhookOp* op = w->op;
    run_step(op->ctx->r, [&] {
        op->calls[w->index] = nullptr;
        if (!a.ok() && op->error == StoreError::none) {
            op->error = a.error;
            op->reason = a.reason;
        }
        if constexpr (std::is_same_v<T, StatusesApplied>) {
            if (a.ok()) {
                op->has_applied = true;
                op->applied = a.value;
            }
        }
        if (--op->outstanding > 0) {
            return static_cast<ngx_int_t>(NGX_DONE);
        }
        return conclude(*op);
    });
}

void track(WebhookOp& op, size_t i, StoreCall* call) {
    op.calls[i] = call;
    if (call == nullptr) {
        op.error = StoreError::unavailable;  // Redis went away between two calls
        return;
    }
    op.outstanding++;
}

// Every Store call a batch makes, issued at once (the connection pipelines
// them) and awaited together: the statuses in one call, each suppression
// change in its own.
ngx_int_t apply(WebhookOp& op, WebhookBatch& batch) {
    Store& store = worker()->store;
    // Fonnte does not date its statuses: they count from their arrival.
    for (DeliveryStatus& s : batch.statuses) {
        if (s.timestamp == 0) {
            s.timestamp = static_cast<int64_t>(ngx_time());
        }
    }
    const ngx_http_wa_report_loc_conf_t* lcf = loc_conf(op.ctx->r);
    std::vector<OptOutChange> changes = opt_out_changes(batch, *lcf->stop_words, *lcf->start_words);
    size_t n = (batch.statuses.empty() ? 0 : 1) + changes.size();
    if (n == 0) {
        return answer_ok(op);
    }
    if (!store.available()) {
        return answer_unavailable(op);
    }
    op.calls.assign(n, nullptr);
    op.waiting.resize(n);
    for (size_t i = 0; i < n; i++) {
        op.waiting[i] = Waiting{&op, i};
    }
    std::string now = now_local();
    size_t i = 0;
    if (!batch.statuses.empty()) {
        track(
            op, i,
            store.apply_statuses(batch.statuses, now, on_stored<StatusesApplied>, &op.waiting[i]));
        i++;
    }
    for (const OptOutChange& c : changes) {
        track(op, i,
              store.opt_out_set(c.phone, c.opted_out, c.reason, now, on_stored<bool>,
                                &op.waiting[i]));
        i++;
    }
    if (op.outstanding == 0) {
        return conclude(op);
    }
    return NGX_DONE;
}

// ---- the requests ------------------------------------------------------------------

ngx_int_t on_body(Ctx& ctx, const std::string& body) {
    auto& op = ctx.op_as<WebhookOp>();
    ngx_http_request_t* r = ctx.r;
    bool cloud = op.provider == WebhookProvider::cloud_api;
    if (cloud) {
        const char* problem = signature_problem(header_value(r, signature_header), body,
                                                sv(loc_conf(r)->webhook_secret));
        if (*problem != '\0') {
            return unauthorized(op, "signature", problem);
        }
    }
    WebhookParse parsed = cloud ? parse_cloud_api_webhook(body) : parse_fonnte_webhook(body);
    if (!parsed.ok) {
        // Authentic, so the provider's format changed or it sends what we do
        // not know: 200, as a retry would bring the same body again.
        if (log_now(std::string("webhook body rejected ") + webhook_provider_name(op.provider))) {
            ngx_log_error(NGX_LOG_WARN, log_of(op), 0, "wa_report: webhook body rejected \"%s\"",
                          log_value(parsed.error).c_str());
        }
        return answer(op, WebhookResult::rejected, NGX_HTTP_OK, R"({"status":"rejected"})");
    }
    metrics::webhook_batch(op.provider, parsed.batch);
    return apply(op, parsed.batch);
}

ngx_int_t verify(WebhookOp& op) {
    ngx_http_request_t* r = op.ctx->r;
    ngx_int_t rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }
    VerifyResult v = verify_subscription(sv(r->args), sv(loc_conf(r)->webhook_verify_token));
    switch (v.outcome) {
    case Verify::ok:
        count(op, WebhookResult::verify_ok);
        r->headers_out.status = NGX_HTTP_OK;
        return send_whole(r, "text/plain", v.challenge);
    case Verify::bad_challenge:
        return answer(op, WebhookResult::verify_refused, NGX_HTTP_BAD_REQUEST,
                      detail_error("Invalid hub.challenge"));
    case Verify::refused: break;
    }
    if (log_now("webhook verification refused")) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "wa_report: webhook verification refused \"%s\"", "hub.verify_token");
    }
    return answer(op, WebhookResult::verify_refused, NGX_HTTP_FORBIDDEN, detail_error("Forbidden"));
}

ngx_int_t receive(WebhookOp& op) {
    ngx_http_request_t* r = op.ctx->r;
    const ngx_http_wa_report_loc_conf_t* lcf = loc_conf(r);
    if (op.provider == WebhookProvider::fonnte
        && !fonnte_token_valid(sv(r->args), sv(lcf->webhook_secret))) {
        ngx_int_t rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }
        bool given = query_arg(sv(r->args), "token").has_value();
        return unauthorized(op, "token", given ? "wrong" : "missing");
    }
    if (r->headers_in.content_length_n > static_cast<off_t>(lcf->webhook_max_body)) {
        count(op, WebhookResult::too_large);  // read_body answers 413
    }
    return read_body(*op.ctx, lcf->webhook_max_body, body_text<on_body>);
}

ngx_int_t serve(ngx_http_request_t* r) {
    if (worker() == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    WebhookProvider provider = provider_of(r);
    bool cloud = provider == WebhookProvider::cloud_api;
    bool get = (r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD)) != 0;
    if (!(r->method & NGX_HTTP_POST) && !(cloud && get)) {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        return send_json_with(r, NGX_HTTP_NOT_ALLOWED, detail_error("Method Not Allowed"), "Allow",
                              cloud ? "GET, HEAD, POST" : "POST");
    }
    Ctx* ctx = create_ctx(r);
    if (ctx == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ctx->op = std::make_unique<WebhookOp>(*ctx, provider);
    auto& op = ctx->op_as<WebhookOp>();
    return get ? verify(op) : receive(op);
}

}  // namespace

}  // namespace wa

ngx_int_t ngx_http_wa_report_webhook_handler(ngx_http_request_t* r) noexcept {
    return wa::serve_guarded(r, wa::serve);
}

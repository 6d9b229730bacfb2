// Prometheus metrics: the shared zone, this worker's slot, the hooks, the
// log-phase counting and the scrape. The counting and the text are core's
// (core/metrics, core/prometheus); this file only finds the memory.

#include "ngx_http_wa_report_metrics.hpp"

#include "ngx_http_wa_report_respond.hpp"
#include "ngx_http_wa_report_store.hpp"
#include "ngx_http_wa_report_worker.hpp"

#include "core/routes.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

namespace wa::metrics {

namespace {

// Generous for the struct (a few tens of KB) and nginx's slab header; fixed,
// so a reload of the same binary finds the same zone and keeps the counts.
constexpr size_t zone_size = 256 * 1024;

#define WA_SCRIPT(name, text) #name,
constexpr const char* script_names[] = {
#include "wa_report_scripts.inc"
};
#undef WA_SCRIPT
static_assert(std::size(script_names) <= max_scripts, "raise metrics::max_scripts");

// How long a worker reuses {prefix}:stats for scrapes.
constexpr ngx_msec_t store_cache_ms = 5000;

// This worker's view; trivial, so nothing runs at the module's unload.
Shared* shared = nullptr;
WorkerSlot* slot = nullptr;

struct StoreCache {
    bool filled;
    bool up;
    ngx_msec_t at;
    StoreGauges gauges;
};
StoreCache cache{};

ngx_int_t init_zone(ngx_shm_zone_t* zone, void* data) noexcept {
    if (data != nullptr) {
        zone->data = data;  // a reload of the same binary: the counts go on
        return NGX_OK;
    }
    auto* pool = reinterpret_cast<ngx_slab_pool_t*>(zone->shm.addr);
    void* mem = ngx_slab_calloc(pool, sizeof(Shared));
    if (mem == nullptr) {
        return NGX_ERROR;
    }
    // Zeroed memory is the empty state; atomics' default constructors are
    // trivial, so placement new writes nothing.
    pool->data = new (mem) Shared;
    zone->data = pool->data;
    return NGX_OK;
}

bool alive(int64_t pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH; }

uint64_t since_us(ngx_msec_t started) {
    return static_cast<uint64_t>(ngx_current_msec - started) * 1000;
}

// The route label of a request in one of the module's locations; false
// for other locations.
bool route_of(ngx_http_request_t* r, const ngx_http_wa_report_loc_conf_t* lcf, size_t& route) {
    if (lcf->metrics == 1) {
        route = metrics_route;
        return true;
    }
    if (lcf->enable != 1 && lcf->scheduler != 1) {
        return false;
    }
    std::string_view uri = sv(r->uri);
    std::string_view path = uri.substr(ngx_min(lcf->base.len, uri.size()));
    if (lcf->enable == 1) {
        route = route_index(match_request(method_of(r), path, sv(r->args)).route);
        return true;
    }
    const SchedulerRouteSpec* spec = find_scheduler_route(path);
    route = spec != nullptr ? route_index(spec->route) : route_index(Route::not_found);
    return true;
}

ngx_int_t log_phase(ngx_http_request_t* r) noexcept {
    if (shared == nullptr) {
        return NGX_OK;
    }
    guard(r->connection->log, [&] {
        auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(
            ngx_http_get_module_loc_conf(r, ngx_http_wa_report_module));
        size_t route = 0;
        if (lcf == nullptr || !route_of(r, lcf, route)) {
            return;
        }
        // What nginx's access log writes as $status and $request_time.
        ngx_uint_t status = r->err_status ? r->err_status : r->headers_out.status;
        ngx_time_t* tp = ngx_timeofday();
        ngx_msec_int_t ms = static_cast<ngx_msec_int_t>((tp->sec - r->start_sec) * 1000
                                                        + (tp->msec - r->start_msec));
        count_request(*shared, route, static_cast<int>(status),
                      static_cast<uint64_t>(ngx_max(ms, 0)) * 1000);
    });
    return NGX_OK;
}

ngx_int_t send_text(ngx_http_request_t* r) {
    std::vector<std::string_view> scripts(std::begin(script_names), std::end(script_names));
    std::optional<StoreGauges> store;
    if (cache.filled && cache.up) {
        store = cache.gauges;
    }
    std::string body = render(*shared, sum_workers(*shared, alive), scripts, store);

    r->headers_out.status = NGX_HTTP_OK;
    return send_whole(r, prom::content_type, body);
}

void remember(bool up, const StoreGauges& gauges) {
    cache.filled = true;
    cache.up = up;
    cache.at = ngx_current_msec;
    cache.gauges = gauges;
}

void gauges_read(const Answer<StoreGauges>& answer, void* data) noexcept {
    auto* ctx = static_cast<Ctx*>(data);
    ctx->store_call = nullptr;
    run_step(ctx->r, [&] {
        remember(answer.ok(), answer.value);
        return send_text(ctx->r);
    });
}

ngx_int_t serve(ngx_http_request_t* r) {
    if (!(r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD))) {
        // The API's 405, as in the other locations the module serves; the
        // body is read and dropped so that the connection can go on.
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        return send_json_with(r, NGX_HTTP_NOT_ALLOWED, detail_error("Method Not Allowed"), "Allow",
                              "GET, HEAD");
    }
    ngx_int_t rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }
    Worker* w = worker();
    if (w == nullptr || shared == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    // Down or failed answers are cached too: a scrape never waits for a
    // Redis that did not answer the last one.
    if (cache.filled && ngx_current_msec - cache.at < store_cache_ms) {
        return send_text(r);
    }
    Ctx* ctx = create_ctx(r);
    if (ctx == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    StoreCall* call = w->store.available() ? w->store.store_gauges(gauges_read, ctx) : nullptr;
    if (call == nullptr) {
        remember(false, StoreGauges{});
        return send_text(r);
    }
    return issue_store(*ctx, call);
}

}  // namespace

ngx_int_t install(ngx_conf_t* cf, ngx_http_wa_report_main_conf_t* mcf) {
    ngx_str_t name = ngx_string("wa_report_metrics");
    ngx_shm_zone_t* zone = ngx_shared_memory_add(cf, &name, zone_size, &ngx_http_wa_report_module);
    if (zone == nullptr) {
        return NGX_ERROR;
    }
    zone->init = init_zone;
    mcf->metrics_zone = zone;

    auto* cmcf = static_cast<ngx_http_core_main_conf_t*>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module));
    auto* h = static_cast<ngx_http_handler_pt*>(
        ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers));
    if (h == nullptr) {
        return NGX_ERROR;
    }
    *h = log_phase;
    return NGX_OK;
}

void attach(ngx_shm_zone_t* zone) {
    shared = zone != nullptr ? static_cast<Shared*>(zone->data) : nullptr;
    slot = nullptr;
    cache = StoreCache{};
    if (shared == nullptr) {
        return;
    }
    // A slot is free when no process holds it: never taken, given back, or
    // left by a worker that died.
    auto pid = static_cast<int64_t>(ngx_pid);
    for (WorkerSlot& s : shared->workers) {
        int64_t old = s.pid.load(std::memory_order_relaxed);
        if ((old == 0 || !alive(old)) && s.pid.compare_exchange_strong(old, pid)) {
            for (size_t c = 0; c < connection_count; c++) {
                s.redis_connected[c].store(0, std::memory_order_relaxed);
                s.redis_in_flight[c].store(0, std::memory_order_relaxed);
            }
            s.sends_in_flight.store(0, std::memory_order_relaxed);
            slot = &s;
            return;
        }
    }
    ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                  "wa_report: no metrics slot for worker \"%P\": its gauges are not counted",
                  ngx_pid);
}

void detach() {
    if (slot != nullptr) {
        slot->pid.store(0, std::memory_order_relaxed);
    }
    slot = nullptr;
    shared = nullptr;
}

void redis_state(Connection c, bool connected, size_t in_flight) {
    if (slot != nullptr) {
        slot->redis_connected[static_cast<size_t>(c)].store(connected ? 1 : 0,
                                                            std::memory_order_relaxed);
        slot->redis_in_flight[static_cast<size_t>(c)].store(in_flight, std::memory_order_relaxed);
    }
}

void redis_reconnect() {
    if (shared != nullptr) {
        shared->redis_reconnects.fetch_add(1, std::memory_order_relaxed);
    }
}

void redis_command_timeout() {
    if (shared != nullptr) {
        shared->redis_command_timeouts.fetch_add(1, std::memory_order_relaxed);
    }
}

void redis_script_error(size_t script) {
    if (shared != nullptr) {
        count_script_error(*shared, script);
    }
}

void run_ended(Trigger t, Outcome o, ngx_msec_t started) {
    if (shared != nullptr) {
        count_run(*shared, t, o, since_us(started), static_cast<int64_t>(ngx_time()));
    }
}

void run_vehicle(const RunDetail& detail, long gateway_status, bool opted_out) {
    if (shared != nullptr) {
        shared->run_vehicles[static_cast<size_t>(vehicle_of(detail, gateway_status, opted_out))]
            .fetch_add(1, std::memory_order_relaxed);
    }
}

void send_started() {
    if (slot != nullptr) {
        slot->sends_in_flight.fetch_add(1, std::memory_order_relaxed);
    }
}

void send_answered(Provider p, ngx_msec_t started) {
    if (slot != nullptr) {
        slot->sends_in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
    if (shared != nullptr) {
        count_gateway(*shared, p, since_us(started));
    }
}

void send_retry() {
    if (shared != nullptr) {
        shared->send_retries.fetch_add(1, std::memory_order_relaxed);
    }
}

void webhook_request(WebhookProvider p, WebhookResult r) {
    if (shared != nullptr) {
        count_webhook_request(*shared, p, r);
    }
}

void webhook_batch(WebhookProvider p, const WebhookBatch& batch) {
    if (shared != nullptr) {
        count_webhook_batch(*shared, p, batch);
    }
}

void statuses_applied(const StatusesApplied& applied) {
    if (shared != nullptr) {
        count_statuses_applied(*shared, applied);
    }
}

}  // namespace wa::metrics

ngx_int_t ngx_http_wa_report_metrics_handler(ngx_http_request_t* r) noexcept {
    return wa::serve_guarded(r, wa::metrics::serve);
}

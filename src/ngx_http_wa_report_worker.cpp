// The worker's state from init_process to exit_process: its Redis
// connection and Store for requests, its reminder engine, ids and the
// local time.

#include "ngx_http_wa_report_worker.hpp"

#include "ngx_http_wa_report_redis.hpp"
#include "ngx_http_wa_report_reminder.hpp"
#include "ngx_http_wa_report_store.hpp"

#include "core/uuid.hpp"

namespace wa {

namespace {

// The module is unloaded on reload, so worker state is a plain pointer set in
// init_process and cleared in exit_process, never a static object.
Worker* the_worker = nullptr;

}  // namespace

Worker::Worker(const Config& c, ngx_log_t* log)
    : config(c),
      redis_(std::make_unique<Redis>(c.redis, log)),
      store_(std::make_unique<Store>(*redis_, c.keys)),
      engine_redis_(std::make_unique<Redis>(c.redis, log, metrics::Connection::engine)),
      engine_store_(std::make_unique<Store>(*engine_redis_, c.keys)),
      redis(*redis_),
      store(*store_),
      engine_store(*engine_store_) {}

Worker::~Worker() = default;

void Worker::connect() {
    redis_->start();
    engine_redis_->start();
}

Worker* worker() { return the_worker; }

std::string new_uuid() {
    auto& rng = the_worker->rng;
    uint64_t hi = rng();
    uint64_t lo = rng();
    return format_uuid_v4(hi, lo);
}

std::string now_local() {
    return the_worker->config.zone.local_iso(static_cast<int64_t>(ngx_time()));
}

ngx_int_t start_worker(ngx_cycle_t* cycle, const Config& config) {
    try {
        the_worker = new Worker(config, cycle->log);
        the_worker->connect();
        the_worker->reminder = std::make_unique<Reminder>(*the_worker, cycle->log);
        the_worker->reminder->start();
    } catch (const std::exception& e) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0, "wa_report: worker init failed \"%s\"",
                      log_value(e.what()).c_str());
        return NGX_ERROR;
    }
    return NGX_OK;
}

void stop_worker() {
    // Cleared first: callbacks that run while the worker is torn down must
    // see that it is gone.
    Worker* w = the_worker;
    the_worker = nullptr;
    if (w != nullptr) {
        w->reminder.reset();
    }
    delete w;
}

}  // namespace wa

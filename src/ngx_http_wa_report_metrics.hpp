// Prometheus metrics: the shared memory zone that holds every worker's
// counters (core/metrics.hpp is its layout), the hooks the other rooms call
// with one line each, the log-phase handler that counts HTTP requests, and
// the content handler of `wa_report_metrics`.
#pragma once

#include "ngx_http_wa_report_conf.hpp"

#include "core/metrics.hpp"
#include "core/provider.hpp"
#include "core/schedule.hpp"

namespace wa::metrics {

// postconfiguration of a configuration using the module: adds the zone
// "wa_report_metrics" (fixed size, kept across reloads while the module
// binary is the same) and the log-phase handler.
ngx_int_t install(ngx_conf_t* cf, ngx_http_wa_report_main_conf_t* mcf);

// init_process: takes this worker's slot for its gauges. exit_process:
// gives it back (after the connections closed).
void attach(ngx_shm_zone_t* zone);
void detach();

// ---- hooks: each a no-op outside a worker with the zone -------------------------

// A connection's state after every change: set up and serving, and the
// commands sent and not yet answered on it.
void redis_state(Connection c, bool connected, size_t in_flight);
void redis_reconnect();
void redis_command_timeout();
// script: the Script's index.
void redis_script_error(size_t script);

// A run ended in this worker; started: ngx_current_msec at its start here.
void run_ended(Trigger t, Outcome o, ngx_msec_t started);
// A run's vehicle finished (see core's vehicle_of).
void run_vehicle(const RunDetail& detail, long gateway_status, bool opted_out);
// A request to the provider went out, and its answer (or failure) came
// back; started: ngx_current_msec when it went out.
void send_started();
void send_answered(Provider p, ngx_msec_t started);
void send_retry();

// The webhook ingress: a request's result, a parsed body's items, and what
// the Store made of its statuses.
void webhook_request(WebhookProvider p, WebhookResult r);
void webhook_batch(WebhookProvider p, const WebhookBatch& batch);
void statuses_applied(const StatusesApplied& applied);

}  // namespace wa::metrics

// The content handler of `wa_report_metrics` locations.
ngx_int_t ngx_http_wa_report_metrics_handler(ngx_http_request_t* r) noexcept;

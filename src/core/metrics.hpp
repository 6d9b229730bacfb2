// The module's metrics: a set fixed at compile time (enums times label
// values), so the shared memory that holds them is one plain struct, and
// its rendering in Prometheus's text format. Every worker adds to the same
// struct with relaxed atomics: no lock on any request's path. What is in a
// worker's own hands (its Redis connections, its sends in flight) lives in
// a per-worker slot, so a gauge never outlives the worker that set it.
#pragma once

#include "prometheus.hpp"
#include "provider.hpp"
#include "routes.hpp"
#include "schedule.hpp"
#include "webhook.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wa::metrics {

using Counter = std::atomic<uint64_t>;
static_assert(Counter::is_always_lock_free, "counters live in memory shared by processes");

// ---- label sets ----------------------------------------------------------------

// The route label: the report API's Route values, then the scheduler API's
// SchedulerRoute values ("scheduler_" + name), then the metrics endpoint.
inline constexpr size_t report_route_count = static_cast<size_t>(Route::reminder_explain) + 1;
inline constexpr size_t scheduler_route_count = static_cast<size_t>(SchedulerRoute::run_now) + 1;
inline constexpr size_t route_count = report_route_count + scheduler_route_count + 1;

size_t route_index(Route r);
size_t route_index(SchedulerRoute r);
inline constexpr size_t metrics_route = report_route_count + scheduler_route_count;

// "list", "customer_vehicle", "scheduler_run_now", "metrics", ...; index <
// route_count.
const char* route_label(size_t index);

// "1xx".."5xx" are indexes 0..4; a status outside 100..599 has none (-1).
inline constexpr size_t status_class_count = 5;
int status_class(int status);

// The two Redis connections of a worker.
enum class Connection { requests, engine };
inline constexpr size_t connection_count = 2;
const char* connection_label(Connection c);

// Scripts are the generated Script list, which core does not see: the glue
// passes their names, in enum order, when it renders (at most max_scripts).
inline constexpr size_t max_scripts = 48;

inline constexpr size_t provider_count = static_cast<size_t>(Provider::fonnte) + 1;

// ---- webhooks -------------------------------------------------------------------
// What a webhook request came to, by provider (core/webhook's
// WebhookProvider): the answer's meaning, not its status code.
enum class WebhookResult {
    ok,              // applied (200)
    unauthorized,    // signature or token missing or wrong (401)
    rejected,        // signed, but not a notification we understand (200)
    too_large,       // over wa_report_webhook_max_body (413)
    unavailable,     // Redis down or failing: the provider retries (503)
    verify_ok,       // Meta's verification request answered with its challenge
    verify_refused,  // a verification request with a wrong token or challenge
    count_
};
inline constexpr size_t webhook_result_count = static_cast<size_t>(WebhookResult::count_);
const char* webhook_result_label(WebhookResult r);

// What the parsed bodies carried.
enum class WebhookKind {
    status_sent,
    status_delivered,
    status_read,
    status_failed,
    inbound,
    preference,
    ignored,
    count_
};
inline constexpr size_t webhook_kind_count = static_cast<size_t>(WebhookKind::count_);
const char* webhook_kind_label(WebhookKind k);

// Store::apply_statuses' counts (core/delivery.hpp's StatusesApplied).
enum class DeliveryResult { applied, duplicate, stale, pending, count_ };
inline constexpr size_t delivery_result_count = static_cast<size_t>(DeliveryResult::count_);
const char* delivery_result_label(DeliveryResult r);

// How a run began: the daily schedule, run-now, or carried on after its
// runner stopped (lease lapsed, reload).
enum class Trigger { schedule, run_now, resumed };
inline constexpr size_t trigger_count = 3;
const char* trigger_label(Trigger t);

// How a run ended in this worker: finished; handed over to another worker
// (reload, quit); stopped before its end (lease lost, Redis failing, stalled).
enum class Outcome { finished, handed_over, stopped };
inline constexpr size_t outcome_count = 3;
const char* outcome_label(Outcome o);

// A run's end as Run::end() has it: ok (finished), or the reason it stopped
// ("" when it was handed over).
inline Outcome run_outcome(bool ok, std::string_view why) {
    return ok ? Outcome::finished : why.empty() ? Outcome::handed_over : Outcome::stopped;
}

// A run's vehicle, by decision and reason: one value per (decision, reason)
// pair that can happen, so the label set stays bounded whatever the texts
// of the reasons.
enum class Vehicle {
    sent,
    dry_run,
    unknown,
    skipped_no_customer,
    skipped_no_visit_date,
    skipped_outside_window,
    skipped_no_phone,
    skipped_no_plate,
    skipped_invalid_phone,
    skipped_not_mobile,
    skipped_do_not_contact,
    skipped_already_reminded,
    skipped_opted_out,  // the phone is suppressed (STOP, user_preferences, 131050, data API)
    skipped_other,
    failed_transport,  // no HTTP answer (connect, timeout, refused to start)
    failed_2xx,        // an answer the provider said was a failure, by HTTP class
    failed_3xx,
    failed_4xx,
    failed_5xx,
    failed_opted_out,  // the customer stopped such messages (Cloud API 131050)
    count_
};
inline constexpr size_t vehicle_count = static_cast<size_t>(Vehicle::count_);

struct VehicleLabels {
    const char* decision;  // sent, failed, skipped, dry_run, unknown
    const char* reason;    // "none" for sent, dry_run and unknown
};
VehicleLabels vehicle_labels(Vehicle v);

// A finished vehicle's label from its run detail (status and reason as the
// run wrote them, see classify_due and the sender) and, for a failed send,
// the gateway's HTTP status (0: no answer) and whether the provider said
// the customer opted out.
Vehicle vehicle_of(const RunDetail& detail, long gateway_status, bool opted_out);

// ---- histograms ----------------------------------------------------------------

// Upper bounds in seconds. HTTP: nginx measures a request in milliseconds,
// so the smallest bucket is 5 ms. Runs: a daily job of seconds to hours.
// Gateway: one HTTP call to the provider, capped by wa_report_gateway_timeout.
inline constexpr double http_buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
inline constexpr double run_buckets[] = {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200};
inline constexpr double gateway_buckets[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

template <size_t N>
struct Histogram {
    Counter counts[N + 1];  // per bucket, not cumulative; [N] above the last bound
    Counter sum_us;         // the observations' sum in microseconds

    // us: one observation in microseconds.
    void observe(const double (&bounds)[N], uint64_t us) {
        size_t i = 0;
        while (i < N && bounds[i] * 1e6 < static_cast<double>(us)) {
            i++;
        }
        counts[i].fetch_add(1, std::memory_order_relaxed);
        sum_us.fetch_add(us, std::memory_order_relaxed);
    }
};

inline constexpr size_t http_bucket_count = std::size(http_buckets);
inline constexpr size_t run_bucket_count = std::size(run_buckets);
inline constexpr size_t gateway_bucket_count = std::size(gateway_buckets);

// ---- the shared struct -----------------------------------------------------------

// What one worker process holds now; pid 0 marks a free slot.
struct WorkerSlot {
    std::atomic<int64_t> pid;
    Counter redis_connected[connection_count];  // 0 or 1
    Counter redis_in_flight[connection_count];
    Counter sends_in_flight;
};

// Worker processes counted at once: worker_processes plus the old workers
// still finishing during a reload. A worker finding no free slot still
// counts everything but its gauges.
inline constexpr size_t max_workers = 64;

// All zeros is the empty state (a fresh shared memory zone is zeroed).
struct Shared {
    Counter http_requests[route_count][status_class_count];
    Histogram<http_bucket_count> http_duration[route_count];
    Counter redis_reconnects;
    Counter redis_command_timeouts;
    Counter redis_script_errors[max_scripts];
    Counter runs[trigger_count][outcome_count];
    Counter run_vehicles[vehicle_count];
    Histogram<run_bucket_count> run_duration;
    Counter send_retries;
    Histogram<gateway_bucket_count> gateway_duration[provider_count];
    std::atomic<int64_t> last_success;  // unix seconds; 0: none yet
    Counter webhook_requests[webhook_provider_count][webhook_result_count];
    Counter webhook_events[webhook_provider_count][webhook_kind_count];
    Counter delivery_statuses[delivery_result_count];
    WorkerSlot workers[max_workers];
};

// ---- counting (any worker, any time) ---------------------------------------------

// route: route_index(); status: the HTTP status sent (ignored outside
// 100..599); us: the request's time in microseconds.
void count_request(Shared& s, size_t route, int status, uint64_t us);
// script: the Script's index (ignored at max_scripts and above).
void count_script_error(Shared& s, size_t script);
// us: from the run's start in this worker to its end here; a finished run
// also sets last_success to `now` (unix seconds) unless it is earlier.
void count_run(Shared& s, Trigger t, Outcome o, uint64_t us, int64_t now);
void count_gateway(Shared& s, Provider p, uint64_t us);
void count_webhook_request(Shared& s, WebhookProvider p, WebhookResult r);
// Every item of a parsed body, by kind.
void count_webhook_batch(Shared& s, WebhookProvider p, const WebhookBatch& batch);
void count_statuses_applied(Shared& s, const StatusesApplied& applied);

// ---- rendering --------------------------------------------------------------------

// The store's numbers from {prefix}:stats (absent fields are 0).
struct StoreGauges {
    int64_t reports = 0, messages = 0, failures = 0;
    int64_t opted_out = 0;  // suppressed phones (opted_out)
    // Suppression changes by [0 opt_out, 1 opt_in][reason, core/optout's
    // kOptReasons order] (opt_out:<reason>, opt_in:<reason>).
    int64_t opt_changes[2][5] = {};
};

// The per-worker gauges summed over the live workers.
struct WorkerSums {
    uint64_t redis_connected[connection_count] = {};
    uint64_t redis_in_flight[connection_count] = {};
    uint64_t sends_in_flight = 0;
};

// Sums the slots whose pid `alive` says is a running process (a worker that
// died without clearing its slot is left out).
WorkerSums sum_workers(const Shared& s, bool (*alive)(int64_t pid));

// The whole scrape: every family with HELP and TYPE, every label value of
// the fixed sets (zeros included), histograms with their buckets, +Inf, _sum
// and _count. `scripts` names the Script values in order. `store`: the
// store gauges and wa_report_store_up 1, or nullopt: wa_report_store_up 0
// and no store gauges.
std::string render(const Shared& s, const WorkerSums& workers,
                   const std::vector<std::string_view>& scripts,
                   const std::optional<StoreGauges>& store);

}  // namespace wa::metrics

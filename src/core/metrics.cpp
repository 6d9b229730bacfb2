#include "metrics.hpp"

#include "optout.hpp"

namespace wa::metrics {

namespace {

uint64_t load(const Counter& c) { return c.load(std::memory_order_relaxed); }

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// classify_due's reasons (core/run.cpp), each to its label.
struct SkipReason {
    std::string_view text;  // the reason, or its start
    Vehicle label;
};

constexpr SkipReason skip_reasons[] = {
    {"customer tidak ditemukan", Vehicle::skipped_no_customer},
    {"data tidak lengkap: tanggal kunjungan kosong", Vehicle::skipped_no_visit_date},
    {"tanggal kunjungan di luar jangka waktu pengingat", Vehicle::skipped_outside_window},
    {"data tidak lengkap: nomor HP kosong", Vehicle::skipped_no_phone},
    {"data tidak lengkap: nomor polisi kosong", Vehicle::skipped_no_plate},
    {"nomor HP tidak valid", Vehicle::skipped_invalid_phone},
    {"nomor HP bukan nomor seluler", Vehicle::skipped_not_mobile},
    {"customer tidak ingin menerima pesan", Vehicle::skipped_do_not_contact},
    {"sudah diingatkan", Vehicle::skipped_already_reminded},
    {"customer berhenti berlangganan", Vehicle::skipped_opted_out},
};

template <size_t N>
void copy_counts(const Histogram<N>& h, uint64_t (&out)[N + 1]) {
    for (size_t i = 0; i <= N; i++) {
        out[i] = load(h.counts[i]);
    }
}

template <size_t N>
void write_histogram(prom::Writer& w, std::string_view name, prom::Labels labels,
                     const double (&bounds)[N], const Histogram<N>& h) {
    uint64_t counts[N + 1];
    copy_counts(h, counts);
    w.histogram(name, labels, bounds, N, counts, static_cast<double>(load(h.sum_us)) / 1e6);
}

const char* const status_classes[status_class_count] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

void render_http(prom::Writer& w, const Shared& s) {
    w.family("wa_report_http_requests_total", "counter",
             "HTTP requests answered by the module's locations, by route and status class.");
    for (size_t r = 0; r < route_count; r++) {
        for (size_t c = 0; c < status_class_count; c++) {
            w.sample("wa_report_http_requests_total",
                     {{"route", route_label(r)}, {"code", status_classes[c]}},
                     load(s.http_requests[r][c]));
        }
    }
    w.family("wa_report_http_request_duration_seconds", "histogram",
             "Time from reading a request's first bytes to its log phase, by route.");
    for (size_t r = 0; r < route_count; r++) {
        write_histogram(w, "wa_report_http_request_duration_seconds", {{"route", route_label(r)}},
                        http_buckets, s.http_duration[r]);
    }
}

void render_redis(prom::Writer& w, const Shared& s, const WorkerSums& ws,
                  const std::vector<std::string_view>& scripts) {
    w.family("wa_report_redis_connected", "gauge",
             "Worker processes whose Redis connection is set up and serving, by connection.");
    for (size_t c = 0; c < connection_count; c++) {
        w.sample("wa_report_redis_connected",
                 {{"connection", connection_label(static_cast<Connection>(c))}},
                 ws.redis_connected[c]);
    }
    w.family("wa_report_redis_reconnects_total", "counter",
             "Attempts to connect to Redis again after a connection was lost or refused.");
    w.sample("wa_report_redis_reconnects_total", {}, load(s.redis_reconnects));
    w.family("wa_report_redis_command_timeouts_total", "counter",
             "Redis connections dropped because Redis sent nothing for wa_report_redis_timeout "
             "while commands waited.");
    w.sample("wa_report_redis_command_timeouts_total", {}, load(s.redis_command_timeouts));
    w.family("wa_report_redis_script_errors_total", "counter",
             "Error replies to the module's Lua scripts, by script.");
    for (size_t i = 0; i < scripts.size() && i < max_scripts; i++) {
        w.sample("wa_report_redis_script_errors_total", {{"script", scripts[i]}},
                 load(s.redis_script_errors[i]));
    }
    w.family("wa_report_redis_commands_in_flight", "gauge",
             "Redis commands sent and not yet answered, summed over workers, by connection.");
    for (size_t c = 0; c < connection_count; c++) {
        w.sample("wa_report_redis_commands_in_flight",
                 {{"connection", connection_label(static_cast<Connection>(c))}},
                 ws.redis_in_flight[c]);
    }
}

void render_reminders(prom::Writer& w, const Shared& s, const WorkerSums& ws) {
    w.family("wa_report_runs_total", "counter",
             "Reminder runs that ended in a worker, by trigger and outcome.");
    for (size_t t = 0; t < trigger_count; t++) {
        for (size_t o = 0; o < outcome_count; o++) {
            w.sample("wa_report_runs_total",
                     {{"trigger", trigger_label(static_cast<Trigger>(t))},
                      {"outcome", outcome_label(static_cast<Outcome>(o))}},
                     load(s.runs[t][o]));
        }
    }
    w.family("wa_report_run_vehicles_total", "counter",
             "Due vehicles a run finished with, by decision and reason.");
    for (size_t v = 0; v < vehicle_count; v++) {
        VehicleLabels l = vehicle_labels(static_cast<Vehicle>(v));
        w.sample("wa_report_run_vehicles_total", {{"decision", l.decision}, {"reason", l.reason}},
                 load(s.run_vehicles[v]));
    }
    w.family("wa_report_run_duration_seconds", "histogram",
             "Time a run spent in one worker, from its start or resumption to its end there.");
    write_histogram(w, "wa_report_run_duration_seconds", {}, run_buckets, s.run_duration);
    w.family("wa_report_sends_in_flight", "gauge",
             "Requests to the WhatsApp provider sent and not yet answered, summed over workers.");
    w.sample("wa_report_sends_in_flight", {}, ws.sends_in_flight);
    w.family("wa_report_send_retries_total", "counter",
             "Messages scheduled to be sent again after a provider's answer or a transport "
             "failure.");
    w.sample("wa_report_send_retries_total", {}, load(s.send_retries));
    w.family("wa_report_gateway_request_duration_seconds", "histogram",
             "Time of one request to the WhatsApp provider, by provider.");
    for (size_t p = 0; p < provider_count; p++) {
        write_histogram(w, "wa_report_gateway_request_duration_seconds",
                        {{"provider", provider_name(static_cast<Provider>(p))}}, gateway_buckets,
                        s.gateway_duration[p]);
    }
    w.family("wa_report_last_successful_run_timestamp_seconds", "gauge",
             "Unix time at which the last run finished (0: none since the counters began).");
    w.sample("wa_report_last_successful_run_timestamp_seconds", {},
             s.last_success.load(std::memory_order_relaxed));
}

void render_webhooks(prom::Writer& w, const Shared& s) {
    w.family("wa_report_webhook_requests_total", "counter",
             "Webhook requests from the WhatsApp providers, by provider and result.");
    for (size_t p = 0; p < webhook_provider_count; p++) {
        for (size_t r = 0; r < webhook_result_count; r++) {
            w.sample("wa_report_webhook_requests_total",
                     {{"provider", webhook_provider_name(static_cast<WebhookProvider>(p))},
                      {"result", webhook_result_label(static_cast<WebhookResult>(r))}},
                     load(s.webhook_requests[p][r]));
        }
    }
    w.family("wa_report_webhook_events_total", "counter",
             "Items of the webhook bodies that were understood, by provider and kind.");
    for (size_t p = 0; p < webhook_provider_count; p++) {
        for (size_t k = 0; k < webhook_kind_count; k++) {
            w.sample("wa_report_webhook_events_total",
                     {{"provider", webhook_provider_name(static_cast<WebhookProvider>(p))},
                      {"kind", webhook_kind_label(static_cast<WebhookKind>(k))}},
                     load(s.webhook_events[p][k]));
        }
    }
    w.family("wa_report_delivery_statuses_total", "counter",
             "Delivery statuses the store applied, by result.");
    for (size_t r = 0; r < delivery_result_count; r++) {
        w.sample("wa_report_delivery_statuses_total",
                 {{"result", delivery_result_label(static_cast<DeliveryResult>(r))}},
                 load(s.delivery_statuses[r]));
    }
}

void render_store(prom::Writer& w, const std::optional<StoreGauges>& store) {
    w.family("wa_report_store_up", "gauge",
             "1 when the store's statistics could be read from Redis for this scrape "
             "(cached up to 5 s per worker), else 0.");
    w.sample("wa_report_store_up", {}, static_cast<int64_t>(store ? 1 : 0));
    if (!store) {
        return;
    }
    w.family("wa_report_store_reports", "gauge", "Reports in the store ({prefix}:stats reports).");
    w.sample("wa_report_store_reports", {}, store->reports);
    w.family("wa_report_store_messages", "gauge",
             "Messages counted in the store, the sum of the reports' frequencies "
             "({prefix}:stats messages).");
    w.sample("wa_report_store_messages", {}, store->messages);
    w.family("wa_report_store_failures", "gauge",
             "Sends the provider refused or that failed, as the store counted them "
             "({prefix}:stats failures).");
    w.sample("wa_report_store_failures", {}, store->failures);
    w.family("wa_report_store_opted_out_phones", "gauge",
             "Phones suppressed (opted out) in the store ({prefix}:stats opted_out).");
    w.sample("wa_report_store_opted_out_phones", {}, store->opted_out);
    w.family("wa_report_opt_out_changes_total", "counter",
             "Phones suppressed (change opt_out) or lifted (opt_in), by reason, as the store "
             "counted them ({prefix}:stats opt_out:<reason>, opt_in:<reason>).");
    for (size_t c = 0; c < 2; c++) {
        for (size_t r = 0; r < kOptReasonCount; r++) {
            w.sample("wa_report_opt_out_changes_total",
                     {{"change", c == 0 ? "opt_out" : "opt_in"}, {"reason", kOptReasons[r]}},
                     store->opt_changes[c][r]);
        }
    }
}

}  // namespace

size_t route_index(Route r) { return static_cast<size_t>(r); }

size_t route_index(SchedulerRoute r) { return report_route_count + static_cast<size_t>(r); }

const char* route_label(size_t index) {
    if (index < report_route_count) {
        switch (static_cast<Route>(index)) {
        case Route::not_found: return "not_found";
        case Route::method_not_allowed: return "method_not_allowed";
        case Route::redirect: return "redirect";
        case Route::invalid: return "invalid";
        case Route::list: return "list";
        case Route::detail: return "detail";
        case Route::statistics: return "statistics";
        case Route::customer: return "customer";
        case Route::customer_vehicle: return "customer_vehicle";
        case Route::delete_report: return "delete_report";
        case Route::reset_frequency: return "reset_frequency";
        case Route::record: return "record";
        case Route::customer_data: return "customer_data";
        case Route::vehicle_data: return "vehicle_data";
        case Route::import: return "import";
        case Route::openapi: return "openapi";
        case Route::due: return "due";
        case Route::vehicle_messages: return "vehicle_messages";
        case Route::delivery_statistics: return "delivery_statistics";
        case Route::reminder_explain: return "reminder_explain";
        }
    }
    if (index < report_route_count + scheduler_route_count) {
        switch (static_cast<SchedulerRoute>(index - report_route_count)) {
        case SchedulerRoute::start: return "scheduler_start";
        case SchedulerRoute::stop: return "scheduler_stop";
        case SchedulerRoute::status: return "scheduler_status";
        case SchedulerRoute::run_now: return "scheduler_run_now";
        }
    }
    return "metrics";
}

int status_class(int status) {
    if (status < 100 || status > 599) {
        return -1;
    }
    return status / 100 - 1;
}

const char* connection_label(Connection c) {
    return c == Connection::requests ? "requests" : "engine";
}

const char* trigger_label(Trigger t) {
    switch (t) {
    case Trigger::schedule: return "schedule";
    case Trigger::run_now: return "run_now";
    case Trigger::resumed: return "resumed";
    }
    return "";
}

const char* outcome_label(Outcome o) {
    switch (o) {
    case Outcome::finished: return "finished";
    case Outcome::handed_over: return "handed_over";
    case Outcome::stopped: return "stopped";
    }
    return "";
}

VehicleLabels vehicle_labels(Vehicle v) {
    switch (v) {
    case Vehicle::sent: return {"sent", "none"};
    case Vehicle::dry_run: return {"dry_run", "none"};
    case Vehicle::unknown: return {"unknown", "none"};
    case Vehicle::skipped_no_customer: return {"skipped", "no_customer"};
    case Vehicle::skipped_no_visit_date: return {"skipped", "no_visit_date"};
    case Vehicle::skipped_outside_window: return {"skipped", "outside_window"};
    case Vehicle::skipped_no_phone: return {"skipped", "no_phone"};
    case Vehicle::skipped_no_plate: return {"skipped", "no_plate"};
    case Vehicle::skipped_invalid_phone: return {"skipped", "invalid_phone"};
    case Vehicle::skipped_not_mobile: return {"skipped", "not_mobile"};
    case Vehicle::skipped_do_not_contact: return {"skipped", "do_not_contact"};
    case Vehicle::skipped_already_reminded: return {"skipped", "already_reminded"};
    case Vehicle::skipped_opted_out: return {"skipped", "opted_out"};
    case Vehicle::skipped_other: return {"skipped", "other"};
    case Vehicle::failed_transport: return {"failed", "transport"};
    case Vehicle::failed_2xx: return {"failed", "2xx"};
    case Vehicle::failed_3xx: return {"failed", "3xx"};
    case Vehicle::failed_4xx: return {"failed", "4xx"};
    case Vehicle::failed_5xx: return {"failed", "5xx"};
    case Vehicle::failed_opted_out: return {"failed", "opted_out"};
    case Vehicle::count_: break;
    }
    return {"", ""};
}

Vehicle vehicle_of(const RunDetail& detail, long gateway_status, bool opted_out) {
    const std::string& status = detail.status;
    if (status == "sent") {
        return Vehicle::sent;
    }
    if (status == "dry_run") {
        return Vehicle::dry_run;
    }
    if (status == "unknown") {
        return Vehicle::unknown;
    }
    if (status == "failed") {
        if (opted_out) {
            return Vehicle::failed_opted_out;
        }
        switch (gateway_status / 100) {
        case 2: return Vehicle::failed_2xx;
        case 3: return Vehicle::failed_3xx;
        case 4: return Vehicle::failed_4xx;
        case 5: return Vehicle::failed_5xx;
        default: return Vehicle::failed_transport;
        }
    }
    for (const SkipReason& s : skip_reasons) {
        if (starts_with(detail.reason, s.text)) {
            return s.label;
        }
    }
    return Vehicle::skipped_other;
}

void count_request(Shared& s, size_t route, int status, uint64_t us) {
    int c = status_class(status);
    if (route >= route_count || c < 0) {
        return;
    }
    s.http_requests[route][c].fetch_add(1, std::memory_order_relaxed);
    s.http_duration[route].observe(http_buckets, us);
}

void count_script_error(Shared& s, size_t script) {
    if (script < max_scripts) {
        s.redis_script_errors[script].fetch_add(1, std::memory_order_relaxed);
    }
}

void count_run(Shared& s, Trigger t, Outcome o, uint64_t us, int64_t now) {
    s.runs[static_cast<size_t>(t)][static_cast<size_t>(o)].fetch_add(1, std::memory_order_relaxed);
    s.run_duration.observe(run_buckets, us);
    if (o != Outcome::finished) {
        return;
    }
    int64_t last = s.last_success.load(std::memory_order_relaxed);
    // Two workers' runs may end in the same second: keep the later time.
    while (last < now
           && !s.last_success.compare_exchange_weak(last, now, std::memory_order_relaxed)) {
    }
}

void count_gateway(Shared& s, Provider p, uint64_t us) {
    s.gateway_duration[static_cast<size_t>(p)].observe(gateway_buckets, us);
}

const char* webhook_result_label(WebhookResult r) {
    switch (r) {
    case WebhookResult::ok: return "ok";
    case WebhookResult::unauthorized: return "unauthorized";
    case WebhookResult::rejected: return "rejected";
    case WebhookResult::too_large: return "too_large";
    case WebhookResult::unavailable: return "unavailable";
    case WebhookResult::verify_ok: return "verify_ok";
    case WebhookResult::verify_refused: return "verify_refused";
    case WebhookResult::count_: break;
    }
    return "";
}

const char* webhook_kind_label(WebhookKind k) {
    switch (k) {
    case WebhookKind::status_sent: return "status_sent";
    case WebhookKind::status_delivered: return "status_delivered";
    case WebhookKind::status_read: return "status_read";
    case WebhookKind::status_failed: return "status_failed";
    case WebhookKind::inbound: return "inbound";
    case WebhookKind::preference: return "preference";
    case WebhookKind::ignored: return "ignored";
    case WebhookKind::count_: break;
    }
    return "";
}

const char* delivery_result_label(DeliveryResult r) {
    switch (r) {
    case DeliveryResult::applied: return "applied";
    case DeliveryResult::duplicate: return "duplicate";
    case DeliveryResult::stale: return "stale";
    case DeliveryResult::pending: return "pending";
    case DeliveryResult::count_: break;
    }
    return "";
}

void count_webhook_request(Shared& s, WebhookProvider p, WebhookResult r) {
    s.webhook_requests[static_cast<size_t>(p)][static_cast<size_t>(r)].fetch_add(
        1, std::memory_order_relaxed);
}

void count_webhook_batch(Shared& s, WebhookProvider p, const WebhookBatch& batch) {
    Counter* events = s.webhook_events[static_cast<size_t>(p)];
    auto add = [&](WebhookKind k, uint64_t n) {
        if (n > 0) {
            events[static_cast<size_t>(k)].fetch_add(n, std::memory_order_relaxed);
        }
    };
    uint64_t by_state[4] = {};
    for (const DeliveryStatus& st : batch.statuses) {
        by_state[static_cast<size_t>(st.state)]++;
    }
    add(WebhookKind::status_sent, by_state[static_cast<size_t>(DeliveryState::sent)]);
    add(WebhookKind::status_delivered, by_state[static_cast<size_t>(DeliveryState::delivered)]);
    add(WebhookKind::status_read, by_state[static_cast<size_t>(DeliveryState::read)]);
    add(WebhookKind::status_failed, by_state[static_cast<size_t>(DeliveryState::failed)]);
    add(WebhookKind::inbound, batch.messages.size());
    add(WebhookKind::preference, batch.preferences.size());
    add(WebhookKind::ignored, batch.ignored);
}

void count_statuses_applied(Shared& s, const StatusesApplied& a) {
    s.delivery_statuses[static_cast<size_t>(DeliveryResult::applied)].fetch_add(
        a.applied, std::memory_order_relaxed);
    s.delivery_statuses[static_cast<size_t>(DeliveryResult::duplicate)].fetch_add(
        a.duplicate, std::memory_order_relaxed);
    s.delivery_statuses[static_cast<size_t>(DeliveryResult::stale)].fetch_add(
        a.stale, std::memory_order_relaxed);
    s.delivery_statuses[static_cast<size_t>(DeliveryResult::pending)].fetch_add(
        a.pending, std::memory_order_relaxed);
}

WorkerSums sum_workers(const Shared& s, bool (*alive)(int64_t pid)) {
    WorkerSums sums;
    for (const WorkerSlot& slot : s.workers) {
        int64_t pid = slot.pid.load(std::memory_order_relaxed);
        if (pid == 0 || !alive(pid)) {
            continue;
        }
        for (size_t c = 0; c < connection_count; c++) {
            sums.redis_connected[c] += load(slot.redis_connected[c]);
            sums.redis_in_flight[c] += load(slot.redis_in_flight[c]);
        }
        sums.sends_in_flight += load(slot.sends_in_flight);
    }
    return sums;
}

std::string render(const Shared& s, const WorkerSums& workers,
                   const std::vector<std::string_view>& scripts,
                   const std::optional<StoreGauges>& store) {
    prom::Writer w;
    render_http(w, s);
    render_redis(w, s, workers, scripts);
    render_reminders(w, s, workers);
    render_webhooks(w, s);
    render_store(w, store);
    return w.text();
}

}  // namespace wa::metrics

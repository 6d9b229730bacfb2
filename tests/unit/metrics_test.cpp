#include <gtest/gtest.h>

#include "core/metrics.hpp"
#include "core/run.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <string>

namespace wa::metrics {
namespace {

// A fresh shared struct as a zone gives it: all zeros.
std::unique_ptr<Shared> zeroed() {
    auto s = std::make_unique<Shared>();
    std::memset(static_cast<void*>(s.get()), 0, sizeof(Shared));
    return s;
}

bool every_pid_alive(int64_t) { return true; }
bool only_pid_7_alive(int64_t pid) { return pid == 7; }

// The lines of `text` that start with `prefix`, in order.
std::string lines_starting(const std::string& text, const std::string& prefix) {
    std::string out;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        std::string line = text.substr(at, end - at);
        if (line.compare(0, prefix.size(), prefix) == 0) {
            out += line + "\n";
        }
        at = end == std::string::npos ? text.size() : end + 1;
    }
    return out;
}

TEST(MetricsLabels, RoutesNameTheRouterAndSchedulerValues) {
    EXPECT_STREQ("not_found", route_label(route_index(Route::not_found)));
    EXPECT_STREQ("customer_vehicle", route_label(route_index(Route::customer_vehicle)));
    EXPECT_STREQ("import", route_label(route_index(Route::import)));
    EXPECT_STREQ("reminder_explain", route_label(route_index(Route::reminder_explain)));
    EXPECT_STREQ("scheduler_start", route_label(route_index(SchedulerRoute::start)));
    EXPECT_STREQ("scheduler_run_now", route_label(route_index(SchedulerRoute::run_now)));
    EXPECT_STREQ("metrics", route_label(metrics_route));
    std::set<std::string> names;
    for (size_t i = 0; i < route_count; i++) {
        names.insert(route_label(i));
    }
    EXPECT_EQ(route_count, names.size()) << "every route has its own label";
}

TEST(MetricsLabels, StatusClasses) {
    EXPECT_EQ(-1, status_class(0));
    EXPECT_EQ(-1, status_class(99));
    EXPECT_EQ(0, status_class(100));
    EXPECT_EQ(1, status_class(200));
    EXPECT_EQ(2, status_class(307));
    EXPECT_EQ(3, status_class(499));
    EXPECT_EQ(4, status_class(599));
    EXPECT_EQ(-1, status_class(600));
}

TEST(MetricsLabels, RunOutcome) {
    EXPECT_EQ(Outcome::finished, run_outcome(true, ""));
    EXPECT_EQ(Outcome::handed_over, run_outcome(false, ""));
    EXPECT_EQ(Outcome::stopped, run_outcome(false, "lost the run's lease"));
}

DueRow complete_row() {
    DueRow r;
    r.vehicle_id = "v1";
    r.customer_id = "c1";
    r.nopol = "N 1212 RW";
    r.next_visit_date = "2026-11-25";
    r.customer_name = "Agus";
    r.customer_phone = "0812-3456-7890";
    return r;
}

std::string label_of(const DueRow& row, RemindMode mode = RemindMode::once) {
    DueDecision d = classify_due(row, Date{2026, 11, 24}, 3, mode, Date{2026, 11, 24});
    VehicleLabels l = vehicle_labels(vehicle_of(d.detail, 0, false));
    return std::string(l.decision) + "/" + l.reason;
}

// Every reason classify_due gives has its own bounded label.
TEST(MetricsLabels, EverySkipOfTheRuleHasItsReason) {
    DueRow r = complete_row();
    r.customer_name.reset();
    EXPECT_EQ("skipped/no_customer", label_of(r));
    r = complete_row();
    r.next_visit_date = "";
    EXPECT_EQ("skipped/no_visit_date", label_of(r));
    r = complete_row();
    r.next_visit_date = "2026-12-25";
    EXPECT_EQ("skipped/outside_window", label_of(r));
    r = complete_row();
    r.customer_phone = "";
    EXPECT_EQ("skipped/no_phone", label_of(r));
    r = complete_row();
    r.nopol = "";
    EXPECT_EQ("skipped/no_plate", label_of(r));
    r = complete_row();
    r.customer_phone = "12";
    EXPECT_EQ("skipped/invalid_phone", label_of(r));
    r = complete_row();
    r.customer_phone = "021-5550123";
    EXPECT_EQ("skipped/not_mobile", label_of(r));
    r = complete_row();
    r.do_not_contact = true;
    EXPECT_EQ("skipped/do_not_contact", label_of(r));
    r = complete_row();
    r.opted_out = true;
    EXPECT_EQ("skipped/opted_out", label_of(r));
    r = complete_row();
    r.reminded_for = r.next_visit_date;
    EXPECT_EQ("skipped/already_reminded", label_of(r));
    r = complete_row();
    r.reminded_on = "2026-11-24";
    EXPECT_EQ("skipped/already_reminded", label_of(r, RemindMode::daily));
    r = complete_row();
    r.attempt_cycle = r.next_visit_date;
    r.attempt_run = "run-1";
    EXPECT_EQ("unknown/none", label_of(r));
}

TEST(MetricsLabels, SentDryRunAndFailuresByCode) {
    RunDetail d;
    d.status = "sent";
    EXPECT_EQ(Vehicle::sent, vehicle_of(d, 200, false));
    d.status = "dry_run";
    EXPECT_EQ(Vehicle::dry_run, vehicle_of(d, 0, false));
    d.status = "failed";
    EXPECT_EQ(Vehicle::failed_transport, vehicle_of(d, 0, false));
    EXPECT_EQ(Vehicle::failed_2xx, vehicle_of(d, 200, false));
    EXPECT_EQ(Vehicle::failed_4xx, vehicle_of(d, 429, false));
    EXPECT_EQ(Vehicle::failed_5xx, vehicle_of(d, 503, false));
    EXPECT_EQ(Vehicle::failed_opted_out, vehicle_of(d, 400, true));
    d.status = "skipped";
    d.reason = "sudah diingatkan untuk kunjungan 2026-11-25";  // the sender's skip
    EXPECT_EQ(Vehicle::skipped_already_reminded, vehicle_of(d, 0, false));
    d.reason = "something new";
    EXPECT_EQ(Vehicle::skipped_other, vehicle_of(d, 0, false));
}

TEST(MetricsCounting, RequestsByRouteClassAndBucket) {
    auto s = zeroed();
    count_request(*s, route_index(Route::list), 200, 4000);      // 4 ms: first bucket
    count_request(*s, route_index(Route::list), 204, 5000);      // 5 ms: on the bound
    count_request(*s, route_index(Route::list), 404, 5001);      // just above
    count_request(*s, route_index(Route::list), 200, 20000000);  // 20 s: above the last
    count_request(*s, route_index(Route::list), 0, 1000);        // no status: not counted
    count_request(*s, route_count, 200, 1000);                   // no such route
    std::string text = render(*s, WorkerSums{}, {}, std::nullopt);
    EXPECT_EQ(
        "wa_report_http_requests_total{route=\"list\",code=\"1xx\"} 0\n"
        "wa_report_http_requests_total{route=\"list\",code=\"2xx\"} 3\n"
        "wa_report_http_requests_total{route=\"list\",code=\"3xx\"} 0\n"
        "wa_report_http_requests_total{route=\"list\",code=\"4xx\"} 1\n"
        "wa_report_http_requests_total{route=\"list\",code=\"5xx\"} 0\n",
        lines_starting(text, "wa_report_http_requests_total{route=\"list\""));
    EXPECT_EQ(
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"0.005\"} 2\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"0.01\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"0.025\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"0.05\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"0.1\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"0.25\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"0.5\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"1\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"2.5\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"5\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"10\"} 3\n"
        "wa_report_http_request_duration_seconds_bucket{route=\"list\",le=\"+Inf\"} 4\n"
        "wa_report_http_request_duration_seconds_sum{route=\"list\"} 20.014001\n"
        "wa_report_http_request_duration_seconds_count{route=\"list\"} 4\n",
        lines_starting(text,
                       "wa_report_http_request_duration_seconds_"
                       "bucket{route=\"list\"")
            + lines_starting(text, "wa_report_http_request_duration_seconds_sum{route=\"list\"")
            + lines_starting(text, "wa_report_http_request_duration_seconds_count{route=\"list\""));
}

TEST(MetricsCounting, RunsKeepTheLatestSuccess) {
    auto s = zeroed();
    count_run(*s, Trigger::run_now, Outcome::finished, 2000000, 1700000100);
    count_run(*s, Trigger::schedule, Outcome::finished, 1000000, 1700000050);  // earlier
    count_run(*s, Trigger::resumed, Outcome::stopped, 0, 1700000200);          // not a success
    std::string text = render(*s, WorkerSums{}, {}, std::nullopt);
    EXPECT_EQ(
        "wa_report_runs_total{trigger=\"schedule\",outcome=\"finished\"} 1\n"
        "wa_report_runs_total{trigger=\"schedule\",outcome=\"handed_over\"} 0\n"
        "wa_report_runs_total{trigger=\"schedule\",outcome=\"stopped\"} 0\n"
        "wa_report_runs_total{trigger=\"run_now\",outcome=\"finished\"} 1\n"
        "wa_report_runs_total{trigger=\"run_now\",outcome=\"handed_over\"} 0\n"
        "wa_report_runs_total{trigger=\"run_now\",outcome=\"stopped\"} 0\n"
        "wa_report_runs_total{trigger=\"resumed\",outcome=\"finished\"} 0\n"
        "wa_report_runs_total{trigger=\"resumed\",outcome=\"handed_over\"} 0\n"
        "wa_report_runs_total{trigger=\"resumed\",outcome=\"stopped\"} 1\n",
        lines_starting(text, "wa_report_runs_total{"));
    EXPECT_EQ(
        "wa_report_run_duration_seconds_bucket{le=\"1\"} 2\n"
        "wa_report_run_duration_seconds_bucket{le=\"5\"} 3\n",
        lines_starting(text, "wa_report_run_duration_seconds_bucket{le=\"1\"}")
            + lines_starting(text, "wa_report_run_duration_seconds_bucket{le=\"5\"}"));
    EXPECT_EQ("wa_report_run_duration_seconds_sum 3\n",
              lines_starting(text, "wa_report_run_duration_seconds_sum"));
    EXPECT_EQ("wa_report_last_successful_run_timestamp_seconds 1700000100\n",
              lines_starting(text, "wa_report_last_successful_run_timestamp_seconds "));
}

TEST(MetricsCounting, WorkerGaugesSumOnlyLiveWorkers) {
    auto s = zeroed();
    s->workers[0].pid = 7;
    s->workers[0].redis_connected[0] = 1;
    s->workers[0].redis_in_flight[1] = 3;
    s->workers[0].sends_in_flight = 2;
    s->workers[5].pid = 9;  // died without giving its slot back
    s->workers[5].redis_connected[0] = 1;
    s->workers[5].sends_in_flight = 4;
    s->workers[6].redis_connected[0] = 1;  // a free slot (pid 0) counts nothing
    WorkerSums live = sum_workers(*s, only_pid_7_alive);
    EXPECT_EQ(1u, live.redis_connected[0]);
    EXPECT_EQ(0u, live.redis_connected[1]);
    EXPECT_EQ(3u, live.redis_in_flight[1]);
    EXPECT_EQ(2u, live.sends_in_flight);
    WorkerSums all = sum_workers(*s, every_pid_alive);
    EXPECT_EQ(2u, all.redis_connected[0]);
    EXPECT_EQ(6u, all.sends_in_flight);
    std::string text = render(*s, live, {}, std::nullopt);
    EXPECT_EQ(
        "wa_report_redis_connected{connection=\"requests\"} 1\n"
        "wa_report_redis_connected{connection=\"engine\"} 0\n"
        "wa_report_redis_commands_in_flight{connection=\"requests\"} 0\n"
        "wa_report_redis_commands_in_flight{connection=\"engine\"} 3\n"
        "wa_report_sends_in_flight 2\n",
        lines_starting(text, "wa_report_redis_connected{")
            + lines_starting(text, "wa_report_redis_commands_in_flight{")
            + lines_starting(text, "wa_report_sends_in_flight "));
}

TEST(MetricsRender, ScriptsAndStoreGauges) {
    auto s = zeroed();
    count_script_error(*s, 1);
    count_script_error(*s, 1);
    count_script_error(*s, max_scripts);  // out of range: ignored
    StoreGauges g;
    g.reports = 12;
    g.messages = 30;
    g.failures = 2;
    g.opted_out = 3;
    g.opt_changes[0][0] = 4;  // opt_out by stop_word
    g.opt_changes[1][4] = 1;  // opt_in by data_api
    std::string text = render(*s, WorkerSums{}, {"attempt_begin", "record"}, g);
    EXPECT_EQ(
        "wa_report_redis_script_errors_total{script=\"attempt_begin\"} 0\n"
        "wa_report_redis_script_errors_total{script=\"record\"} 2\n",
        lines_starting(text, "wa_report_redis_script_errors_total{"));
    EXPECT_EQ(
        "# HELP wa_report_store_up 1 when the store's statistics could be read from Redis "
        "for this scrape (cached up to 5 s per worker), else 0.\n"
        "# TYPE wa_report_store_up gauge\n"
        "wa_report_store_up 1\n"
        "# HELP wa_report_store_reports Reports in the store ({prefix}:stats reports).\n"
        "# TYPE wa_report_store_reports gauge\n"
        "wa_report_store_reports 12\n"
        "# HELP wa_report_store_messages Messages counted in the store, the sum of the "
        "reports' frequencies ({prefix}:stats messages).\n"
        "# TYPE wa_report_store_messages gauge\n"
        "wa_report_store_messages 30\n"
        "# HELP wa_report_store_failures Sends the provider refused or that failed, as the "
        "store counted them ({prefix}:stats failures).\n"
        "# TYPE wa_report_store_failures gauge\n"
        "wa_report_store_failures 2\n"
        "# HELP wa_report_store_opted_out_phones Phones suppressed (opted out) in the store "
        "({prefix}:stats opted_out).\n"
        "# TYPE wa_report_store_opted_out_phones gauge\n"
        "wa_report_store_opted_out_phones 3\n"
        "# HELP wa_report_opt_out_changes_total Phones suppressed (change opt_out) or lifted "
        "(opt_in), by reason, as the store counted them ({prefix}:stats opt_out:<reason>, "
        "opt_in:<reason>).\n"
        "# TYPE wa_report_opt_out_changes_total counter\n"
        "wa_report_opt_out_changes_total{change=\"opt_out\",reason=\"stop_word\"} 4\n"
        "wa_report_opt_out_changes_total{change=\"opt_out\",reason=\"start_word\"} 0\n"
        "wa_report_opt_out_changes_total{change=\"opt_out\",reason=\"user_preferences\"} 0\n"
        "wa_report_opt_out_changes_total{change=\"opt_out\",reason=\"error_131050\"} 0\n"
        "wa_report_opt_out_changes_total{change=\"opt_out\",reason=\"data_api\"} 0\n"
        "wa_report_opt_out_changes_total{change=\"opt_in\",reason=\"stop_word\"} 0\n"
        "wa_report_opt_out_changes_total{change=\"opt_in\",reason=\"start_word\"} 0\n"
        "wa_report_opt_out_changes_total{change=\"opt_in\",reason=\"user_preferences\"} 0\n"
        "wa_report_opt_out_changes_total{change=\"opt_in\",reason=\"error_131050\"} 0\n"
        "wa_report_opt_out_changes_total{change=\"opt_in\",reason=\"data_api\"} 1\n",
        text.substr(text.find("# HELP wa_report_store_up")));
    std::string down = render(*s, WorkerSums{}, {}, std::nullopt);
    EXPECT_EQ("wa_report_store_up 0\n", down.substr(down.find("wa_report_store_up 0")));
}

TEST(MetricsRender, EveryFamilyHasHelpAndTypeOnce) {
    auto s = zeroed();
    std::string text = render(*s, WorkerSums{}, {"a"}, StoreGauges{});
    EXPECT_EQ(
        "# TYPE wa_report_http_requests_total counter\n"
        "# TYPE wa_report_http_request_duration_seconds histogram\n"
        "# TYPE wa_report_redis_connected gauge\n"
        "# TYPE wa_report_redis_reconnects_total counter\n"
        "# TYPE wa_report_redis_command_timeouts_total counter\n"
        "# TYPE wa_report_redis_script_errors_total counter\n"
        "# TYPE wa_report_redis_commands_in_flight gauge\n"
        "# TYPE wa_report_runs_total counter\n"
        "# TYPE wa_report_run_vehicles_total counter\n"
        "# TYPE wa_report_run_duration_seconds histogram\n"
        "# TYPE wa_report_sends_in_flight gauge\n"
        "# TYPE wa_report_send_retries_total counter\n"
        "# TYPE wa_report_gateway_request_duration_seconds histogram\n"
        "# TYPE wa_report_last_successful_run_timestamp_seconds gauge\n"
        "# TYPE wa_report_webhook_requests_total counter\n"
        "# TYPE wa_report_webhook_events_total counter\n"
        "# TYPE wa_report_delivery_statuses_total counter\n"
        "# TYPE wa_report_store_up gauge\n"
        "# TYPE wa_report_store_reports gauge\n"
        "# TYPE wa_report_store_messages gauge\n"
        "# TYPE wa_report_store_failures gauge\n"
        "# TYPE wa_report_store_opted_out_phones gauge\n"
        "# TYPE wa_report_opt_out_changes_total counter\n",
        lines_starting(text, "# TYPE "));
    EXPECT_EQ(23u, std::count(text.begin(), text.end(), '#') / 2);
    EXPECT_EQ(
        "wa_report_run_vehicles_total{decision=\"sent\",reason=\"none\"} 0\n"
        "wa_report_run_vehicles_total{decision=\"dry_run\",reason=\"none\"} 0\n",
        lines_starting(text, "wa_report_run_vehicles_total{decision=\"sent\"")
            + lines_starting(text, "wa_report_run_vehicles_total{decision=\"dry_run\""));
    EXPECT_EQ(
        "wa_report_gateway_request_duration_seconds_count{provider=\"log\"} 0\n"
        "wa_report_gateway_request_duration_seconds_count{provider=\"starsender\"} 0\n"
        "wa_report_gateway_request_duration_seconds_count{provider=\"cloud_api\"} 0\n"
        "wa_report_gateway_request_duration_seconds_count{provider=\"fonnte\"} 0\n",
        lines_starting(text, "wa_report_gateway_request_duration_seconds_count"));
}

TEST(MetricsCounting, WebhookRequestsEventsAndStatuses) {
    auto s = zeroed();
    count_webhook_request(*s, WebhookProvider::cloud_api, WebhookResult::ok);
    count_webhook_request(*s, WebhookProvider::cloud_api, WebhookResult::ok);
    count_webhook_request(*s, WebhookProvider::fonnte, WebhookResult::unauthorized);
    WebhookBatch b;
    DeliveryStatus st;
    st.state = DeliveryState::read;
    b.statuses = {st, st};
    st.state = DeliveryState::failed;
    b.statuses.push_back(st);
    b.messages.resize(1);
    b.preferences.resize(3);
    b.ignored = 4;
    count_webhook_batch(*s, WebhookProvider::cloud_api, b);
    count_statuses_applied(*s, StatusesApplied{5, 1, 2, 3});
    std::string text = render(*s, WorkerSums{}, {}, std::nullopt);
    EXPECT_EQ(
        "wa_report_webhook_requests_total{provider=\"cloud_api\",result=\"ok\"} 2\n"
        "wa_report_webhook_requests_total{provider=\"cloud_api\",result=\"unauthorized\"} 0\n",
        lines_starting(text,
                       "wa_report_webhook_requests_total{provider=\"cloud_api\",result=\"ok\"")
            + lines_starting(
                text,
                "wa_report_webhook_requests_total{provider=\"cloud_api\",result=\"unauthorized\""));
    EXPECT_EQ(
        "wa_report_webhook_requests_total{provider=\"fonnte\",result=\"unauthorized\"} 1\n",
        lines_starting(
            text, "wa_report_webhook_requests_total{provider=\"fonnte\",result=\"unauthorized\""));
    EXPECT_EQ(
        "wa_report_webhook_events_total{provider=\"cloud_api\",kind=\"status_sent\"} 0\n"
        "wa_report_webhook_events_total{provider=\"cloud_api\",kind=\"status_delivered\"} 0\n"
        "wa_report_webhook_events_total{provider=\"cloud_api\",kind=\"status_read\"} 2\n"
        "wa_report_webhook_events_total{provider=\"cloud_api\",kind=\"status_failed\"} 1\n"
        "wa_report_webhook_events_total{provider=\"cloud_api\",kind=\"inbound\"} 1\n"
        "wa_report_webhook_events_total{provider=\"cloud_api\",kind=\"preference\"} 3\n"
        "wa_report_webhook_events_total{provider=\"cloud_api\",kind=\"ignored\"} 4\n",
        lines_starting(text, "wa_report_webhook_events_total{provider=\"cloud_api\""));
    EXPECT_EQ(
        "wa_report_delivery_statuses_total{result=\"applied\"} 5\n"
        "wa_report_delivery_statuses_total{result=\"duplicate\"} 1\n"
        "wa_report_delivery_statuses_total{result=\"stale\"} 2\n"
        "wa_report_delivery_statuses_total{result=\"pending\"} 3\n",
        lines_starting(text, "wa_report_delivery_statuses_total{"));
}

}  // namespace
}  // namespace wa::metrics

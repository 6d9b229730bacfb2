// GET /metrics: Prometheus's text format summed over two workers. Exact
// counts after a known set of requests and a reminder run (as differences
// from a scrape taken just before them, since the suite's stack counts its
// own readiness probes), every other counter unchanged, promtool's check of
// the output, the store gauges and a scrape while Redis is down.
#include <sys/wait.h>

#include <algorithm>
#include <csignal>

#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";
const std::string kNoCustomer = "0b6f1c8e-6a4e-4b1a-9d5c-2f1e3a4b5c6d";
const std::string kNoVehicle = "7c2d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f";

// series ("name{labels}") -> value, for every sample line of a scrape.
using Samples = std::map<std::string, std::string>;

Samples parse_samples(const std::string& text) {
    Samples out;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        std::string line = text.substr(at, end - at);
        at = end == std::string::npos ? text.size() : end + 1;
        if (line.empty() || line[0] == '#') {
            continue;
        }
        size_t space = line.rfind(' ');
        out[line.substr(0, space)] = line.substr(space + 1);
    }
    return out;
}

long long value_of(const Samples& s, const std::string& series) {
    auto it = s.find(series);
    return it == s.end() ? -1 : std::stoll(it->second);
}

// The counters (and histogram counts) that changed between two scrapes,
// as "series +delta" lines in the scrape's order of names.
std::string changed_counters(const Samples& before, const Samples& after) {
    std::string out;
    for (const auto& [series, value] : after) {
        bool counter = series.find("_total") != std::string::npos
            || series.find("_count") != std::string::npos;
        if (!counter) {
            continue;
        }
        long long was = value_of(before, series);
        long long now = std::stoll(value);
        if (now != was) {
            out += series + " +" + std::to_string(now - was) + "\n";
        }
    }
    return out;
}

// promtool on `text`: its exit status and what it printed.
std::string promtool(const std::string& args, const std::string& input_file, int* status) {
    std::string command = "promtool " + args + " 2>&1";
    if (!input_file.empty()) {
        command += " < " + input_file;
    }
    FILE* p = popen(command.c_str(), "r");
    if (p == nullptr) {
        *status = -1;
        return "cannot run promtool";
    }
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
        out.append(buf, n);
    }
    int rc = pclose(p);
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

class MetricsTest : public ReminderTest<MetricsTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.worker_processes = 2;
        StackOptions options = reminder_stack(s);
        options.nginx.server_extra += "location = /metrics {\n    wa_report_metrics;\n}\n";
        return options;
    }

protected:
    // A scrape on its own connection, so that the two workers take turns.
    static HttpResponse scrape() {
        HttpClient client(stack().port());
        return client.get("/metrics");
    }
};

TEST_F(MetricsTest, CountsAreExactAndSummedOverWorkers) {
    std::vector<Seeded> due(3);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(SeedVehicle(http(), i + 1, add_days(kDay, i), &due[i]));
    gateway().script_recipient(due[1].to, {"status 500", "accept"});  // one retry, then sent
    gateway().script_recipient(due[2].to, {"status 400"});            // failed, 4xx
    // On the seeding's own connection: nginx counts a request in its log
    // phase, after the answer is out, so a scrape served by the other worker
    // could come before the last seeding request is counted; on the same
    // connection it is read only after that.
    HttpResponse first = http().get("/metrics");
    ASSERT_EQ(200, first.status) << describe(first);
    EXPECT_EQ("text/plain; version=0.0.4; charset=utf-8", first.header("Content-Type"));
    Samples before = parse_samples(first.body);
    time_t started = time(nullptr);

    // Each request on a connection of its own: both workers serve some.
    for (int i = 0; i < 3; ++i) {
        HttpClient client(stack().port());
        EXPECT_EQ(200, client.get(kBase + "/statistics").status);
    }
    for (int i = 0; i < 2; ++i) {
        HttpClient client(stack().port());
        EXPECT_EQ(404,
                  client.get(kBase + "/customer/" + kNoCustomer + "/vehicle/" + kNoVehicle).status);
    }
    {
        HttpClient client(stack().port());
        HttpResponse bad = client.post_json(kBase + "/record", "{}");
        EXPECT_EQ(422, bad.status) << describe(bad);
    }
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));
    EXPECT_EQ("2", json_member(dump_json(data.get()), "reminder_sent"));

    // The requests above on connections of their own are counted after their
    // answers went out, maybe after a scrape by the other worker: scrape
    // until they are all in (each scrape counts the one before it).
    int scrapes = 0;
    Samples after;
    std::string last_body;
    auto expected = [&scrapes] {
        std::string n = std::to_string(scrapes);
        return std::string() + "wa_report_gateway_request_duration_seconds_count{provider=\"starsender\"} +4\n"
                 "wa_report_http_request_duration_seconds_count{route=\"customer_vehicle\"} +2\n"
                 "wa_report_http_request_duration_seconds_count{route=\"metrics\"} +" + n + "\n"
                 "wa_report_http_request_duration_seconds_count{route=\"record\"} +1\n"
                 "wa_report_http_request_duration_seconds_count{route=\"scheduler_run_now\"} +1\n"
                 "wa_report_http_request_duration_seconds_count{route=\"statistics\"} +3\n"
                 "wa_report_http_requests_total{route=\"customer_vehicle\",code=\"4xx\"} +2\n"
                 "wa_report_http_requests_total{route=\"metrics\",code=\"2xx\"} +" + n + "\n"
                 "wa_report_http_requests_total{route=\"record\",code=\"4xx\"} +1\n"
                 "wa_report_http_requests_total{route=\"scheduler_run_now\",code=\"2xx\"} +1\n"
                 "wa_report_http_requests_total{route=\"statistics\",code=\"2xx\"} +3\n"
                 "wa_report_run_duration_seconds_count +1\n"
                 "wa_report_run_vehicles_total{decision=\"failed\",reason=\"4xx\"} +1\n"
                 "wa_report_run_vehicles_total{decision=\"sent\",reason=\"none\"} +2\n"
                 "wa_report_runs_total{trigger=\"run_now\",outcome=\"finished\"} +1\n"
                 "wa_report_send_retries_total +1\n";
    };
    poll_until(Millis(5000), [&] {
        HttpResponse second = scrape();
        scrapes++;
        last_body = second.body;
        after = parse_samples(second.body);
        return second.status == 200 && changed_counters(before, after) == expected();
    });
    EXPECT_TRUE(SameText(changed_counters(before, after), expected()))
        << changed_counters(before, after);

    EXPECT_EQ(2, value_of(after, "wa_report_redis_connected{connection=\"requests\"}"));
    EXPECT_EQ(2, value_of(after, "wa_report_redis_connected{connection=\"engine\"}"));
    EXPECT_EQ(0, value_of(after, "wa_report_sends_in_flight"));
    long long last = value_of(after, "wa_report_last_successful_run_timestamp_seconds");
    EXPECT_LE(static_cast<long long>(started), last);
    EXPECT_GE(static_cast<long long>(time(nullptr)), last);

    TempDir tmp("metrics");
    ASSERT_TRUE(write_file(tmp.file("scrape.txt"), last_body));
    int status = 0;
    std::string out = promtool("check metrics", tmp.file("scrape.txt"), &status);
    EXPECT_EQ(0, status) << out;
    EXPECT_EQ("", out) << "promtool's lint has nothing to say";
}

TEST_F(MetricsTest, ScriptErrorsAreCountedByScript) {
    // A statistics hash of the wrong type: stats.lua fails.
    ASSERT_TRUE(redis().command({"SET", "{wa}:stats", "oops"}).ok);
    Samples before = parse_samples(scrape().body);
    HttpClient client(stack().port());
    EXPECT_EQ(500, client.get(kBase + "/statistics").status);
    // Counted in the log phase, after the answer went out: a scrape by the
    // other worker may come first.
    Samples after;
    poll_until(Millis(5000), [&] {
        after = parse_samples(scrape().body);
        return value_of(after, "wa_report_http_requests_total{route=\"statistics\",code=\"5xx\"}")
            > value_of(before, "wa_report_http_requests_total{route=\"statistics\",code=\"5xx\"}");
    });
    EXPECT_EQ(value_of(before, "wa_report_redis_script_errors_total{script=\"stats\"}") + 1,
              value_of(after, "wa_report_redis_script_errors_total{script=\"stats\"}"));
    EXPECT_EQ(
        value_of(before, "wa_report_http_requests_total{route=\"statistics\",code=\"5xx\"}") + 1,
        value_of(after, "wa_report_http_requests_total{route=\"statistics\",code=\"5xx\"}"));
}

TEST_F(MetricsTest, StoreGaugesComeFromTheStatisticsHash) {
    ASSERT_TRUE(
        redis()
            .command({"HSET", "{wa}:stats", "reports", "7", "messages", "19", "failures", "3",
                      "opted_out", "2", "opt_out:error_131050", "5", "opt_in:data_api", "3"})
            .ok);
    // Each worker keeps what it read for 5 s.
    Samples s;
    bool seen = poll_until(Millis(15000), [&] {
        s = parse_samples(scrape().body);
        return value_of(s, "wa_report_store_messages") == 19;
    });
    ASSERT_TRUE(seen) << "store gauges never showed the hash";
    EXPECT_EQ(1, value_of(s, "wa_report_store_up"));
    EXPECT_EQ(7, value_of(s, "wa_report_store_reports"));
    EXPECT_EQ(3, value_of(s, "wa_report_store_failures"));
    EXPECT_EQ(2, value_of(s, "wa_report_store_opted_out_phones"));
    EXPECT_EQ(
        5,
        value_of(s, "wa_report_opt_out_changes_total{change=\"opt_out\",reason=\"error_131050\"}"));
    EXPECT_EQ(
        3, value_of(s, "wa_report_opt_out_changes_total{change=\"opt_in\",reason=\"data_api\"}"));
    EXPECT_EQ(
        0, value_of(s, "wa_report_opt_out_changes_total{change=\"opt_out\",reason=\"stop_word\"}"));
}

TEST_F(MetricsTest, RedisDownStillServesTheModulesOwnMetrics) {
    stack().redis_server().kill_now();
    HttpResponse r;
    bool down = poll_until(Millis(15000), [&] {
        r = scrape();
        Samples s = parse_samples(r.body);
        return r.status == 200 && value_of(s, "wa_report_store_up") == 0
            && value_of(s, "wa_report_redis_connected{connection=\"requests\"}") == 0;
    });
    ASSERT_TRUE(down) << describe(r);
    Samples s = parse_samples(r.body);
    EXPECT_EQ(-1, value_of(s, "wa_report_store_reports")) << "no store gauges without Redis";
    EXPECT_NE(-1, value_of(s, "wa_report_http_requests_total{route=\"list\",code=\"2xx\"}"));
}

TEST_F(MetricsTest, OnlyGetAndHead) {
    HttpClient client(stack().port());
    HttpResponse post = client.request("POST", "/metrics", "x");
    EXPECT_EQ(405, post.status);
    EXPECT_EQ("{\"detail\":\"Method Not Allowed\"}", post.body);
    EXPECT_EQ("GET, HEAD", post.header("Allow"));
    HttpResponse head = client.head("/metrics");
    EXPECT_EQ(200, head.status);
    EXPECT_EQ("", head.body);
}

// A reload keeps the zone (same module binary), so counts go on; the old
// workers give their slots back as they exit, and a worker killed outright
// is left out of the gauges.
TEST_F(MetricsTest, ReloadKeepsCountsAndGaugesFollowTheWorkers) {
    {
        HttpClient client(stack().port());
        EXPECT_EQ(200, client.get(kBase + "/statistics").status);
    }
    long long stats_before =
        value_of(parse_samples(scrape().body),
                 "wa_report_http_requests_total{route=\"statistics\",code=\"2xx\"}");
    ASSERT_LE(1, stats_before);
    std::string error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    Samples s;
    auto connected_workers = [&](long long n) {
        return poll_until(Millis(15000), [&] {
            s = parse_samples(scrape().body);
            return value_of(s, "wa_report_redis_connected{connection=\"requests\"}") == n
                && value_of(s, "wa_report_redis_connected{connection=\"engine\"}") == n;
        });
    };
    EXPECT_TRUE(connected_workers(2)) << "two workers after the reload";
    EXPECT_EQ(stats_before,
              value_of(s, "wa_report_http_requests_total{route=\"statistics\",code=\"2xx\"}"))
        << "a reload keeps the counts";

    std::vector<pid_t> workers = stack().nginx().worker_pids();
    ASSERT_EQ(2u, workers.size());
    ASSERT_EQ(0, ::kill(workers[0], SIGKILL));
    ASSERT_TRUE(poll_until(Millis(15000), [&] {
        std::vector<pid_t> now = stack().nginx().worker_pids();
        return now.size() == 2 && std::find(now.begin(), now.end(), workers[0]) == now.end();
    }));
    EXPECT_TRUE(connected_workers(2)) << "the killed worker's slot is not counted";
    // nginx's own [alert] about the killed worker is this test's doing.
    std::string problems = stack().nginx().take_log_problems();
    EXPECT_NE(std::string::npos, problems.find("exited on signal 9")) << problems;
}

// The alert rules the README shows are the file promtool checks.
TEST(MetricsAlertRules, PromtoolAcceptsThemAndTheReadmeShowsThem) {
    std::string rules = read_file("conf.d/wa-report-alerts.yml");
    ASSERT_NE("", rules) << "run from the repository's root";
    int status = 0;
    std::string out = promtool("check rules conf.d/wa-report-alerts.yml", "", &status);
    EXPECT_EQ(0, status) << out;
    EXPECT_NE(std::string::npos, read_file("README.md").find("```yaml\n" + rules + "```\n"))
        << "README's alert rules differ from conf.d/wa-report-alerts.yml";
}

}  // namespace
}  // namespace wa::itest

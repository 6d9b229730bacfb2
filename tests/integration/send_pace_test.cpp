// When and how fast reminders reach people: wa_report_send_window (a run
// pauses at the close, keeps its place in Redis, resumes at the opening; a
// run begun outside waits) and wa_report_recipient_interval (one number's
// messages go an interval apart, others go on meanwhile; a pair-rate answer
// backs off that number only). The clock is real: the zone is a fixed offset
// chosen so that the window's close falls a few seconds after the test
// starts (as tests/faults does for local midnight).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";

long long now_s() { return static_cast<long long>(std::time(nullptr)); }

// "Fixed/UTC+hh:mm:ss" for an offset in seconds, within (-12 h, +12 h].
std::string fixed_zone(long long offset) {
    char buffer[48];
    const long long a = offset < 0 ? -offset : offset;
    std::snprintf(buffer, sizeof(buffer), "Fixed/UTC%c%02lld:%02lld:%02lld", offset < 0 ? '-' : '+',
                  a / 3600, a / 60 % 60, a % 60);
    return buffer;
}

// The offset at which the instant `at` is 12:00:00 local: the window
// 11:00-12:00 closes then.
long long offset_closing_at(long long at) {
    long long offset = ((12 * 3600 - at) % 86400 + 86400) % 86400;
    return offset > 12 * 3600 ? offset - 86400 : offset;
}

std::string utc_date_time(long long unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
    return buffer;
}

ReminderSettings window_settings() {
    ReminderSettings s;
    s.rate = 2;  // one send every 500 ms: the close falls in the middle of the run
    s.concurrency = 1;
    return s;
}

class SendWindowTest : public ReminderTest<SendWindowTest> {
public:
    static StackOptions stack_options() { return reminder_stack(window_settings()); }

protected:
    // nginx reloaded with the window 11:00-12:00 in a zone where it closes
    // at close_at (unix seconds).
    static ::testing::AssertionResult ReloadClosingAt(long long close_at) {
        return Reload(offset_closing_at(close_at), "11:00-12:00");
    }

    // nginx reloaded with this zone (a fixed offset in seconds) and window.
    static ::testing::AssertionResult Reload(long long offset, const std::string& window) {
        StackOptions options = stack_options();
        options.nginx.wa_http =
            "wa_report_redis {redis};\nwa_report_key_prefix wa;\nwa_report_timezone "
            + fixed_zone(offset) + ";\n";
        options.nginx.http_extra += "wa_report_send_window " + window + ";\n";
        std::string error;
        if (!options.nginx.write(stack().prefix(), stack().port(), stack().redis_port(),
                                 module_path(), &error)
            || !stack().nginx().reload(&error)) {
            return ::testing::AssertionFailure() << error;
        }
        return ::testing::AssertionSuccess();
    }

    // Waits (bounded) until the run in Redis is paused; its paused_until.
    static std::string WaitPaused() {
        std::string until;
        poll_until(Millis(30000), [&] {
            until = redis().command({"HGET", "{wa}:run:current", "paused_until"}).str;
            return !until.empty();
        });
        return until;
    }
};

TEST_F(SendWindowTest, ARunPausesAtTheCloseAndResumesWithNothingLostOrSentTwice) {
    const int count = 30;  // 15 s of sends at 2/s
    std::vector<Seeded> s;
    ASSERT_TRUE(SeedVehicles(http(), 1, count, kDay, &s));
    const long long close_at = now_s() + 8;
    ASSERT_TRUE(ReloadClosingAt(close_at));
    ASSERT_LT(now_s() + 2, close_at) << "the reload took the window away";

    HttpResponse answer = sched(http(), "POST", "/run-now?date=" + kDay);
    // Answered at the pause, not at wa_report_run_now_timeout (10 min).
    EXPECT_EQ(202, answer.status) << answer.body;
    ASSERT_EQ(std::to_string(close_at + 23 * 3600), WaitPaused())
        << "paused until tomorrow's 11:00\n"
        << gateway().dump();
    ASSERT_TRUE(gateway().wait_idle(Millis(1000), Millis(15000)));

    // Paused: what was sent before the close is counted, the lease is free,
    // and nothing more goes out while the engine keeps ticking.
    const int sent = gateway().accepted_total();
    EXPECT_LT(0, sent) << gateway().dump();
    EXPECT_GT(count, sent) << gateway().dump();
    auto run = hgetall(redis(), "{wa}:run:current");
    EXPECT_EQ(std::to_string(sent), run["sent"]);
    EXPECT_EQ(0, redis().command({"EXISTS", "{wa}:run:lease"}).integer);
    std::this_thread::sleep_for(Millis(1500));  // a few ticks (200ms)
    EXPECT_EQ(static_cast<size_t>(sent), gateway().request_count()) << gateway().dump();
    HttpResponse status = sched(http(), "GET", "/status");
    const long long offset = offset_closing_at(close_at);
    std::string opening = utc_date_time(close_at + 23 * 3600 + offset);
    EXPECT_EQ(opening, json_member(json_member(status.body, "data"), "paused_until").substr(0, 19))
        << status.body;
    EXPECT_NE(std::string::npos, stack().nginx().error_log().find(" paused until \"" + opening))
        << "the pause is logged";

    // The opening: a zone in which now is inside the window, and the pause
    // over. A worker's tick resumes the run where it stopped.
    ASSERT_TRUE(ReloadClosingAt(now_s() + 600));
    redis().command({"HSET", "{wa}:run:current", "paused_until", std::to_string(now_s())});
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(60000), &last_run)) << gateway().dump();
    EXPECT_EQ(std::to_string(count), json_member(last_run, "total_customers")) << last_run;
    EXPECT_EQ(std::to_string(count), json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ(static_cast<size_t>(count), gateway().request_count()) << gateway().dump();
    for (const Seeded& v : s) {
        EXPECT_EQ(1, gateway().accepted_for(v.to)) << v.to;
        EXPECT_EQ(1, report_frequency(http(), v)) << v.to;
    }
    EXPECT_EQ(0, redis().command({"EXISTS", "{wa}:run:current"}).integer);
}

TEST_F(SendWindowTest, ARunBegunOutsideWaitsAndAReloadKeepsItWaiting) {
    std::vector<Seeded> s;
    ASSERT_TRUE(SeedVehicles(http(), 1, 2, kDay, &s));
    const long long close_at = now_s() - 120;  // 12:02 local: closed
    ASSERT_TRUE(ReloadClosingAt(close_at));

    HttpResponse answer = sched(http(), "POST", "/run-now?date=" + kDay);
    EXPECT_EQ(202, answer.status) << answer.body;
    ASSERT_EQ(std::to_string(close_at + 23 * 3600), WaitPaused());
    auto before = hgetall(redis(), "{wa}:run:current");
    EXPECT_EQ("0", before["sent"]);
    EXPECT_EQ(0, redis().command({"EXISTS", "{wa}:run:lease"}).integer);

    std::string error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    std::this_thread::sleep_for(Millis(1500));  // the new workers tick
    EXPECT_EQ(0u, gateway().request_count()) << gateway().dump();
    EXPECT_EQ(before, hgetall(redis(), "{wa}:run:current")) << "the pause is kept as it was";
    EXPECT_EQ(0, redis().command({"EXISTS", "{wa}:run:lease"}).integer);
    HttpResponse status = sched(http(), "GET", "/status");
    EXPECT_EQ(utc_date_time(close_at + 23 * 3600 + offset_closing_at(close_at)),
              json_member(json_member(status.body, "data"), "paused_until").substr(0, 19))
        << status.body;
}

// A window closed for one minute a day (12:00-11:59): the real clock reaches
// the close mid-run and the opening a minute later, and a worker's tick
// carries the run on by itself.
TEST_F(SendWindowTest, ARunPausedAtTheCloseCarriesOnByItselfAtTheOpening) {
    const int count = 20;  // 10 s of sends at 2/s
    std::vector<Seeded> s;
    ASSERT_TRUE(SeedVehicles(http(), 1, count, kDay, &s));
    const long long close_at = now_s() + 6;  // 11:59:00 local
    ASSERT_TRUE(Reload(offset_closing_at(close_at + 60), "12:00-11:59"));
    ASSERT_LT(now_s() + 2, close_at) << "the reload took the window away";

    HttpResponse answer = sched(http(), "POST", "/run-now?date=" + kDay);
    EXPECT_EQ(202, answer.status) << answer.body;
    ASSERT_EQ(std::to_string(close_at + 60), WaitPaused()) << gateway().dump();
    ASSERT_TRUE(gateway().wait_idle(Millis(1000), Millis(15000)));
    const size_t before = gateway().request_count();
    EXPECT_LT(0u, before) << gateway().dump();
    EXPECT_GT(static_cast<size_t>(count), before) << gateway().dump();
    std::this_thread::sleep_for(Millis(1500));
    EXPECT_EQ(before, gateway().request_count()) << "nothing goes out while paused";

    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(120000), &last_run)) << gateway().dump();
    EXPECT_LE(close_at + 60, now_s()) << "finished only after the opening";
    EXPECT_EQ(std::to_string(count), json_member(last_run, "total_customers")) << last_run;
    EXPECT_EQ(std::to_string(count), json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ(static_cast<size_t>(count), gateway().request_count()) << gateway().dump();
    for (const Seeded& v : s) {
        EXPECT_EQ(1, gateway().accepted_for(v.to)) << v.to;
        EXPECT_EQ(1, report_frequency(http(), v)) << v.to;
    }
}

TEST(SendPaceConfigTest, MistakesFailNginxT) {
    struct Case {
        std::string directive;
        std::string also;
    };
    const std::vector<Case> cases = {
        {"wa_report_send_window 07:00-07:00;", "opens and closes at the same time"},
        {"wa_report_send_window 7:00-20:00;", "invalid send window \"7:00-20:00\""},
        {"wa_report_send_window 07:00-24:00;", "invalid send window"},
        {"wa_report_send_window 07:00-20:00;\nwa_report_send_window 08:00-20:00;", "duplicate"},
        {"wa_report_recipient_interval soon;", "invalid recipient interval \"soon\""},
        {"wa_report_recipient_interval 2d;", "invalid recipient interval"},
    };
    for (const Case& c : cases) {
        ReminderSettings s;
        s.extra_http = c.directive + "\n";
        ConfigCheck check = nginx_check_config(reminder_config(s));
        EXPECT_FALSE(check.ok) << c.directive << ": nginx -t accepted it\n" << check.output;
        EXPECT_NE(std::string::npos, check.output.find(c.also)) << c.directive << "\n"
                                                                << check.output;
    }
    ReminderSettings good;
    good.extra_http = "wa_report_send_window 20:00-06:00;\nwa_report_recipient_interval 0;\n";
    ConfigCheck check = nginx_check_config(reminder_config(good));
    EXPECT_TRUE(check.ok) << check.output;
}

// ---------------------------------------------------------------- pacing

using std::chrono::duration_cast;
using std::chrono::milliseconds;

long long gap_ms(const GatewayRequest& a, const GatewayRequest& b) {
    return duration_cast<milliseconds>(b.received - a.received).count();
}

ReminderSettings pacing_settings(const std::string& provider) {
    ReminderSettings s;
    s.provider = provider;
    s.rate = 50;
    s.concurrency = 4;
    s.extra_http = "wa_report_recipient_interval 1s;\n";
    return s;
}

// One customer with `vehicles` vehicles due on kDay.
::testing::AssertionResult SeedCustomer(HttpClient& http, int n, int vehicles,
                                        std::vector<Seeded>* out) {
    Customer c = make_customer(n);
    auto ok = PutCustomer(http, c);
    if (!ok)
        return ok;
    for (int i = 0; i < vehicles; ++i) {
        Seeded s;
        s.customer = c;
        s.vehicle = make_vehicle(c.id, n * 10 + i);
        s.vehicle.last_visit_date = "2026-01-15";
        s.vehicle.next_visit_date = kDay;
        s.to = normalised(c.phone);
        ok = PutVehicle(http, s.vehicle);
        if (!ok)
            return ok;
        out->push_back(s);
    }
    return ::testing::AssertionSuccess();
}

class RecipientPacingTest : public ReminderTest<RecipientPacingTest> {
public:
    static StackOptions stack_options() { return reminder_stack(pacing_settings("starsender")); }
};

TEST_F(RecipientPacingTest, OneCustomersVehiclesGoAnIntervalApartOthersMeanwhile) {
    std::vector<Seeded> three, other;
    ASSERT_TRUE(SeedCustomer(http(), 1, 3, &three));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &other.emplace_back()));
    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data, &response));
    EXPECT_EQ(4, count_status(details_of(data.get()), "sent")) << response.body;

    std::vector<GatewayRequest> to_three = gateway().requests_to(three[0].to);
    ASSERT_EQ(3u, to_three.size()) << gateway().dump();
    for (size_t i = 1; i < to_three.size(); ++i) {
        EXPECT_GE(gap_ms(to_three[i - 1], to_three[i]), 1000)
            << "messages " << i << " and " << i + 1 << " to one number\n"
            << gateway().dump();
    }
    std::vector<GatewayRequest> to_other = gateway().requests_to(other[0].to);
    ASSERT_EQ(1u, to_other.size());
    EXPECT_LT(to_other[0].received, to_three[1].received)
        << "another customer's message does not wait behind that number\n"
        << gateway().dump();
    for (const Seeded& v : three) {
        EXPECT_EQ(1, report_frequency(http(), v)) << v.vehicle.nopol;
    }
}

class PairRateLimitTest : public ReminderTest<PairRateLimitTest> {
public:
    static StackOptions stack_options() { return reminder_stack(pacing_settings("cloud_api")); }
};

TEST_F(PairRateLimitTest, Error131056BacksOffThatNumberOnly) {
    Seeded limited, other;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &limited));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &other));
    gateway().script_recipient(limited.to, {"cloud error 131056", "accept"});
    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data, &response));
    json_t* details = details_of(data.get());
    EXPECT_EQ("sent", json_member(dump_json(detail_for(details, limited.vehicle.nopol)), "status"))
        << response.body;
    EXPECT_EQ("sent", json_member(dump_json(detail_for(details, other.vehicle.nopol)), "status"));

    std::vector<GatewayRequest> to_limited = gateway().requests_to(limited.to);
    ASSERT_EQ(2u, to_limited.size()) << gateway().dump();
    EXPECT_GE(gap_ms(to_limited[0], to_limited[1]), 2000)
        << "the interval doubled after a pair-rate answer\n"
        << gateway().dump();
    std::vector<GatewayRequest> to_other = gateway().requests_to(other.to);
    ASSERT_EQ(1u, to_other.size());
    EXPECT_LT(to_other[0].received, to_limited[1].received) << gateway().dump();
    EXPECT_EQ(1, report_frequency(http(), limited));
    EXPECT_EQ(1, report_frequency(http(), other));
}

}  // namespace
}  // namespace wa::itest

// A run handed over by `nginx -s reload`, once or more, counts what happened
// and nothing else: its totals, {wa}:stats failures and the vehicles' errors
// equal the gateway's log. A message waiting for a retry at the handover is
// neither counted nor failed by the old worker; the new one sends it.
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

size_t count_of(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

// Everything the run left behind agrees with the gateway's log: each vehicle
// sent and counted once, listed once, no failure and no error.
void ExpectEachSentOnce(HttpClient& http, RedisClient& redis, const std::vector<Seeded>& due,
                        size_t requests) {
    TestGateway& gw = shared_gateway();
    ASSERT_TRUE(gw.wait_idle(Millis(300), Millis(15000))) << gw.dump();
    EXPECT_EQ(requests, gw.request_count()) << gw.dump();
    for (const Seeded& s : due) {
        EXPECT_EQ(1, gw.accepted_for(s.to)) << s.to << "\n" << gw.dump();
        EXPECT_EQ(1, report_frequency(http, s)) << s.to;
        auto vehicle = hgetall(redis, "{wa}:vehicle:" + s.vehicle.id);
        EXPECT_EQ(0u, vehicle.count("last_error")) << s.to << ": " << vehicle["last_error"];
        EXPECT_EQ(0, redis.command({"EXISTS", "{wa}:attempt:" + s.vehicle.id}).integer) << s.to;
    }
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http, Millis(1000), &last_run));
    const std::string n = std::to_string(due.size());
    EXPECT_EQ(n, json_member(last_run, "total_customers")) << last_run;
    EXPECT_EQ(n, json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ("0", json_member(last_run, "failed")) << last_run;
    EXPECT_EQ("0", json_member(last_run, "skipped")) << last_run;
    EXPECT_EQ("0", json_member(last_run, "unknown")) << last_run;
    auto run = hgetall(redis, "{wa}:run:last");
    EXPECT_EQ(n, run["total"]);
    EXPECT_EQ(n, run["sent"]);
    EXPECT_EQ("0", run["failed"]);
    EXPECT_EQ("0", run["skipped"]);
    EXPECT_EQ("0", run["unknown"]);
    EXPECT_EQ("0", run["dry"]);
    std::vector<JsonPtr> details = last_run_details(redis);
    EXPECT_EQ(due.size(), details.size());
    for (const Seeded& s : due) {
        int listed = 0;
        for (const JsonPtr& item : details) {
            std::string text = dump_json(item.get());
            if (json_member(text, "no_pol") != s.vehicle.nopol)
                continue;
            ++listed;
            EXPECT_EQ("sent", json_member(text, "status")) << text;
        }
        EXPECT_EQ(1, listed) << s.vehicle.nopol;
    }
    EXPECT_EQ("", redis.command({"HGET", "{wa}:stats", "failures"}).str);
    EXPECT_EQ(static_cast<long long>(due.size()), total_messages_sent(http));
}

class ReloadAtOnePerSecondTest : public ReminderTest<ReloadAtOnePerSecondTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.rate = 1;
        return reminder_stack(s);
    }
};

// The example, with two reloads: 6 due vehicles at 1 message a
// second, handed over after the 2nd and the 4th send. Before, the run's
// total said 9 for 6 vehicles after a single reload.
TEST_F(ReloadAtOnePerSecondTest, TwoReloadsMidRunCountEachVehicleOnce) {
    const size_t log_start = stack().nginx().error_log().size();
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 6, jakarta_today(), &due));
    ASSERT_TRUE(MakeScheduleDue(http(), redis()));
    std::string error;
    ASSERT_TRUE(gateway().wait_for_requests(2, Millis(15000))) << gateway().dump();
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    ASSERT_TRUE(gateway().wait_for_requests(4, Millis(15000))) << gateway().dump();
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(40000), &last_run)) << gateway().dump();
    ExpectEachSentOnce(http(), redis(), due, 6);
    // Both reloads came while the run was on.
    std::string log = stack().nginx().error_log().substr(log_start);
    EXPECT_EQ(2u, count_of(log, "handed over: worker is exiting")) << log;
    EXPECT_EQ(2u, count_of(log, " (Asia/Jakarta) resumed")) << log;
    EXPECT_EQ(1u, count_of(log, " (Asia/Jakarta) started"))
        << "a resumed run is not started again\n"
        << log;
}

class ReloadDuringRetriesTest : public ReminderTest<ReloadDuringRetriesTest> {
public:
    static StackOptions stack_options() { return reminder_stack(ReminderSettings{}); }
};

// At the handover one message waits for its retry (a 503 asked for 5 s) and
// one for the gateway's pause (a 429 asked for 5 s). Before, the old worker
// failed both ("run stopped before a retry"): {wa}:stats failures 2 and
// last_error on two vehicles the new worker then sent.
TEST_F(ReloadDuringRetriesTest, MessagesWaitingAtTheHandoverAreSentByTheNextRunner) {
    const size_t log_start = stack().nginx().error_log().size();
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 3, jakarta_today(), &due));
    gateway().script_recipient(due[0].to, {"status 503 Retry-After: 5", "accept"});
    // Late enough that every first send is out before the pause.
    gateway().script_recipient(due[2].to, {"delay 200ms then status 429 Retry-After: 5", "accept"});
    ASSERT_TRUE(MakeScheduleDue(http(), redis()));
    ASSERT_TRUE(gateway().wait_for_requests(3, Millis(15000))) << gateway().dump();
    ASSERT_TRUE(gateway().wait_idle(Millis(200), Millis(5000))) << gateway().dump();
    const size_t before_reload = gateway().request_count();
    std::string error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(40000), &last_run)) << gateway().dump();
    ASSERT_EQ(3u, before_reload) << "the reload came before any retry\n" << gateway().dump();
    ExpectEachSentOnce(http(), redis(), due, 5);
    auto retried = gateway().requests_to(due[0].to);
    ASSERT_EQ(2u, retried.size()) << gateway().dump();
    EXPECT_EQ(503, retried[0].status);
    auto paused = gateway().requests_to(due[2].to);
    ASSERT_EQ(2u, paused.size()) << gateway().dump();
    EXPECT_EQ(429, paused[0].status);
    EXPECT_EQ(1, gateway().requests_for(due[1].to));
    std::string log = stack().nginx().error_log().substr(log_start);
    EXPECT_EQ(1u, count_of(log, "handed over: worker is exiting")) << log;
    EXPECT_EQ(std::string::npos, log.find("run stopped before a retry")) << log;
}

}  // namespace
}  // namespace wa::itest

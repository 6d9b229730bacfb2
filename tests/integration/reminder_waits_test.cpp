// Waits a provider's answer can ask for are capped
// (wa_report_gateway_retry_after_max): a Retry-After longer than that fails
// the message for this run, with the reason, and the run goes on; a gateway
// that never finishes its answer is cut off by the send timeout.
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";

// Answers within this are taken as proof that nothing waited on the provider
// (each waiting test would otherwise take a day).
constexpr Millis kRunNowPatience(20000);

class ReminderWaitsTest : public ReminderTest<ReminderWaitsTest> {
public:
    static StackOptions stack_options() { return reminder_stack(ReminderSettings{}); }

protected:
    // run-now on a client of its own, which gives up after kRunNowPatience.
    static ::testing::AssertionResult run(JsonPtr* data, HttpResponse* response) {
        HttpClient client(stack().port());
        client.set_timeout(kRunNowPatience);
        return RunNow(client, "?date=" + kDay, data, response);
    }
};

// The example: a 429 with Retry-After: 86400 paused every send for a
// day, and run-now never answered.
TEST_F(ReminderWaitsTest, RetryAfterOfADayFailsThatMessageAndTheRunGoesOn) {
    std::vector<Seeded> s;
    ASSERT_TRUE(SeedVehicles(http(), 1, 3, kDay, &s));
    gateway().script_recipient(s[0].to, {"status 429 Retry-After: 86400", "accept"});
    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(run(&data, &response));

    const std::string reason =
        "HTTP 429: Too Many Requests; the gateway asked to wait 86400 s, more than the 30 s "
        "allowed";
    json_t* details = details_of(data.get());
    ASSERT_EQ(3u, json_array_size(details)) << response.body;
    json_t* limited = detail_for(details, s[0].vehicle.nopol);
    EXPECT_TRUE(DetailIs(limited, {&s[0], 0, "failed", "", "HTTP 429: Too Many Requests"}));
    EXPECT_EQ(reason, json_member(dump_json(limited), "reason"));
    for (int i = 1; i < 3; ++i) {
        EXPECT_TRUE(DetailIs(detail_for(details, s[i].vehicle.nopol),
                             {&s[i], 0, "sent", "", "Pesan berhasil dikirim"}));
    }
    EXPECT_EQ(1, gateway().requests_for(s[0].to)) << gateway().dump();
    EXPECT_EQ(0, gateway().accepted_for(s[0].to));
    EXPECT_EQ(1, gateway().accepted_for(s[1].to));
    EXPECT_EQ(1, gateway().accepted_for(s[2].to));

    auto vehicle = hgetall(redis(), "{wa}:vehicle:" + s[0].vehicle.id);
    EXPECT_EQ(reason, vehicle["last_error"]);
    EXPECT_EQ("1", redis().command({"HGET", "{wa}:stats", "failures"}).str);
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(5000), &last_run));
    EXPECT_EQ("3", json_member(last_run, "total_customers")) << last_run;
    EXPECT_EQ("2", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ("1", json_member(last_run, "failed")) << last_run;
    EXPECT_EQ(0, redis().command({"EXISTS", "{wa}:run:current", "{wa}:run:lease"}).integer)
        << "the run is over: the daily schedule is free";
}

// The HTTP-date form on a server error, a day ahead.
TEST_F(ReminderWaitsTest, RetryAfterDateOfTomorrowFailsThatMessage) {
    Seeded s, other;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &other));
    gateway().script_recipient(s.to, {"status 503 Retry-After: date+86400", "accept"});
    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(run(&data, &response));
    json_t* item = detail_for(details_of(data.get()), s.vehicle.nopol);
    EXPECT_TRUE(DetailIs(item, {&s, 0, "failed", "", "HTTP 503: Service Unavailable"}));
    // The date has whole seconds, read a moment after it was written.
    std::string reason = json_member(dump_json(item), "reason");
    const std::string head = "HTTP 503: Service Unavailable; the gateway asked to wait ";
    const std::string tail = " s, more than the 30 s allowed";
    EXPECT_TRUE(reason == head + "86400" + tail || reason == head + "86399" + tail) << reason;
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), other.vehicle.nopol),
                         {&other, 0, "sent", "", "Pesan berhasil dikirim"}));
    EXPECT_EQ(1, gateway().requests_for(s.to)) << gateway().dump();
    EXPECT_EQ(reason, hgetall(redis(), "{wa}:vehicle:" + s.vehicle.id)["last_error"]);
}

// A gateway that sends its answer a byte at a time, forever: each attempt
// ends at wa_report_gateway_timeout (1s here), then the retries, then the run.
TEST_F(ReminderWaitsTest, AnAnswerThatNeverEndsIsCutOffByTheTimeout) {
    Seeded s, other;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &other));
    gateway().script_recipient(s.to, {"trickle", "trickle", "trickle", "accept"});
    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(run(&data, &response));
    json_t* item = detail_for(details_of(data.get()), s.vehicle.nopol);
    EXPECT_TRUE(DetailIs(item, {&s, 0, "failed", "", "gateway timed out"}));
    EXPECT_EQ("gateway timed out", json_member(dump_json(item), "reason"));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), other.vehicle.nopol),
                         {&other, 0, "sent", "", "Pesan berhasil dikirim"}));
    EXPECT_EQ(3, gateway().requests_for(s.to)) << "1 attempt + wa_report_gateway_retries 2\n"
                                               << gateway().dump();
    EXPECT_EQ("1", redis().command({"HGET", "{wa}:stats", "failures"}).str);
}

// ---------------------------------------------------------------- a lower cap

class ReminderWaitCapTest : public ReminderTest<ReminderWaitCapTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.extra_http = "wa_report_gateway_retry_after_max 2s;\n";
        return reminder_stack(s);
    }
};

TEST_F(ReminderWaitCapTest, WaitsUpToTheCapAreHonouredLongerOnesFail) {
    Seeded within, beyond, throttled;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &within));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &beyond));
    ASSERT_TRUE(SeedVehicle(http(), 3, kDay, &throttled));
    gateway().script_recipient(within.to, {"status 503 Retry-After: 2", "accept"});
    gateway().script_recipient(beyond.to, {"status 503 Retry-After: 3", "accept"});
    gateway().script_recipient(throttled.to, {"status 429 Retry-After: 5", "accept"});
    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data, &response));
    json_t* details = details_of(data.get());
    EXPECT_TRUE(DetailIs(detail_for(details, within.vehicle.nopol),
                         {&within, 0, "sent", "", "Pesan berhasil dikirim"}));
    json_t* item = detail_for(details, beyond.vehicle.nopol);
    EXPECT_TRUE(DetailIs(item, {&beyond, 0, "failed", "", "HTTP 503: Service Unavailable"}));
    EXPECT_EQ(
        "HTTP 503: Service Unavailable; the gateway asked to wait 3 s, more than the 2 s "
        "allowed",
        json_member(dump_json(item), "reason"));
    item = detail_for(details, throttled.vehicle.nopol);
    EXPECT_TRUE(DetailIs(item, {&throttled, 0, "failed", "", "HTTP 429: Too Many Requests"}));
    EXPECT_EQ(
        "HTTP 429: Too Many Requests; the gateway asked to wait 5 s, more than the 2 s allowed",
        json_member(dump_json(item), "reason"));
    EXPECT_EQ(2, gateway().requests_for(within.to)) << gateway().dump();
    EXPECT_EQ(1, gateway().requests_for(beyond.to)) << gateway().dump();
    EXPECT_EQ(1, gateway().requests_for(throttled.to)) << gateway().dump();
    EXPECT_EQ("2", redis().command({"HGET", "{wa}:stats", "failures"}).str);
}

}  // namespace
}  // namespace wa::itest

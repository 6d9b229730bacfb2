// Catch-up after downtime (wa_report_catch_up): a scheduled run after days
// on which no run finished also reminds the vehicles that fell due on those
// days, once; with catch-up off it does not.
//
// Missed days are made the way downtime leaves them: a real scheduled run
// finishes (and records the day it covered in {wa}:run:covered), then that
// record is moved back, as if the runs of the days since had not happened.
// One test also stops nginx over a real scheduled time: today's run is then
// missed for real, and the days before it by moving the record back (a test
// cannot wait for days).
#include <ctime>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

// The id of the last finished run ("" before the first).
std::string last_run_id(RedisClient& redis) {
    return redis.command({"HGET", "{wa}:run:last", "id"}).str;
}

// Makes the schedule due and waits for that run to finish; *last_run gets
// /status's last_run.
::testing::AssertionResult ScheduledRunFinishes(HttpClient& http, RedisClient& redis,
                                                std::string* last_run) {
    std::string before = last_run_id(redis);
    auto due = MakeScheduleDue(http, redis);
    if (!due)
        return due;
    bool finished = poll_until(Millis(30000), [&] {
        std::string id = last_run_id(redis);
        return !id.empty() && id != before;
    });
    if (!finished)
        return ::testing::AssertionFailure() << "the scheduled run did not finish";
    HttpResponse status = sched(http, "GET", "/status");
    *last_run = json_member(json_member(status.body, "data"), "last_run");
    return ::testing::AssertionSuccess();
}

struct Fleet {
    Seeded missed_3, missed_2, missed_1;  // due on the missed days (visits today-3..today-1)
    Seeded covered;                       // visit today-5: due on days a finished run covered
    Seeded today;                         // visit today+1: due today
};

::testing::AssertionResult SeedFleet(HttpClient& http, Fleet* f) {
    for (auto [n, s, days] : {std::tuple{1, &f->missed_3, -3},
                              {2, &f->missed_2, -2},
                              {3, &f->missed_1, -1},
                              {4, &f->covered, -5},
                              {5, &f->today, 1}}) {
        auto ok = SeedVehicle(http, n, jakarta_today(days), s);
        if (!ok)
            return ok;
    }
    return ::testing::AssertionSuccess();
}

class CatchUpTest : public ReminderTest<CatchUpTest> {
public:
    static StackOptions stack_options() { return reminder_stack(ReminderSettings{}); }
};

TEST_F(CatchUpTest, RunAfterMissedDaysSendsWhatWasMissedOnce) {
    Fleet f;
    ASSERT_TRUE(SeedFleet(http(), &f));

    // A first run knows of no earlier one: it covers its own day only.
    std::string last_run;
    ASSERT_TRUE(ScheduledRunFinishes(http(), redis(), &last_run));
    EXPECT_EQ("1", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ("<missing>", json_member(last_run, "catch_up")) << last_run;
    EXPECT_EQ(jakarta_today(), redis().command({"GET", "{wa}:run:covered"}).str);
    EXPECT_EQ(1, gateway().requests_for(f.today.to));

    // Downtime: the last day a run covered was four days ago.
    ASSERT_TRUE(redis().command({"SET", "{wa}:run:covered", jakarta_today(-4)}).ok);
    ASSERT_TRUE(ScheduledRunFinishes(http(), redis(), &last_run));
    EXPECT_EQ("3", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ("{\"from\":\"" + jakarta_today(-3) + "\",\"to\":\"" + jakarta_today(-1) + "\"}",
              json_member(last_run, "catch_up"))
        << last_run;
    for (const Seeded* s : {&f.missed_3, &f.missed_2, &f.missed_1}) {
        auto sent = gateway().requests_to(s->to);
        ASSERT_EQ(1u, sent.size()) << s->to << "\n" << gateway().dump();
        EXPECT_EQ("{\"messageType\":\"text\",\"to\":\"" + s->to + "\",\"body\":"
                      + json_quote(default_message(s->customer.name, s->vehicle.nopol,
                                                   s->vehicle.next_visit_date))
                      + "}",
                  sent[0].body)
            << "the message names the visit it is for";
        EXPECT_EQ(1, report_frequency(http(), *s));
    }
    EXPECT_EQ(0, gateway().requests_for(f.covered.to)) << "due only on days a run covered";
    EXPECT_EQ(1, gateway().requests_for(f.today.to)) << "reminded once for its visit";
    EXPECT_EQ(jakarta_today(), redis().command({"GET", "{wa}:run:covered"}).str);

    // The next run has nothing left to catch up.
    ASSERT_TRUE(ScheduledRunFinishes(http(), redis(), &last_run));
    EXPECT_EQ("0", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ("<missing>", json_member(last_run, "catch_up")) << last_run;

    // The same missed days once more: remind once never sends twice.
    ASSERT_TRUE(redis().command({"SET", "{wa}:run:covered", jakarta_today(-4)}).ok);
    ASSERT_TRUE(ScheduledRunFinishes(http(), redis(), &last_run));
    EXPECT_EQ("0", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ("{\"from\":\"" + jakarta_today(-3) + "\",\"to\":\"" + jakarta_today(-1) + "\"}",
              json_member(last_run, "catch_up"))
        << last_run;
    // The three missed vehicles and today's, all already reminded.
    EXPECT_EQ("4", json_member(last_run, "skipped")) << last_run;
    for (const JsonPtr& d : last_run_details(redis()))
        EXPECT_EQ("skipped", json_member(dump_json(d.get()), "status")) << dump_json(d.get());
    EXPECT_EQ(4u, gateway().request_count()) << gateway().dump();
}

// nginx is down when the scheduled time comes: the next start runs the
// missed run at once, and it catches up the days the downtime cost.
TEST_F(CatchUpTest, NginxDownOverTheScheduledTimeSendsWhatWasMissedAtTheNextStart) {
    Fleet f;
    ASSERT_TRUE(SeedFleet(http(), &f));
    ASSERT_TRUE(MakeScheduleDue(http(), redis()));
    // The schedule is on; its time is a few seconds ahead, and nginx goes
    // down before it. The last finished run covered four days ago.
    http().close();
    EXPECT_EQ("", stack().nginx().stop());
    long long at = static_cast<long long>(std::time(nullptr)) + 2;
    ASSERT_TRUE(redis().command({"HSET", "{wa}:schedule", "next_run", std::to_string(at)}).ok);
    ASSERT_TRUE(redis().command({"SET", "{wa}:run:covered", jakarta_today(-4)}).ok);
    while (static_cast<long long>(std::time(nullptr)) <= at + 1)
        std::this_thread::sleep_for(Millis(200));
    EXPECT_EQ("", last_run_id(redis())) << "no run while nginx was down";
    EXPECT_EQ(0u, gateway().request_count());

    std::string error;
    ASSERT_TRUE(stack().nginx().start(stack().prefix(), stack_options().nginx, stack().port(),
                                      stack().redis_port(), &error))
        << error;
    ASSERT_TRUE(stack().wait_ready(&error)) << error;
    ASSERT_TRUE(poll_until(Millis(30000), [&] { return !last_run_id(redis()).empty(); }))
        << "the missed run did not run at the start";
    std::string last_run =
        json_member(json_member(sched(http(), "GET", "/status").body, "data"), "last_run");
    EXPECT_EQ("4", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ("{\"from\":\"" + jakarta_today(-3) + "\",\"to\":\"" + jakarta_today(-1) + "\"}",
              json_member(last_run, "catch_up"))
        << last_run;
    for (const Seeded* s : {&f.missed_3, &f.missed_2, &f.missed_1, &f.today}) {
        EXPECT_EQ(1, gateway().requests_for(s->to)) << s->to << "\n" << gateway().dump();
        EXPECT_EQ(1, report_frequency(http(), *s));
    }
    EXPECT_EQ(0, gateway().requests_for(f.covered.to));
    EXPECT_EQ(jakarta_today(), redis().command({"GET", "{wa}:run:covered"}).str);
    // The schedule goes on from tomorrow's time, not again today.
    long long next_run = std::stoll(redis().command({"HGET", "{wa}:schedule", "next_run"}).str);
    EXPECT_GT(next_run, static_cast<long long>(std::time(nullptr)));
}

// A catch-up reaches no further back than wa_report_catch_up days.
class CatchUpTwoDaysTest : public ReminderTest<CatchUpTwoDaysTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.extra_http = "wa_report_catch_up 2;";
        return reminder_stack(s);
    }
};

TEST_F(CatchUpTwoDaysTest, ReachesBackOnlyTheConfiguredDays) {
    Fleet f;
    ASSERT_TRUE(SeedFleet(http(), &f));
    ASSERT_TRUE(redis().command({"SET", "{wa}:run:covered", jakarta_today(-10)}).ok);
    std::string last_run;
    ASSERT_TRUE(ScheduledRunFinishes(http(), redis(), &last_run));
    EXPECT_EQ("{\"from\":\"" + jakarta_today(-2) + "\",\"to\":\"" + jakarta_today(-1) + "\"}",
              json_member(last_run, "catch_up"))
        << last_run;
    EXPECT_EQ("3", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ(0, gateway().requests_for(f.missed_3.to));
    EXPECT_EQ(1, gateway().requests_for(f.missed_2.to));
    EXPECT_EQ(1, gateway().requests_for(f.missed_1.to));
    EXPECT_EQ(1, gateway().requests_for(f.today.to));
}

class CatchUpOffTest : public ReminderTest<CatchUpOffTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.extra_http = "wa_report_catch_up 0;";
        return reminder_stack(s);
    }
};

TEST_F(CatchUpOffTest, MissedDaysStayMissed) {
    Fleet f;
    ASSERT_TRUE(SeedFleet(http(), &f));
    ASSERT_TRUE(redis().command({"SET", "{wa}:run:covered", jakarta_today(-4)}).ok);
    std::string last_run;
    ASSERT_TRUE(ScheduledRunFinishes(http(), redis(), &last_run));
    EXPECT_EQ("1", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ("<missing>", json_member(last_run, "catch_up")) << last_run;
    EXPECT_EQ(1u, gateway().request_count()) << gateway().dump();
    EXPECT_EQ(1, gateway().requests_for(f.today.to));
}

// Run-now covers the day it is asked for, whatever was missed.
TEST_F(CatchUpTest, RunNowDoesNotCatchUp) {
    Fleet f;
    ASSERT_TRUE(SeedFleet(http(), &f));
    ASSERT_TRUE(redis().command({"SET", "{wa}:run:covered", jakarta_today(-4)}).ok);
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    EXPECT_EQ("1", json_member(dump_json(data.get()), "reminder_sent")) << dump_json(data.get());
    EXPECT_EQ(1u, gateway().request_count()) << gateway().dump();
}

}  // namespace
}  // namespace wa::itest

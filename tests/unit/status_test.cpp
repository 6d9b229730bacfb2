#include <gtest/gtest.h>

#include "core/status.hpp"

namespace wa {
namespace {

ScheduleState schedule(int hour, int minute, bool enabled, const char* source) {
    ScheduleState s;
    s.hour = hour;
    s.minute = minute;
    s.enabled = enabled;
    s.source = source;
    return s;
}

void expect_same(const ScheduleState& got, const ScheduleState& want) {
    EXPECT_EQ(got.hour, want.hour);
    EXPECT_EQ(got.minute, want.minute);
    EXPECT_EQ(got.enabled, want.enabled);
    EXPECT_EQ(got.source, want.source);
}

TEST(ScheduleInForce, NginxConfsUntilAWorkerHasWrittenOne) {
    ScheduleState conf = schedule(7, 0, true, schedule_source_config);
    expect_same(schedule_in_force(std::nullopt, conf), conf);
}

TEST(ScheduleInForce, RedisesOnceWrittenWithItsSource) {
    ScheduleState conf = schedule(7, 0, true, schedule_source_config);
    ScheduleState stored = schedule(21, 34, false, schedule_source_api);
    expect_same(schedule_in_force(stored, conf), stored);
    // nginx.conf's values, yet set through the API: the recorded source stands.
    ScheduleState same = schedule(7, 0, true, schedule_source_api);
    expect_same(schedule_in_force(same, conf), same);
}

TEST(ScheduleInForce, GuessesTheSourceAnEarlierVersionLeftOut) {
    ScheduleState conf = schedule(7, 0, true, schedule_source_config);
    expect_same(schedule_in_force(schedule(7, 0, true, ""), conf),
                schedule(7, 0, true, schedule_source_config));
    expect_same(schedule_in_force(schedule(7, 0, false, ""), conf),
                schedule(7, 0, false, schedule_source_api));
    expect_same(schedule_in_force(schedule(8, 0, true, ""), conf),
                schedule(8, 0, true, schedule_source_api));
}

TEST(StatusNextRun, TheStoredOneWhileItIsAhead) {
    Zone utc;
    ScheduleState s = schedule(7, 0, true, schedule_source_config);
    EXPECT_EQ(status_next_run(utc, 1000, s, 5000), 5000);
    EXPECT_EQ(status_next_run(utc, 5000, s, 5000), 5000);
}

TEST(StatusNextRun, ComputedWhenNoneIsStoredOrItHasPassed) {
    Zone utc;
    ScheduleState s = schedule(7, 30, true, schedule_source_config);
    EXPECT_EQ(status_next_run(utc, 0, s, std::nullopt), 7 * 3600 + 1800);
    // A stored next_run in the past: a run is due right now; the next is tomorrow's.
    EXPECT_EQ(status_next_run(utc, 86400 + 8 * 3600, s, 86400 + 7 * 3600 + 1800),
              2 * 86400 + 7 * 3600 + 1800);
    // An hour Redis holds out of range has no next run.
    EXPECT_EQ(status_next_run(utc, 0, schedule(99, 0, true, schedule_source_api), std::nullopt),
              -1);
}

TEST(LastRunFromFields, NoneBeforeTheFirstRun) {
    EXPECT_FALSE(last_run_from_fields({}).has_value());
}

TEST(LastRunFromFields, ReadsEveryField) {
    auto l = last_run_from_fields({{"id", "r1"},
                                   {"started_at", "2026-11-24T07:00:00"},
                                   {"finished_at", "2026-11-24T07:00:05"},
                                   {"total", "5"},
                                   {"sent", "3"},
                                   {"failed", "1"},
                                   {"skipped", "1"},
                                   {"unknown", "0"},
                                   {"dry", "2"},
                                   {"dry_run", "1"},
                                   {"customers", "4"}});
    ASSERT_TRUE(l.has_value());
    EXPECT_EQ(l->id, "r1");
    EXPECT_EQ(l->started_at, "2026-11-24T07:00:00");
    EXPECT_EQ(l->finished_at, "2026-11-24T07:00:05");
    EXPECT_EQ(l->total, 5);
    EXPECT_EQ(l->sent, 3);
    EXPECT_EQ(l->failed, 1);
    EXPECT_EQ(l->skipped, 1);
    EXPECT_EQ(l->unknown, 0);
    EXPECT_EQ(l->dry, 2);
    EXPECT_TRUE(l->dry_run);
    ASSERT_TRUE(l->customers.has_value());
    EXPECT_EQ(*l->customers, 4);
}

TEST(LastRunFromFields, AnEarlierVersionsRun) {
    // No id, no customers, no dry counter: what an earlier version recorded.
    auto l = last_run_from_fields({{"started_at", "s"}, {"total", "2"}, {"dry_run", "0"}});
    ASSERT_TRUE(l.has_value());
    EXPECT_EQ(l->id, "");
    EXPECT_EQ(l->finished_at, "");
    EXPECT_EQ(l->total, 2);
    EXPECT_EQ(l->dry, 0);
    EXPECT_FALSE(l->dry_run);
    EXPECT_FALSE(l->customers.has_value());
    EXPECT_FALSE(last_run_from_fields({{"customers", ""}})->customers.has_value());
}

TEST(LastRunFromFields, ReadsCountersAsStrtollDoesAndTheFirstOfTwins) {
    auto l = last_run_from_fields(
        {{"sent", "12abc"}, {"failed", "x"}, {"dry_run", "true"}, {"total", "1"}, {"total", "9"}});
    ASSERT_TRUE(l.has_value());
    EXPECT_EQ(l->sent, 12);
    EXPECT_EQ(l->failed, 0);
    EXPECT_FALSE(l->dry_run);
    EXPECT_EQ(l->total, 1);
}

}  // namespace
}  // namespace wa

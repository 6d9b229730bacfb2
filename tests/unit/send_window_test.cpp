#include <gtest/gtest.h>

#include "core/send_window.hpp"

namespace wa {
namespace {

Zone zone(const std::string& name) {
    Zone z;
    EXPECT_TRUE(z.load(name)) << name;
    return z;
}

TEST(SendWindow, ParsesAndPrints) {
    auto w = SendWindow::parse("07:00-20:30");
    ASSERT_TRUE(w);
    EXPECT_EQ(420, w->open_minute());
    EXPECT_EQ(1230, w->close_minute());
    EXPECT_EQ("07:00-20:30", w->text());
    auto night = SendWindow::parse("20:00-06:00");
    ASSERT_TRUE(night);
    EXPECT_EQ("20:00-06:00", night->text());
    ASSERT_TRUE(SendWindow::parse("00:00-23:59"));
}

TEST(SendWindow, RefusesMalformedTextAndEqualEnds) {
    std::string error;
    for (const char* bad :
         {"", "7:00-20:00", "07:00-2000", "07:00 20:00", "24:00-06:00", "07:60-08:00",
          "07:00-20:00x", "aa:bb-cc:dd", "-7:00-20:00", "07:00-20:00-21:00"}) {
        EXPECT_FALSE(SendWindow::parse(bad, &error)) << bad;
        EXPECT_NE("", error) << bad;
    }
    EXPECT_FALSE(SendWindow::parse("08:00-08:00", &error));
    EXPECT_EQ("opens and closes at the same time", error);
}

TEST(SendWindow, OpenIsInsideCloseIsOutside) {
    auto w = *SendWindow::parse("07:00-20:00");
    EXPECT_FALSE(w.contains_second(7 * 3600 - 1));
    EXPECT_TRUE(w.contains_second(7 * 3600));
    EXPECT_TRUE(w.contains_second(20 * 3600 - 1));
    EXPECT_FALSE(w.contains_second(20 * 3600));
    EXPECT_FALSE(w.contains_second(0));
}

TEST(SendWindow, AWindowCrossingMidnight) {
    auto w = *SendWindow::parse("20:00-06:00");
    EXPECT_TRUE(w.contains_second(20 * 3600));
    EXPECT_TRUE(w.contains_second(86399));
    EXPECT_TRUE(w.contains_second(0));
    EXPECT_TRUE(w.contains_second(6 * 3600 - 1));
    EXPECT_FALSE(w.contains_second(6 * 3600));
    EXPECT_FALSE(w.contains_second(12 * 3600));
}

// 2026-12-01T00:00:00Z; Jakarta is UTC+7 all year.
constexpr int64_t kMidnightUtc = 1796083200;

TEST(SendWindow, InAZoneAndTheNextOpening) {
    Zone jakarta = zone("Asia/Jakarta");
    auto w = *SendWindow::parse("07:00-20:00");
    int64_t open = kMidnightUtc;  // 07:00 in Jakarta
    EXPECT_EQ(25200, local_second_of_day(jakarta, open));
    EXPECT_TRUE(w.contains(jakarta, open));
    EXPECT_FALSE(w.contains(jakarta, open - 1));
    EXPECT_EQ(open, w.next_opening(jakarta, open)) << "exactly at the opening: now";
    EXPECT_EQ(open, w.next_opening(jakarta, open - 3600));
    EXPECT_EQ(open + 86400, w.next_opening(jakarta, open + 1));
    EXPECT_EQ(open + 13 * 3600, w.next_close(jakarta, open));
    EXPECT_EQ(open + 13 * 3600, w.next_close(jakarta, open + 13 * 3600 - 1));
    EXPECT_EQ(open + 37 * 3600, w.next_close(jakarta, open + 13 * 3600)) << "strictly after";
}

TEST(SendWindow, CrossingMidnightOpensTheSameEveningAndClosesNextMorning) {
    Zone utc = zone("UTC");
    auto w = *SendWindow::parse("20:00-06:00");
    int64_t noon = kMidnightUtc + 12 * 3600;
    EXPECT_EQ(kMidnightUtc + 20 * 3600, w.next_opening(utc, noon));
    EXPECT_EQ(kMidnightUtc + 30 * 3600, w.next_close(utc, kMidnightUtc + 21 * 3600));
    EXPECT_EQ(kMidnightUtc + 6 * 3600, w.next_close(utc, kMidnightUtc + 3600));
}

TEST(SendWindow, FixedOffsetZones) {
    Zone plus = zone("Etc/GMT-14");  // UTC+14
    auto w = *SendWindow::parse("09:00-17:00");
    int64_t nine = kMidnightUtc - 5 * 3600;  // 09:00 at UTC+14
    EXPECT_TRUE(w.contains(plus, nine));
    EXPECT_EQ(nine, w.next_opening(plus, nine - 1));
}

// A zone with summer time: the opening skipped by the spring transition
// opens at the transition, and the days around it are 23 and 25 hours long.
TEST(SendWindow, ADaylightSavingZone) {
    Zone berlin = zone("Europe/Berlin");
    auto w = *SendWindow::parse("02:30-04:00");
    // 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z.
    int64_t transition = 1774746000;
    EXPECT_EQ(transition, w.next_opening(berlin, transition - 7200));
    auto day = *SendWindow::parse("08:00-18:00");
    // 2026-03-29T08:00+02:00 = 06:00Z.
    EXPECT_EQ(transition + 5 * 3600, day.next_opening(berlin, transition - 7200));
}

}  // namespace
}  // namespace wa

namespace wa {
namespace {

TEST(SendWindow, StatusGainsPausedUntilLast) {
    EXPECT_EQ(R"({"running":true,"paused_until":"2026-12-01T07:00:00+07:00"})",
              with_paused_until(R"({"running":true})", "2026-12-01T07:00:00+07:00"));
    EXPECT_EQ("", with_paused_until("", "x"));
}

}  // namespace
}  // namespace wa

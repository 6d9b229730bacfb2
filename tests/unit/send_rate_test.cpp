#include <gtest/gtest.h>

#include "core/send_rate.hpp"

namespace wa {
namespace {

constexpr int64_t kStart = 1000000;

TEST(SendRate, UnlimitedNeverWaits) {
    SendRate rate(0, kStart);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(rate.take(kStart), 0);
    }
}

TEST(SendRate, TheFirstSendGoesAtOnce) {
    SendRate rate(1, kStart);
    EXPECT_EQ(rate.take(kStart), 0);
}

// At low rates the bucket holds one token: sends are spaced evenly, never a
// burst after a quiet while.
TEST(SendRate, LowRatesSpaceSendsEvenly) {
    SendRate rate(20, kStart);  // one every 50 ms
    EXPECT_EQ(rate.take(kStart), 0);
    EXPECT_EQ(rate.take(kStart), 50);
    EXPECT_EQ(rate.take(kStart + 20), 30);
    EXPECT_EQ(rate.take(kStart + 50), 0);
    EXPECT_EQ(rate.take(kStart + 50), 50);
    // A long quiet while fills the bucket with one token, not more.
    EXPECT_EQ(rate.take(kStart + 60000), 0);
    EXPECT_EQ(rate.take(kStart + 60000), 50);
}

TEST(SendRate, OneASecond) {
    SendRate rate(1, kStart);
    EXPECT_EQ(rate.take(kStart), 0);
    EXPECT_EQ(rate.take(kStart + 500), 500);
    EXPECT_EQ(rate.take(kStart + 1000), 0);
    EXPECT_EQ(rate.take(kStart + 1000), 1000);
}

// At high rates the bucket holds 10 ms worth: a timer that fires a
// millisecond late does not lower the rate.
TEST(SendRate, HighRatesHoldTenMillisecondsWorth) {
    SendRate rate(2000, kStart);  // 2 a millisecond
    EXPECT_EQ(rate.take(kStart), 0);
    EXPECT_EQ(rate.take(kStart), 1);  // less than one token left: wait at least 1 ms
    int sent = 0;
    while (rate.take(kStart + 100) == 0) {
        ++sent;
    }
    EXPECT_EQ(sent, 20);
    // Over a second, 2000 sends whatever the timer's granularity.
    int total = 0;
    for (int64_t t = kStart + 100; t <= kStart + 1100; t += 5) {
        while (rate.take(t) == 0) {
            ++total;
        }
    }
    EXPECT_EQ(total, 2000);
}

TEST(SendRate, NeverWaitsLessThanAMillisecond) {
    SendRate rate(3000, kStart);
    for (int i = 0; i < 100; ++i) {
        int64_t wait = rate.take(kStart);
        EXPECT_TRUE(wait == 0 || wait >= 1) << wait;
    }
}

TEST(SendRate, APauseHoldsEverySendUntilItEnds) {
    SendRate rate(0, kStart);
    rate.pause(kStart + 3000);
    EXPECT_EQ(rate.take(kStart), 3000);
    EXPECT_EQ(rate.take(kStart + 2999), 1);
    rate.pause(kStart + 1000);  // an earlier end changes nothing
    EXPECT_EQ(rate.take(kStart + 2000), 1000);
    rate.pause(kStart + 5000);  // a later one extends it
    EXPECT_EQ(rate.take(kStart + 3000), 2000);
    EXPECT_EQ(rate.take(kStart + 5000), 0);
}

TEST(SendRate, APauseComesBeforeTheTokens) {
    SendRate rate(1, kStart);
    rate.pause(kStart + 10);
    EXPECT_EQ(rate.take(kStart), 10);  // no token taken while paused
    EXPECT_EQ(rate.take(kStart + 10), 0);
    EXPECT_EQ(rate.take(kStart + 10), 1000);
}

}  // namespace
}  // namespace wa

#include <gtest/gtest.h>

#include "core/pacing.hpp"

namespace wa {
namespace {

constexpr int64_t kStart = 1000000;
const std::string kA = "6281100000001";
const std::string kB = "6281100000002";

TEST(RecipientPacing, AFirstMessageGoesAtOnce) {
    RecipientPacing p(6000, 30000);
    EXPECT_EQ(0, p.wait_ms(kA, kStart));
}

TEST(RecipientPacing, OneNumberWaitsTheIntervalFromTheAnswer) {
    RecipientPacing p(6000, 30000);
    p.start(kA);
    EXPECT_EQ(RecipientPacing::in_flight, p.wait_ms(kA, kStart + 100));
    EXPECT_EQ(0, p.wait_ms(kB, kStart + 100)) << "other numbers are not held";
    p.end(kA, kStart + 200, true);
    EXPECT_EQ(6000, p.wait_ms(kA, kStart + 200));
    EXPECT_EQ(1, p.wait_ms(kA, kStart + 6199));
    EXPECT_EQ(0, p.wait_ms(kA, kStart + 6200));
}

TEST(RecipientPacing, AnAttemptThatDidNotReachTheNumberDoesNotCount) {
    RecipientPacing p(6000, 30000);
    p.start(kA);
    p.end(kA, kStart, false);
    EXPECT_EQ(0, p.wait_ms(kA, kStart));
    EXPECT_EQ(0u, p.size());
}

TEST(RecipientPacing, ZeroIntervalNeverWaitsButHoldsInFlight) {
    RecipientPacing p(0, 30000);
    p.start(kA);
    EXPECT_EQ(RecipientPacing::in_flight, p.wait_ms(kA, kStart));
    p.end(kA, kStart, true);
    EXPECT_EQ(0, p.wait_ms(kA, kStart));
}

TEST(RecipientPacing, PairRateAnswersDoubleTheWaitUpToTheCap) {
    RecipientPacing p(6000, 30000);
    p.start(kA);
    EXPECT_EQ(12000, p.pair_limited(kA, kStart));
    p.end(kA, kStart, false);
    EXPECT_EQ(12000, p.wait_ms(kA, kStart));
    EXPECT_EQ(0, p.wait_ms(kB, kStart)) << "only that number backs off";
    p.start(kA);
    EXPECT_EQ(24000, p.pair_limited(kA, kStart + 12000));
    p.end(kA, kStart + 12000, false);
    p.start(kA);
    EXPECT_EQ(30000, p.pair_limited(kA, kStart + 36000));
    p.end(kA, kStart + 36000, false);
    EXPECT_EQ(30000, p.wait_ms(kA, kStart + 36000));
    // Reached at last: the strikes are over, the plain interval again.
    p.start(kA);
    p.end(kA, kStart + 66000, true);
    p.start(kA);
    EXPECT_EQ(12000, p.pair_limited(kA, kStart + 80000));
}

TEST(RecipientPacing, ACapBelowTheIntervalIsTheCap) {
    RecipientPacing p(6000, 2000);
    EXPECT_EQ(2000, p.pair_limited(kA, kStart));
    RecipientPacing none(6000, 0);
    EXPECT_EQ(1, none.pair_limited(kA, kStart));
}

TEST(RecipientPacing, NumbersNoLongerWaitedOnAreForgotten) {
    RecipientPacing p(1000, 30000);
    for (int i = 0; i < 100; ++i) {
        std::string to = "62811" + std::to_string(10000 + i);
        p.start(to);
        p.end(to, kStart + i, true);
    }
    EXPECT_EQ(100u, p.size());
    // Each later call forgets a few of those whose interval is over.
    for (int i = 0; i < 30; ++i) {
        p.start(kB);
        p.end(kB, kStart + 5000 + i, false);
    }
    EXPECT_EQ(0u, p.size()) << "kB never reached: nothing to keep";
}

}  // namespace
}  // namespace wa

#include <gtest/gtest.h>

#include <limits>

#include "core/retry.hpp"

namespace wa {
namespace {

constexpr int64_t kNow = 1795515921;  // Tue, 24 Nov 2026 10:25:21 GMT

SendResult answer(Outcome outcome, std::string detail, int64_t retry_after_ms = -1) {
    SendResult r;
    r.outcome = outcome;
    r.detail = std::move(detail);
    r.retry_after_ms = retry_after_ms;
    return r;
}

RetryPolicy policy(int retries = 3, int64_t wait_max_ms = 30000) {
    RetryPolicy p;
    p.retries = retries;
    p.wait_max_ms = wait_max_ms;
    return p;
}

TEST(DecideAfterSend, FinalAnswers) {
    RetryDecision d =
        decide_after_send(answer(Outcome::accepted, "Pesan berhasil dikirim"), 0, policy(), 7);
    EXPECT_EQ(d.step, NextStep::record);
    EXPECT_EQ(d.reason, "");

    d = decide_after_send(answer(Outcome::failed, "Device offline", 86400000), 0, policy(), 7);
    EXPECT_EQ(d.step, NextStep::fail);
    EXPECT_EQ(d.reason, "Device offline");
    EXPECT_EQ(d.delay_ms, 0);

    d = decide_after_send(answer(Outcome::opted_out, "code 131050: Unable to deliver"), 0, policy(),
                          7);
    EXPECT_EQ(d.step, NextStep::opt_out);
    EXPECT_EQ(d.reason, "code 131050: Unable to deliver");
}

// The issue's example: a 429 with Retry-After: 86400 paused every send for a
// day. Past the cap the message fails for this run, with the reason.
TEST(DecideAfterSend, RetryAfterBeyondTheCapFailsTheMessage) {
    SendResult r =
        parse_starsender(429, R"({"success":false,"message":"Too Many Requests"})", "86400", "");
    ASSERT_EQ(r.retry_after_ms, 86400000);
    RetryDecision d = decide_after_send(r, 0, policy(), 7);
    EXPECT_EQ(d.step, NextStep::fail);
    EXPECT_EQ(d.reason,
              "HTTP 429: Too Many Requests; the gateway asked to wait 86400 s, more than the 30 s "
              "allowed");
    EXPECT_FALSE(d.pause_all);

    // The HTTP-date form, a day ahead.
    r = answer(Outcome::rate_limited, "HTTP 429",
               parse_retry_after("Wed, 25 Nov 2026 10:25:21 GMT", kNow));
    d = decide_after_send(r, 0, policy(), 7);
    EXPECT_EQ(d.step, NextStep::fail);
    EXPECT_EQ(d.reason, "HTTP 429; the gateway asked to wait 86400 s, more than the 30 s allowed");

    // Cloud API throttling, account-wide and per recipient, and a 5xx.
    for (Outcome o : {Outcome::rate_limited, Outcome::recipient_rate_limited, Outcome::retry}) {
        d = decide_after_send(answer(o, "code 130429: Rate limit hit", 31000), 1, policy(), 7);
        EXPECT_EQ(d.step, NextStep::fail) << outcome_name(o);
        EXPECT_EQ(d.reason,
                  "code 130429: Rate limit hit; the gateway asked to wait 31 s, more than the 30 s "
                  "allowed");
    }

    // Saturated values and odd caps.
    d = decide_after_send(answer(Outcome::retry, "HTTP 503", int64_t{1000000000000} * 1000), 0,
                          policy(3, 1500), 7);
    EXPECT_EQ(d.reason,
              "HTTP 503; the gateway asked to wait 1000000000000 s, more than the 1.5 s allowed");
    d = decide_after_send(answer(Outcome::retry, "HTTP 503", 1), 0, policy(3, 0), 7);
    EXPECT_EQ(d.reason, "HTTP 503; the gateway asked to wait 0.001 s, more than the 0 s allowed");
}

TEST(DecideAfterSend, RetryAfterWithinTheCapIsHonoured) {
    RetryDecision d =
        decide_after_send(answer(Outcome::rate_limited, "HTTP 429", 30000), 0, policy(), 7);
    EXPECT_EQ(d.step, NextStep::retry);
    EXPECT_EQ(d.delay_ms, 30000);
    EXPECT_TRUE(d.pause_all) << "account-wide throttling holds every send";

    d = decide_after_send(answer(Outcome::recipient_rate_limited, "code 131056", 6000), 2, policy(),
                          7);
    EXPECT_EQ(d.step, NextStep::retry);
    EXPECT_EQ(d.delay_ms, 6000);
    EXPECT_FALSE(d.pause_all) << "only that recipient waits";

    d = decide_after_send(answer(Outcome::retry, "HTTP 503", 0), 0, policy(), 7);
    EXPECT_EQ(d.step, NextStep::retry);
    EXPECT_EQ(d.delay_ms, 1) << "Retry-After: 0 still leaves the loop once";
    EXPECT_FALSE(d.pause_all);
}

TEST(DecideAfterSend, BackoffWithoutRetryAfterIsBoundedByBothCaps) {
    // Exponential with full jitter: attempt 0 waits 1..500 ms, then 1..1000, ...
    RetryDecision d =
        decide_after_send(answer(Outcome::retry, "gateway timed out"), 0, policy(), 499);
    EXPECT_EQ(d.step, NextStep::retry);
    EXPECT_EQ(d.delay_ms, 500);
    d = decide_after_send(answer(Outcome::retry, "HTTP 500"), 2, policy(), 1999);
    EXPECT_EQ(d.delay_ms, 2000);

    // Growth stops at the backoff cap of 30 s, and at a lower wait maximum.
    RetryPolicy many = policy(20);
    uint64_t big = std::numeric_limits<uint64_t>::max();
    for (int attempt = 0; attempt < 20; attempt++) {
        d = decide_after_send(answer(Outcome::rate_limited, "code 130429"), attempt, many, big);
        EXPECT_GE(d.delay_ms, 1);
        EXPECT_LE(d.delay_ms, 30000) << attempt;
        EXPECT_TRUE(d.pause_all);
    }
    d = decide_after_send(answer(Outcome::retry, "HTTP 500"), 10, policy(20), 29999);
    EXPECT_EQ(d.delay_ms, 30000);
    d = decide_after_send(answer(Outcome::retry, "HTTP 500"), 10, policy(20, 2000), 1999);
    EXPECT_EQ(d.delay_ms, 2000);
    d = decide_after_send(answer(Outcome::retry, "HTTP 500"), 10, policy(20, 0), 1999);
    EXPECT_EQ(d.delay_ms, 1) << "wait maximum 0: retries come at once";
}

TEST(DecideAfterSend, RetriesAreBounded) {
    RetryDecision d = decide_after_send(answer(Outcome::retry, "HTTP 500", 1000), 2, policy(3), 7);
    EXPECT_EQ(d.step, NextStep::retry);
    d = decide_after_send(answer(Outcome::retry, "HTTP 500", 1000), 3, policy(3), 7);
    EXPECT_EQ(d.step, NextStep::fail);
    EXPECT_EQ(d.reason, "HTTP 500");
    d = decide_after_send(answer(Outcome::rate_limited, "HTTP 429", 86400000), 3, policy(3), 7);
    EXPECT_EQ(d.step, NextStep::fail);
    EXPECT_EQ(d.reason, "HTTP 429") << "out of retries: the wait does not matter";
    d = decide_after_send(answer(Outcome::retry, "gateway timed out"), 0, policy(0), 7);
    EXPECT_EQ(d.step, NextStep::fail);
    EXPECT_EQ(d.reason, "gateway timed out");
}

}  // namespace
}  // namespace wa

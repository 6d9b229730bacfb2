// What the reminder engine does after each answer of a provider: count it,
// send again after a wait, or give the message up for this run. The waits
// are bounded by the policy, never by the provider alone.
#pragma once

#include <cstdint>
#include <string>

#include "gateway.hpp"

namespace wa {

struct RetryPolicy {
    int retries = 3;                 // attempts after the first, >= 0
    int64_t backoff_base_ms = 500;   // the first backoff's ceiling
    int64_t backoff_cap_ms = 30000;  // backoff never grows past this
    // The longest wait an answer may ask for (Retry-After, as seconds or as
    // an HTTP-date); it also bounds the backoff. 0: never wait on an answer.
    int64_t wait_max_ms = 30000;
};

enum class NextStep {
    record,   // accepted: count it
    retry,    // send it again after delay_ms
    fail,     // give it up for this run
    opt_out,  // give it up; the customer stopped these messages
};

struct RetryDecision {
    NextStep step = NextStep::fail;
    // retry: 1..max(1, wait_max_ms) ms before the next attempt.
    int64_t delay_ms = 0;
    // retry: the provider throttles the whole account (rate_limited), so no
    // send may start before the delay is over.
    bool pause_all = false;
    // fail, opt_out: the error kept on the vehicle and the run detail's
    // reason. The provider's detail, and why the engine gave up when that
    // was its decision, not the provider's.
    std::string reason;
};

// attempt: 0 for the first send of the message, 1 for the first retry, ...
//   accepted -> record; opted_out -> opt_out; failed -> fail.
//   retry, rate_limited, recipient_rate_limited -> fail once `retries`
//   retries were made; fail when the answer asks for a wait (retry_after_ms)
//   longer than wait_max_ms, with the reason "<detail>; the gateway asked to
//   wait <n> s, more than the <m> s allowed"; else retry after retry_after_ms
//   when given, or after backoff_ms(attempt, random, base,
//   min(backoff_cap_ms, wait_max_ms)).
RetryDecision decide_after_send(const SendResult& result, int attempt, const RetryPolicy& policy,
                                uint64_t random);

}  // namespace wa

#include "retry.hpp"

#include <algorithm>

namespace wa {

namespace {

// "30 s", "1.5 s", "0.25 s": waits in the unit people read Retry-After in.
std::string seconds_text(int64_t ms) {
    std::string out = std::to_string(ms / 1000);
    int64_t frac = ms % 1000;
    if (frac != 0) {
        std::string digits = std::to_string(1000 + frac).substr(1);
        while (digits.back() == '0') {
            digits.pop_back();
        }
        out += "." + digits;
    }
    return out + " s";
}

RetryDecision give_up(NextStep step, std::string reason) {
    RetryDecision d;
    d.step = step;
    d.reason = std::move(reason);
    return d;
}

}  // namespace

RetryDecision decide_after_send(const SendResult& result, int attempt, const RetryPolicy& policy,
                                uint64_t random) {
    switch (result.outcome) {
    case Outcome::accepted: return give_up(NextStep::record, std::string());
    case Outcome::opted_out: return give_up(NextStep::opt_out, result.detail);
    case Outcome::failed: return give_up(NextStep::fail, result.detail);
    case Outcome::retry:
    case Outcome::rate_limited:
    case Outcome::recipient_rate_limited: break;
    }

    if (attempt >= policy.retries) {
        return give_up(NextStep::fail, result.detail);
    }
    int64_t wait_max = std::max<int64_t>(policy.wait_max_ms, 0);
    if (result.retry_after_ms > wait_max) {
        return give_up(NextStep::fail,
                       result.detail + "; the gateway asked to wait "
                           + seconds_text(result.retry_after_ms) + ", more than the "
                           + seconds_text(wait_max) + " allowed");
    }

    RetryDecision d;
    d.step = NextStep::retry;
    d.delay_ms = result.retry_after_ms >= 0 ? result.retry_after_ms
                                            : backoff_ms(attempt, random, policy.backoff_base_ms,
                                                         std::min(policy.backoff_cap_ms, wait_max));
    d.delay_ms = std::max<int64_t>(d.delay_ms, 1);
    d.pause_all = result.outcome == Outcome::rate_limited;
    return d;
}

}  // namespace wa

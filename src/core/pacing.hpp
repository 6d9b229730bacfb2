// wa_report_recipient_interval: never two messages to one number closer than
// the interval (WhatsApp's pair rate limit: one message every 6 s from a
// business to the same user), and the wait after the provider said the pair
// rate was hit (Cloud API error 131056). A run has one runner (the lease), so
// the state is the runner's own, kept for the run. Time is passed in, in ms
// on a clock that does not go back (ngx_current_msec).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

namespace wa {

class RecipientPacing {
public:
    // interval_ms: the least time from the provider's answer to one message
    // to the start of the next to the same number; 0: no pacing.
    // backoff_cap_ms: the longest wait a pair-rate answer causes (>= 0).
    RecipientPacing(int64_t interval_ms, int64_t backoff_cap_ms);

    // in_flight: another message to this number holds it; its end frees it
    // (no time to wait for).
    static constexpr int64_t in_flight = -1;

    // 0: a message to `to` may start now; > 0: ms to wait; in_flight.
    // Changes nothing.
    int64_t wait_ms(const std::string& to, int64_t now_ms) const;

    // A message to `to` starts: the number is held until end().
    void start(const std::string& to);

    // The message to `to` ended or went back to wait (its slot given back).
    // reached: the provider took it, so the next waits the interval from now
    // (a refused or failed attempt did not reach the number).
    void end(const std::string& to, int64_t now_ms, bool reached);

    // The provider answered that the pair rate was hit: the next message to
    // `to` waits interval x 2^n (n = such answers in a row for `to`, from 1),
    // at most backoff_cap_ms, at least 1 ms. Returns that wait in ms.
    int64_t pair_limited(const std::string& to, int64_t now_ms);

    // Numbers remembered (for the tests: entries no longer needed go).
    size_t size() const { return numbers_.size(); }

private:
    struct Number {
        int64_t next_ms = 0;  // nothing to it before this
        int strikes = 0;      // pair-rate answers in a row
        bool held = false;
    };

    // Forgets numbers nothing waits on any more, oldest first, a few a call.
    void prune(int64_t now_ms);

    int64_t interval_;
    int64_t cap_;
    std::unordered_map<std::string, Number> numbers_;
    std::deque<std::pair<int64_t, std::string>> expiry_;  // (next_ms, number), as set
};

}  // namespace wa

// How fast a run starts sends: wa_report_gateway_rate as a token bucket,
// and the pauses a provider asks for. Time is passed in, in milliseconds on
// a clock that does not go back (nginx's ngx_current_msec), so the rule is
// tested without a clock.
#pragma once

#include <cstdint>

namespace wa {

class SendRate {
public:
    // per_second: messages a second, 0 for no limit. now_ms: the time the
    // bucket starts at; it starts with one token, so the first send goes at
    // once.
    SendRate(uint64_t per_second, int64_t now_ms);

    // 0: a send may start now (its token is taken). Otherwise how many ms to
    // wait (>= 1) before asking again: the pause still to run (see pause),
    // or until the next token. Sends are spaced evenly, as the providers
    // count them; the bucket holds at most 10 ms worth of tokens (one at low
    // rates), enough for high rates not to be capped by a timer's
    // millisecond resolution, never a burst a provider would refuse.
    int64_t take(int64_t now_ms);

    // No send starts before until_ms (a provider throttles the whole
    // account); a later pause extends it, an earlier one changes nothing.
    void pause(int64_t until_ms);

private:
    double per_ms_;
    double tokens_ = 1;
    int64_t refilled_at_;
    int64_t paused_until_ = 0;
};

}  // namespace wa

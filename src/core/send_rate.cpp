#include "send_rate.hpp"

#include <algorithm>
#include <cmath>

namespace wa {

SendRate::SendRate(uint64_t per_second, int64_t now_ms)
    : per_ms_(static_cast<double>(per_second) / 1000.0), refilled_at_(now_ms) {}

int64_t SendRate::take(int64_t now_ms) {
    if (paused_until_ > now_ms) {
        return paused_until_ - now_ms;
    }
    if (per_ms_ == 0) {
        return 0;
    }
    double cap = std::max(1.0, per_ms_ * 10);
    tokens_ = std::min(cap, tokens_ + static_cast<double>(now_ms - refilled_at_) * per_ms_);
    refilled_at_ = now_ms;
    if (tokens_ >= 1) {
        tokens_ -= 1;
        return 0;
    }
    auto wait = static_cast<int64_t>(std::ceil((1 - tokens_) / per_ms_));
    return std::max<int64_t>(wait, 1);
}

void SendRate::pause(int64_t until_ms) { paused_until_ = std::max(paused_until_, until_ms); }

}  // namespace wa

#include "pacing.hpp"

#include <algorithm>

namespace wa {

namespace {

// Pruning is spread over calls, so no call walks the whole run's numbers.
constexpr int prune_per_call = 4;

}  // namespace

RecipientPacing::RecipientPacing(int64_t interval_ms, int64_t backoff_cap_ms)
    : interval_(std::max<int64_t>(interval_ms, 0)), cap_(std::max<int64_t>(backoff_cap_ms, 0)) {}

int64_t RecipientPacing::wait_ms(const std::string& to, int64_t now_ms) const {
    auto it = numbers_.find(to);
    if (it == numbers_.end()) {
        return 0;
    }
    if (it->second.held) {
        return in_flight;
    }
    return std::max<int64_t>(it->second.next_ms - now_ms, 0);
}

void RecipientPacing::start(const std::string& to) { numbers_[to].held = true; }

void RecipientPacing::end(const std::string& to, int64_t now_ms, bool reached) {
    prune(now_ms);
    auto it = numbers_.find(to);
    if (it == numbers_.end()) {
        return;
    }
    Number& n = it->second;
    n.held = false;
    if (reached) {
        n.strikes = 0;
        n.next_ms = std::max(n.next_ms, now_ms + interval_);
    }
    if (n.next_ms <= now_ms && n.strikes == 0) {
        numbers_.erase(it);
        return;
    }
    expiry_.emplace_back(n.next_ms, to);
}

int64_t RecipientPacing::pair_limited(const std::string& to, int64_t now_ms) {
    Number& n = numbers_[to];
    n.strikes = std::min(n.strikes + 1, 40);
    int64_t wait = std::max<int64_t>(interval_, 1);
    for (int i = 0; i < n.strikes && wait < cap_; i++) {
        wait *= 2;
    }
    wait = std::max<int64_t>(std::min(wait, cap_), 1);
    n.next_ms = std::max(n.next_ms, now_ms + wait);
    return wait;
}

void RecipientPacing::prune(int64_t now_ms) {
    for (int i = 0; i < prune_per_call && !expiry_.empty(); i++) {
        auto& [at, to] = expiry_.front();
        if (at > now_ms) {
            return;
        }
        auto it = numbers_.find(to);
        // A number set again later has a later entry of its own; a held one
        // or one with a strike is still needed.
        if (it != numbers_.end() && !it->second.held && it->second.strikes == 0
            && it->second.next_ms <= now_ms) {
            numbers_.erase(it);
        }
        expiry_.pop_front();
    }
}

}  // namespace wa

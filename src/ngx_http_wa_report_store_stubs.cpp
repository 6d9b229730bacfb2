// Temporary stand-ins for the Store's "hearing back" calls, replaced when the
// delivery and suppression stores land (this file is then deleted). Each
// makes one real round trip (PING), so a webhook meets Redis being down or
// slow exactly as it will with the real scripts, and answers ok with zeros.

#include "ngx_http_wa_report_store_impl.hpp"

namespace wa {

namespace {

bool decode_no_statuses(const redisReply*, StatusesApplied& out) {
    out = StatusesApplied{};
    return true;
}

bool decode_unchanged(const redisReply*, bool& out) {
    out = false;
    return true;
}

}  // namespace

StoreCall* Store::apply_statuses(const std::vector<DeliveryStatus>&, const std::string&,
                                 StoreFn<StatusesApplied> fn, void* data) {
    return command<StatusesApplied, decode_no_statuses>({"PING"}, fn, data);
}

StoreCall* Store::opt_out_set(const std::string&, bool, const std::string&, const std::string&,
                              StoreFn<bool> fn, void* data) {
    return command<bool, decode_unchanged>({"PING"}, fn, data);
}

}  // namespace wa

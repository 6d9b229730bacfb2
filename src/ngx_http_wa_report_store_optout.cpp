// The Store's calls for suppression (opt-out): KEYS and ARGV in the order of
// lua-compat/opt_out.lua and opt_out_check.lua, and the decoders of their
// replies.

#include "ngx_http_wa_report_store_impl.hpp"

namespace wa {

namespace {

using namespace store_detail;

bool decode_changed(const redisReply* reply, bool& out) {
    if (reply->type != REDIS_REPLY_INTEGER) {
        return false;
    }
    out = reply->integer == 1;
    return true;
}

bool decode_flags(const redisReply* reply, std::vector<bool>& out) {
    if (reply->type != REDIS_REPLY_ARRAY) {
        return false;
    }
    out.clear();
    out.reserve(reply->elements);
    for (size_t i = 0; i < reply->elements; i++) {
        out.push_back(integer(reply->element[i]) == 1);
    }
    return true;
}

// HMGET opted_out_at, reason: nullopt when the phone is not suppressed.
bool decode_opt_out(const redisReply* reply, std::optional<OptOut>& out) {
    if (!is_array(reply, 2)) {
        return false;
    }
    if (reply->element[0]->type != REDIS_REPLY_NIL) {
        out = OptOut{text(reply->element[0]), text(reply->element[1])};
    }
    return true;
}

}  // namespace

StoreCall* Store::opt_out_set(const std::string& phone, bool opted_out, const std::string& reason,
                              const std::string& now, StoreFn<bool> fn, void* data) {
    return script<bool, decode_changed>(Script::opt_out, {keys_.optout(phone), keys_.stats()},
                                        {opted_out ? "1" : "0", reason, now}, fn, data);
}

StoreCall* Store::opted_out_phones(const std::vector<std::string>& phones,
                                   StoreFn<std::vector<bool>> fn, void* data) {
    std::vector<std::string> keys;
    keys.reserve(phones.size());
    for (const std::string& phone : phones) {
        keys.push_back(keys_.optout(phone));
    }
    return script<std::vector<bool>, decode_flags>(Script::opt_out_check, keys, {}, fn, data);
}

StoreCall* Store::opt_out_get(const std::string& phone, StoreFn<std::optional<OptOut>> fn,
                              void* data) {
    return command<std::optional<OptOut>, decode_opt_out>(
        {"HMGET", keys_.optout(phone), "opted_out_at", "reason"}, fn, data);
}

}  // namespace wa

// The Store's private parts, shared by its two implementation files
// (ngx_http_wa_report_store.cpp: the endpoints' calls;
// ngx_http_wa_report_store_run.cpp: the reminder engine's): how a reply is
// read, and the call machinery every typed call goes through.
#pragma once

#include "ngx_http_wa_report_store.hpp"

#include "ngx_http_wa_report_redis.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace wa {

namespace store_detail {

inline std::string text(const redisReply* e) {
    switch (e->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR: return std::string(e->str, e->len);
    case REDIS_REPLY_INTEGER: return std::to_string(e->integer);
    default: return std::string();
    }
}

inline std::optional<std::string> optional_text(const redisReply* e) {
    if (e->type == REDIS_REPLY_NIL) {
        return std::nullopt;
    }
    return text(e);
}

inline int64_t integer(const redisReply* e) {
    if (e->type == REDIS_REPLY_INTEGER) {
        return e->integer;
    }
    if (e->type == REDIS_REPLY_STRING) {
        return std::strtoll(e->str, nullptr, 10);
    }
    return 0;
}

inline bool is_array(const redisReply* r, size_t min_elements) {
    return r->type == REDIS_REPLY_ARRAY && r->elements >= min_elements;
}

// Redis states that pass by themselves: the caller answers 503.
inline bool transient(const redisReply* reply) {
    static const char* const states[] = {"LOADING",  "BUSY",        "OOM",
                                         "READONLY", "MASTERDOWN",  "TRYAGAIN",
                                         "NOAUTH",   "CLUSTERDOWN", "MISCONF"};
    for (const char* s : states) {
        if (std::strncmp(reply->str, s, std::strlen(s)) == 0) {
            return true;
        }
    }
    return false;
}

// The 13 fields of a due_batch.lua or customer_due.lua row, from e[0].
DueRow due_row_at(redisReply* const* e);

}  // namespace store_detail

// ---- the call machinery ----------------------------------------------------------

// Runs for every call exactly once: with the reply, or with nullptr when the
// connection went away (also when the worker exits). Frees the handle on
// every path, also when decoding or the caller's function threw (logged).
template <class T, Store::Decoder<T> decode>
void Store::on_reply(redisReply* reply, void* data) noexcept {
    auto* sc = static_cast<StoreCall*>(data);
    if (sc->data_ != nullptr) {
        guard(ngx_cycle->log, [&] {
            Answer<T> answer;
            if (reply == nullptr) {
                answer.error = StoreError::unavailable;
            } else if (reply->type == REDIS_REPLY_ERROR) {
                answer.error =
                    store_detail::transient(reply) ? StoreError::transient : StoreError::failed;
                answer.reason = sc->redis_->error_text(reply);
            } else if (!decode(reply, answer.value)) {
                answer.error = StoreError::failed;
                answer.reason = "unexpected reply of type " + std::to_string(reply->type);
            }
            reinterpret_cast<StoreFn<T>>(sc->done_)(answer, sc->data_);
        });
    }
    delete sc;
}

template <class T>
StoreCall* Store::track(Call* call, StoreCall* sc) {
    if (call == nullptr) {
        delete sc;  // never sent: Redis calls nothing back
        return nullptr;
    }
    return sc;
}

template <class T>
StoreCall* Store::new_call(StoreFn<T> fn, void* data) {
    auto* sc = new (std::nothrow) StoreCall();
    if (sc != nullptr) {
        sc->done_ = reinterpret_cast<void (*)()>(fn);
        sc->data_ = data;
        sc->redis_ = &redis_;
    }
    return sc;
}

template <class T, Store::Decoder<T> decode>
StoreCall* Store::command(const std::vector<std::string>& argv, StoreFn<T> fn, void* data) {
    StoreCall* sc = new_call(fn, data);
    return sc == nullptr ? nullptr : track<T>(redis_.command(argv, on_reply<T, decode>, sc), sc);
}

template <class T, Store::Decoder<T> decode>
StoreCall* Store::script(Script s, const std::vector<std::string>& keys,
                         const std::vector<std::string>& args, StoreFn<T> fn, void* data) {
    StoreCall* sc = new_call(fn, data);
    return sc == nullptr ? nullptr
                         : track<T>(redis_.script(s, keys, args, on_reply<T, decode>, sc), sc);
}

}  // namespace wa

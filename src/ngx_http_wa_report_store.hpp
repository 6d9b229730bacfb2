// The Store: every Redis call the module makes, one typed function per Lua
// script or plain command. It is the only place that knows a script's KEYS
// and ARGV order and the shape of its reply: callers pass plain values and
// get back named structs (core's Report, Stats, ...), never a redisReply.
//
// A call is asynchronous: it returns a StoreCall handle at once (nullptr
// when Redis is down: the caller answers 503 at once) and later calls the
// caller's function with an Answer, on the worker's event loop. cancel()
// detaches the caller (a client that went away): the answer then lands
// nowhere. The handle is owned by the Store and freed after the answer.
#pragma once

#include "ngx_http_wa_report_redis.hpp"

#include "core/keys.hpp"
#include "core/report.hpp"
#include "core/rows.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wa {

// Why a call has no value.
enum class StoreError {
    none,
    unavailable,  // no answer: connection lost, timed out, Redis down (503)
    transient,    // Redis refused for now: LOADING, BUSY, OOM, READONLY, ... (503)
    failed,       // a script error or an answer of the wrong shape (500, logged)
};

template <class T>
struct Answer {
    StoreError error = StoreError::none;
    std::string reason;  // Redis's error text (escaped when logged), for failed/transient
    T value{};

    bool ok() const { return error == StoreError::none; }
};

template <class T>
using StoreFn = void (*)(const Answer<T>& answer, void* data);

// A call in flight; cancel() before the answer arrives detaches the caller.
class StoreCall {
public:
    void cancel() { data_ = nullptr; }

private:
    friend class Store;
    void (*done_)() = nullptr;  // the caller's StoreFn<T>, type-erased
    void* data_ = nullptr;
};

class Store {
public:
    Store(Redis& redis, const Keys& keys) : redis_(redis), keys_(keys) {}

    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    bool available() const { return redis_.available(); }
    const Keys& keys() const { return keys_; }

    // ---- the report API ----------------------------------------------------

    // stats.lua: the statistics.
    StoreCall* stats(StoreFn<Stats> fn, void* data);

    // HMGET of one report; nullopt when there is none.
    StoreCall* report(const std::string& customer, const std::string& vehicle,
                      StoreFn<std::optional<Report>> fn, void* data);

    // record.lua: counts one accepted message for a customer's vehicle,
    // once per message_id (remembered for mark_ttl seconds). `reminder`
    // (nullptr for POST /record) also marks the visit reminded, clears the
    // vehicle's attempt and logs the delivery. new_id is used only when the
    // report is created.
    StoreCall* record(const std::string& customer, const std::string& vehicle,
                      const std::string& message_id, const std::string& new_id,
                      const std::string& now, int64_t mark_ttl, const ReminderCount* reminder,
                      StoreFn<RecordOutcome> fn, void* data);

    // ---- the reminder engine ------------------------------------------------

private:
    template <class T>
    using Decoder = bool (*)(const redisReply* reply, T& out);

    template <class T, Decoder<T> decode>
    static void on_reply(redisReply* reply, void* data);

    template <class T, Decoder<T> decode>
    StoreCall* command(const std::vector<std::string>& argv, StoreFn<T> fn, void* data);

    template <class T, Decoder<T> decode>
    StoreCall* script(Script s, const std::vector<std::string>& keys,
                      const std::vector<std::string>& args, StoreFn<T> fn, void* data);

    template <class T>
    StoreCall* track(Call* call, StoreCall* sc);

    Redis& redis_;
    const Keys& keys_;
};

}  // namespace wa

// The Store's calls for delivery records: statuses applied in one pipelined
// pass, the settle that follows a counted send, and the reads of a
// vehicle's messages and of the delivery counters. KEYS and ARGV in the
// order of lua-compat/status_apply.lua, message_history.lua and
// delivery_stats.lua.

#include "ngx_http_wa_report_store_impl.hpp"

namespace wa {

namespace {

using namespace store_detail;

// How long a status for a message no counted send has is kept: a send is
// counted within seconds of the provider's accept, the rest is insurance
// for a Redis that was briefly unreachable.
constexpr int64_t pending_ttl = 7 * 86400;

// status_apply.lua's KEYS for a provider message id.
std::vector<std::string> status_keys(const Keys& k, const std::string& id) {
    return {k.message_record(id), k.message_reports(id), k.message_pending(id), k.stats_delivery()};
}

// message_history.lua's rows of 8 fields, from e[0].
MessageRecord message_at(redisReply* const* e) {
    MessageRecord m;
    m.message_id = text(e[0]);
    m.provider = text(e[1]);
    m.sent_at = text(e[2]);
    m.status = text(e[3]);
    m.status_at = integer(e[4]);
    m.error_code = text(e[5]);
    m.error_title = text(e[6]);
    m.pricing_category = text(e[7]);
    return m;
}

constexpr size_t history_width = 8;

bool decode_history(const redisReply* reply, MessageHistory& out) {
    if (!is_array(reply, 1) || (reply->elements - 1) % history_width != 0) {
        return false;
    }
    out.report_exists = integer(reply->element[0]) != 0;
    for (size_t i = 1; i + history_width <= reply->elements; i += history_width) {
        out.messages.push_back(message_at(reply->element + i));
    }
    return true;
}

bool decode_last_message(const redisReply* reply, std::optional<MessageRecord>& out) {
    MessageHistory h;
    if (!decode_history(reply, h)) {
        return false;
    }
    if (!h.messages.empty()) {
        out = std::move(h.messages.front());
    }
    return true;
}

bool decode_delivery_stats(const redisReply* reply, DeliveryStats& out) {
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements % 2 != 0) {
        return false;
    }
    std::vector<std::pair<std::string, std::string>> fields;
    for (size_t i = 0; i + 1 < reply->elements; i += 2) {
        fields.emplace_back(text(reply->element[i]), text(reply->element[i + 1]));
    }
    out = delivery_stats_from_fields(fields);
    return true;
}

// One status_apply.lua answer into the batch's sums; false: not one of its
// four words.
bool count_outcome(const redisReply* reply, StatusesApplied& sum) {
    if (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS) {
        return false;
    }
    std::string word = text(reply);
    if (word == "applied") {
        sum.applied++;
    } else if (word == "duplicate") {
        sum.duplicate++;
    } else if (word == "stale") {
        sum.stale++;
    } else if (word == "pending") {
        sum.pending++;
    } else {
        return false;
    }
    return true;
}

}  // namespace

// A batch's scripts share the connection with every request of the worker,
// and Redis answers one connection's commands in order: all 1,000 statuses of
// one of Meta's largest webhooks written at once put a report GET behind all
// of them (measured: its p99 went from 1 ms to 500 ms under 1,000-status
// POSTs). A window keeps the pipeline full (one round trip per window, not
// per status) while a request waits behind at most this many per batch.
constexpr size_t status_window = 64;

struct Store::Batch {
    StoreCall* sc = nullptr;
    Store* store = nullptr;
    std::vector<DeliveryStatus> statuses;
    std::string now;
    size_t next = 0;       // the first status not yet sent
    size_t in_flight = 0;  // replies still to come
    bool counts = true;    // false: an empty batch's PING, nothing to count
    bool lost = false;     // the connection is gone: no status more is sent
    Answer<StatusesApplied> answer;
};

bool Store::send_status(Batch& batch) {
    const DeliveryStatus& st = batch.statuses[batch.next];
    Call* call = redis_.script(Script::status_apply, status_keys(keys_, st.message_id),
                               {keys_.tag(), "status", delivery_state_name(st.state),
                                std::to_string(st.timestamp), st.error_code, st.error_title,
                                st.pricing_category, std::to_string(pending_ttl), batch.now},
                               on_batch_reply, &batch);
    if (call == nullptr) {
        return false;
    }
    batch.next++;
    batch.in_flight++;
    return true;
}

void Store::on_batch_reply(redisReply* reply, void* data) noexcept {
    auto* batch = static_cast<Batch*>(data);
    Answer<StatusesApplied>& answer = batch->answer;
    batch->in_flight--;
    if (answer.ok()) {
        if (reply == nullptr) {
            answer.error = StoreError::unavailable;
        } else if (reply->type == REDIS_REPLY_ERROR) {
            answer.error = transient(reply) ? StoreError::transient : StoreError::failed;
            answer.reason = batch->sc->redis_->error_text(reply);
        } else if (batch->counts && !count_outcome(reply, answer.value)) {
            answer.error = StoreError::failed;
            answer.reason = "unexpected reply of type " + std::to_string(reply->type);
        }
    }
    // A status Redis refused is that status' error (the answer is the first
    // one, and the provider retries the whole webhook; each script is
    // idempotent): the rest still go, or one bad status would hold back
    // every status after it, at every retry. Only a lost connection stops.
    if (reply == nullptr) {
        batch->lost = true;
    }
    if (!batch->lost && batch->next < batch->statuses.size()
        && !batch->store->send_status(*batch)) {
        batch->lost = true;
        if (answer.ok()) {
            answer.error = StoreError::unavailable;
        }
    }
    if (batch->in_flight > 0) {
        return;
    }
    StoreCall* sc = batch->sc;
    if (sc->data_ != nullptr) {
        guard(ngx_cycle->log,
              [&] { reinterpret_cast<StoreFn<StatusesApplied>>(sc->done_)(answer, sc->data_); });
    }
    delete sc;
    delete batch;
}

StoreCall* Store::apply_statuses(const std::vector<DeliveryStatus>& statuses,
                                 const std::string& now, StoreFn<StatusesApplied> fn, void* data) {
    StoreCall* sc = new_call(fn, data);
    auto* batch = new (std::nothrow) Batch();
    if (sc == nullptr || batch == nullptr) {
        delete sc;
        delete batch;
        return nullptr;
    }
    batch->sc = sc;
    batch->store = this;
    if (statuses.empty()) {
        // Still answered from the event loop, like every call.
        batch->counts = false;
        batch->in_flight = 1;
        if (redis_.command({"PING"}, on_batch_reply, batch) == nullptr) {
            delete sc;
            delete batch;
            return nullptr;
        }
        return sc;
    }
    batch->statuses = statuses;
    batch->now = now;
    // hiredis reads replies only from the event loop, never while a command
    // is written, so no reply arrives inside this loop.
    while (batch->in_flight < status_window && batch->next < batch->statuses.size()) {
        if (!send_status(*batch)) {
            break;
        }
    }
    if (batch->in_flight == 0) {
        delete sc;
        delete batch;
        return nullptr;
    }
    if (batch->next < batch->statuses.size() && batch->in_flight < status_window) {
        // The connection refused one mid-way: the answer is that error.
        batch->lost = true;
        batch->answer.error = StoreError::unavailable;
    }
    return sc;
}

StoreCall* Store::vehicle_last_message(const std::string& customer, const std::string& vehicle,
                                       StoreFn<std::optional<MessageRecord>> fn, void* data) {
    return script<std::optional<MessageRecord>, decode_last_message>(
        Script::message_history,
        {keys_.report(customer, vehicle), keys_.report_messages(customer, vehicle)},
        {keys_.tag(), "1"}, fn, data);
}

StoreCall* Store::message_history(const std::string& customer, const std::string& vehicle,
                                  int64_t limit, StoreFn<MessageHistory> fn, void* data) {
    return script<MessageHistory, decode_history>(
        Script::message_history,
        {keys_.report(customer, vehicle), keys_.report_messages(customer, vehicle)},
        {keys_.tag(), std::to_string(limit)}, fn, data);
}

StoreCall* Store::delivery_stats(std::optional<Date> from, std::optional<Date> to,
                                 StoreFn<DeliveryStats> fn, void* data) {
    std::vector<std::string> keys;
    if (from && to) {
        for (int64_t d = days_from_civil(*from); d <= days_from_civil(*to); d++) {
            keys.push_back(keys_.stats_delivery_day(format_date(civil_from_days(d))));
        }
    } else {
        keys.push_back(keys_.stats_delivery());
    }
    return script<DeliveryStats, decode_delivery_stats>(Script::delivery_stats, keys, {}, fn, data);
}

}  // namespace wa

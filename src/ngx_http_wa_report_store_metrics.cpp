// The Store's call for the metrics endpoint: the statistics hash's counters,
// read with one command (no script: nothing is written).

#include "ngx_http_wa_report_store_impl.hpp"

#include "core/metrics.hpp"

namespace wa {

namespace {

using namespace store_detail;

bool decode_store_gauges(const redisReply* reply, metrics::StoreGauges& out) {
    if (!is_array(reply, 3)) {
        return false;
    }
    out.reports = integer(reply->element[0]);
    out.messages = integer(reply->element[1]);
    out.failures = integer(reply->element[2]);
    return true;
}

}  // namespace

StoreCall* Store::store_gauges(StoreFn<metrics::StoreGauges> fn, void* data) {
    return command<metrics::StoreGauges, decode_store_gauges>(
        {"HMGET", keys_.stats(), "reports", "messages", "failures"}, fn, data);
}

}  // namespace wa

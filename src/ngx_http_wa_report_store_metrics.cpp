// The Store's call for the metrics endpoint: the statistics hash's counters,
// read with one command (no script: nothing is written).

#include "ngx_http_wa_report_store_impl.hpp"

#include "core/metrics.hpp"
#include "core/optout.hpp"

namespace wa {

namespace {

using namespace store_detail;

constexpr size_t kGaugeFields = 4 + 2 * kOptReasonCount;

bool decode_store_gauges(const redisReply* reply, metrics::StoreGauges& out) {
    if (!is_array(reply, kGaugeFields)) {
        return false;
    }
    out.reports = integer(reply->element[0]);
    out.messages = integer(reply->element[1]);
    out.failures = integer(reply->element[2]);
    out.opted_out = integer(reply->element[3]);
    for (size_t c = 0; c < 2; c++) {
        for (size_t r = 0; r < kOptReasonCount; r++) {
            out.opt_changes[c][r] = integer(reply->element[4 + c * kOptReasonCount + r]);
        }
    }
    return true;
}

}  // namespace

StoreCall* Store::store_gauges(StoreFn<metrics::StoreGauges> fn, void* data) {
    std::vector<std::string> argv = {"HMGET",    keys_.stats(), "reports",
                                     "messages", "failures",    "opted_out"};
    for (const char* change : {"opt_out:", "opt_in:"}) {
        for (std::string_view reason : kOptReasons) {
            argv.push_back(change + std::string(reason));
        }
    }
    return command<metrics::StoreGauges, decode_store_gauges>(argv, fn, data);
}

}  // namespace wa

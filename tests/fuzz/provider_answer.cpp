// A provider's answer (StarSender, Cloud API, Fonnte): status, Retry-After, body and
// the configured secret all come from outside. Whatever they are, the result
// never holds the secret, its detail is one short line, and a message id is
// one /record would take.
#include <string>

#include "core/escape.hpp"
#include "core/gateway.hpp"
#include "core/input.hpp"
#include "core/keys.hpp"
#include "fuzz.hpp"

namespace {

void check(const wa::SendResult& result, std::string_view secret) {
    FUZZ_CHECK(!fuzz::holds_secret(result.detail, secret));
    FUZZ_CHECK(!fuzz::holds_secret(result.message_id, secret));
    FUZZ_CHECK(result.detail.size() <= 203);  // 200 bytes and "..."
    FUZZ_CHECK(result.message_id.size() <= wa::kMaxMessageIdBytes);
    for (unsigned char c : result.detail)
        FUZZ_CHECK(c >= 0x20 && c != 0x7f);
    // The id is what POST /record takes as a message_id (it counts the send).
    if (!result.message_id.empty()) {
        std::string record = R"({"id_customer":"3fa85f64-5717-4562-b3fc-2c963f66afa6",)"
                             R"("id_vehicle":"3fa85f64-5717-4562-b3fc-2c963f66afa7","message_id":)"
            + fuzz::json_string(result.message_id) + "}";
        FUZZ_CHECK(wa::parse_record(record).value.has_value());
    }
    FUZZ_CHECK(result.retry_after_ms >= -1);
    FUZZ_CHECK(wa::outcome_name(result.outcome) != nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2)
        return 0;
    // Statuses that mean something to the parsers, and some that do not.
    static const long statuses[] = {200, 201, 202, 204, 400, 401, 403, 404,
                                    429, 500, 502, 503, 599, 0,   99,  999};
    long status = statuses[data[0] % 16];
    bool cloud = data[1] & 1;
    bool fonnte = !cloud && (data[1] & 2);
    fuzz::Fields in(data + 2, size - 2);
    std::string_view secret = in.next();
    std::string_view retry_after = in.next();
    std::string_view body = in.rest();

    wa::SendResult result = cloud ? wa::parse_cloud_api(status, body, retry_after, secret)
        : fonnte                  ? wa::parse_fonnte(status, body, retry_after, secret)
                                  : wa::parse_starsender(status, body, retry_after, secret);
    check(result, secret);
    check(wa::transport_failure(cloud, body, secret), secret);
    FUZZ_CHECK(wa::parse_retry_after(retry_after, 1800000000) >= -1);
    return 0;
}

// A Fonnte notification body (after a good token): never a crash, and what
// is kept is as bounded as a Cloud API body's (see webhook_cloud_api.cpp).
#include "core/webhook.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    wa::WebhookParse p = wa::parse_fonnte_webhook(body);
    FUZZ_CHECK(!p.ok || p.batch.statuses.size() + p.batch.messages.size() + p.batch.ignored == 1);
    for (const wa::DeliveryStatus& s : p.batch.statuses)
        FUZZ_CHECK(s.provider == "fonnte" && !s.message_id.empty()
                   && s.message_id.size() <= wa::kWebhookMaxIdBytes);
    for (const wa::InboundMessage& m : p.batch.messages)
        FUZZ_CHECK(m.provider == "fonnte" && m.text.size() <= wa::kWebhookMaxTextBytes);
    return 0;
}

// A Cloud API notification body (after a good signature, so any bytes Meta
// or a key holder could send): whatever it is, the parser never crashes,
// and everything it keeps is within the limits that make it safe to store
// (ids short printable ASCII: they become Redis keys) and to count.
#include "core/webhook.hpp"
#include "fuzz.hpp"

namespace {

bool printable_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c <= 0x20 || c >= 0x7f)
            return false;
    return true;
}

void check_batch(const wa::WebhookParse& p) {
    if (!p.ok) {
        FUZZ_CHECK(!p.error.empty());
        FUZZ_CHECK(p.batch.statuses.empty() && p.batch.messages.empty());
        return;
    }
    const wa::WebhookBatch& b = p.batch;
    FUZZ_CHECK(b.statuses.size() + b.messages.size() + b.preferences.size() + b.ignored
               <= wa::kWebhookMaxItems);
    for (const wa::DeliveryStatus& s : b.statuses) {
        FUZZ_CHECK(!s.message_id.empty() && s.message_id.size() <= wa::kWebhookMaxIdBytes);
        FUZZ_CHECK(printable_ascii(s.message_id));
        FUZZ_CHECK(s.recipient_id.size() <= wa::kWebhookMaxPhoneBytes);
        FUZZ_CHECK(s.error_title.size() <= wa::kWebhookMaxTitleBytes);
        FUZZ_CHECK(s.timestamp >= 0);
        FUZZ_CHECK(s.provider == "cloud_api" || s.provider == "fonnte");
    }
    for (const wa::InboundMessage& m : b.messages) {
        FUZZ_CHECK(!m.text.empty() && m.text.size() <= wa::kWebhookMaxTextBytes);
        FUZZ_CHECK(!m.from.empty() && m.from.size() <= wa::kWebhookMaxPhoneBytes);
    }
    for (const wa::OptOutChange& c : wa::opt_out_changes(b)) {
        FUZZ_CHECK(!c.phone.empty());
        for (char ch : c.phone)
            FUZZ_CHECK(ch >= '0' && ch <= '9');
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    check_batch(wa::parse_cloud_api_webhook(body));
    return 0;
}

#include "webhook.hpp"

#include "optout.hpp"

#include "phone.hpp"
#include "routes.hpp"

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstring>
#include <map>
#include <memory>
#include <optional>

namespace wa {

namespace {

struct JsonDeleter {
    void operator()(json_t* j) const { json_decref(j); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

constexpr std::string_view signature_prefix = "sha256=";

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// The header's digest, or false when it is not "sha256=" and 64 hex digits.
bool header_digest(std::string_view header, unsigned char (&out)[SHA256_DIGEST_LENGTH]) {
    if (header.substr(0, signature_prefix.size()) != signature_prefix
        || header.size() != signature_prefix.size() + 2 * SHA256_DIGEST_LENGTH) {
        return false;
    }
    std::string_view hex = header.substr(signature_prefix.size());
    for (size_t i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        int hi = hex_value(hex[2 * i]);
        int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    return true;
}

bool body_digest(std::string_view body, std::string_view secret,
                 unsigned char (&out)[SHA256_DIGEST_LENGTH]) {
    unsigned int len = 0;
    const unsigned char* data = reinterpret_cast<const unsigned char*>(body.data());
    static const unsigned char empty = 0;
    return HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                body.empty() ? &empty : data, body.size(), out, &len)
        != nullptr
        && len == SHA256_DIGEST_LENGTH;
}

void sha256(std::string_view s, unsigned char (&out)[SHA256_DIGEST_LENGTH]) {
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), out);
}

bool challenge_ok(std::string_view c) {
    if (c.empty() || c.size() > kWebhookMaxChallengeBytes) {
        return false;
    }
    for (char ch : c) {
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
            || ch == '.' || ch == '_' || ch == '~' || ch == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// ---- reading values ---------------------------------------------------------------

std::string_view text_of(const json_t* v) {
    if (!json_is_string(v)) {
        return {};
    }
    return {json_string_value(v), json_string_length(v)};
}

std::string_view member_text(const json_t* obj, const char* key) {
    return text_of(json_object_get(obj, key));
}

bool printable_ascii(std::string_view s) {
    for (unsigned char c : s) {
        if (c <= 0x20 || c >= 0x7f) {
            return false;
        }
    }
    return true;
}

bool valid_id(std::string_view id) {
    return !id.empty() && id.size() <= kWebhookMaxIdBytes && printable_ascii(id);
}

bool valid_phone(std::string_view p) {
    return !p.empty() && p.size() <= kWebhookMaxPhoneBytes && printable_ascii(p);
}

// At most `max` bytes of UTF-8 `s`, not splitting a character.
std::string cut_bytes(std::string_view s, size_t max) {
    if (s.size() <= max) {
        return std::string(s);
    }
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) {
        end--;
    }
    return std::string(s.substr(0, end));
}

// A string of decimal seconds ("1603059201") or a non-negative integer;
// anything else 0.
int64_t timestamp_of(const json_t* v) {
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        return n > 0 ? static_cast<int64_t>(n) : 0;
    }
    std::string_view s = text_of(v);
    if (s.empty() || s.size() > 12) {
        return 0;
    }
    int64_t n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return 0;
        }
        n = n * 10 + (c - '0');
    }
    return n;
}

// An id Fonnte may write as a number or a string.
std::string id_text(const json_t* v) {
    if (json_is_integer(v)) {
        return std::to_string(json_integer_value(v));
    }
    return std::string(text_of(v));
}

bool state_of(std::string_view s, DeliveryState& out) {
    if (s == "sent") {
        out = DeliveryState::sent;
    } else if (s == "delivered") {
        out = DeliveryState::delivered;
    } else if (s == "read") {
        out = DeliveryState::read;
    } else if (s == "failed") {
        out = DeliveryState::failed;
    } else {
        return false;
    }
    return true;
}

JsonPtr load(std::string_view body, std::string& error) {
    json_error_t e;
    JsonPtr root(json_loadb(body.data(), body.size(), 0, &e));
    if (!root) {
        error = std::string("not JSON: ") + e.text;
        return nullptr;
    }
    if (!json_is_object(root.get())) {
        error = "not a JSON object";
        return nullptr;
    }
    return root;
}

// ---- Cloud API ----------------------------------------------------------------------

void cloud_status(const json_t* s, WebhookBatch& batch) {
    DeliveryStatus st;
    st.provider = "cloud_api";
    st.message_id = std::string(member_text(s, "id"));
    st.recipient_id = std::string(member_text(s, "recipient_id"));
    if (!json_is_object(s) || !valid_id(st.message_id)
        || !state_of(member_text(s, "status"), st.state)
        || (!st.recipient_id.empty() && !valid_phone(st.recipient_id))) {
        batch.ignored++;
        return;
    }
    st.timestamp = timestamp_of(json_object_get(s, "timestamp"));
    st.pricing_category =
        cut_bytes(member_text(json_object_get(s, "pricing"), "category"), kWebhookMaxIdBytes);
    if (st.state == DeliveryState::failed) {
        const json_t* first = json_array_get(json_object_get(s, "errors"), 0);
        const json_t* code = json_object_get(first, "code");
        st.error_code = json_is_integer(code) ? std::to_string(json_integer_value(code))
                                              : cut_bytes(text_of(code), 16);
        st.error_title = cut_bytes(member_text(first, "title"), kWebhookMaxTitleBytes);
    }
    batch.statuses.push_back(std::move(st));
}

void cloud_message(const json_t* m, WebhookBatch& batch) {
    InboundMessage in;
    in.provider = "cloud_api";
    in.from = std::string(member_text(m, "from"));
    std::string_view type = member_text(m, "type");
    std::string_view text;
    if (type == "text") {
        text = member_text(json_object_get(m, "text"), "body");
    } else if (type == "button") {
        text = member_text(json_object_get(m, "button"), "text");
    }
    if (!valid_phone(in.from) || text.empty()) {
        batch.ignored++;
        return;
    }
    in.text = cut_bytes(text, kWebhookMaxTextBytes);
    in.timestamp = timestamp_of(json_object_get(m, "timestamp"));
    batch.messages.push_back(std::move(in));
}

void cloud_preference(const json_t* p, WebhookBatch& batch) {
    UserPreference up;
    up.wa_id = std::string(member_text(p, "wa_id"));
    std::string_view value = member_text(p, "value");
    if (!valid_phone(up.wa_id) || member_text(p, "category") != "marketing_messages"
        || (value != "stop" && value != "resume")) {
        batch.ignored++;
        return;
    }
    up.stop = value == "stop";
    up.timestamp = timestamp_of(json_object_get(p, "timestamp"));
    batch.preferences.push_back(std::move(up));
}

size_t items(const WebhookBatch& b) {
    return b.statuses.size() + b.messages.size() + b.preferences.size() + b.ignored;
}

// Each element of value[key] (when it is an array) through `one`; false
// when the body's items would pass the limit.
bool each_item(const json_t* value, const char* key, WebhookBatch& batch,
               void (*one)(const json_t*, WebhookBatch&)) {
    const json_t* list = json_object_get(value, key);
    if (!json_is_array(list)) {
        return true;
    }
    if (items(batch) + json_array_size(list) > kWebhookMaxItems) {
        return false;
    }
    for (size_t i = 0; i < json_array_size(list); i++) {
        one(json_array_get(list, i), batch);
    }
    return true;
}

// One of entry[].changes[]; "" or why the body is rejected.
std::string cloud_change(const json_t* change, WebhookBatch& batch) {
    if (!json_is_object(change)) {
        return "a change is not an object";
    }
    std::string_view field = member_text(change, "field");
    if (field != "messages" && field != "user_preferences") {
        batch.ignored++;
        return items(batch) > kWebhookMaxItems ? "too many items" : "";
    }
    const json_t* value = json_object_get(change, "value");
    if (!json_is_object(value)) {
        return "a change has no value object";
    }
    bool within = field == "messages"
        ? each_item(value, "statuses", batch, cloud_status)
            && each_item(value, "messages", batch, cloud_message)
        : each_item(value, "user_preferences", batch, cloud_preference);
    return within ? "" : "too many items";
}

// ---- Fonnte -------------------------------------------------------------------------

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

enum class FonnteWord { sent, delivered, read, failed, waiting, unknown };

FonnteWord fonnte_word(std::string_view raw) {
    std::string s = lower(raw);
    if (s == "sent") {
        return FonnteWord::sent;
    }
    if (s == "delivered" || s == "received") {
        return FonnteWord::delivered;
    }
    if (s == "read") {
        return FonnteWord::read;
    }
    if (s == "failed" || s == "invalid" || s == "expired" || s == "url unreachable") {
        return FonnteWord::failed;
    }
    if (s == "pending" || s == "waiting" || s == "processing") {
        return FonnteWord::waiting;
    }
    return FonnteWord::unknown;
}

void fonnte_inbound(const json_t* root, WebhookBatch& batch) {
    InboundMessage in;
    in.provider = "fonnte";
    in.from = std::string(member_text(root, "sender"));
    std::string_view text = member_text(root, "message");
    if (text.empty()) {
        text = member_text(root, "text");
    }
    bool group = !member_text(root, "member").empty()
        || (in.from.size() >= 5 && in.from.compare(in.from.size() - 5, 5, "@g.us") == 0);
    if (group || !valid_phone(in.from) || text.empty()) {
        batch.ignored++;
        return;
    }
    in.text = cut_bytes(text, kWebhookMaxTextBytes);
    in.timestamp = timestamp_of(json_object_get(root, "timestamp"));
    batch.messages.push_back(std::move(in));
}

void fonnte_status(const json_t* root, WebhookBatch& batch) {
    DeliveryStatus st;
    st.provider = "fonnte";
    st.message_id = id_text(json_object_get(root, "id"));
    std::string_view state = member_text(root, "state");
    std::string_view status = member_text(root, "status");
    FonnteWord word = fonnte_word(state);
    std::string_view said = state;
    if (word == FonnteWord::unknown || word == FonnteWord::waiting) {
        word = fonnte_word(status);
        said = status;
    }
    if (!valid_id(st.message_id) || word == FonnteWord::unknown || word == FonnteWord::waiting) {
        batch.ignored++;
        return;
    }
    switch (word) {
    case FonnteWord::sent: st.state = DeliveryState::sent; break;
    case FonnteWord::delivered: st.state = DeliveryState::delivered; break;
    case FonnteWord::read: st.state = DeliveryState::read; break;
    default:
        st.state = DeliveryState::failed;
        st.error_title = cut_bytes(said, kWebhookMaxTitleBytes);
        break;
    }
    st.timestamp = timestamp_of(json_object_get(root, "timestamp"));
    batch.statuses.push_back(std::move(st));
}

std::optional<std::string> international(std::string_view number) {
    if (number.empty() || number[0] == '+') {
        return normalize_phone(number);
    }
    // Meta and Fonnte write numbers in international form without the "+".
    return normalize_phone("+" + std::string(number));
}

}  // namespace

const char* webhook_provider_name(WebhookProvider p) {
    return p == WebhookProvider::cloud_api ? "cloud_api" : "fonnte";
}

const char* signature_problem(std::string_view header, std::string_view body,
                              std::string_view secret) {
    if (header.empty()) {
        return "missing";
    }
    unsigned char given[SHA256_DIGEST_LENGTH];
    if (!header_digest(header, given)) {
        return "malformed";
    }
    unsigned char expected[SHA256_DIGEST_LENGTH];
    if (secret.empty() || !body_digest(body, secret, expected)
        || CRYPTO_memcmp(given, expected, SHA256_DIGEST_LENGTH) != 0) {
        return "wrong";
    }
    return "";
}

bool valid_signature(std::string_view header, std::string_view body, std::string_view secret) {
    return *signature_problem(header, body, secret) == '\0';
}

bool secret_matches(std::string_view given, std::string_view expected) {
    if (expected.empty()) {
        return false;
    }
    // Digests of equal length: the comparison's time tells nothing of
    // either length.
    unsigned char a[SHA256_DIGEST_LENGTH];
    unsigned char b[SHA256_DIGEST_LENGTH];
    sha256(given, a);
    sha256(expected, b);
    return CRYPTO_memcmp(a, b, SHA256_DIGEST_LENGTH) == 0;
}

VerifyResult verify_subscription(std::string_view query, std::string_view verify_token) {
    VerifyResult out;
    std::optional<std::string> mode = query_arg(query, "hub.mode");
    std::optional<std::string> token = query_arg(query, "hub.verify_token");
    if (!mode || *mode != "subscribe" || !token || !secret_matches(*token, verify_token)) {
        return out;
    }
    std::optional<std::string> challenge = query_arg(query, "hub.challenge");
    if (!challenge || !challenge_ok(*challenge)) {
        out.outcome = Verify::bad_challenge;
        return out;
    }
    out.outcome = Verify::ok;
    out.challenge = std::move(*challenge);
    return out;
}

bool fonnte_token_valid(std::string_view query, std::string_view secret) {
    std::optional<std::string> token = query_arg(query, "token");
    return token && secret_matches(*token, secret);
}

WebhookParse parse_cloud_api_webhook(std::string_view body) {
    WebhookParse out;
    JsonPtr root = load(body, out.error);
    if (!root) {
        return out;
    }
    const json_t* object = json_object_get(root.get(), "object");
    if (object != nullptr && text_of(object) != "whatsapp_business_account") {
        out.error = "object is not \"whatsapp_business_account\"";
        return out;
    }
    const json_t* entries = json_object_get(root.get(), "entry");
    if (!json_is_array(entries)) {
        out.error = "no entry array";
        return out;
    }
    for (size_t i = 0; i < json_array_size(entries); i++) {
        const json_t* changes = json_object_get(json_array_get(entries, i), "changes");
        if (!json_is_array(changes)) {
            out.error = "an entry has no changes array";
            return out;
        }
        for (size_t j = 0; j < json_array_size(changes); j++) {
            out.error = cloud_change(json_array_get(changes, j), out.batch);
            if (!out.error.empty()) {
                out.batch = WebhookBatch{};
                return out;
            }
        }
    }
    out.ok = true;
    return out;
}

WebhookParse parse_fonnte_webhook(std::string_view body) {
    WebhookParse out;
    JsonPtr root = load(body, out.error);
    if (!root) {
        return out;
    }
    const json_t* r = root.get();
    if (json_object_get(r, "sender") != nullptr) {
        fonnte_inbound(r, out.batch);
    } else if (json_object_get(r, "id") != nullptr) {
        fonnte_status(r, out.batch);
    } else if (json_object_get(r, "stateid") != nullptr) {
        out.batch.ignored++;
    } else {
        out.error = "neither a status (id) nor a message (sender)";
        return out;
    }
    out.ok = true;
    return out;
}

std::vector<OptOutChange> opt_out_changes(const WebhookBatch& batch,
                                          const std::vector<std::string>& stop_words,
                                          const std::vector<std::string>& start_words) {
    std::vector<OptOutChange> out;
    std::map<std::string, size_t> at;  // phone -> its change in `out`
    auto add = [&](std::string_view number, bool opted_out, const char* reason) {
        std::optional<std::string> phone = international(number);
        if (!phone) {
            return;
        }
        auto [it, fresh] = at.emplace(*phone, out.size());
        if (fresh) {
            out.push_back(OptOutChange{*phone, opted_out, reason});
        } else {
            out[it->second].opted_out = opted_out;
            out[it->second].reason = reason;
        }
    };
    for (const DeliveryStatus& s : batch.statuses) {
        if (s.state == DeliveryState::failed && s.error_code == "131050") {
            add(s.recipient_id, true, "error_131050");
        }
    }
    for (const UserPreference& p : batch.preferences) {
        add(p.wa_id, p.stop, "user_preferences");
    }
    for (const InboundMessage& m : batch.messages) {
        switch (inbound_opt_change(m.text, stop_words, start_words)) {
        case OptChange::opt_out: add(m.from, true, "stop_word"); break;
        case OptChange::opt_in: add(m.from, false, "start_word"); break;
        case OptChange::none: break;
        }
    }
    return out;
}

}  // namespace wa

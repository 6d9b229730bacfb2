#include "gateway.hpp"

#include <ctime>
#include <memory>
#include <optional>

#include <jansson.h>

#include "dates.hpp"
#include "escape.hpp"
#include "json.hpp"
#include "keys.hpp"
#include "text.hpp"

namespace wa {

namespace {

struct JsonDeleter {
    void operator()(json_t* json) const { json_decref(json); }
};

using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

constexpr size_t kMaxDetailBytes = 200;
constexpr int64_t kMaxRetryAfterSeconds = 1000000000000;  // 10^12

std::string trim_ws(const std::string& s) {
    const char* space = " \t\r\n\f\v";
    size_t begin = s.find_first_not_of(space);
    if (begin == std::string::npos) {
        return std::string();
    }
    return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// The secret goes first: cut first, a key straddling the limit would leave
// its beginning behind. Control characters become spaces; the text is cut at
// a UTF-8 character boundary.
void append_detail(std::string& out, std::string_view raw, std::string_view secret) {
    std::string redacted = redact(raw, secret);
    std::string_view text = redacted;
    size_t room = out.size() < kMaxDetailBytes ? kMaxDetailBytes - out.size() : 0;
    bool cut = text.size() > room;
    if (cut) {
        size_t n = room;
        while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xc0) == 0x80) {
            n--;
        }
        text = text.substr(0, n);
    }
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
    if (cut) {
        out += "...";
    }
}

JsonPtr load_object(std::string_view body) {
    json_error_t error;
    JsonPtr root(json_loadb(body.data(), body.size(), 0, &error));
    if (!root || !json_is_object(root.get())) {
        return nullptr;
    }
    return root;
}

std::optional<std::string_view> string_member(const json_t* object, const char* key) {
    const json_t* v = json_object_get(object, key);
    if (!json_is_string(v)) {
        return std::nullopt;
    }
    return std::string_view(json_string_value(v), json_string_length(v));
}

// A string, or an integer written in decimal.
std::optional<std::string> id_value(const json_t* v) {
    if (json_is_string(v) && json_string_length(v) > 0) {
        return std::string(json_string_value(v), json_string_length(v));
    }
    if (json_is_integer(v)) {
        std::string out;
        append_int(out, json_integer_value(v));
        return out;
    }
    return std::nullopt;
}

std::optional<std::string> id_member(const json_t* object, const char* key) {
    return id_value(json_object_get(object, key));
}

bool is_2xx(long status) { return status >= 200 && status <= 299; }

bool is_5xx(long status) { return status >= 500 && status <= 599; }

std::string http_detail(long status, std::optional<std::string_view> message,
                        std::string_view secret) {
    std::string out = "HTTP " + std::to_string(status);
    if (message && !message->empty()) {
        out += ": ";
        append_detail(out, *message, secret);
    }
    return out;
}

// A provider's id is stored as POST /record stores a message_id (T:msg:<id>,
// the deliveries stream), so it must pass the same rule: an answer decides
// neither the size of a key nor what control characters Redis keeps.
// As POST /record takes a message_id: at most kMaxMessageIdBytes, no control
// character, and something left once surrounding whitespace is trimmed.
bool storable_message_id(std::string_view id) {
    return id.size() <= kMaxMessageIdBytes && !find_control(id) && !one_line(id).empty();
}

// The last word on what leaves the parsers. A secret shorter than the mark
// that replaces it makes the text longer (and the pieces were already
// redacted once, so the marks themselves may be hit): the result is cut
// again, so the detail keeps its cap whatever the secret.
SendResult without_secret(SendResult r, std::string_view secret) {
    std::string redacted = redact(r.detail, secret);
    if (redacted != r.detail) {
        r.detail.clear();
        append_detail(r.detail, redacted, std::string_view());
    }
    if (redact(r.message_id, secret) != r.message_id || !storable_message_id(r.message_id)) {
        r.message_id.clear();
    }
    return r;
}

Outcome outcome_for_status(long status) {
    if (status == 429) {
        return Outcome::rate_limited;
    }
    if (is_5xx(status)) {
        return Outcome::retry;
    }
    return Outcome::failed;
}

std::optional<int64_t> cloud_error_code(const json_t* error) {
    const json_t* v = json_object_get(error, "code");
    if (json_is_integer(v)) {
        return json_integer_value(v);
    }
    // Some relays pass the code on as a string.
    if (json_is_string(v)) {
        std::string_view s(json_string_value(v), json_string_length(v));
        if (s.empty() || s.size() > 12) {
            return std::nullopt;
        }
        int64_t n = 0;
        for (char c : s) {
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
    return std::nullopt;
}

std::optional<Outcome> outcome_for_cloud_code(int64_t code) {
    switch (code) {
    case 4:       // Graph API: application request limit reached
    case 80007:   // WhatsApp Business Account rate limit
    case 130429:  // Cloud API throughput reached
        return Outcome::rate_limited;
    case 131056:  // (business, consumer) pair rate limit
        return Outcome::recipient_rate_limited;
    case 131026:  // message undeliverable
    case 131047:  // re-engagement message: outside the 24-hour window
        return Outcome::failed;
    case 131050:  // the user stopped receiving marketing messages
        return Outcome::opted_out;
    case 1:       // Graph API: unknown, possibly a server error
    case 2:       // Graph API: temporary downtime or overload
    case 131000:  // something went wrong
    case 131016:  // service unavailable
        return Outcome::retry;
    default: return std::nullopt;
    }
}

// A small cursor for the three HTTP-date forms.
class DateReader {
public:
    explicit DateReader(std::string_view s) : s_(s) {}

    bool done() const { return pos_ == s_.size(); }

    bool literal(std::string_view lit) {
        if (s_.substr(pos_, lit.size()) != lit) {
            return false;
        }
        pos_ += lit.size();
        return true;
    }

    std::optional<int> digits(size_t n) {
        if (pos_ + n > s_.size()) {
            return std::nullopt;
        }
        int v = 0;
        for (size_t i = 0; i < n; i++) {
            char c = s_[pos_ + i];
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            v = v * 10 + (c - '0');
        }
        pos_ += n;
        return v;
    }

    // asctime's day: " 6" or "16".
    std::optional<int> padded_day() {
        if (pos_ < s_.size() && s_[pos_] == ' ') {
            pos_++;
            return digits(1);
        }
        return digits(2);
    }

    std::optional<int> month() {
        static const char* const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        for (int i = 0; i < 12; i++) {
            if (literal(names[i])) {
                return i + 1;
            }
        }
        return std::nullopt;
    }

    bool day_name(bool long_form) {
        static const char* const short_names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
        static const char* const long_names[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                 "Friday", "Saturday", "Sunday"};
        for (int i = 0; i < 7; i++) {
            if (literal(long_form ? long_names[i] : short_names[i])) {
                return true;
            }
        }
        return false;
    }

    // "HH:MM:SS" -> seconds of the day (a leap second 60 is allowed).
    std::optional<int> clock() {
        auto h = digits(2);
        if (!h || !literal(":")) {
            return std::nullopt;
        }
        auto m = digits(2);
        if (!m || !literal(":")) {
            return std::nullopt;
        }
        auto s = digits(2);
        if (!s || *h > 23 || *m > 59 || *s > 60) {
            return std::nullopt;
        }
        return *h * 3600 + *m * 60 + *s;
    }

private:
    std::string_view s_;
    size_t pos_ = 0;
};

std::optional<int64_t> to_unix(int y, int m, int d, int seconds_of_day) {
    if (y < 1 || d < 1 || d > days_in_month(y, m)) {
        return std::nullopt;
    }
    return days_from_civil(Date{y, m, d}) * 86400 + seconds_of_day;
}

// Sun, 06 Nov 1994 08:49:37 GMT
std::optional<int64_t> imf_fixdate(std::string_view s) {
    DateReader r(s);
    if (!r.day_name(false) || !r.literal(", ")) {
        return std::nullopt;
    }
    auto d = r.digits(2);
    if (!d || !r.literal(" ")) {
        return std::nullopt;
    }
    auto m = r.month();
    if (!m || !r.literal(" ")) {
        return std::nullopt;
    }
    auto y = r.digits(4);
    if (!y || !r.literal(" ")) {
        return std::nullopt;
    }
    auto t = r.clock();
    if (!t || !r.literal(" GMT") || !r.done()) {
        return std::nullopt;
    }
    return to_unix(*y, *m, *d, *t);
}

// Sunday, 06-Nov-94 08:49:37 GMT; a two-digit year more than 50 years ahead
// of now is taken to be in the past century (RFC 9110 5.6.7).
std::optional<int64_t> rfc850_date(std::string_view s, int64_t now_unix) {
    DateReader r(s);
    if (!r.day_name(true) || !r.literal(", ")) {
        return std::nullopt;
    }
    auto d = r.digits(2);
    if (!d || !r.literal("-")) {
        return std::nullopt;
    }
    auto m = r.month();
    if (!m || !r.literal("-")) {
        return std::nullopt;
    }
    auto yy = r.digits(2);
    if (!yy || !r.literal(" ")) {
        return std::nullopt;
    }
    auto t = r.clock();
    if (!t || !r.literal(" GMT") || !r.done()) {
        return std::nullopt;
    }

    int64_t now_days = now_unix >= 0 ? now_unix / 86400 : (now_unix - 86399) / 86400;
    int now_year = civil_from_days(now_days).y;
    int y = now_year - now_year % 100 + *yy;
    if (y > now_year + 50) {
        y -= 100;
    }
    return to_unix(y, *m, *d, *t);
}

// Sun Nov  6 08:49:37 1994
std::optional<int64_t> asctime_date(std::string_view s) {
    DateReader r(s);
    if (!r.day_name(false) || !r.literal(" ")) {
        return std::nullopt;
    }
    auto m = r.month();
    if (!m || !r.literal(" ")) {
        return std::nullopt;
    }
    auto d = r.padded_day();
    if (!d || !r.literal(" ")) {
        return std::nullopt;
    }
    auto t = r.clock();
    if (!t || !r.literal(" ")) {
        return std::nullopt;
    }
    auto y = r.digits(4);
    if (!y || !r.done()) {
        return std::nullopt;
    }
    return to_unix(*y, *m, *d, *t);
}

int64_t now_seconds() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

bool gateway_key_ok(std::string_view key) { return header_value_ok(trim_ws(std::string(key))); }

OutboundRequest starsender_request(const std::string& url, const std::string& api_key,
                                   const std::string& to, const std::string& text) {
    OutboundRequest req;
    req.url = url;
    req.headers.emplace_back("Content-Type", "application/json");
    req.headers.emplace_back("Authorization", trim_ws(api_key));

    std::string& b = req.body;
    b.reserve(64 + to.size() + text.size());
    b += R"({"messageType":"text","to":)";
    append_json_string(b, to);
    b += R"(,"body":)";
    append_json_string(b, text);
    b += '}';
    return req;
}

std::string form_urlencode(std::string_view text) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3 / 2);
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '*' || c == '-' || c == '.' || c == '_';
        if (keep) {
            out.push_back(ch);
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xf]);
        }
    }
    return out;
}

OutboundRequest fonnte_request(const std::string& url, const std::string& token,
                               const std::string& to, const std::string& text) {
    OutboundRequest req;
    req.url = url;
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.headers.emplace_back("Authorization", trim_ws(token));
    req.body =
        "target=" + form_urlencode(to) + "&message=" + form_urlencode(text) + "&countryCode=62";
    return req;
}

OutboundRequest cloud_api_request(const std::string& url, const std::string& token,
                                  const std::string& to, const CloudTemplate& tpl,
                                  const std::vector<std::string>& body_params) {
    OutboundRequest req;
    req.url = url;
    req.headers.emplace_back("Content-Type", "application/json");
    req.headers.emplace_back("Authorization", "Bearer " + trim_ws(token));

    std::string& b = req.body;
    b += R"({"messaging_product":"whatsapp","recipient_type":"individual","to":)";
    append_json_string(b, to);
    b += R"(,"type":"template","template":{"name":)";
    append_json_string(b, tpl.name);
    b += R"(,"language":{"code":)";
    append_json_string(b, tpl.language);
    b += '}';
    if (!body_params.empty()) {
        b += R"(,"components":[{"type":"body","parameters":[)";
        for (size_t i = 0; i < body_params.size(); i++) {
            if (i > 0) {
                b += ',';
            }
            b += R"({"type":"text","text":)";
            append_json_string(b, body_params[i]);
            b += '}';
        }
        b += "]}]";
    }
    b += "}}";
    return req;
}

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
    case Outcome::accepted: return "accepted";
    case Outcome::retry: return "retry";
    case Outcome::rate_limited: return "rate_limited";
    case Outcome::recipient_rate_limited: return "recipient_rate_limited";
    case Outcome::failed: return "failed";
    case Outcome::opted_out: return "opted_out";
    }
    return "unknown";
}

namespace {

SendResult starsender_result(long http_status, std::string_view body, std::string_view retry_after,
                             std::string_view secret) {
    SendResult r;
    r.retry_after_ms = parse_retry_after(retry_after, now_seconds());

    JsonPtr root = load_object(body);
    std::optional<std::string_view> message;
    if (root) {
        message = string_member(root.get(), "message");
    }

    if (!is_2xx(http_status)) {
        r.outcome = outcome_for_status(http_status);
        r.detail = http_detail(http_status, message, secret);
        return r;
    }

    if (!root) {
        // The gateway may or may not have sent it; the caller's attempt mark
        // and retry budget decide what happens next.
        r.outcome = Outcome::retry;
        r.detail = "HTTP " + std::to_string(http_status) + ": answer is not a JSON object";
        return r;
    }

    if (!json_is_true(json_object_get(root.get(), "success"))) {
        r.outcome = Outcome::failed;
        if (message && !message->empty()) {
            append_detail(r.detail, *message, secret);
        } else {
            r.detail = "refused: \"success\" is not true";
        }
        return r;
    }

    r.outcome = Outcome::accepted;
    if (message) {
        append_detail(r.detail, *message, secret);
    }
    const json_t* data = json_object_get(root.get(), "data");
    if (json_is_object(data)) {
        for (const char* key : {"id", "message_id", "messageId"}) {
            if (auto id = id_member(data, key)) {
                r.message_id = std::move(*id);
                break;
            }
        }
    }
    return r;
}

SendResult fonnte_result(long http_status, std::string_view body, std::string_view retry_after,
                         std::string_view secret) {
    SendResult r;
    r.retry_after_ms = parse_retry_after(retry_after, now_seconds());

    JsonPtr root = load_object(body);
    std::optional<std::string_view> reason;
    if (root) {
        reason = string_member(root.get(), "reason");
    }

    if (!is_2xx(http_status)) {
        r.outcome = outcome_for_status(http_status);
        r.detail = http_detail(http_status, reason, secret);
        return r;
    }

    if (!root) {
        r.outcome = Outcome::retry;
        r.detail = "HTTP " + std::to_string(http_status) + ": answer is not a JSON object";
        return r;
    }

    if (!json_is_true(json_object_get(root.get(), "status"))) {
        r.outcome = Outcome::failed;
        if (reason && !reason->empty()) {
            append_detail(r.detail, *reason, secret);
        } else {
            r.detail = "refused: \"status\" is not true";
        }
        return r;
    }

    r.outcome = Outcome::accepted;
    auto detail = string_member(root.get(), "detail");
    if (!detail || detail->empty()) {
        detail = string_member(root.get(), "process");
    }
    if (detail) {
        append_detail(r.detail, *detail, secret);
    }
    const json_t* ids = json_object_get(root.get(), "id");
    if (auto id = id_value(json_is_array(ids) ? json_array_get(ids, 0) : ids)) {
        r.message_id = std::move(*id);
    }
    return r;
}

SendResult cloud_api_result(long http_status, std::string_view body, std::string_view retry_after,
                            std::string_view secret) {
    SendResult r;
    r.retry_after_ms = parse_retry_after(retry_after, now_seconds());

    JsonPtr root = load_object(body);
    const json_t* error = root ? json_object_get(root.get(), "error") : nullptr;

    if (json_is_object(error)) {
        auto code = cloud_error_code(error);
        auto message = string_member(error, "message");

        std::optional<Outcome> by_code = code ? outcome_for_cloud_code(*code) : std::nullopt;
        r.outcome = by_code ? *by_code : outcome_for_status(http_status);
        if (code && *code >= INT32_MIN && *code <= INT32_MAX) {
            r.error_code = static_cast<int>(*code);
        }

        r.detail = code ? "code " + std::to_string(*code) : "HTTP " + std::to_string(http_status);
        if (message && !message->empty()) {
            r.detail += ": ";
            append_detail(r.detail, *message, secret);
        }
        return r;
    }

    if (!is_2xx(http_status)) {
        r.outcome = outcome_for_status(http_status);
        r.detail = "HTTP " + std::to_string(http_status);
        return r;
    }

    if (!root) {
        r.outcome = Outcome::retry;
        r.detail = "HTTP " + std::to_string(http_status) + ": answer is not a JSON object";
        return r;
    }

    const json_t* messages = json_object_get(root.get(), "messages");
    const json_t* first = json_is_array(messages) ? json_array_get(messages, 0) : nullptr;
    auto id = json_is_object(first) ? string_member(first, "id") : std::nullopt;
    if (!id || id->empty()) {
        r.outcome = Outcome::failed;
        r.detail = "HTTP " + std::to_string(http_status) + ": answer without messages[0].id";
        return r;
    }

    r.outcome = Outcome::accepted;
    r.message_id = std::string(*id);
    auto status = string_member(first, "message_status");
    append_detail(r.detail, status && !status->empty() ? *status : std::string_view("accepted"),
                  secret);
    return r;
}

}  // namespace

SendResult parse_starsender(long http_status, std::string_view body, std::string_view retry_after,
                            std::string_view secret) {
    return without_secret(starsender_result(http_status, body, retry_after, secret), secret);
}

SendResult parse_fonnte(long http_status, std::string_view body, std::string_view retry_after,
                        std::string_view secret) {
    return without_secret(fonnte_result(http_status, body, retry_after, secret), secret);
}

SendResult parse_cloud_api(long http_status, std::string_view body, std::string_view retry_after,
                           std::string_view secret) {
    return without_secret(cloud_api_result(http_status, body, retry_after, secret), secret);
}

SendResult transport_failure(bool timed_out, std::string_view error, std::string_view secret) {
    SendResult r;
    r.outcome = Outcome::retry;
    if (timed_out) {
        r.detail = "gateway timed out";
    } else {
        r.detail = "gateway unreachable: ";
        append_detail(r.detail, error, secret);
    }
    return without_secret(std::move(r), secret);
}

int64_t parse_retry_after(std::string_view header, int64_t now_unix) {
    header = trim_ows(header);
    if (header.empty()) {
        return -1;
    }

    if (header.find_first_not_of("0123456789") == std::string_view::npos) {
        int64_t seconds = 0;
        for (char c : header) {
            seconds = seconds * 10 + (c - '0');
            if (seconds > kMaxRetryAfterSeconds) {
                seconds = kMaxRetryAfterSeconds;
                break;
            }
        }
        return seconds * 1000;
    }

    std::optional<int64_t> when = imf_fixdate(header);
    if (!when) {
        when = rfc850_date(header, now_unix);
    }
    if (!when) {
        when = asctime_date(header);
    }
    if (!when) {
        return -1;
    }

    if (*when <= now_unix) {
        return 0;
    }
    int64_t seconds = *when - now_unix;
    if (seconds > kMaxRetryAfterSeconds) {
        seconds = kMaxRetryAfterSeconds;
    }
    return seconds * 1000;
}

int64_t backoff_ms(int attempt, uint64_t random, int64_t base_ms, int64_t cap_ms) {
    if (base_ms <= 0 || cap_ms <= 0) {
        return 0;
    }
    if (attempt < 0) {
        attempt = 0;
    }

    // base * 2^attempt <= cap exactly when base <= cap >> attempt (both
    // positive), and then the shift cannot overflow.
    int64_t ceiling = cap_ms;
    if (attempt < 62 && base_ms <= (cap_ms >> attempt)) {
        ceiling = base_ms << attempt;
    }
    return static_cast<int64_t>(random % static_cast<uint64_t>(ceiling)) + 1;
}

}  // namespace wa

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wa {

// What to POST to a provider. Header values are complete ("Bearer ..."); the
// key and token are trimmed of surrounding whitespace (a key file's final
// newline must not end up in a header).
struct OutboundRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// Whether a key or token, trimmed of surrounding whitespace as the requests
// below trim it, can be sent as an HTTP header value: no CR, LF, NUL or other
// control character but HTAB (header_value_ok). The HTTP client sends header
// lines as given, so a key file with a line break inside would end the
// Authorization header and start one of the file's choosing.
bool gateway_key_ok(std::string_view key);

// StarSender: {"messageType":"text","to":"62...","body":"..."} (compact, in
// that order), the raw API key in Authorization.
OutboundRequest starsender_request(const std::string& url, const std::string& api_key,
                                   const std::string& to, const std::string& text);

// Fonnte (https://docs.fonnte.com/api-send-message/): a form
// (application/x-www-form-urlencoded) with target, message and countryCode
// "62" in that order, the raw device token in Authorization. `to` is
// already international (62...), so countryCode only guards a number
// another writer left with a leading 0.
OutboundRequest fonnte_request(const std::string& url, const std::string& token,
                               const std::string& to, const std::string& text);

// application/x-www-form-urlencoded as the WHATWG URL standard's
// urlencoded serializer writes a name or value: ASCII letters, digits and
// "*-._" stay, space becomes "+", every other byte %XX (upper-case hex).
std::string form_urlencode(std::string_view text);

struct CloudTemplate {
    std::string name;
    std::string language = "id";
};

// Meta's WhatsApp Cloud API: a template message whose body parameters are
// `body_params` in order. With no parameters "components" is left out (an
// empty parameter list is refused for templates without variables).
OutboundRequest cloud_api_request(const std::string& url, const std::string& token,
                                  const std::string& to, const CloudTemplate& tpl,
                                  const std::vector<std::string>& body_params);

enum class Outcome { accepted, retry, rate_limited, recipient_rate_limited, failed, opted_out };

const char* outcome_name(Outcome outcome);  // "accepted", "retry", ...

struct SendResult {
    Outcome outcome = Outcome::failed;
    // The provider's id for the message; "" when it gave none, when it
    // contained the key or token (an id that would store the secret), or when
    // POST /record would refuse it as a message_id (longer than
    // kMaxMessageIdBytes, a control character, only whitespace): the send is
    // then counted under the run's own id for it.
    std::string message_id;
    // Short human text for logs and run details, never containing secrets:
    // the provider's own message, with every occurrence of the key or token
    // replaced by "[redacted]" before it is cut to at most ~200 bytes, control
    // characters replaced by spaces.
    std::string detail;
    int error_code = 0;           // Cloud API error.code; 0 otherwise
    int64_t retry_after_ms = -1;  // from Retry-After, -1 when absent/invalid
};

// The parsers below are the one way a provider's answer enters the module:
// `secret` is the configured key or token (as read from its file; it is
// trimmed like the Authorization value built from it), and no string of the
// result contains it, whole or cut, also when the answer repeats it (e.g. as
// "Bearer <token>" in an error message).
//
// StarSender answers {"success":true,"data":{...},"message":"Pesan berhasil
// dikirim"}. Accepted only for HTTP 2xx with "success": true (detail: its
// "message"); the id comes from data.id, data.message_id or data.messageId
// (string or integer) when present. 2xx with "success" anything but true:
// failed, detail its "message". 2xx with a body that is not a JSON object:
// retry. 429: rate_limited. 5xx: retry. Other statuses: failed.
SendResult parse_starsender(long http_status, std::string_view body, std::string_view retry_after,
                            std::string_view secret);

// Fonnte answers HTTP 200 for a refusal too: {"status":false,"reason":
// "..."} (docs.fonnte.com: "if somehow token is not correct, response
// status will be false"). Accepted only for 2xx with "status": true; the
// id is the first element of "id" (an array, as the send API gives one id
// per target; a lone string or integer is taken too); detail its "detail",
// else its "process". 2xx with "status" anything but true: failed, detail
// its "reason". 2xx with a body that is not a JSON object: retry. 429:
// rate_limited. 5xx: retry. Other statuses: failed, with the "reason".
SendResult parse_fonnte(long http_status, std::string_view body, std::string_view retry_after,
                        std::string_view secret);

// Cloud API: 2xx with messages[0].id: accepted. An "error" object decides by
// its code: 130429, 80007, 4: rate_limited; 131056: recipient_rate_limited;
// 131026, 131047: failed; 131050: opted_out; 131000, 1, 2, 131016: retry;
// other codes by status (429: rate_limited, 5xx: retry, else failed). Without
// an error object: 429 rate_limited, 5xx retry, 2xx whose body is not JSON
// retry, 2xx without an id failed, others failed. detail "code <n>: <message>"
// when there is an error object.
SendResult parse_cloud_api(long http_status, std::string_view body, std::string_view retry_after,
                           std::string_view secret);

// No answer: the transfer failed (`error`: the client's reason, which may
// name the URL) or timed out. Outcome retry; detail "gateway timed out" or
// "gateway unreachable: <error>", redacted of `secret` like the parsers'.
SendResult transport_failure(bool timed_out, std::string_view error, std::string_view secret);

// Retry-After as delta-seconds or an HTTP-date (IMF-fixdate, RFC 850 or
// asctime form) -> milliseconds from now, at least 0 (a date in the past is
// 0); -1 when empty or invalid. Very large values saturate at 10^12 seconds.
// The two parsers above use the current time for the date form.
int64_t parse_retry_after(std::string_view header, int64_t now_unix);

// Exponential backoff with full jitter: random % min(cap, base * 2^attempt) + 1,
// so 1..min(cap, base * 2^attempt) ms. attempt < 0 counts as 0; never overflows.
// 0 when base_ms or cap_ms is not positive.
int64_t backoff_ms(int attempt, uint64_t random, int64_t base_ms = 500, int64_t cap_ms = 30000);

}  // namespace wa

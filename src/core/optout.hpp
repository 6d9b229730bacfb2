// Suppression (opt-out): a customer who says stop is never reminded again
// until they say start. Suppression is keyed by the normalised phone
// (normalize_phone's "62..."), not by the customer: one person may be
// several customers, and a number that said stop must not be reached
// through another record.
#pragma once

#include "json.hpp"
#include "report.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wa {

// What an inbound message asks for.
enum class OptChange { none, opt_out, opt_in };

// The defaults of wa_report_stop_words and wa_report_start_words, folded.
std::vector<std::string> default_stop_words();
std::vector<std::string> default_start_words();

// A word as the lists hold it and as an inbound body is compared: ASCII
// letters upper-cased, every other byte (UTF-8 included) kept. ASCII folding
// is enough for STOP, BERHENTI, UNSUBSCRIBE, START, MULAI; a word with
// non-ASCII letters matches only in the case it was written.
std::string fold_word(std::string_view word);

// Why a word given to wa_report_stop_words / wa_report_start_words cannot be
// one (a message for nginx -t), or nullopt when it can: empty, longer than
// kMaxOptWordBytes bytes, or holding whitespace (text.hpp's, Unicode's
// included) or a control character: a body is matched as one word.
constexpr size_t kMaxOptWordBytes = 64;
std::optional<std::string> opt_word_error(std::string_view word);

// An inbound message's body against the lists (each already fold_word()ed):
// the body, trimmed of whitespace at both ends (ASCII, NBSP and every other
// Unicode White_Space character, as text.hpp's one_line), folded by
// fold_word, equal to one word of stop_words -> opt_out, of start_words ->
// opt_in, else none. "stop please", "STOP!" and an empty body are none. A
// word in both lists (nginx -t refuses that) counts as a stop.
OptChange inbound_opt_change(std::string_view text, const std::vector<std::string>& stop_words,
                             const std::vector<std::string>& start_words);

// The reasons a phone's suppression changes, as Redis and the metrics name
// them: "stop_word", "start_word", "user_preferences", "error_131050",
// "data_api".
bool valid_opt_reason(std::string_view reason);
constexpr size_t kOptReasonCount = 5;
extern const std::string_view kOptReasons[kOptReasonCount];  // in the order above

// A suppressed phone's record ({prefix}:optout:<phone>).
struct OptOut {
    std::string at;      // opted_out_at: local ISO time it was suppressed
    std::string reason;  // one of valid_opt_reason's words
};

// The data API's customer: append_customer's object with three more
// members from its phone's suppression: "opted_out" (bool), "opted_out_at"
// and "opted_out_reason" (strings; null when not suppressed).
void append_customer_opt_out(std::string& out, const Customer& c, const std::optional<OptOut>& o);

// The optional "opted_out" member of a customer PUT's JSON object `body`:
// absent or null -> nullopt (the suppression is left as it is), true or
// false -> that; any other value -> the 422 item {"loc":["body","opted_out"],
// "msg":"value is not a valid boolean","type":"value_error.strictbool"}
// (strict: "true", 1 are refused). A body that is not a JSON object yields
// nullopt and no error: parse_customer reports it.
std::optional<FieldError> read_opted_out(std::string_view body, std::optional<bool>& out);

// The skipped detail's code and reason for a vehicle whose phone is
// suppressed: the same for classify_due and for a send refused at
// attempt_begin because the phone was suppressed during the run.
constexpr std::string_view kOptedOutCode = "opted_out";
constexpr std::string_view kOptedOutReason = "customer berhenti berlangganan (opt-out)";

}  // namespace wa

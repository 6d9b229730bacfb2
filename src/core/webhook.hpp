// The webhook ingress's rules: Meta's verification handshake and
// X-Hub-Signature-256, Fonnte's query token, and the parsers that turn a
// provider's notification body into a WebhookBatch (core/delivery.hpp).
//
// Sources: Meta, "Webhooks" of the WhatsApp Business Platform (Cloud API):
// GET hub.mode/hub.verify_token/hub.challenge, POST signed with the app
// secret, entry[].changes[] with field "messages" (value.statuses[],
// value.messages[]) and "user_preferences" (value.user_preferences[]).
// Fonnte: https://docs.fonnte.com/webhook-update-message-status/ (id,
// stateid, status, state) and https://docs.fonnte.com/webhook-reply-message
// (sender, message, text, member, timestamp).
#pragma once

#include "delivery.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wa {

enum class WebhookProvider { cloud_api, fonnte };
inline constexpr size_t webhook_provider_count = 2;

// "cloud_api", "fonnte": the directive's words, the metrics' label.
const char* webhook_provider_name(WebhookProvider p);

// ---- limits ---------------------------------------------------------------------

// Items (statuses, messages, preferences, and the ones ignored) one body may
// carry; more and the body is rejected. Meta batches up to 1,000 statuses.
inline constexpr size_t kWebhookMaxItems = 10000;
// A message id becomes part of a Redis key: printable ASCII, at most this.
inline constexpr size_t kWebhookMaxIdBytes = 128;
// A phone number as the provider writes it (wa_id, recipient_id, sender).
inline constexpr size_t kWebhookMaxPhoneBytes = 32;
// An inbound text is kept up to this many bytes (WhatsApp's own limit for a
// text message is 4,096 characters), cut at a character boundary.
inline constexpr size_t kWebhookMaxTextBytes = 4096;
// errors[0].title is kept up to this many bytes.
inline constexpr size_t kWebhookMaxTitleBytes = 200;
// hub.challenge echoed back: 1 to this many of A-Z a-z 0-9 . _ ~ -.
inline constexpr size_t kWebhookMaxChallengeBytes = 128;

// ---- authentication ----------------------------------------------------------------

// X-Hub-Signature-256 of a Cloud API POST: "sha256=" and the 64 hex digits
// (either case) of HMAC-SHA256(secret, body), body the raw bytes as received.
// false for a missing ("" header), malformed or wrong signature, or an empty
// secret. The digests are compared in constant time.
bool valid_signature(std::string_view header, std::string_view body, std::string_view secret);

// Why valid_signature() refused, for the log (never the header's value):
// "missing", "malformed" or "wrong"; "" when it is valid.
const char* signature_problem(std::string_view header, std::string_view body,
                              std::string_view secret);

// A secret given by a caller (a verify token, Fonnte's query token) against
// the configured one, in time that depends on neither's content nor length.
// An empty `expected` matches nothing.
bool secret_matches(std::string_view given, std::string_view expected);

// Meta's verification request. `query` is the raw query string (nginx's
// $args); its values are percent-decoded.
enum class Verify {
    ok,             // hub.mode=subscribe, the token matches, the challenge is sane: 200 challenge
    bad_challenge,  // mode and token right, the challenge missing or not a short token: 400
    refused,        // anything else: 403
};
struct VerifyResult {
    Verify outcome = Verify::refused;
    std::string challenge;  // ok: the text to answer with
};
VerifyResult verify_subscription(std::string_view query, std::string_view verify_token);

// Fonnte's ?token= in `query` (percent-decoded) against `secret`.
bool fonnte_token_valid(std::string_view query, std::string_view secret);

// ---- bodies -------------------------------------------------------------------------

struct WebhookParse {
    bool ok = false;
    // !ok: why the body as a whole was not understood, a short text for the
    // log (it may quote jansson's message, which quotes the body: escape it).
    std::string error;
    WebhookBatch batch;
};

// A Cloud API notification (object "whatsapp_business_account"). The body
// is rejected when it is not JSON, not an object, has no entry[] array, an
// entry without changes[], a "messages" change without a value object, or
// more than kWebhookMaxItems items. Within a well-formed body, an item that
// is not usable is counted in batch.ignored: a status other than
// sent/delivered/read/failed ("deleted", "warning"), a status or message
// without a valid id or number, a message type other than text and button,
// a preference of another category or value, a change of another field.
// Timestamps are a string of seconds or a number; absent or bad: 0.
WebhookParse parse_cloud_api_webhook(std::string_view body);

// A Fonnte notification: one object. With a "sender": a message a customer
// sent (message, or text for a button; a group's ("member" set, or a sender
// ending in "@g.us") and an empty one are ignored). With an "id" (string or
// number): a status, from "state" when it is one of sent, delivered, read
// (also "received": delivered) or failed, else from "status" (sent; invalid,
// expired, failed, url unreachable: failed, the word kept as error_title;
// pending, waiting, processing: ignored). With only a "stateid": ignored (a
// send never learns that id). Anything else is rejected.
WebhookParse parse_fonnte_webhook(std::string_view body);

// ---- what a batch asks of the suppression store --------------------------------------

struct OptOutChange {
    std::string phone;  // normalised, "62..." (core/phone)
    bool opted_out = true;
    const char* reason = "";  // "user_preferences" | "error_131050" | "stop_word" | "start_word"
};

// One change per phone (the last one wins): first every failed status with
// error code 131050 (the user stopped marketing messages), then the
// user_preferences in order (stop: opted out, resume: lifted), then the
// inbound messages in order whose body is a stop or start word
// (inbound_opt_change of core/optout; the words as folded by the
// configuration). Numbers that do not normalise are left out.
std::vector<OptOutChange> opt_out_changes(const WebhookBatch& batch,
                                          const std::vector<std::string>& stop_words = {},
                                          const std::vector<std::string>& start_words = {});

}  // namespace wa

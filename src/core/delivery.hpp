// What a provider tells us back about the messages we sent, and what
// customers send us: the shapes the webhook parsers produce and the Store
// applies. Shared by the webhook ingress (parsing, signatures) and the
// delivery records (statuses, history) so neither depends on the other.
//
// Sources: Meta's WhatsApp Cloud API webhooks, "messages" field
// (entry[].changes[].value.statuses[] / messages[]) and "user_preferences"
// field; Fonnte's message-status webhook. Names follow Meta's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wa {

// A message's delivery state. Only moves forward: sent < delivered < read;
// failed is sticky (no later status undoes it).
enum class DeliveryState { sent, delivered, read, failed };

// "sent", "delivered", "read", "failed".
const char* delivery_state_name(DeliveryState s);

// One status of one message (Cloud API: value.statuses[i]).
struct DeliveryStatus {
    std::string provider;    // "cloud_api" | "fonnte": whose message id
    std::string message_id;  // "wamid.…" (Cloud API) or Fonnte's id; never empty
    DeliveryState state = DeliveryState::sent;
    int64_t timestamp = 0;         // seconds since the epoch, as the provider gave it
    std::string recipient_id;      // the recipient's number as the provider wrote it
    std::string error_code;        // failed: errors[0].code as text ("131050"); else ""
    std::string error_title;       // failed: errors[0].title (cut to 200 bytes); else ""
    std::string pricing_category;  // pricing.category, "" when absent
};

// One message a customer sent us (Cloud API: value.messages[i] of type
// "text" (text.body) or "button" (button.text); other types are not kept).
struct InboundMessage {
    std::string provider;   // "cloud_api" | "fonnte"
    std::string from;       // the sender's number as the provider wrote it
    std::string text;       // the body, as sent (trimming and case-folding are the reader's)
    int64_t timestamp = 0;  // seconds since the epoch
};

// A marketing-preference change (Cloud API "user_preferences" field:
// value.user_preferences[i] with category "marketing_messages").
struct UserPreference {
    std::string wa_id;      // the user's number
    bool stop = false;      // value "stop" (true) or "resume" (false)
    int64_t timestamp = 0;  // seconds since the epoch
};

// Everything one webhook request carried, in the order it came.
struct WebhookBatch {
    std::vector<DeliveryStatus> statuses;
    std::vector<InboundMessage> messages;
    std::vector<UserPreference> preferences;
    size_t ignored = 0;  // well-formed parts we do not act on (other fields, message types)
};

// Store::apply_statuses' answer: one count per status of the batch.
struct StatusesApplied {
    size_t applied = 0;    // moved a message forward (or recorded its failure)
    size_t duplicate = 0;  // the same (message id, state) was applied before
    size_t stale = 0;    // behind the message's state (delivered after read, anything after failed)
    size_t pending = 0;  // no counted send has this id (yet): kept, applied when one is
};

// One message of a vehicle's history, as the Store reads it back
// (T:message:<message_id>). For "why was this customer not reminded": the
// newest of these is the vehicle's last reminder.
struct MessageRecord {
    std::string message_id;   // the provider's id ("wamid.…")
    std::string provider;     // "cloud_api", "starsender", ...
    std::string sent_at;      // local ISO of the counted send ("2026-05-04T08:00:00")
    std::string status;       // "accepted" (no status yet), "sent", "delivered", "read", "failed"
    int64_t status_at = 0;    // the status' provider timestamp, unix seconds; 0: accepted
    std::string error_code;   // failed: the provider's code ("131026"); else ""
    std::string error_title;  // failed: its title; else ""
    std::string pricing_category;  // the last pricing.category given, "" when none
};

}  // namespace wa

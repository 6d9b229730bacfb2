// The WhatsApp providers the reminder engine sends through, as one table:
// wa_report_gateway picks an entry once, when the configuration is read, and
// a run calls that entry's request builder and answer parser without ever
// asking which provider it is.
#pragma once

#include <string>
#include <string_view>

#include "gateway.hpp"
#include "reminder.hpp"

namespace wa {

enum class Provider { log, starsender, cloud_api, fonnte };

// One reminder as the providers take it: the recipient (62...), the text
// (message_text of the template), and the template with its values, from
// which a template message takes its body parameters.
struct OutgoingMessage {
    const std::string& to;
    const std::string& text;
    const Template& tpl;
    const MessageFields& fields;
};

struct GatewayProvider {
    Provider id;
    // As wa_report_gateway spells it; also what record.lua keeps as a
    // delivery's provider.
    const char* name;
    // false (log): nothing is sent, every run is a dry run.
    bool sends;
    // The POST for one message: url and key from wa_report_gateway_url and
    // wa_report_gateway_key_file, cloud from wa_report_gateway_template.
    // log's has no URL, which the gateway client cannot send.
    OutboundRequest (*request)(const std::string& url, const std::string& key,
                               const CloudTemplate& cloud, const OutgoingMessage& message);
    // The provider's answer (see parse_starsender, parse_cloud_api); secret
    // is the key or token, kept out of every string of the result.
    SendResult (*parse)(long http_status, std::string_view body, std::string_view retry_after,
                        std::string_view secret);
};

// The table's entry for p.
const GatewayProvider& gateway_provider(Provider p);

// "log", "starsender", "cloud_api", "fonnte".
const char* provider_name(Provider p);

}  // namespace wa

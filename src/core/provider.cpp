#include "provider.hpp"

#include <iterator>

namespace wa {

namespace {

OutboundRequest no_request(const std::string&, const std::string&, const CloudTemplate&,
                           const OutgoingMessage&) {
    return OutboundRequest{};
}

SendResult no_answer(long, std::string_view, std::string_view, std::string_view) {
    SendResult r;
    r.outcome = Outcome::failed;
    r.detail = "wa_report_gateway log sends nothing";
    return r;
}

OutboundRequest starsender_message(const std::string& url, const std::string& key,
                                   const CloudTemplate&, const OutgoingMessage& message) {
    return starsender_request(url, key, message.to, message.text);
}

OutboundRequest cloud_api_message(const std::string& url, const std::string& key,
                                  const CloudTemplate& cloud, const OutgoingMessage& message) {
    return cloud_api_request(url, key, message.to, cloud,
                             cloud_parameters(message.tpl, message.fields));
}

OutboundRequest fonnte_message(const std::string& url, const std::string& key, const CloudTemplate&,
                               const OutgoingMessage& message) {
    return fonnte_request(url, key, message.to, message.text);
}

// In the enum's order.
const GatewayProvider kProviders[] = {
    {Provider::log, "log", false, no_request, no_answer},
    {Provider::starsender, "starsender", true, starsender_message, parse_starsender},
    {Provider::cloud_api, "cloud_api", true, cloud_api_message, parse_cloud_api},
    {Provider::fonnte, "fonnte", true, fonnte_message, parse_fonnte},
};

}  // namespace

const GatewayProvider& gateway_provider(Provider p) {
    auto i = static_cast<size_t>(p);
    return i < std::size(kProviders) ? kProviders[i] : kProviders[0];
}

const char* provider_name(Provider p) { return gateway_provider(p).name; }

}  // namespace wa

#include <gtest/gtest.h>

#include "core/provider.hpp"

namespace wa {
namespace {

MessageFields agus() {
    MessageFields f;
    f.customer_name = "Agus  Nugroho";
    f.vehicle_nopol = "N 1212 RW";
    f.vehicle_model = "Honda Vario 125";
    f.service_phone = "087740659525";
    f.next_visit = Date{2026, 11, 25};
    return f;
}

TEST(GatewayProvider, TheTableFollowsTheDirectivesNames) {
    for (Provider p :
         {Provider::log, Provider::starsender, Provider::cloud_api, Provider::fonnte}) {
        EXPECT_EQ(gateway_provider(p).id, p);
        EXPECT_STREQ(gateway_provider(p).name, provider_name(p));
    }
    EXPECT_STREQ(provider_name(Provider::log), "log");
    EXPECT_STREQ(provider_name(Provider::starsender), "starsender");
    EXPECT_STREQ(provider_name(Provider::cloud_api), "cloud_api");
    EXPECT_FALSE(gateway_provider(Provider::log).sends);
    EXPECT_TRUE(gateway_provider(Provider::starsender).sends);
    EXPECT_TRUE(gateway_provider(Provider::cloud_api).sends);
    EXPECT_STREQ(provider_name(Provider::fonnte), "fonnte");
    EXPECT_TRUE(gateway_provider(Provider::fonnte).sends);
}

TEST(GatewayProvider, StarSenderSendsTheText) {
    std::optional<Template> tpl = Template::parse(default_template, nullptr);
    ASSERT_TRUE(tpl);
    MessageFields f = agus();
    std::string to = "6281234567890";
    std::string text = message_text(*tpl, f);
    CloudTemplate cloud{"maintenance_reminder", "id"};
    OutboundRequest got = gateway_provider(Provider::starsender)
                              .request("https://ss/api/send", "sk-1\n", cloud, {to, text, *tpl, f});
    OutboundRequest want = starsender_request("https://ss/api/send", "sk-1\n", to, text);
    EXPECT_EQ(got.url, want.url);
    EXPECT_EQ(got.headers, want.headers);
    EXPECT_EQ(got.body, want.body);
}

TEST(GatewayProvider, CloudApiSendsTheTemplatesParameters) {
    std::optional<Template> tpl = Template::parse(default_template, nullptr);
    ASSERT_TRUE(tpl);
    MessageFields f = agus();
    std::string to = "6281234567890";
    std::string text = message_text(*tpl, f);
    CloudTemplate cloud{"maintenance_reminder", "id"};
    OutboundRequest got =
        gateway_provider(Provider::cloud_api)
            .request("https://graph/v1/1/messages", "EAAG", cloud, {to, text, *tpl, f});
    OutboundRequest want = cloud_api_request("https://graph/v1/1/messages", "EAAG", to, cloud,
                                             cloud_parameters(*tpl, f));
    EXPECT_EQ(got.url, want.url);
    EXPECT_EQ(got.headers, want.headers);
    EXPECT_EQ(got.body, want.body);
}

TEST(GatewayProvider, LogHasNoURLToSendTo) {
    std::optional<Template> tpl = Template::parse(default_template, nullptr);
    ASSERT_TRUE(tpl);
    MessageFields f = agus();
    std::string to = "6281234567890";
    std::string text = "x";
    OutboundRequest got =
        gateway_provider(Provider::log).request("", "", CloudTemplate{}, {to, text, *tpl, f});
    EXPECT_EQ(got.url, "");
    EXPECT_EQ(got.body, "");
    SendResult r = gateway_provider(Provider::log).parse(200, "{}", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "wa_report_gateway log sends nothing");
}

TEST(GatewayProvider, EachParsesItsOwnAnswers) {
    const std::string ss =
        R"({"success":true,"data":{"id":"m-1"},"message":"Pesan berhasil dikirim"})";
    SendResult a = gateway_provider(Provider::starsender).parse(200, ss, "", "sk-1");
    SendResult b = parse_starsender(200, ss, "", "sk-1");
    EXPECT_EQ(a.outcome, Outcome::accepted);
    EXPECT_EQ(a.message_id, b.message_id);
    EXPECT_EQ(a.detail, b.detail);

    const std::string cloud = R"({"error":{"message":"Rate limit hit","code":130429}})";
    a = gateway_provider(Provider::cloud_api).parse(400, cloud, "7", "EAAG");
    b = parse_cloud_api(400, cloud, "7", "EAAG");
    EXPECT_EQ(a.outcome, Outcome::rate_limited);
    EXPECT_EQ(a.outcome, b.outcome);
    EXPECT_EQ(a.detail, b.detail);
    EXPECT_EQ(a.error_code, 130429);
    EXPECT_EQ(a.retry_after_ms, 7000);
}

}  // namespace
}  // namespace wa

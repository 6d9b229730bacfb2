#include <gtest/gtest.h>

#include "core/webhook.hpp"

#include <openssl/hmac.h>

#include <string>

namespace wa {
namespace {

// What Meta sends: "sha256=" and the lowercase hex HMAC-SHA256 of the body.
std::string sign(std::string_view body, std::string_view secret) {
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    static const char digits[] = "0123456789abcdef";
    std::string out = "sha256=";
    for (unsigned i = 0; i < len; i++) {
        out += digits[mac[i] >> 4];
        out += digits[mac[i] & 15];
    }
    return out;
}

// Meta's documented "sent" status example (Webhooks reference, messages
// field, status notification), with the business account's ids.
const char* const meta_status_sent = R"({
  "object": "whatsapp_business_account",
  "entry": [{
    "id": "102290129340398",
    "changes": [{
      "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "statuses": [{
          "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA",
          "status": "sent",
          "timestamp": "1750263773",
          "recipient_id": "16505551234",
          "conversation": {"id": "3ee4a1b5b6b0c7a2a5e3a1f0c6c1e5d4", "origin": {"type": "marketing"}},
          "pricing": {"billable": true, "pricing_model": "PMP", "category": "marketing"}
        }]
      },
      "field": "messages"
    }]
  }]
})";

const char* const meta_status_failed = R"({
  "object": "whatsapp_business_account",
  "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "statuses": [{
      "id": "wamid.FAILED1",
      "status": "failed",
      "timestamp": "1750263774",
      "recipient_id": "6281234567890",
      "errors": [{"code": 131050, "title": "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
                  "message": "Unable to deliver", "error_data": {"details": "..."}}]
    }]}}]}]
})";

const char* const meta_text_message = R"({
  "object": "whatsapp_business_account",
  "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
    "messages": [
      {"from": "16505551234", "id": "wamid.TEXT1", "timestamp": "1749416383", "type": "text",
       "text": {"body": "Does it come in another color?"}},
      {"from": "16505551234", "id": "wamid.BUTTON1", "timestamp": "1749416384", "type": "button",
       "button": {"payload": "STOP", "text": "Stop promotions"}},
      {"from": "16505551234", "id": "wamid.IMAGE1", "timestamp": "1749416385", "type": "image",
       "image": {"mime_type": "image/jpeg", "id": "1003383421387256"}}
    ]}}]}]
})";

const char* const meta_user_preferences = R"({
  "object": "whatsapp_business_account",
  "entry": [{"id": "102290129340398", "changes": [{"field": "user_preferences", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "contacts": [{"wa_id": "6281234567890", "profile": {"name": "Budi"}}],
    "user_preferences": [
      {"wa_id": "6281234567890", "detail": "User requested to stop marketing messages",
       "category": "marketing_messages", "value": "stop", "timestamp": 1731705721},
      {"wa_id": "6281234567891", "detail": "User requested to resume marketing messages",
       "category": "marketing_messages", "value": "resume", "timestamp": 1731705722}
    ]}}]}]
})";

// ---- signatures -------------------------------------------------------------------

TEST(WebhookSignature, MatchesMetasHmacOverTheRawBytes) {
    std::string body = R"({"entry":[],"name":"Budi Santoso \u00e9 ✓ 🚗 ÄÖ"})";
    EXPECT_TRUE(valid_signature(sign(body, "app-secret"), body, "app-secret"));
    EXPECT_STREQ(signature_problem(sign(body, "app-secret"), body, "app-secret"), "");
}

TEST(WebhookSignature, KnownVector) {
    // HMAC-SHA256("secret", "test"), as other implementations document it.
    EXPECT_TRUE(
        valid_signature("sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914",
                        "test", "secret"));
}

TEST(WebhookSignature, AcceptsUppercaseHex) {
    std::string sig = sign("body", "k");
    for (size_t i = 7; i < sig.size(); i++) {
        sig[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(sig[i])));
    }
    EXPECT_TRUE(valid_signature(sig, "body", "k"));
}

TEST(WebhookSignature, RefusesMissingMalformedAndWrong) {
    std::string good = sign("body", "k");
    EXPECT_STREQ(signature_problem("", "body", "k"), "missing");
    EXPECT_STREQ(signature_problem("sha1=" + good.substr(7), "body", "k"), "malformed");
    EXPECT_STREQ(signature_problem(good.substr(7), "body", "k"), "malformed");
    EXPECT_STREQ(signature_problem(good + "0", "body", "k"), "malformed");
    EXPECT_STREQ(signature_problem("sha256=" + std::string(64, 'g'), "body", "k"), "malformed");
    EXPECT_STREQ(signature_problem(good, "body ", "k"), "wrong");
    EXPECT_STREQ(signature_problem(good, "body", "K"), "wrong");
    EXPECT_FALSE(valid_signature(good, "body", ""));
    EXPECT_FALSE(valid_signature("SHA256=" + good.substr(7), "body", "k"));
}

TEST(WebhookSignature, EmptyBodyIsSignedToo) {
    EXPECT_TRUE(valid_signature(sign("", "k"), "", "k"));
}

TEST(WebhookSecret, MatchesOnlyTheSameBytes) {
    EXPECT_TRUE(secret_matches("token-1", "token-1"));
    EXPECT_FALSE(secret_matches("token-2", "token-1"));
    EXPECT_FALSE(secret_matches("token-1x", "token-1"));
    EXPECT_FALSE(secret_matches("", "token-1"));
    EXPECT_FALSE(secret_matches("", ""));
}

// ---- the verification handshake -----------------------------------------------------------

TEST(WebhookVerify, EchoesTheChallengeForTheRightToken) {
    VerifyResult v = verify_subscription(
        "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock",
        "meatyhamhock");
    EXPECT_EQ(v.outcome, Verify::ok);
    EXPECT_EQ(v.challenge, "1158201444");
}

TEST(WebhookVerify, DecodesTheQuery) {
    VerifyResult v = verify_subscription(
        "hub.mode=subscribe&hub.verify_token=a%20b%2Bc&hub.challenge=x-1_2.3~", "a b+c");
    EXPECT_EQ(v.outcome, Verify::ok);
    EXPECT_EQ(v.challenge, "x-1_2.3~");
}

TEST(WebhookVerify, RefusesAWrongTokenOrMode) {
    EXPECT_EQ(verify_subscription("hub.mode=subscribe&hub.verify_token=no&hub.challenge=1", "yes")
                  .outcome,
              Verify::refused);
    EXPECT_EQ(
        verify_subscription("hub.mode=unsubscribe&hub.verify_token=yes&hub.challenge=1", "yes")
            .outcome,
        Verify::refused);
    EXPECT_EQ(verify_subscription("hub.verify_token=yes&hub.challenge=1", "yes").outcome,
              Verify::refused);
    EXPECT_EQ(verify_subscription("hub.mode=subscribe&hub.challenge=1", "yes").outcome,
              Verify::refused);
    EXPECT_EQ(verify_subscription("", "yes").outcome, Verify::refused);
}

TEST(WebhookVerify, RefusesAnOddChallenge) {
    const char* q = "hub.mode=subscribe&hub.verify_token=t&hub.challenge=";
    EXPECT_EQ(verify_subscription(std::string(q) + "%3Cscript%3E", "t").outcome,
              Verify::bad_challenge);
    EXPECT_EQ(verify_subscription(std::string(q) + "a%0D%0AX-Evil:1", "t").outcome,
              Verify::bad_challenge);
    EXPECT_EQ(verify_subscription(std::string(q), "t").outcome, Verify::bad_challenge);
    EXPECT_EQ(verify_subscription(std::string(q) + std::string(129, '7'), "t").outcome,
              Verify::bad_challenge);
    EXPECT_EQ(verify_subscription(std::string(q) + std::string(128, '7'), "t").outcome, Verify::ok);
    EXPECT_EQ(verify_subscription("hub.mode=subscribe&hub.verify_token=t", "t").outcome,
              Verify::bad_challenge);
}

TEST(WebhookVerify, FonnteToken) {
    EXPECT_TRUE(fonnte_token_valid("token=s3cr%2Ft", "s3cr/t"));
    EXPECT_FALSE(fonnte_token_valid("token=s3cr", "s3cr/t"));
    EXPECT_FALSE(fonnte_token_valid("", "s3cr/t"));
    EXPECT_FALSE(fonnte_token_valid("tokens=s3cr/t", "s3cr/t"));
}

// ---- Cloud API bodies -----------------------------------------------------------------------

TEST(CloudApiWebhook, SentStatus) {
    WebhookParse p = parse_cloud_api_webhook(meta_status_sent);
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.batch.statuses.size(), 1u);
    const DeliveryStatus& s = p.batch.statuses[0];
    EXPECT_EQ(s.provider, "cloud_api");
    EXPECT_EQ(s.message_id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA");
    EXPECT_EQ(s.state, DeliveryState::sent);
    EXPECT_EQ(s.timestamp, 1750263773);
    EXPECT_EQ(s.recipient_id, "16505551234");
    EXPECT_EQ(s.pricing_category, "marketing");
    EXPECT_EQ(s.error_code, "");
    EXPECT_EQ(p.batch.ignored, 0u);
}

TEST(CloudApiWebhook, FailedStatusKeepsTheFirstError) {
    WebhookParse p = parse_cloud_api_webhook(meta_status_failed);
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.batch.statuses.size(), 1u);
    const DeliveryStatus& s = p.batch.statuses[0];
    EXPECT_EQ(s.state, DeliveryState::failed);
    EXPECT_EQ(s.error_code, "131050");
    EXPECT_EQ(s.error_title.size(), 125u);
    EXPECT_EQ(s.error_title.substr(0, 29), "Unable to deliver the message");
    EXPECT_EQ(s.pricing_category, "");
}

TEST(CloudApiWebhook, TextAndButtonMessagesOthersIgnored) {
    WebhookParse p = parse_cloud_api_webhook(meta_text_message);
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.batch.messages.size(), 2u);
    EXPECT_EQ(p.batch.messages[0].provider, "cloud_api");
    EXPECT_EQ(p.batch.messages[0].from, "16505551234");
    EXPECT_EQ(p.batch.messages[0].text, "Does it come in another color?");
    EXPECT_EQ(p.batch.messages[0].timestamp, 1749416383);
    EXPECT_EQ(p.batch.messages[1].text, "Stop promotions");
    EXPECT_EQ(p.batch.ignored, 1u);
}

TEST(CloudApiWebhook, UserPreferences) {
    WebhookParse p = parse_cloud_api_webhook(meta_user_preferences);
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.batch.preferences.size(), 2u);
    EXPECT_EQ(p.batch.preferences[0].wa_id, "6281234567890");
    EXPECT_TRUE(p.batch.preferences[0].stop);
    EXPECT_EQ(p.batch.preferences[0].timestamp, 1731705721);
    EXPECT_FALSE(p.batch.preferences[1].stop);
}

TEST(CloudApiWebhook, UnknownStatusesAndFieldsAreIgnored) {
    WebhookParse p = parse_cloud_api_webhook(R"({"object":"whatsapp_business_account","entry":[
      {"id":"1","changes":[
        {"field":"messages","value":{"statuses":[
          {"id":"wamid.A","status":"deleted","timestamp":"1"},
          {"id":"wamid.B","status":"warning","timestamp":"1"},
          {"id":"wamid.C","status":"delivered","timestamp":"2","recipient_id":"6281"}]}},
        {"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}},
        {"field":"user_preferences","value":{"user_preferences":[
          {"wa_id":"6281","category":"other","value":"stop"},
          {"wa_id":"6281","category":"marketing_messages","value":"maybe"}]}}]}]})");
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.batch.statuses.size(), 1u);
    EXPECT_EQ(p.batch.statuses[0].message_id, "wamid.C");
    EXPECT_EQ(p.batch.statuses[0].state, DeliveryState::delivered);
    EXPECT_EQ(p.batch.ignored, 5u);
}

TEST(CloudApiWebhook, IdsMustBeShortPrintableAscii) {
    std::string long_id(129, 'a');
    WebhookParse p = parse_cloud_api_webhook(
        R"({"entry":[{"changes":[{"field":"messages","value":{"statuses":[)"
        R"({"id":")"
        + long_id + R"(","status":"read"},)"
        + R"({"id":"wamid. space","status":"read"},{"id":"","status":"read"},{"status":"read"},)"
        + R"({"id":"wamid.\u00e9","status":"read"},{"id":")" + std::string(128, 'b')
        + R"(","status":"read","timestamp":1}]}}]}]})");
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.batch.statuses.size(), 1u);
    EXPECT_EQ(p.batch.statuses[0].message_id, std::string(128, 'b'));
    EXPECT_EQ(p.batch.statuses[0].timestamp, 1);
    EXPECT_EQ(p.batch.ignored, 5u);
}

TEST(CloudApiWebhook, LongTextIsCutAtACharacter) {
    std::string text(4095, 'a');
    text += "é";  // two bytes: past 4096, so it goes whole
    WebhookParse p =
        parse_cloud_api_webhook(R"({"entry":[{"changes":[{"field":"messages","value":{"messages":[)"
                                R"({"from":"6281","type":"text","text":{"body":")"
                                + text + R"("}}]}}]}]})");
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.batch.messages.size(), 1u);
    EXPECT_EQ(p.batch.messages[0].text, std::string(4095, 'a'));
}

TEST(CloudApiWebhook, RejectsWhatIsNotANotification) {
    EXPECT_FALSE(parse_cloud_api_webhook("").ok);
    EXPECT_FALSE(parse_cloud_api_webhook("{").ok);
    EXPECT_FALSE(parse_cloud_api_webhook("[]").ok);
    EXPECT_FALSE(parse_cloud_api_webhook("{}").ok);
    EXPECT_FALSE(parse_cloud_api_webhook(R"({"object":"page","entry":[]})").ok);
    EXPECT_FALSE(parse_cloud_api_webhook(R"({"entry":{}})").ok);
    EXPECT_FALSE(parse_cloud_api_webhook(R"({"entry":[{"id":"1"}]})").ok);
    EXPECT_FALSE(parse_cloud_api_webhook(R"({"entry":[{"changes":[1]}]})").ok);
    EXPECT_FALSE(parse_cloud_api_webhook(R"({"entry":[{"changes":[{"field":"messages"}]}]})").ok);
    WebhookParse p = parse_cloud_api_webhook("nope");
    EXPECT_EQ(p.error.substr(0, 9), "not JSON:");
    EXPECT_TRUE(parse_cloud_api_webhook(R"({"entry":[]})").ok);
}

TEST(CloudApiWebhook, AtMostTenThousandItems) {
    auto body = [](size_t n) {
        std::string b = R"({"entry":[{"changes":[{"field":"messages","value":{"statuses":[)";
        for (size_t i = 0; i < n; i++) {
            b += (i ? "," : "") + std::string(R"({"id":"wamid.)") + std::to_string(i)
                + R"(","status":"delivered","timestamp":"1"})";
        }
        return b + "]}}]}]}";
    };
    WebhookParse ok = parse_cloud_api_webhook(body(kWebhookMaxItems));
    ASSERT_TRUE(ok.ok);
    EXPECT_EQ(ok.batch.statuses.size(), kWebhookMaxItems);
    WebhookParse over = parse_cloud_api_webhook(body(kWebhookMaxItems + 1));
    EXPECT_FALSE(over.ok);
    EXPECT_EQ(over.error, "too many items");
    EXPECT_TRUE(over.batch.statuses.empty());
}

// ---- Fonnte bodies -----------------------------------------------------------------------------

TEST(FonnteWebhook, StatusByStateThenStatus) {
    WebhookParse p = parse_fonnte_webhook(
        R"({"device":"6282227097005","id":"80367170","stateid":"ABCD","status":"sent","state":"read"})");
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.batch.statuses.size(), 1u);
    EXPECT_EQ(p.batch.statuses[0].provider, "fonnte");
    EXPECT_EQ(p.batch.statuses[0].message_id, "80367170");
    EXPECT_EQ(p.batch.statuses[0].state, DeliveryState::read);

    p = parse_fonnte_webhook(R"({"device":"628","id":80367171,"status":"sent"})");
    ASSERT_EQ(p.batch.statuses.size(), 1u);
    EXPECT_EQ(p.batch.statuses[0].message_id, "80367171");
    EXPECT_EQ(p.batch.statuses[0].state, DeliveryState::sent);

    p = parse_fonnte_webhook(R"({"id":"9","status":"sent","state":"Delivered"})");
    EXPECT_EQ(p.batch.statuses[0].state, DeliveryState::delivered);
}

TEST(FonnteWebhook, FailuresKeepTheirWord) {
    WebhookParse p = parse_fonnte_webhook(R"({"id":"7","status":"invalid","state":""})");
    ASSERT_EQ(p.batch.statuses.size(), 1u);
    EXPECT_EQ(p.batch.statuses[0].state, DeliveryState::failed);
    EXPECT_EQ(p.batch.statuses[0].error_title, "invalid");
    EXPECT_EQ(p.batch.statuses[0].error_code, "");
}

TEST(FonnteWebhook, WaitingAndStateOnlyAreIgnored) {
    WebhookParse p = parse_fonnte_webhook(R"({"id":"7","status":"pending"})");
    ASSERT_TRUE(p.ok);
    EXPECT_TRUE(p.batch.statuses.empty());
    EXPECT_EQ(p.batch.ignored, 1u);
    p = parse_fonnte_webhook(R"({"stateid":"X","state":"read"})");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.batch.ignored, 1u);
}

TEST(FonnteWebhook, InboundMessage) {
    WebhookParse p = parse_fonnte_webhook(
        R"({"device":"6282227097005","sender":"6281234567890","message":"STOP","text":"",)"
        R"("member":"","name":"Budi","location":"","timestamp":1733011200,"inboxid":1})");
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.batch.messages.size(), 1u);
    EXPECT_EQ(p.batch.messages[0].provider, "fonnte");
    EXPECT_EQ(p.batch.messages[0].from, "6281234567890");
    EXPECT_EQ(p.batch.messages[0].text, "STOP");
    EXPECT_EQ(p.batch.messages[0].timestamp, 1733011200);

    p = parse_fonnte_webhook(R"({"sender":"6281","message":"","text":"Berhenti"})");
    ASSERT_EQ(p.batch.messages.size(), 1u);
    EXPECT_EQ(p.batch.messages[0].text, "Berhenti");
}

TEST(FonnteWebhook, GroupMessagesAreIgnored) {
    WebhookParse p =
        parse_fonnte_webhook(R"({"sender":"120363@g.us","message":"STOP","member":"6281"})");
    ASSERT_TRUE(p.ok);
    EXPECT_TRUE(p.batch.messages.empty());
    EXPECT_EQ(p.batch.ignored, 1u);
}

TEST(FonnteWebhook, RejectsOtherBodies) {
    EXPECT_FALSE(parse_fonnte_webhook("").ok);
    EXPECT_FALSE(parse_fonnte_webhook("[]").ok);
    EXPECT_FALSE(parse_fonnte_webhook(R"({"device":"628"})").ok);
    EXPECT_FALSE(parse_fonnte_webhook("id=1&status=sent").ok);
}

// ---- opt-outs ---------------------------------------------------------------------------------

TEST(WebhookOptOuts, FromErrorAndPreferencesLastWins) {
    WebhookBatch b;
    DeliveryStatus failed;
    failed.state = DeliveryState::failed;
    failed.error_code = "131050";
    failed.recipient_id = "6281234567890";
    b.statuses.push_back(failed);
    failed.error_code = "131026";
    failed.recipient_id = "6281234567899";
    b.statuses.push_back(failed);
    b.preferences.push_back(UserPreference{"6281234567891", true, 1});
    b.preferences.push_back(UserPreference{"6281234567891", false, 2});
    b.preferences.push_back(UserPreference{"not-a-number", true, 3});
    std::vector<OptOutChange> c = opt_out_changes(b);
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].phone, "6281234567890");
    EXPECT_TRUE(c[0].opted_out);
    EXPECT_STREQ(c[0].reason, "error_131050");
    EXPECT_EQ(c[1].phone, "6281234567891");
    EXPECT_FALSE(c[1].opted_out);
    EXPECT_STREQ(c[1].reason, "user_preferences");
}

// Inbound messages go through the stop-word rule with the configured
// (folded) words: exactly one word, after the preferences, last one wins.
TEST(WebhookOptOuts, StopAndStartWordsOfInboundMessages) {
    const std::vector<std::string> stop{"STOP", "BERHENTI"};
    const std::vector<std::string> start{"MULAI"};
    WebhookBatch b;
    b.preferences.push_back(UserPreference{"6281234567892", false, 1});
    b.messages.push_back(InboundMessage{"cloud_api", "6281234567892", "  BERHENTI ", 2});
    b.messages.push_back(InboundMessage{"cloud_api", "6281234567893", "stop please", 3});
    b.messages.push_back(InboundMessage{"fonnte", "6281234567894", "Stop", 4});
    b.messages.push_back(InboundMessage{"cloud_api", "6281234567895", "STOP", 5});
    b.messages.push_back(InboundMessage{"cloud_api", "6281234567895", "Mulai", 6});
    std::vector<OptOutChange> c = opt_out_changes(b, stop, start);
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c[0].phone, "6281234567892");
    EXPECT_TRUE(c[0].opted_out);
    EXPECT_STREQ(c[0].reason, "stop_word");
    EXPECT_EQ(c[1].phone, "6281234567894");
    EXPECT_TRUE(c[1].opted_out);
    EXPECT_STREQ(c[1].reason, "stop_word");
    EXPECT_EQ(c[2].phone, "6281234567895");
    EXPECT_FALSE(c[2].opted_out);
    EXPECT_STREQ(c[2].reason, "start_word");
    // Without words configured, messages change nothing.
    EXPECT_EQ(opt_out_changes(b).size(), 1u);
}

}  // namespace
}  // namespace wa

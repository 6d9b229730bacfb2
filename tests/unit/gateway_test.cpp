#include <gtest/gtest.h>

#include <limits>

#include "core/gateway.hpp"

namespace wa {
namespace {

constexpr int64_t kNow = 1795515921;  // Tue, 24 Nov 2026 10:25:21 GMT

using Headers = std::vector<std::pair<std::string, std::string>>;

TEST(StarsenderRequest, MatchesTheOldWireFormat) {
    OutboundRequest r = starsender_request(
        "https://api.starsender.online/api/send", "sk-123\n", "6280737416724",
        "Bapak Agus Nugroho untuk nomor kendaraan N 1212 RW sebentar lagi tiba saat pemeliharaan "
        "rutin pada tanggal 25-11-2026, daftarkan segera melalui nomor pelayanan kami "
        "087740659525");
    EXPECT_EQ(r.url, "https://api.starsender.online/api/send");
    EXPECT_EQ(r.headers,
              (Headers{{"Content-Type", "application/json"}, {"Authorization", "sk-123"}}));
    EXPECT_EQ(
        r.body,
        R"({"messageType":"text","to":"6280737416724","body":"Bapak Agus Nugroho untuk nomor )"
        R"(kendaraan N 1212 RW sebentar lagi tiba saat pemeliharaan rutin pada tanggal )"
        R"(25-11-2026, daftarkan segera melalui nomor pelayanan kami 087740659525"})");
}

TEST(GatewayKey, MustFitInAHeaderOnceTrimmed) {
    EXPECT_TRUE(gateway_key_ok("sk-123"));
    EXPECT_TRUE(gateway_key_ok("sk-123\n"));
    EXPECT_TRUE(gateway_key_ok(" \tEAAG token\r\n"));
    EXPECT_TRUE(gateway_key_ok("a\tb"));
    EXPECT_TRUE(gateway_key_ok("k\xc3\xa4"));
    EXPECT_FALSE(gateway_key_ok("sk-123\r\nX-Injected: 1"));
    EXPECT_FALSE(gateway_key_ok("sk-123\nX-Injected: 1"));
    EXPECT_FALSE(gateway_key_ok("sk-123\rX"));
    EXPECT_FALSE(gateway_key_ok(std::string("sk\0-123", 7)));
    EXPECT_FALSE(gateway_key_ok("sk\x1b[31m"));
    EXPECT_FALSE(gateway_key_ok("sk\x7f"));
}

TEST(StarsenderRequest, EscapesTheText) {
    OutboundRequest r = starsender_request("u", "k", "62812", "a \"b\"\\\nÄ");
    EXPECT_EQ(r.body, R"({"messageType":"text","to":"62812","body":"a \"b\"\\\nÄ"})");
}

TEST(CloudApiRequest, TemplateMessageWithBodyParameters) {
    CloudTemplate tpl;
    tpl.name = "maintenance_reminder";
    OutboundRequest r = cloud_api_request(
        "https://graph.facebook.com/v21.0/123456/messages", " EAAG-token ", "6280737416724", tpl,
        {"Agus Nugroho", "N 1212 RW", "25-11-2026", "087740659525"});
    EXPECT_EQ(r.url, "https://graph.facebook.com/v21.0/123456/messages");
    EXPECT_EQ(
        r.headers,
        (Headers{{"Content-Type", "application/json"}, {"Authorization", "Bearer EAAG-token"}}));
    EXPECT_EQ(
        r.body,
        R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"6280737416724",)"
        R"("type":"template","template":{"name":"maintenance_reminder","language":{"code":"id"},)"
        R"("components":[{"type":"body","parameters":[{"type":"text","text":"Agus Nugroho"},)"
        R"({"type":"text","text":"N 1212 RW"},{"type":"text","text":"25-11-2026"},)"
        R"({"type":"text","text":"087740659525"}]}]}})");
}

TEST(CloudApiRequest, NoParametersNoComponents) {
    CloudTemplate tpl{"hello_world", "en_US"};
    OutboundRequest r = cloud_api_request("u", "t", "62812", tpl, {});
    EXPECT_EQ(
        r.body,
        R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"62812",)"
        R"("type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}})");
}

TEST(ParseStarsender, Accepted) {
    SendResult r = parse_starsender(
        200,
        R"({"success":true,"data":{"id":"3EB0A1","status":"pending"},"message":"Pesan berhasil dikirim"})",
        "", "");
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.message_id, "3EB0A1");
    EXPECT_EQ(r.detail, "Pesan berhasil dikirim");
    EXPECT_EQ(r.error_code, 0);
    EXPECT_EQ(r.retry_after_ms, -1);
}

TEST(ParseStarsender, MessageIdVariants) {
    EXPECT_EQ(
        parse_starsender(200, R"({"success":true,"data":{"message_id":"m1"}})", "", "").message_id,
        "m1");
    EXPECT_EQ(
        parse_starsender(200, R"({"success":true,"data":{"messageId":"m2"}})", "", "").message_id,
        "m2");
    EXPECT_EQ(
        parse_starsender(200, R"({"success":true,"data":{"id":12345678901}})", "", "").message_id,
        "12345678901");
    EXPECT_EQ(parse_starsender(200, R"({"success":true,"data":{"id":"a","messageId":"b"}})", "", "")
                  .message_id,
              "a");
    EXPECT_EQ(
        parse_starsender(201, R"({"success":true,"data":{"id":null,"messageId":"b"}})", "", "")
            .message_id,
        "b");

    SendResult r = parse_starsender(200, R"({"success":true,"message":"ok"})", "", "");
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.message_id, "");
    r = parse_starsender(200, R"({"success":true,"data":[1]})", "", "");
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.message_id, "");
    EXPECT_EQ(r.detail, "");
}

TEST(ParseStarsender, Http200WithSuccessFalseIsAFailure) {
    SendResult r =
        parse_starsender(200, R"({"success":false,"message":"Device not connected"})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "Device not connected");
    EXPECT_EQ(r.message_id, "");

    r = parse_starsender(200, R"({"success":"true","message":"x"})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);

    r = parse_starsender(200, R"({"data":{"id":"x"}})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "refused: \"success\" is not true");
}

TEST(ParseStarsender, Unparseable2xxIsRetried) {
    EXPECT_EQ(parse_starsender(200, "", "", "").outcome, Outcome::retry);
    EXPECT_EQ(parse_starsender(200, "<html>", "", "").outcome, Outcome::retry);
    EXPECT_EQ(parse_starsender(200, "[true]", "", "").outcome, Outcome::retry);
    EXPECT_EQ(parse_starsender(200, "{\"success\":true", "", "").detail,
              "HTTP 200: answer is not a JSON object");
}

TEST(ParseStarsender, HttpStatuses) {
    SendResult r =
        parse_starsender(429, R"({"success":false,"message":"Too many requests"})", "7", "");
    EXPECT_EQ(r.outcome, Outcome::rate_limited);
    EXPECT_EQ(r.retry_after_ms, 7000);
    EXPECT_EQ(r.detail, "HTTP 429: Too many requests");

    r = parse_starsender(503, "Service Unavailable", "", "");
    EXPECT_EQ(r.outcome, Outcome::retry);
    EXPECT_EQ(r.detail, "HTTP 503");

    r = parse_starsender(500, R"({"success":true})", "", "");  // the status wins
    EXPECT_EQ(r.outcome, Outcome::retry);

    r = parse_starsender(401, R"({"success":false,"message":"Unauthorized"})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "HTTP 401: Unauthorized");

    EXPECT_EQ(parse_starsender(400, "", "", "").outcome, Outcome::failed);
    EXPECT_EQ(parse_starsender(404, "", "", "").outcome, Outcome::failed);
    EXPECT_EQ(parse_starsender(302, "", "", "").outcome, Outcome::failed);
}

TEST(ParseStarsender, DetailIsShortAndSingleLine) {
    std::string long_message(500, 'x');
    SendResult r =
        parse_starsender(200, R"({"success":false,"message":")" + long_message + "\"}", "", "");
    EXPECT_EQ(r.detail, std::string(200, 'x') + "...");

    r = parse_starsender(200, R"({"success":false,"message":"line1\nline2\ttab"})", "", "");
    EXPECT_EQ(r.detail, "line1 line2 tab");

    // Cut on a character boundary: 199 ASCII bytes then a 2-byte character.
    std::string s(199, 'y');
    r = parse_starsender(200, R"({"success":false,"message":")" + s + "éé\"}", "", "");
    EXPECT_EQ(r.detail, s + "...");
}

std::string cloud_error(int code, const char* message) {
    return R"({"error":{"message":")" + std::string(message)
        + R"(","type":"OAuthException","code":)" + std::to_string(code)
        + R"(,"error_data":{"messaging_product":"whatsapp","details":"d"},"error_subcode":2494055,"fbtrace_id":"AbCd"}})";
}

TEST(ParseCloudApi, Accepted) {
    SendResult r = parse_cloud_api(
        200,
        R"({"messaging_product":"whatsapp","contacts":[{"input":"6280737416724","wa_id":"6280737416724"}],)"
        R"("messages":[{"id":"wamid.HBgLNjI4MDczNzQxNjcyNBUCABEYEjQ2","message_status":"accepted"}]})",
        "", "");
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.message_id, "wamid.HBgLNjI4MDczNzQxNjcyNBUCABEYEjQ2");
    EXPECT_EQ(r.detail, "accepted");
    EXPECT_EQ(r.error_code, 0);

    r = parse_cloud_api(200, R"({"messages":[{"id":"wamid.X"}]})", "", "");
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.detail, "accepted");
}

// The id becomes a Redis key and a stream field, as POST /record's
// message_id does, and meets the same rule.
TEST(ParseGatewayAnswers, IdsThatRecordWouldRefuseAreNotUsed) {
    const std::string longest(256, 'w');
    const std::string too_long(257, 'w');
    auto cloud = [](const std::string& id) {
        return parse_cloud_api(200, R"({"messages":[{"id":")" + id + R"("}]})", "", "");
    };
    auto starsender = [](const std::string& id) {
        return parse_starsender(200, R"({"success":true,"data":{"id":")" + id + R"("}})", "", "");
    };
    for (auto parse : {+cloud, +starsender}) {
        EXPECT_EQ(parse(longest).message_id, longest);
        EXPECT_EQ(parse("wamid.a b").message_id, "wamid.a b");
        SendResult r = parse(too_long);
        EXPECT_EQ(r.outcome, Outcome::accepted);
        EXPECT_EQ(r.message_id, "");
        EXPECT_EQ(parse(std::string(256 * 1024, 'w')).message_id, "");
        EXPECT_EQ(parse("wamid.\\u0007x").message_id, "");
        EXPECT_EQ(parse("wamid.\\u001b[31mx").message_id, "");
        EXPECT_EQ(parse("wamid.\u0086x").message_id, "");
    }
}

TEST(ParseCloudApi, Malformed2xx) {
    EXPECT_EQ(parse_cloud_api(200, "", "", "").outcome, Outcome::retry);
    EXPECT_EQ(parse_cloud_api(200, "not json", "", "").outcome, Outcome::retry);
    SendResult r = parse_cloud_api(200, R"({"messages":[]})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "HTTP 200: answer without messages[0].id");
    EXPECT_EQ(parse_cloud_api(200, R"({"messages":[{"id":7}]})", "", "").outcome, Outcome::failed);
}

TEST(ParseCloudApi, ErrorCodes) {
    struct Case {
        int code;
        long status;
        Outcome outcome;
    };
    const Case cases[] = {
        {130429, 400, Outcome::rate_limited},
        {130429, 429, Outcome::rate_limited},
        {80007, 400, Outcome::rate_limited},
        {4, 400, Outcome::rate_limited},
        {131056, 400, Outcome::recipient_rate_limited},
        {131026, 400, Outcome::failed},
        {131047, 400, Outcome::failed},
        {131050, 400, Outcome::opted_out},
        {131000, 500, Outcome::retry},
        {131000, 400, Outcome::retry},
        {1, 400, Outcome::retry},
        {2, 503, Outcome::retry},
        {131016, 503, Outcome::retry},
        // Codes without a rule of their own go by the status.
        {100, 400, Outcome::failed},
        {190, 401, Outcome::failed},
        {132001, 404, Outcome::failed},
        {99999, 429, Outcome::rate_limited},
        {99999, 500, Outcome::retry},
        {99999, 200, Outcome::failed},
    };
    for (const Case& c : cases) {
        SendResult r = parse_cloud_api(c.status, cloud_error(c.code, "(#x) Something"), "", "");
        EXPECT_EQ(r.outcome, c.outcome) << c.code << " " << c.status;
        EXPECT_EQ(r.error_code, c.code);
        EXPECT_EQ(r.detail, "code " + std::to_string(c.code) + ": (#x) Something");
        EXPECT_EQ(r.message_id, "");
    }
}

TEST(ParseCloudApi, RealisticErrorBodies) {
    SendResult r = parse_cloud_api(
        400,
        R"({"error":{"message":"(#131050) Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business","type":"OAuthException","code":131050,"fbtrace_id":"A1"}})",
        "", "");
    EXPECT_EQ(r.outcome, Outcome::opted_out);
    EXPECT_EQ(r.detail.substr(0, 45), "code 131050: (#131050) Unable to deliver the ");

    r = parse_cloud_api(
        400,
        R"({"error":{"message":"(#131056) (Business Account, Consumer Account) pair rate limit hit","type":"OAuthException","code":131056,"fbtrace_id":"A2"}})",
        "", "");
    EXPECT_EQ(r.outcome, Outcome::recipient_rate_limited);
    EXPECT_EQ(r.detail,
              "code 131056: (#131056) (Business Account, Consumer Account) pair rate limit hit");

    // A relay passing the code as a string.
    r = parse_cloud_api(429, R"({"error":{"message":"m","code":"131056"}})", "", "");
    EXPECT_EQ(r.outcome, Outcome::recipient_rate_limited);
    EXPECT_EQ(r.error_code, 131056);

    // An error object without a code or message.
    r = parse_cloud_api(400, R"({"error":{}})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "HTTP 400");
    EXPECT_EQ(r.error_code, 0);
}

TEST(ParseCloudApi, StatusesWithoutAnErrorObject) {
    EXPECT_EQ(parse_cloud_api(429, "", "", "").outcome, Outcome::rate_limited);
    EXPECT_EQ(parse_cloud_api(500, "", "", "").outcome, Outcome::retry);
    EXPECT_EQ(parse_cloud_api(502, "<html>bad gateway</html>", "", "").outcome, Outcome::retry);
    EXPECT_EQ(parse_cloud_api(401, "", "", "").outcome, Outcome::failed);
    EXPECT_EQ(parse_cloud_api(404, "{}", "", "").detail, "HTTP 404");
}

TEST(ParseCloudApi, RetryAfterIsPassedOn) {
    SendResult r = parse_cloud_api(429, cloud_error(130429, "throughput"), "30", "");
    EXPECT_EQ(r.outcome, Outcome::rate_limited);
    EXPECT_EQ(r.retry_after_ms, 30000);
    EXPECT_EQ(parse_cloud_api(429, "", "soon", "").retry_after_ms, -1);
    // A date in the past is "now".
    EXPECT_EQ(parse_cloud_api(429, "", "Sun, 06 Nov 1994 08:49:37 GMT", "").retry_after_ms, 0);
}

// ---- the configured key or token never leaves the parsers ------------------

constexpr const char* kKey = "ss-live-key-5c1e9a7f3b20d4e8a1";
constexpr const char* kKeyFile = "ss-live-key-5c1e9a7f3b20d4e8a1\n";  // as read from its file
constexpr const char* kToken = "EAAGtesttoken91f0c2d8b7a6e5d4c3";

TEST(ParseStarsender, EchoedKeyIsRedacted) {
    std::string body =
        std::string(R"({"success":false,"message":"Invalid API key: )") + kKey + "\"}";
    SendResult r = parse_starsender(401, body, "", kKeyFile);
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "HTTP 401: Invalid API key: [redacted]");

    r = parse_starsender(200, body, "", kKeyFile);
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "Invalid API key: [redacted]");
}

TEST(ParseStarsender, EscapedEchoIsRedactedToo) {
    // The answer's JSON escapes the key's "/"; the decoded text is redacted.
    SendResult r = parse_starsender(401, R"({"success":false,"message":"key a\/b+c= is wrong"})",
                                    "", "a/b+c=");
    EXPECT_EQ(r.detail, "HTTP 401: key [redacted] is wrong");
}

TEST(ParseStarsender, EchoAtTheDetailLimitLeavesNoPiece) {
    // Cut first, the limit would fall inside the key and keep its start.
    std::string filler(160, 'x');
    std::string body =
        R"({"success":false,"message":"Invalid API key: )" + filler + " " + kKey + "\"}";
    SendResult r = parse_starsender(401, body, "", kKey);
    EXPECT_EQ(r.detail, "HTTP 401: Invalid API key: " + filler + " [redacted]");

    // Redacted and then cut: the cut falls inside "[redacted]".
    filler.assign(185, 'x');
    body = R"({"success":false,"message":")" + filler + " " + kKey + "\"}";
    r = parse_starsender(401, body, "", kKey);
    EXPECT_EQ(r.detail, "HTTP 401: " + filler + " [red...");
}

TEST(ParseStarsender, MessageIdHoldingTheKeyIsDropped) {
    std::string body = std::string(R"({"success":true,"data":{"id":"id-)") + kKey
        + R"("},"message":"sent with )" + kKey + "\"}";
    SendResult r = parse_starsender(200, body, "", kKeyFile);
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.message_id, "");
    EXPECT_EQ(r.detail, "sent with [redacted]");
}

TEST(ParseCloudApi, EchoedTokenIsRedacted) {
    std::string body = std::string(R"({"error":{"message":"Malformed access token Bearer )")
        + kToken + R"(","type":"OAuthException","code":190,"fbtrace_id":"x"}})";
    SendResult r = parse_cloud_api(401, body, "", kToken);
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.error_code, 190);
    EXPECT_EQ(r.detail, "code 190: Malformed access token Bearer [redacted]");

    body = std::string(R"({"messages":[{"id":")") + kToken + R"(","message_status":"ok )" + kToken
        + "\"}]}";
    r = parse_cloud_api(200, body, "", kToken);
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.message_id, "");
    EXPECT_EQ(r.detail, "ok [redacted]");
}

TEST(ParseCloudApi, EchoAtTheDetailLimitLeavesNoPiece) {
    std::string filler(170, 'x');
    std::string body =
        R"({"error":{"message":")" + filler + " Bearer " + kToken + R"(","code":190}})";
    SendResult r = parse_cloud_api(401, body, "", kToken);
    EXPECT_EQ(r.detail, "code 190: " + filler + " Bearer [redacted]");
    EXPECT_EQ(r.detail.find("EAAG"), std::string::npos);
}

TEST(TransportFailure, ReasonIsRedacted) {
    SendResult r =
        transport_failure(false, std::string("Could not resolve host: gw?key=") + kKey, kKeyFile);
    EXPECT_EQ(r.outcome, Outcome::retry);
    EXPECT_EQ(r.detail, "gateway unreachable: Could not resolve host: gw?key=[redacted]");
    EXPECT_EQ(r.message_id, "");

    r = transport_failure(true, "Operation timed out after 1000 milliseconds", kKey);
    EXPECT_EQ(r.outcome, Outcome::retry);
    EXPECT_EQ(r.detail, "gateway timed out");
}

TEST(ParseStarsender, BlankSecretRedactsNothing) {
    SendResult r =
        parse_starsender(401, R"({"success":false,"message":"Device  offline"})", "", " \n");
    EXPECT_EQ(r.detail, "HTTP 401: Device  offline");
}

TEST(ParseRetryAfter, DeltaSeconds) {
    EXPECT_EQ(parse_retry_after("120", kNow), 120000);
    EXPECT_EQ(parse_retry_after("0", kNow), 0);
    EXPECT_EQ(parse_retry_after(" 5 ", kNow), 5000);
    EXPECT_EQ(parse_retry_after("007", kNow), 7000);
    EXPECT_EQ(parse_retry_after("99999999999999999999999", kNow), int64_t{1000000000000} * 1000);
}

TEST(ParseRetryAfter, HttpDates) {
    EXPECT_EQ(parse_retry_after("Tue, 24 Nov 2026 10:27:21 GMT", kNow), 120000);
    EXPECT_EQ(parse_retry_after("Tue, 24 Nov 2026 10:25:21 GMT", kNow), 0);
    EXPECT_EQ(parse_retry_after("Tue, 24 Nov 2026 10:25:20 GMT", kNow), 0);
    EXPECT_EQ(parse_retry_after("Wed, 25 Nov 2026 10:25:21 GMT", kNow), 86400000);
    // The obsolete forms.
    EXPECT_EQ(parse_retry_after("Tuesday, 24-Nov-26 10:27:21 GMT", kNow), 120000);
    EXPECT_EQ(parse_retry_after("Tue Nov 24 10:27:21 2026", kNow), 120000);
    EXPECT_EQ(parse_retry_after("Tue Dec  1 10:25:21 2026", kNow), 7 * 86400000);
    // Sunday, 06-Nov-94 is in 1994, not 2094.
    EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", kNow), 0);
}

TEST(ParseRetryAfter, Invalid) {
    for (const char* h : {"", "   ", "-1", "1.5", "+5", "5s", "soon", "Tue, 24 Nov 2026 10:27:21",
                          "Tue, 24 Nov 2026 10:27:21 UTC", "Tue, 31 Nov 2026 10:27:21 GMT",
                          "Tue, 24 Foo 2026 10:27:21 GMT", "Tue, 24 Nov 2026 24:00:00 GMT",
                          "Tue, 4 Nov 2026 10:27:21 GMT", "Xyz, 24 Nov 2026 10:27:21 GMT",
                          "Tue, 24 Nov 2026 10:27:21 GMT extra", "Tue Nov 24 10:27:21 26"}) {
        EXPECT_EQ(parse_retry_after(h, kNow), -1) << h;
    }
}

TEST(BackoffMs, StaysWithinTheExponentialCeiling) {
    for (int attempt = 0; attempt < 10; attempt++) {
        int64_t ceiling = std::min<int64_t>(30000, int64_t{500} << attempt);
        EXPECT_EQ(backoff_ms(attempt, 0), 1);
        EXPECT_EQ(backoff_ms(attempt, static_cast<uint64_t>(ceiling - 1)), ceiling);
        EXPECT_EQ(backoff_ms(attempt, static_cast<uint64_t>(ceiling)), 1);
        for (uint64_t r : {uint64_t{12345}, uint64_t{0xdeadbeefcafebabe},
                           std::numeric_limits<uint64_t>::max()}) {
            int64_t v = backoff_ms(attempt, r);
            EXPECT_GE(v, 1);
            EXPECT_LE(v, ceiling);
        }
    }
    EXPECT_EQ(backoff_ms(0, 499), 500);
    EXPECT_EQ(backoff_ms(1, 999), 1000);
    EXPECT_EQ(backoff_ms(5, 15999), 16000);
    EXPECT_EQ(backoff_ms(6, 31999), 2000);  // ceiling capped at 30000
    EXPECT_EQ(backoff_ms(6, 29999), 30000);
}

TEST(BackoffMs, NoOverflowForLargeAttempts) {
    for (int attempt : {40, 61, 62, 63, 64, 100, 1000, std::numeric_limits<int>::max()}) {
        EXPECT_EQ(backoff_ms(attempt, 29999), 30000) << attempt;
        EXPECT_LE(backoff_ms(attempt, std::numeric_limits<uint64_t>::max()), 30000);
    }
    int64_t big = std::numeric_limits<int64_t>::max();
    EXPECT_EQ(backoff_ms(70, uint64_t(big) - 1, 1, big), big);
    EXPECT_EQ(backoff_ms(62, 5, big, big), 6);
}

TEST(BackoffMs, OddArguments) {
    EXPECT_EQ(backoff_ms(-3, 499), 500);  // counts as attempt 0
    EXPECT_EQ(backoff_ms(0, 5, 0, 30000), 0);
    EXPECT_EQ(backoff_ms(0, 5, 500, 0), 0);
    EXPECT_EQ(backoff_ms(0, 50000, 60000, 30000), 20001);  // base above cap
}

TEST(OutcomeName, NamesEveryOutcome) {
    EXPECT_STREQ(outcome_name(Outcome::accepted), "accepted");
    EXPECT_STREQ(outcome_name(Outcome::retry), "retry");
    EXPECT_STREQ(outcome_name(Outcome::rate_limited), "rate_limited");
    EXPECT_STREQ(outcome_name(Outcome::recipient_rate_limited), "recipient_rate_limited");
    EXPECT_STREQ(outcome_name(Outcome::failed), "failed");
    EXPECT_STREQ(outcome_name(Outcome::opted_out), "opted_out");
}

}  // namespace
// Found by fuzzing: a secret shorter than "[redacted]" grew the detail past
// its cap when the parsers' last pass redacted an already cut text again.
TEST(Detail, KeepsItsCapWithAShortSecret) {
    std::string many(300, 'e');
    EXPECT_LE(transport_failure(false, many, "e").detail.size(), 203u);
    std::string body = R"({"success":false,"message":")" + many + R"("})";
    EXPECT_LE(parse_starsender(200, body, "", "e").detail.size(), 203u);
}

// Found by fuzzing: POST /record refuses a message_id that is only
// whitespace, so a send must not be counted under one.
TEST(StarSenderParse, WhitespaceOnlyIdIsNotUsed) {
    EXPECT_EQ(parse_starsender(200, R"({"success":true,"data":{"id":"    "}})", "", "k").message_id,
              "");
    EXPECT_EQ(
        parse_starsender(200, R"({"success":true,"data":{"id":"\u00a0\t"}})", "", "k").message_id,
        "");
    EXPECT_EQ(parse_starsender(200, R"({"success":true,"data":{"id":" a1 "}})", "", "k").message_id,
              " a1 ");
}

// ---- Fonnte ----------------------------------------------------------------

TEST(FonnteRequest, FormFieldsInOrderRawToken) {
    OutboundRequest r = fonnte_request("https://api.fonnte.com/send", " tok+en/1\n",
                                       "6281234567890", "Halo Agus & co,\n100% servis = 1x");
    EXPECT_EQ(r.url, "https://api.fonnte.com/send");
    ASSERT_EQ(r.headers.size(), 2u);
    EXPECT_EQ(r.headers[0].first, "Content-Type");
    EXPECT_EQ(r.headers[0].second, "application/x-www-form-urlencoded");
    EXPECT_EQ(r.headers[1].first, "Authorization");
    EXPECT_EQ(r.headers[1].second, "tok+en/1");  // raw, trimmed: no scheme
    EXPECT_EQ(r.body,
              "target=6281234567890&message=Halo+Agus+%26+co%2C%0A100%25+servis+%3D+1x"
              "&countryCode=62");
}

TEST(FonnteRequest, FormUrlencodeKeepsOnlyTheUnreservedSet) {
    EXPECT_EQ(form_urlencode(""), "");
    EXPECT_EQ(form_urlencode("aZ09*-._"), "aZ09*-._");
    EXPECT_EQ(form_urlencode("a b+c~"), "a+b%2Bc%7E");
    EXPECT_EQ(form_urlencode("\xc3\xa9\x01\x7f\xff"), "%C3%A9%01%7F%FF");
    EXPECT_EQ(form_urlencode(std::string("x\0y", 3)), "x%00y");
}

TEST(ParseFonnte, Accepted) {
    SendResult r = parse_fonnte(
        200,
        R"({"detail":"success! message in queue","id":["80367170"],"process":"pending",)"
        R"("requestid":2937124,"status":true,"target":["6282227097005"]})",
        "", "tok");
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.message_id, "80367170");
    EXPECT_EQ(r.detail, "success! message in queue");
    EXPECT_EQ(r.error_code, 0);
}

TEST(ParseFonnte, IdForms) {
    EXPECT_EQ(parse_fonnte(200, R"({"status":true,"id":[80367170]})", "", "").message_id,
              "80367170");
    EXPECT_EQ(parse_fonnte(200, R"({"status":true,"id":"a1"})", "", "").message_id, "a1");
    EXPECT_EQ(parse_fonnte(200, R"({"status":true,"id":7})", "", "").message_id, "7");
    SendResult r = parse_fonnte(200, R"({"status":true,"id":[],"process":"pending"})", "", "");
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.message_id, "");  // counted under the run's own id
    EXPECT_EQ(r.detail, "pending");
    EXPECT_EQ(parse_fonnte(200, R"({"status":true,"id":[null]})", "", "").message_id, "");
    EXPECT_EQ(parse_fonnte(200, R"({"status":true,"id":[{"x":1}]})", "", "").message_id, "");
    EXPECT_EQ(parse_fonnte(200, R"({"status":true,"id":["a\u0001b"]})", "", "").message_id, "");
}

// Fonnte answers 200 for a refusal: "status" false decides.
TEST(ParseFonnte, StatusFalseIsARefusal) {
    SendResult r = parse_fonnte(200, R"({"reason":"target invalid","status":false})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "target invalid");
    EXPECT_EQ(r.message_id, "");
    r = parse_fonnte(200, R"({"status":"true","id":["1"]})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "refused: \"status\" is not true");
    r = parse_fonnte(200, R"({"id":["1"]})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
}

TEST(ParseFonnte, ByHttpStatusAndShape) {
    EXPECT_EQ(parse_fonnte(200, "<html>", "", "").outcome, Outcome::retry);
    EXPECT_EQ(parse_fonnte(200, "[]", "", "").outcome, Outcome::retry);
    SendResult r = parse_fonnte(429, R"({"reason":"rate limit","status":false})", "3", "");
    EXPECT_EQ(r.outcome, Outcome::rate_limited);
    EXPECT_EQ(r.retry_after_ms, 3000);
    EXPECT_EQ(r.detail, "HTTP 429: rate limit");
    EXPECT_EQ(parse_fonnte(502, "bad gateway", "", "").outcome, Outcome::retry);
    r = parse_fonnte(401, R"({"reason":"token invalid","status":false})", "", "");
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.detail, "HTTP 401: token invalid");
}

// The token never leaves the parser, also when the answer repeats it.
TEST(ParseFonnte, TheTokenIsRedacted) {
    SendResult r = parse_fonnte(200, R"({"reason":"token invalid: s3cr3t-token","status":false})",
                                "", "s3cr3t-token\n");
    EXPECT_EQ(r.detail, "token invalid: [redacted]");
    r = parse_fonnte(200, R"({"status":true,"id":["s3cr3t-token"],"detail":"ok s3cr3t-token"})", "",
                     "s3cr3t-token");
    EXPECT_EQ(r.outcome, Outcome::accepted);
    EXPECT_EQ(r.message_id, "");
    EXPECT_EQ(r.detail, "ok [redacted]");
}

}  // namespace wa

// The webhook ingress (wa_report_webhook) against real nginx and Redis, fed
// by a test webhook sender that signs like Meta (X-Hub-Signature-256 over
// the exact bytes) and authenticates like our Fonnte setup (?token=): Meta's
// verification handshake, signatures good and bad, bodies over the limit,
// bodies that are signed but not understood, a batch of 1,000 statuses,
// Redis down, and nginx -t's refusals. The server has wa_report_auth_* on:
// webhook locations answer to their own authentication only.
#include <map>
#include <string>

#include "harness.hpp"

namespace wa::itest {
namespace {

const std::string kVerifyToken = "verify-tok-9f2c";
const std::string kAppSecret = "app-secret-\xc3\xa9-7d1e";
const std::string kFonnteSecret = "fonnte-token-41b7";
const std::string kCloud = "/webhook/cloud-api";
const std::string kFonnte = "/webhook/fonnte";

// The test webhook sender.
HttpResponse send_cloud(HttpClient& http, const std::string& body, const std::string& signature) {
    Headers h = {{"Content-Type", "application/json"}};
    if (!signature.empty()) {
        h.push_back({"X-Hub-Signature-256", signature});
    }
    return http.request("POST", kCloud, body, h);
}

HttpResponse send_signed(HttpClient& http, const std::string& body) {
    return send_cloud(http, body, meta_signature(body, kAppSecret));
}

HttpResponse send_fonnte(HttpClient& http, const std::string& body, const std::string& token) {
    return http.request("POST", kFonnte + (token.empty() ? "" : "?token=" + url_encode(token)),
                        body, {{"Content-Type", "application/json"}});
}

std::string statuses_body(size_t n, const std::string& status) {
    std::string b = R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398",)"
                    R"("changes":[{"field":"messages","value":{"messaging_product":"whatsapp",)"
                    R"("metadata":{"display_phone_number":"15550783881",)"
                    R"("phone_number_id":"106540352242922"},"statuses":[)";
    for (size_t i = 0; i < n; i++) {
        b += (i ? "," : "") + std::string(R"({"id":"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjk)")
            + std::to_string(100000 + i) + R"(","status":")" + status
            + R"(","timestamp":"1764547200","recipient_id":"6281234567890",)"
              R"("conversation":{"id":"7e1f3c5a9b2d4e6f8a0c1e3b5d7f9a1c",)"
              R"("expiration_timestamp":"1764633600","origin":{"type":"utility"}},)"
              R"("pricing":{"billable":true,"pricing_model":"PMP","category":"utility"}})";
    }
    return b + "]}}]}]}";
}

// A status whose error title and a contact name are not ASCII: the
// signature is over the bytes as sent.
const std::string kUtf8Body =
    R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages",)"
    R"("value":{"contacts":[{"profile":{"name":"Budi Santoso ✓ Ñandú 🚗"},"wa_id":"6281234567890"}],)"
    R"("messages":[{"from":"6281234567890","id":"wamid.IN1","timestamp":"1764547201",)"
    R"("type":"text","text":{"body":"Terima kasih 🙏 — sampai jumpa"}}],)"
    R"("statuses":[{"id":"wamid.F1","status":"failed","timestamp":"1764547200",)"
    R"("recipient_id":"6281234567891","errors":[{"code":131050,"title":"Pengguna berhenti ✋"}]}]}}]}]})";

long long sample(const std::string& text, const std::string& series) {
    size_t at = text.find("\n" + series + " ");
    if (at == std::string::npos) {
        return -1;
    }
    return std::stoll(text.substr(at + series.size() + 2));
}

std::string requests(const std::string& provider, const std::string& result) {
    return "wa_report_webhook_requests_total{provider=\"" + provider + "\",result=\"" + result
        + "\"}";
}

std::string events(const std::string& provider, const std::string& kind) {
    return "wa_report_webhook_events_total{provider=\"" + provider + "\",kind=\"" + kind + "\"}";
}

class WebhookTest : public StackTest<WebhookTest> {
public:
    static StackOptions stack_options() {
        StackOptions o;
        o.nginx.files["webhook-verify-token"] = kVerifyToken + "\n";
        o.nginx.files["webhook-app-secret"] = kAppSecret + "\n";
        o.nginx.files["webhook-fonnte-secret"] = kFonnteSecret + "\n";
        o.nginx.files["jwt.secret"] = "jwt-secret-of-the-report-api\n";
        // The report API of this server wants a JWT for reads and writes;
        // Meta and Fonnte cannot send one.
        // Readiness (Redis connected) is seen where no credential is asked.
        o.ready_path = "/open/statistics";
        o.nginx.server_extra =
            "wa_report_auth_read jwt;\n"
            "wa_report_auth_write jwt;\n"
            "wa_report_auth_jwt_secret_file jwt.secret;\n"
            "wa_report_webhook_max_body 512k;\n"
            "location = /webhook/cloud-api {\n"
            "    wa_report_webhook cloud_api;\n"
            "    wa_report_webhook_verify_token_file webhook-verify-token;\n"
            "    wa_report_webhook_secret_file webhook-app-secret;\n"
            "}\n"
            "location = /webhook/fonnte {\n"
            "    wa_report_webhook fonnte;\n"
            "    wa_report_webhook_secret_file webhook-fonnte-secret;\n"
            "}\n"
            "location /open/ {\n"
            "    wa_report;\n"
            "    wa_report_auth_read off;\n"
            "    wa_report_auth_write off;\n"
            "}\n"
            "location = /metrics { wa_report_metrics; }\n";
        return o;
    }

protected:
    std::string scrape() {
        HttpResponse m = http().get("/metrics");
        EXPECT_EQ(200, m.status) << describe(m);
        return "\n" + m.body;
    }
};

// ---- Meta's verification request --------------------------------------------------

TEST_F(WebhookTest, HandshakeEchoesTheChallengeForTheRightToken) {
    std::string before = scrape();
    HttpResponse r =
        http().get(kCloud + "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
                   + url_encode(kVerifyToken));
    EXPECT_EQ(200, r.status) << describe(r);
    EXPECT_EQ("text/plain", r.header("Content-Type"));
    EXPECT_EQ("1158201444", r.body);
    HttpResponse head =
        http().head(kCloud + "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
                    + url_encode(kVerifyToken));
    EXPECT_EQ(200, head.status) << describe(head);
    EXPECT_EQ("", head.body);

    EXPECT_TRUE(IsJsonBody(
        http().get(kCloud + "?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong"), 403,
        R"({"detail":"Forbidden"})"));
    EXPECT_TRUE(IsJsonBody(
        http().get(kCloud + "?hub.challenge=1&hub.verify_token=" + url_encode(kVerifyToken)), 403,
        R"({"detail":"Forbidden"})"));
    EXPECT_TRUE(IsJsonBody(http().get(kCloud), 403, R"({"detail":"Forbidden"})"));
    EXPECT_TRUE(IsJsonBody(http().get(kCloud
                                      + "?hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub."
                                        "verify_token="
                                      + url_encode(kVerifyToken)),
                           400, R"({"detail":"Invalid hub.challenge"})"));
    std::string after = scrape();
    EXPECT_EQ(2,
              sample(after, requests("cloud_api", "verify_ok"))
                  - sample(before, requests("cloud_api", "verify_ok")));
    EXPECT_EQ(4,
              sample(after, requests("cloud_api", "verify_refused"))
                  - sample(before, requests("cloud_api", "verify_refused")));
}

// ---- signed notifications -------------------------------------------------------------

TEST_F(WebhookTest, SignedBodyWithNonAsciiBytesIsApplied) {
    std::string before = scrape();
    EXPECT_TRUE(IsJsonBody(send_signed(http(), kUtf8Body), 200, R"({"status":"ok"})"));
    std::string after = scrape();
    EXPECT_EQ(
        1,
        sample(after, requests("cloud_api", "ok")) - sample(before, requests("cloud_api", "ok")));
    EXPECT_EQ(1,
              sample(after, events("cloud_api", "status_failed"))
                  - sample(before, events("cloud_api", "status_failed")));
    EXPECT_EQ(1,
              sample(after, events("cloud_api", "inbound"))
                  - sample(before, events("cloud_api", "inbound")));
}

TEST_F(WebhookTest, UppercaseHexSignatureIsTheSameDigest) {
    std::string sig = meta_signature(kUtf8Body, kAppSecret);
    for (size_t i = 7; i < sig.size(); i++) {
        sig[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(sig[i])));
    }
    EXPECT_TRUE(IsJsonBody(send_cloud(http(), kUtf8Body, sig), 200, R"({"status":"ok"})"));
}

TEST_F(WebhookTest, MissingMalformedOrWrongSignatureChangesNothing) {
    std::string digest = redis().digest();
    std::string before = scrape();
    std::string good = meta_signature(kUtf8Body, kAppSecret);
    const std::string refused = R"({"detail":"Invalid signature"})";
    EXPECT_TRUE(IsJsonBody(send_cloud(http(), kUtf8Body, ""), 401, refused));
    EXPECT_TRUE(IsJsonBody(send_cloud(http(), kUtf8Body, "sha1=abc"), 401, refused));
    EXPECT_TRUE(IsJsonBody(send_cloud(http(), kUtf8Body, meta_signature(kUtf8Body, "other")), 401,
                           refused));
    // One byte changed after signing.
    std::string tampered = kUtf8Body;
    tampered[tampered.find("131050") + 5] = '1';
    EXPECT_TRUE(IsJsonBody(send_cloud(http(), tampered, good), 401, refused));
    std::string after = scrape();
    EXPECT_EQ(4,
              sample(after, requests("cloud_api", "unauthorized"))
                  - sample(before, requests("cloud_api", "unauthorized")));
    EXPECT_EQ(0,
              sample(after, events("cloud_api", "status_failed"))
                  - sample(before, events("cloud_api", "status_failed")));
    EXPECT_EQ(digest, redis().digest());
    // The header's value is never logged.
    EXPECT_EQ(std::string::npos, stack().nginx().error_log().find(good.substr(7, 16)));
    EXPECT_NE(std::string::npos,
              stack().nginx().error_log().find("wa_report: webhook signature refused \"missing\""));
}

TEST_F(WebhookTest, SignedGarbageIsAnsweredOkAndCountedAsRejected) {
    std::string digest = redis().digest();
    std::string before = scrape();
    for (const std::string& body : {std::string("{\"entry\": nope\x01"), std::string("[]"),
                                    std::string(R"({"object":"page","entry":[]})")}) {
        EXPECT_TRUE(IsJsonBody(send_signed(http(), body), 200, R"({"status":"rejected"})"));
    }
    std::string after = scrape();
    EXPECT_EQ(3,
              sample(after, requests("cloud_api", "rejected"))
                  - sample(before, requests("cloud_api", "rejected")));
    EXPECT_EQ(digest, redis().digest());
    EXPECT_NE(std::string::npos,
              stack().nginx().error_log().find("wa_report: webhook body rejected \"not JSON: "));
}

TEST_F(WebhookTest, AThousandStatusesInOneRequest) {
    std::string body = statuses_body(1000, "delivered");
    // What wa_report_webhook_max_body's default is measured against.
    std::printf("a 1,000-status body is %zu bytes\n", body.size());
    ASSERT_LT(body.size(), 512u * 1024);
    std::string before = scrape();
    EXPECT_TRUE(IsJsonBody(send_signed(http(), body), 200, R"({"status":"ok"})"));
    std::string after = scrape();
    EXPECT_EQ(
        1,
        sample(after, requests("cloud_api", "ok")) - sample(before, requests("cloud_api", "ok")));
    EXPECT_EQ(1000,
              sample(after, events("cloud_api", "status_delivered"))
                  - sample(before, events("cloud_api", "status_delivered")));
    EXPECT_EQ(0,
              sample(after, events("cloud_api", "ignored"))
                  - sample(before, events("cloud_api", "ignored")));
}

// A status Redis refuses (its message key holds a string, as a stray write
// would leave it) fails the request, so Meta sends it again; the statuses
// after it in the same body are applied all the same, or each retry would
// stop at the same place. More than one window of them (64) follow it.
TEST_F(WebhookTest, AStatusRedisRefusesHoldsBackNoOther) {
    std::string body = statuses_body(100, "delivered");
    const std::string first = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjk100000";
    ASSERT_TRUE(redis().command({"SET", "{wa}:message:" + first, "x"}).ok);
    HttpResponse r = send_signed(http(), body);
    EXPECT_EQ(503, r.status) << r.body;
    // The 99 others: unknown ids, each kept pending until its send is counted.
    int kept = 0;
    for (int i = 1; i < 100; i++) {
        kept += static_cast<int>(redis()
                                     .command({"EXISTS",
                                               "{wa}:message:" + first.substr(0, 37)
                                                   + std::to_string(100000 + i) + ":pending"})
                                     .integer);
    }
    EXPECT_EQ(99, kept);
}

TEST_F(WebhookTest, BodyOverTheLimitIs413) {
    std::string body = statuses_body(2000, "read");  // about 634 KB
    ASSERT_GT(body.size(), 512u * 1024);
    std::string digest = redis().digest();
    std::string before = scrape();
    EXPECT_TRUE(IsJsonBody(send_signed(http(), body), 413,
                           R"({"detail":"Request body is larger than 524288 bytes"})"));
    http().close();
    RequestOptions chunked;
    chunked.chunked_body = true;
    chunked.chunk_size = 16384;
    HttpResponse r = http().request("POST", kCloud, body,
                                    {{"Content-Type", "application/json"},
                                     {"X-Hub-Signature-256", meta_signature(body, kAppSecret)}},
                                    chunked);
    EXPECT_TRUE(IsJsonBody(r, 413, R"({"detail":"Request body is larger than 524288 bytes"})"));
    http().close();
    std::string after = scrape();
    EXPECT_EQ(2,
              sample(after, requests("cloud_api", "too_large"))
                  - sample(before, requests("cloud_api", "too_large")));
    EXPECT_EQ(digest, redis().digest());
}

TEST_F(WebhookTest, RedisDownIs503SoTheProviderRetries) {
    stack().redis_server().kill_now();
    std::string before = scrape();
    EXPECT_TRUE(IsJsonBody(send_signed(http(), statuses_body(2, "read")), 503,
                           R"({"detail":"Redis unavailable"})"));
    // Nothing to store: answered without Redis.
    EXPECT_TRUE(IsJsonBody(send_signed(http(), R"({"entry":[]})"), 200, R"({"status":"ok"})"));
    std::string after = scrape();
    EXPECT_EQ(1,
              sample(after, requests("cloud_api", "unavailable"))
                  - sample(before, requests("cloud_api", "unavailable")));
}

TEST_F(WebhookTest, OtherMethodsAre405) {
    EXPECT_TRUE(
        IsJsonBody(http().request("PUT", kCloud, "{}"), 405, R"({"detail":"Method Not Allowed"})"));
    HttpResponse r = http().get(kFonnte + "?token=" + url_encode(kFonnteSecret));
    EXPECT_TRUE(IsJsonBody(r, 405, R"({"detail":"Method Not Allowed"})"));
    EXPECT_EQ("POST", r.header("Allow"));
}

// ---- Fonnte ----------------------------------------------------------------------------

TEST_F(WebhookTest, FonnteStatusAndMessageWithTheToken) {
    std::string before = scrape();
    EXPECT_TRUE(IsJsonBody(
        send_fonnte(
            http(),
            R"({"device":"6282227097005","id":"80367170","stateid":"3EB0A1","status":"sent","state":"read"})",
            kFonnteSecret),
        200, R"({"status":"ok"})"));
    EXPECT_TRUE(IsJsonBody(
        send_fonnte(
            http(),
            R"({"device":"6282227097005","sender":"6281234567890","message":"STOP","member":"","name":"Budi"})",
            kFonnteSecret),
        200, R"({"status":"ok"})"));
    std::string after = scrape();
    EXPECT_EQ(2,
              sample(after, requests("fonnte", "ok")) - sample(before, requests("fonnte", "ok")));
    EXPECT_EQ(1,
              sample(after, events("fonnte", "status_read"))
                  - sample(before, events("fonnte", "status_read")));
    EXPECT_EQ(
        1,
        sample(after, events("fonnte", "inbound")) - sample(before, events("fonnte", "inbound")));
}

TEST_F(WebhookTest, FonnteWithoutTheTokenIs401) {
    std::string digest = redis().digest();
    std::string before = scrape();
    const std::string body = R"({"id":"1","status":"sent"})";
    EXPECT_TRUE(IsJsonBody(send_fonnte(http(), body, ""), 401, R"({"detail":"Invalid token"})"));
    EXPECT_TRUE(IsJsonBody(send_fonnte(http(), body, kFonnteSecret + "x"), 401,
                           R"({"detail":"Invalid token"})"));
    // The Cloud API's secret is not Fonnte's.
    EXPECT_TRUE(
        IsJsonBody(send_fonnte(http(), body, kAppSecret), 401, R"({"detail":"Invalid token"})"));
    std::string after = scrape();
    EXPECT_EQ(3,
              sample(after, requests("fonnte", "unauthorized"))
                  - sample(before, requests("fonnte", "unauthorized")));
    EXPECT_EQ(digest, redis().digest());
    EXPECT_EQ(std::string::npos, stack().nginx().error_log().find(kFonnteSecret));
}

// ---- nginx -t -------------------------------------------------------------------------------

NginxConfig webhook_config(const std::string& location) {
    NginxConfig c;
    c.files["token"] = "t\n";
    c.files["secret"] = "s\n";
    c.server_extra = "location = /hook {\n" + location + "}\n";
    return c;
}

TEST(WebhookConfigTest, RefusesWhatAProviderNeedsAtItsLine) {
    struct Case {
        std::string location;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"wa_report_webhook cloud_api;\nwa_report_webhook_secret_file secret;\n",
         "\"wa_report_webhook cloud_api\" needs \"wa_report_webhook_verify_token_file\""},
        {"wa_report_webhook cloud_api;\nwa_report_webhook_verify_token_file token;\n",
         "\"wa_report_webhook cloud_api\" needs \"wa_report_webhook_secret_file\""},
        {"wa_report_webhook fonnte;\n",
         "\"wa_report_webhook fonnte\" needs \"wa_report_webhook_secret_file\""},
        {"wa_report_webhook meta;\n", "invalid webhook provider \"meta\""},
        {"wa_report;\nwa_report_webhook fonnte;\n", "conflicts with \"wa_report\""},
        {"wa_report_webhook fonnte;\nwa_report_webhook_secret_file secret;\nwa_report;\n",
         "\"wa_report_webhook\" conflicts with the location's other wa_report handler"},
        {"wa_report_webhook fonnte;\nwa_report_webhook_secret_file missing;\n",
         "cannot read webhook secret file"},
    };
    for (const Case& c : cases) {
        ConfigCheck check = nginx_check_config(webhook_config(c.location));
        EXPECT_FALSE(check.ok) << c.location << check.output;
        EXPECT_NE(std::string::npos, check.output.find(c.message)) << c.location << check.output;
        EXPECT_NE(std::string::npos, check.output.find("[emerg]")) << check.output;
    }
    ConfigCheck ok = nginx_check_config(
        webhook_config("wa_report_webhook fonnte;\nwa_report_webhook_secret_file secret;\n"
                       "wa_report_webhook_max_body 2m;\n"));
    EXPECT_TRUE(ok.ok) << ok.output;
}

}  // namespace
}  // namespace wa::itest

// The test gateway itself, driven by the harness's HTTP client: it must speak
// each provider's format and follow its script before the reminder suites can
// trust it. No nginx here.
#include <string>
#include <thread>

#include "gateway.hpp"
#include "reminder_support.hpp"

namespace wa::itest {
namespace {

class GatewaySelfTest : public ::testing::Test {
protected:
    void SetUp() override {
        gw().reset();
        gw().expect_starsender_key(kStarSenderKey);
        gw().expect_cloud_token(kCloudToken);
    }
    void TearDown() override { gw().reset(); }
    static TestGateway& gw() { return shared_gateway(); }

    static HttpResponse starsender(HttpClient& http, const std::string& to,
                                   const std::string& key = kStarSenderKey) {
        return http.request("POST", "/api/send",
                            "{\"messageType\":\"text\",\"to\":\"" + to + "\",\"body\":\"Halo\"}",
                            {{"Authorization", key}, {"Content-Type", "application/json"}});
    }
    static HttpResponse cloud(HttpClient& http, const std::string& to) {
        return http.request(
        "POST", "/v20.0/123/messages",
        "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"" + to +
            "\",\"type\":\"template\",\"template\":{\"name\":\"maintenance_reminder\","
            "\"language\":{\"code\":\"id\"},\"components\":[{\"type\":\"body\",\"parameters\":"
            "[{\"type\":\"text\",\"text\":\"Budi\"},{\"type\":\"text\",\"text\":\"B 1 AA\"}]}]}}",
        {{"Authorization", "Bearer " + kCloudToken}, {"Content-Type", "application/json"}});
    }
};

TEST_F(GatewaySelfTest, StarSenderAcceptRefuseAndBadCredentials) {
    HttpClient http(gw().port());
    gw().script({"accept", "refuse"});
    EXPECT_TRUE(IsJsonBody(starsender(http, "6281200000001"), 200,
                           "{\"success\":true,\"data\":{\"id\":\"ss-1\"},"
                           "\"message\":\"Pesan berhasil dikirim\"}"));
    EXPECT_TRUE(IsJsonBody(starsender(http, "6281200000001"), 200,
                           "{\"success\":false,\"message\":\"Device offline\"}"));
    EXPECT_EQ("", gw().problems());
    EXPECT_EQ(1, gw().accepted_for("6281200000001"));
    EXPECT_EQ(2, gw().requests_for("6281200000001"));
    auto log = gw().requests();
    ASSERT_EQ(2u, log.size());
    EXPECT_EQ(log[0].connection, log[1].connection) << "keep-alive";
    EXPECT_EQ("Halo", log[0].text);

    HttpResponse bad = starsender(http, "6281200000001", "wrong-key");
    EXPECT_EQ(401, bad.status);
    EXPECT_NE("", gw().problems());
    EXPECT_EQ(1, gw().accepted_total());
}

TEST_F(GatewaySelfTest, StarSenderBodyMustBeExact) {
    HttpClient http(gw().port());
    HttpResponse r = http.request(
        "POST", "/api/send", "{\"to\":\"6281200000001\",\"messageType\":\"text\",\"body\":\"x\"}",
        {{"Authorization", kStarSenderKey}, {"Content-Type", "application/json"}});
    EXPECT_EQ(400, r.status);
    EXPECT_NE(std::string::npos, gw().problems().find("in that order")) << gw().dump();
}

TEST_F(GatewaySelfTest, CloudApiAcceptAndErrors) {
    HttpClient http(gw().port());
    gw().script({"accept", "cloud error 131026", "status 429 Retry-After: 1"});
    EXPECT_TRUE(IsJsonBody(cloud(http, "6281200000002"), 200,
                           "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":"
                           "\"6281200000002\",\"wa_id\":\"6281200000002\"}],\"messages\":"
                           "[{\"id\":\"wamid.1\"}]}"));
    EXPECT_TRUE(IsJsonBody(cloud(http, "6281200000002"), 400,
                           "{\"error\":{\"message\":\"Message undeliverable\",\"type\":"
                           "\"OAuthException\",\"code\":131026,\"fbtrace_id\":\"x\"}}"));
    HttpResponse limited = cloud(http, "6281200000002");
    EXPECT_EQ(429, limited.status);
    EXPECT_EQ("1", limited.header("Retry-After"));
    EXPECT_EQ("", gw().problems()) << gw().dump();
    auto log = gw().requests();
    ASSERT_EQ(3u, log.size());
    EXPECT_EQ("maintenance_reminder", log[0].template_name);
    EXPECT_EQ("id", log[0].template_language);
    EXPECT_EQ((std::vector<std::string>{"Budi", "B 1 AA"}), log[0].parameters);
}

TEST_F(GatewaySelfTest, ScriptsByRecipientThenNumberThenQueue) {
    HttpClient http(gw().port());
    gw().set_default("status 503");
    gw().script({"refuse"});
    gw().script_request(2, "accept");
    gw().script_recipient("6281200000009", {"status 500"});
    EXPECT_EQ(200, starsender(http, "6281200000001").status);  // #1: queue -> refuse
    EXPECT_EQ(200, starsender(http, "6281200000001").status);  // #2: by number -> accept
    EXPECT_EQ(500, starsender(http, "6281200000009").status);  // #3: by recipient
    EXPECT_EQ(503, starsender(http, "6281200000001").status);  // #4: default
    EXPECT_EQ(1, gw().accepted_total());
    EXPECT_EQ(1, gw().accepted_for("6281200000001"));
}

TEST_F(GatewaySelfTest, DelayAndHang) {
    HttpClient http(gw().port());
    gw().script({"delay 300ms then accept", "hang"});
    HttpResponse slow = starsender(http, "6281200000001");
    EXPECT_EQ(200, slow.status);
    EXPECT_GE(slow.seconds, 0.29);
    // A fresh connection: the harness's client retries a request that got no
    // answer on a reused keep-alive connection.
    HttpClient fresh(gw().port());
    fresh.set_timeout(Millis(400));
    gw().set_default("status 599");
    HttpResponse hung = starsender(fresh, "6281200000001");
    EXPECT_EQ(0, hung.status) << describe(hung);
    fresh.close();
    EXPECT_TRUE(gw().wait_idle(Millis(50), Millis(2000))) << gw().dump();
    auto log = gw().requests();
    ASSERT_EQ(2u, log.size());
    EXPECT_FALSE(log[1].accepted);
    EXPECT_EQ(0, log[1].status);
    EXPECT_EQ(1, gw().max_in_flight());
}

TEST_F(GatewaySelfTest, CountsConcurrentRequests) {
    gw().set_default("delay 200ms then accept");
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([i] {
            HttpClient http(gw().port());
            starsender(http, "628120000001" + std::to_string(i));
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(3, gw().max_in_flight());
    EXPECT_TRUE(gw().wait_for_requests(3, Millis(10)));
    EXPECT_EQ(3u, gw().accepted_per_recipient().size());
}

TEST(JwtSignerTest, KnownVector) {
    // jwt.io's example token.
    EXPECT_EQ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
              base64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
    std::string token = sign_jwt(
        "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
        "{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"iat\":1516239022}", "your-256-bit-secret");
    EXPECT_EQ(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG"
        "9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        token);
}

}  // namespace
}  // namespace wa::itest

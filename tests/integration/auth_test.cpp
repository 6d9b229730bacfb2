// Access control of the report and data API: wa_report_auth_read and
// wa_report_auth_write, each off, jwt or key, per location; a refused request
// is a 401 in the API's shape that writes nothing; nginx's deny and
// auth_request still answer first; nginx -t names a bad keys file or a mode
// without its secret at the directive's line.
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kKeyFront = "front-end-key-7d41c2a9e0b35f68d1c4a7e2";
const std::string kKeyImport = "import-job-key-0b9e8d7c6a5f4e3d2c1b0a99";
const std::string kAuthSecret = "auth-jwt-secret-91c3e5a7b2d4f6e8";
const std::string kNotAuthenticated = "{\"detail\":\"Not authenticated\"}";
const std::string kInvalid = "{\"detail\":\"Invalid authentication credentials\"}";

const std::string kCustomer = "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";
const std::string kVehicle = "451b4cf3-6123-4df7-b656-af7229d4beef";
const std::string kCustomerBody =
    "{\"name\":\"Joko Hidayat\",\"phone\":\"087525534192\",\"address\":\"Jl. Merdeka 1\"}";

std::string keys_file() {
    static const std::string path =
        secret_file("api.keys",
                    "# the workshop's front end\n" + kKeyFront + "\n\n# the nightly import\n  "
                        + kKeyImport + "  \r\n");
    return path;
}

std::string auth_secret_file() {
    static const std::string path = secret_file("auth-jwt.secret", kAuthSecret + "\n");
    return path;
}

std::string auth_token(long long ttl = 3600) { return make_token(ttl, kAuthSecret); }

Headers bearer(const std::string& credentials) {
    return {{"Authorization", "Bearer " + credentials}};
}

std::string location(const std::string& name, const std::string& directives) {
    return "location " + name + " {\n    wa_report;\n" + directives + "}\n";
}

// /whatsapp-report/: reads open, writes with a key (the shipped example).
// /jwt/: reads with a JWT, writes open. /mixed/: reads with a key, writes
// with a JWT. /denied/ and /checked/: deny and auth_request in front of a
// location whose writes need a key.
StackOptions auth_stack() {
    StackOptions options;
    NginxConfig& c = options.nginx;
    c.http_extra = "wa_report_auth_keys_file " + keys_file()
                   + ";\n"
                     "wa_report_auth_jwt_secret_file "
                   + auth_secret_file() + ";\n";
    c.report_directives += "wa_report_auth_write key;\n";
    c.server_extra =
        location("/jwt/", "wa_report_auth_read jwt;\n")
        + location("/mixed/", "wa_report_auth_read key;\nwa_report_auth_write jwt;\n")
        + location("/denied/", "deny all;\nwa_report_auth_write key;\n")
        + location("/checked/", "auth_request /authz;\nwa_report_auth_write key;\n")
        + "location = /authz {\n"
          "    internal;\n"
          "    if ($http_x_office = \"yes\") { return 204; }\n"
          "    return 403;\n"
          "}\n";
    return options;
}

class AuthTest : public StackTest<AuthTest> {
public:
    static StackOptions stack_options() { return auth_stack(); }

protected:
    void put_customer() {
        HttpResponse r = http().request("PUT", "/whatsapp-report/data/customers/" + kCustomer,
                                        kCustomerBody, bearer(kKeyFront));
        ASSERT_EQ(201, r.status) << describe(r);
    }

    // The writes the API has, each refused with `headers`: 401 and `body`,
    // WWW-Authenticate: Bearer, and Redis as it was.
    void expect_writes_refused(const std::string& prefix, const Headers& headers,
                               const std::string& body) {
        std::string before = redis().digest();
        const std::vector<std::pair<std::string, std::string>> writes = {
            {"PUT", "data/customers/" + kCustomer},
            {"DELETE", "data/customers/" + kCustomer},
            {"PUT", "data/vehicles/" + kVehicle},
            {"DELETE", "e059a0ee-9132-463e-b162-87e4e9c349e0"},
            {"POST", "reset-frequency"},
            {"POST", "record"},
            {"POST", "data/import"},
            {"PATCH", "statistics"},
        };
        for (const auto& [method, path] : writes) {
            HttpResponse r = http().request(method, prefix + path, kCustomerBody, headers);
            EXPECT_TRUE(IsJsonBody(r, 401, body)) << method << " " << path;
            EXPECT_EQ("Bearer", r.header("WWW-Authenticate")) << method << " " << path;
        }
        EXPECT_EQ(before, redis().digest());
    }
};

TEST_F(AuthTest, ReadsOpenWritesNeedAKey) {
    put_customer();
    HttpResponse read = http().get("/whatsapp-report/data/customers/" + kCustomer);
    EXPECT_TRUE(IsJsonLike(read, 200,
                           "{\"id\":\"" + kCustomer
                               + "\",\"name\":\"Joko Hidayat\",\"phone\":\"087525534192\","
                                 "\"address\":\"Jl. Merdeka 1\",\"created_at\":\"<TS>\","
                                 "\"updated_at\":\"<TS>\",\"opted_out\":false,"
                                 "\"opted_out_at\":null,\"opted_out_reason\":null}"));
    // HEAD reads (the API answers it 405, as FastAPI did), so it passes.
    EXPECT_EQ(405, http().head("/whatsapp-report/statistics").status);

    expect_writes_refused("/whatsapp-report/", {}, kNotAuthenticated);
    expect_writes_refused("/whatsapp-report/", bearer(kKeyFront + "x"), kInvalid);
    expect_writes_refused("/whatsapp-report/", bearer(kKeyFront.substr(1)), kInvalid);
    expect_writes_refused("/whatsapp-report/", {{"Authorization", "Basic " + kKeyFront}}, kInvalid);
    expect_writes_refused("/whatsapp-report/", {{"Authorization", kKeyFront}}, kInvalid);
    expect_writes_refused("/whatsapp-report/", bearer(auth_token()), kInvalid);
    EXPECT_TRUE(redis().exists("{wa}:customer:" + kCustomer));
}

TEST_F(AuthTest, BothKeysOfTheFileWrite) {
    put_customer();
    HttpResponse updated =
        http().request("PUT", "/whatsapp-report/data/customers/" + kCustomer,
                       "{\"name\":\"Joko\",\"phone\":\"087525534192\"}", bearer(kKeyImport));
    EXPECT_EQ(200, updated.status) << describe(updated);
    HttpResponse deleted = http().request("DELETE", "/whatsapp-report/data/customers/" + kCustomer,
                                          "", {{"Authorization", "bearer   " + kKeyImport}});
    EXPECT_EQ(200, deleted.status) << describe(deleted);
    EXPECT_FALSE(redis().exists("{wa}:customer:" + kCustomer));
}

TEST_F(AuthTest, RefusedBodiesAreReadAndTheConnectionGoesOn) {
    std::string big(3000, 'x');
    HttpResponse refused = http().request("POST", "/whatsapp-report/data/import", big);
    EXPECT_TRUE(IsJsonBody(refused, 401, kNotAuthenticated));
    RequestOptions chunked;
    chunked.chunked_body = true;
    chunked.chunk_size = 100;
    refused = http().request("POST", "/whatsapp-report/record", big, {}, chunked);
    EXPECT_TRUE(IsJsonBody(refused, 401, kNotAuthenticated));
    HttpResponse next = http().get("/whatsapp-report/statistics");
    EXPECT_TRUE(IsJsonBody(next, 200,
                           "{\"total_customers_with_vehicles\":0,\"total_messages_sent\":0,"
                           "\"average_messages_per_customer\":0.0,\"customers_by_frequency\":{}}"));
    EXPECT_EQ(0, redis().dbsize());
}

TEST_F(AuthTest, JwtReads) {
    put_customer();
    const std::string path = "/jwt/data/customers/" + kCustomer;
    HttpResponse ok = http().request("GET", path, "", bearer(auth_token()));
    EXPECT_EQ(200, ok.status) << describe(ok);
    // HEAD is a read: past the token, the API's own 405.
    EXPECT_EQ(405, http().request("HEAD", path, "", bearer(auth_token())).status);

    HttpResponse missing = http().get(path);
    EXPECT_TRUE(IsJsonBody(missing, 401, kNotAuthenticated));
    EXPECT_EQ("Bearer", missing.header("WWW-Authenticate"));
    HttpResponse head = http().head(path);
    EXPECT_EQ(401, head.status);
    EXPECT_EQ("Bearer", head.header("WWW-Authenticate"));

    long long now = static_cast<long long>(std::time(nullptr));
    const std::string hs256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"expired", auth_token(-10)},
        {"no exp", sign_jwt(hs256, "{\"sub\":\"front\"}", kAuthSecret)},
        {"HS512",
         sign_jwt("{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
                  "{\"exp\":" + std::to_string(now + 600) + "}", kAuthSecret)},
        {"none",
         base64url("{\"alg\":\"none\"}") + "."
             + base64url("{\"exp\":" + std::to_string(now + 600) + "}") + "."},
        {"the scheduler's secret", make_token(3600, kJwtSecret)},
        {"an API key", kKeyFront},
    };
    for (const auto& [what, token] : bad) {
        HttpResponse r = http().request("GET", path, "", bearer(token));
        EXPECT_TRUE(IsJsonBody(r, 401, kInvalid)) << what;
        EXPECT_EQ("Bearer", r.header("WWW-Authenticate")) << what;
    }
    // Before the route: no path is told apart from another.
    EXPECT_TRUE(IsJsonBody(http().get("/jwt/no/such/path"), 401, kNotAuthenticated));

    // Writes are open here.
    HttpResponse write = http().request("PUT", "/jwt/data/customers/" + kCustomer, kCustomerBody);
    EXPECT_EQ(200, write.status) << describe(write);
}

TEST_F(AuthTest, KeyReadsJwtWrites) {
    put_customer();
    const std::string path = "/mixed/data/customers/" + kCustomer;
    EXPECT_EQ(200, http().request("GET", path, "", bearer(kKeyImport)).status);
    EXPECT_TRUE(IsJsonBody(http().request("GET", path, "", bearer(auth_token())), 401, kInvalid));
    EXPECT_TRUE(IsJsonBody(http().get(path), 401, kNotAuthenticated));

    expect_writes_refused("/mixed/", bearer(kKeyFront), kInvalid);
    expect_writes_refused("/mixed/", bearer(auth_token(-1)), kInvalid);
    HttpResponse del = http().request("DELETE", path, "", bearer(auth_token()));
    EXPECT_EQ(200, del.status) << describe(del);
    EXPECT_FALSE(redis().exists("{wa}:customer:" + kCustomer));
}

TEST_F(AuthTest, DenyInFrontStillWins) {
    for (const Headers& h : {Headers{}, bearer(kKeyFront)}) {
        EXPECT_TRUE(
            IsJsonBody(http().get("/denied/statistics"), 403, "{\"detail\":\"Forbidden\"}"));
        HttpResponse r =
            http().request("PUT", "/denied/data/customers/" + kCustomer, kCustomerBody, h);
        EXPECT_TRUE(IsJsonBody(r, 403, "{\"detail\":\"Forbidden\"}"));
    }
    EXPECT_EQ(0, redis().dbsize());
}

TEST_F(AuthTest, AuthRequestInFrontThenTheKey) {
    const std::string path = "/checked/data/customers/" + kCustomer;
    HttpResponse no_office = http().request("PUT", path, kCustomerBody, bearer(kKeyFront));
    EXPECT_TRUE(IsJsonBody(no_office, 403, "{\"detail\":\"Forbidden\"}"));
    HttpResponse no_key = http().request("PUT", path, kCustomerBody, {{"X-Office", "yes"}});
    EXPECT_TRUE(IsJsonBody(no_key, 401, kNotAuthenticated));
    EXPECT_EQ(0, redis().dbsize());
    HttpResponse both =
        http().request("PUT", path, kCustomerBody,
                       {{"X-Office", "yes"}, {"Authorization", "Bearer " + kKeyFront}});
    EXPECT_EQ(201, both.status) << describe(both);
}

TEST_F(AuthTest, RefusalsAreLoggedByReasonNeverByCredentials) {
    const std::string wrong = "wrong-key-" + std::string(30, 'z');
    for (int i = 0; i < 3; i++) {
        EXPECT_EQ(
            401,
            http().request("DELETE", "/whatsapp-report/" + kCustomer, "", bearer(wrong)).status);
    }
    EXPECT_EQ(401, http().request("GET", "/jwt/statistics", "", bearer(auth_token(-10))).status);
    std::string log = stack().nginx().error_log();
    auto count = [&](const std::string& needle) {
        size_t n = 0;
        for (size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1))
            n++;
        return n;
    };
    // Once a minute per reason and worker, so a flood of bad keys is one line.
    EXPECT_EQ(1u, count("wa_report: bearer token refused \"unknown_key\"")) << log;
    EXPECT_EQ(1u, count("wa_report: bearer token refused \"expired\"")) << log;
    EXPECT_EQ(0u, count(wrong)) << log;
    EXPECT_EQ(0u, count(kKeyFront)) << log;
    EXPECT_EQ(0u, count(kAuthSecret)) << log;
}

// ---------------------------------------------------------------- nginx -t

// The report location includes loc.conf, whose line 3 is under test.
NginxConfig with_loc_lines(const std::string& line3, const std::string& keys_text) {
    NginxConfig config;
    config.report_directives = "include {prefix}/loc.conf;\n";
    config.files["loc.conf"] = "wa_report;\n# line 3 is the one under test\n" + line3 + "\n";
    config.files["api.keys"] = keys_text;
    return config;
}

std::string emerg_of(const std::string& output) {
    size_t at = output.find("[emerg]");
    return at == std::string::npos ? "" : output.substr(at, output.find('\n', at) - at);
}

TEST(AuthConfigTest, MistakesAreReportedAtTheirLine) {
    const std::string good_key(32, 'k');
    struct Case {
        std::string line3, keys, says;
    };
    const std::vector<Case> cases = {
        {"wa_report_auth_keys_file {prefix}/none.keys;", "", "cannot read API keys file"},
        {"wa_report_auth_keys_file {prefix}/api.keys;", "\n", "is empty"},
        {"wa_report_auth_keys_file {prefix}/api.keys;", "# none yet\n\n", "\" holds no key"},
        {"wa_report_auth_keys_file {prefix}/api.keys;", good_key + "\n# old\nshort-key\n",
         "/api.keys:3\": a key must be at least 32 characters long"},
        {"wa_report_auth_keys_file {prefix}/api.keys;", good_key + " " + good_key + "\n",
         "/api.keys:1\": a key may hold only visible ASCII characters"},
        {"wa_report_auth_read jwt;", "",
         "\"wa_report_auth_read jwt\" needs "
         "\"wa_report_auth_jwt_secret_file\""},
        {"wa_report_auth_write key;", "",
         "\"wa_report_auth_write key\" needs "
         "\"wa_report_auth_keys_file\""},
        {"wa_report_auth_write basic;", "", "invalid value \"basic\""},
        {"wa_report_auth_jwt_secret_file {prefix}/none.secret;", "",
         "cannot read auth JWT secret file"},
    };
    for (const Case& c : cases) {
        ConfigCheck check = nginx_check_config(with_loc_lines(c.line3, c.keys));
        EXPECT_FALSE(check.ok) << c.line3 << ": nginx -t accepted it\n" << check.output;
        std::string line = emerg_of(check.output);
        EXPECT_NE(std::string::npos, line.find(c.says)) << c.line3 << "\n" << check.output;
        EXPECT_NE(std::string::npos, line.find("/loc.conf:3")) << c.line3 << "\n" << check.output;
        EXPECT_EQ(std::string::npos, check.output.find("short-key")) << check.output;
    }
}

// A mode set for the whole server names the server's line, and a location
// without wa_report (a webhook's, a static one) needs nothing.
TEST(AuthConfigTest, AnInheritedModeIsReportedAtItsOwnLine) {
    NginxConfig config;
    config.wa_http += "include {prefix}/auth.conf;\n";
    config.files["auth.conf"] = "# for every API location\nwa_report_auth_write jwt;\n";
    ConfigCheck check = nginx_check_config(config);
    EXPECT_FALSE(check.ok) << check.output;
    std::string line = emerg_of(check.output);
    EXPECT_NE(std::string::npos, line.find("\"wa_report_auth_write jwt\" needs")) << check.output;
    EXPECT_NE(std::string::npos, line.find("/auth.conf:2")) << check.output;

    config.report_location = "";
    config.server_extra = "location /static/ { root html; }\n";
    EXPECT_TRUE(nginx_check_config(config).ok);
}

}  // namespace
}  // namespace wa::itest

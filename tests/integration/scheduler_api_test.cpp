// The scheduler API (/scheduler/maintenance-reminder/...): JWT authentication,
// start/stop/status/run-now wire-compatible with the old system, the schedule
// kept in Redis across nginx restarts and shared by two nginx instances, and
// 409 for a run already in progress.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

// The old system's {"running":false,"jobs":[]}, and the schedule that is
// stopped: the suite's wa_report_schedule 07:00 off.
const std::string kInitialStatus = status_body(false, 7, 0, "nginx.conf");
const std::string kStoppedSchedule =
    "\"schedule\":{\"hour\":7,\"minute\":0,\"enabled\":false,\"source\":\"nginx.conf\"}";
const std::string kStopped =
    "{\"status\":\"success\",\"message\":\"Success\",\"data\":{\"message\":\"Scheduler "
    "dihentikan\"}}";
const std::string kRangeError =
    "{\"status\":\"error\",\"message\":\"Hour harus 0-23 dan minute harus 0-59\",\"data\":null}";
const std::string kInvalidCredentials = "{\"detail\":\"Invalid authentication credentials\"}";

std::string started_body(const std::string& hhmm) {
    return "{\"status\":\"success\",\"message\":\"Success\",\"data\":{\"message\":"
           "\"Scheduler dimulai. Job akan berjalan setiap hari jam "
        + hhmm + "\"}}";
}

// A schedule the scheduler API started: the old system's running answer,
// and the schedule's object.
std::string running_status(int hour, int minute) { return status_body(true, hour, minute, "api"); }

// The stopped answer for a time the scheduler API set.
std::string stopped_status(int hour, int minute) { return status_body(false, hour, minute, "api"); }

// base64url(HMAC-SHA256(secret, input)) over any signing input.
std::string hmac_base64url(const std::string& input, const std::string& secret) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    return base64url(std::string(reinterpret_cast<char*>(mac), len));
}

class SchedulerApiTest : public ReminderTest<SchedulerApiTest> {
public:
    static StackOptions stack_options() { return reminder_stack(ReminderSettings{}); }

protected:
    // Restarts nginx (not Redis) with the suite's configuration.
    void restart_nginx() {
        http().close();
        EXPECT_EQ("", stack().nginx().stop());
        std::string error;
        ASSERT_TRUE(stack().nginx().start(stack().prefix(), stack_options().nginx, stack().port(),
                                          stack().redis_port(), &error))
            << error;
        ASSERT_TRUE(stack().wait_ready(&error)) << error;
    }
};

// ---------------------------------------------------------------- auth

TEST_F(SchedulerApiTest, MissingTokenIsNotAuthenticated) {
    for (const auto& [method, path] :
         std::vector<std::pair<std::string, std::string>>{{"GET", "/status"},
                                                          {"POST", "/start?hour=7&minute=0"},
                                                          {"POST", "/stop"},
                                                          {"POST", "/run-now?date=2026-11-24"}}) {
        HttpResponse r = sched(http(), method, path, "");
        EXPECT_TRUE(IsJsonBody(r, 401, "{\"detail\":\"Not authenticated\"}"))
            << method << " " << path;
        EXPECT_EQ("Bearer", r.header("WWW-Authenticate")) << method << " " << path;
    }
    EXPECT_NE("1", redis().command({"HGET", "{wa}:schedule", "enabled"}).str)
        << "an unauthenticated start changed the schedule";
    EXPECT_EQ(0u, gateway().request_count());
}

TEST_F(SchedulerApiTest, BadTokensAreInvalidCredentials) {
    const long long now = static_cast<long long>(std::time(nullptr));
    const std::string hs256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    const std::string payload = "{\"sub\":\"operator\",\"exp\":" + std::to_string(now + 3600) + "}";
    std::string valid = make_token();
    std::string tampered = valid.substr(0, valid.find('.') + 1)
        + base64url("{\"sub\":\"admin\",\"exp\":" + std::to_string(now + 7200) + "}")
        + valid.substr(valid.rfind('.'));
    struct Case {
        std::string what;
        std::string authorization;
    };
    std::vector<Case> cases = {
        {"Basic scheme", "Basic dXNlcjpwYXNz"},
        {"garbage token", "Bearer not-a-jwt"},
        {"two garbage parts", "Bearer abc.def"},
        {"wrong signature", "Bearer " + make_token(3600, "some-other-secret")},
        {"expired", "Bearer " + make_token(-60)},
        {"alg none",
         "Bearer " + base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64url(payload)
             + "."},
        {"alg none with the HS256 signature",
         "Bearer " + base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64url(payload)
             + valid.substr(valid.rfind('.'))},
        {"alg HS512 header",
         "Bearer " + sign_jwt("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", payload, kJwtSecret)},
        {"tampered payload", "Bearer " + tampered},
        {"token signed with the secret plus a newline",
         "Bearer " + sign_jwt(hs256, payload, kJwtSecret + "\n")},
    };
    for (const auto& c : cases) {
        for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
                 {"GET", "/status"}, {"POST", "/start?hour=7&minute=0"}}) {
            HttpResponse r =
                http().request(method, kSched + path, "", {{"Authorization", c.authorization}});
            EXPECT_TRUE(IsJsonBody(r, 401, kInvalidCredentials))
                << c.what << ": " << method << " " << path;
        }
    }
    EXPECT_NE("1", redis().command({"HGET", "{wa}:schedule", "enabled"}).str)
        << "a start with a bad token changed the schedule";
}

// Token rules (issue 6, item 7): a correctly signed token must carry an
// integer exp no further ahead than wa_report_jwt_max_lifetime (24 h here),
// and every part must be canonical base64url.
TEST_F(SchedulerApiTest, TokensMustExpireAndBeCanonical) {
    const long long now = static_cast<long long>(std::time(nullptr));
    const std::string hs256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    auto signed_payload = [&](const std::string& payload) {
        return sign_jwt(hs256, payload, kJwtSecret);
    };
    auto with_exp = [&](const std::string& exp) {
        return signed_payload("{\"sub\":\"operator\",\"exp\":" + exp + "}");
    };
    // The same token with its signature written differently. A signature has
    // no '-' or '_' about one time in four, and then reads the same in the
    // standard alphabet: the subject is varied until it has one.
    std::string valid;
    std::string sig;
    for (int i = 0; sig.find_first_of("-_") == std::string::npos; ++i) {
        valid = signed_payload("{\"sub\":\"operator-" + std::to_string(i)
                               + "\",\"exp\":" + std::to_string(now + 3600) + "}");
        sig = valid.substr(valid.rfind('.') + 1);
    }
    std::string input = valid.substr(0, valid.rfind('.'));
    std::string standard_alphabet = sig;
    for (char& c : standard_alphabet)
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    // 32 bytes are 43 characters whose last carries 2 unused bits.
    std::string loose_bits = sig;
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    loose_bits.back() = alphabet[alphabet.find(sig.back()) | 1];
    // The payload padded before signing: the signature is right, the encoding is not.
    std::string padded_input = base64url(hs256) + "."
        + base64url("{\"sub\":\"operator\",\"exp\":" + std::to_string(now + 3600) + "}");
    while ((padded_input.size() - padded_input.find('.') - 1) % 4 != 0)
        padded_input += "=";
    std::string padded = padded_input + "." + hmac_base64url(padded_input, kJwtSecret);
    ASSERT_NE(std::string::npos, padded_input.find('=')) << "the payload needs no padding";

    struct Case {
        std::string what;
        std::string token;
    };
    std::vector<Case> cases = {
        {"no exp", signed_payload("{\"sub\":\"operator\"}")},
        {"no claims at all", signed_payload("{}")},
        {"exp 1e308", with_exp("1e308")},
        {"exp beyond the 24 h lifetime", with_exp(std::to_string(now + 24 * 3600 + 120))},
        {"exp a year ahead", with_exp(std::to_string(now + 366 * 86400))},
        {"fractional exp", with_exp(std::to_string(now + 3600) + ".5")},
        {"exp written as a real", with_exp(std::to_string(now + 3600) + ".0")},
        {"negative exp", with_exp("-1")},
        {"exp as a string", with_exp("\"" + std::to_string(now + 3600) + "\"")},
        {"iat in the future",
         signed_payload("{\"exp\":" + std::to_string(now + 3600)
                        + ",\"iat\":" + std::to_string(now + 600) + "}")},
        {"iat not a number",
         signed_payload("{\"exp\":" + std::to_string(now + 3600) + ",\"iat\":\"yesterday\"}")},
        {"nbf fractional",
         signed_payload("{\"exp\":" + std::to_string(now + 3600)
                        + ",\"nbf\":" + std::to_string(now - 60) + ".5}")},
        {"payload with padding, signed as sent", padded},
        {"signature with = appended", valid + "="},
        {"signature with == appended", valid + "=="},
        {"signature in the standard alphabet", input + "." + standard_alphabet},
        {"signature with non-zero unused bits", input + "." + loose_bits},
    };
    for (const auto& c : cases) {
        ASSERT_NE(std::string::npos, c.token.find('.')) << c.what;
        HttpResponse r =
            http().request("GET", kSched + "/status", "", {{"Authorization", "Bearer " + c.token}});
        EXPECT_TRUE(IsJsonBody(r, 401, kInvalidCredentials)) << c.what << "\n" << describe(r);
        EXPECT_EQ("Bearer", r.header("WWW-Authenticate")) << c.what;
    }

    // Still accepted: a day's token (within the limit), issued and valid now.
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status", make_token(24 * 3600 - 120)), 200,
                           kInitialStatus));
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/status",
                         signed_payload("{\"sub\":\"operator\",\"iat\":" + std::to_string(now - 60)
                                        + ",\"nbf\":" + std::to_string(now - 60)
                                        + ",\"exp\":" + std::to_string(now + 600) + "}")),
                   200, kInitialStatus));
}

TEST_F(SchedulerApiTest, ValidTokenIsAccepted) {
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, kInitialStatus));
    // Lower-case scheme, as HTTP allows; a token that expires in a minute.
    HttpResponse r = http().request("GET", kSched + "/status", "",
                                    {{"Authorization", "bearer " + make_token(60)}});
    EXPECT_TRUE(IsJsonBody(r, 200, kInitialStatus));
}

// ---------------------------------------------------------------- start/stop/status

TEST_F(SchedulerApiTest, StartStatusStopAsTheOldSystem) {
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, kInitialStatus));
    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/start"), 200, started_body("07:00")))
        << "start without a time uses the configured 07:00";
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, running_status(7, 0)));
    auto schedule = hgetall(redis(), "{wa}:schedule");
    EXPECT_EQ("1", schedule["enabled"]);
    EXPECT_EQ("7", schedule["hour"]);
    EXPECT_EQ("0", schedule["minute"]);

    EXPECT_TRUE(
        IsJsonBody(sched(http(), "POST", "/start?hour=9&minute=15"), 200, started_body("09:15")));
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, running_status(9, 15)));
    schedule = hgetall(redis(), "{wa}:schedule");
    EXPECT_EQ("9", schedule["hour"]);
    EXPECT_EQ("15", schedule["minute"]);

    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/stop"), 200, kStopped));
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, stopped_status(9, 15)));
    EXPECT_EQ("0", redis().command({"HGET", "{wa}:schedule", "enabled"}).str);
    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/stop"), 200, kStopped)) << "stop again";

    EXPECT_TRUE(
        IsJsonBody(sched(http(), "POST", "/start?hour=0&minute=59"), 200, started_body("00:59")));
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "POST", "/start?hour=23&minute=0"), 200, started_body("23:00")));
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, running_status(23, 0)));
}

TEST_F(SchedulerApiTest, StartRejectsBadValuesAndKeepsTheSchedule) {
    ASSERT_TRUE(
        IsJsonBody(sched(http(), "POST", "/start?hour=9&minute=15"), 200, started_body("09:15")));
    for (std::string query : {"?hour=25&minute=0", "?hour=7&minute=60", "?hour=-1&minute=0",
                              "?hour=24", "?minute=99"}) {
        EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/start" + query), 400, kRangeError)) << query;
    }
    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/start?hour=abc&minute=0"), 422,
                           "{\"detail\":[{\"loc\":[\"query\",\"hour\"],\"msg\":\"value is not a "
                           "valid integer\",\"type\":\"type_error.integer\"}]}"));
    EXPECT_TRUE(IsValidationError(sched(http(), "POST", "/start?hour=7&minute=x"),
                                  {"query", "minute"}, true));
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, running_status(9, 15)))
        << "a rejected start must not change the schedule";
}

TEST_F(SchedulerApiTest, WrongMethodsAre405) {
    struct Case {
        std::string method, path, allow;
    };
    for (const auto& c : std::vector<Case>{{"GET", "/start", "POST"},
                                           {"GET", "/stop", "POST"},
                                           {"GET", "/run-now", "POST"},
                                           {"POST", "/status", "GET"},
                                           {"DELETE", "/start", "POST"}}) {
        HttpResponse r = sched(http(), c.method, c.path);
        EXPECT_TRUE(IsJsonBody(r, 405, "{\"detail\":\"Method Not Allowed\"}"))
            << c.method << " " << c.path;
        EXPECT_EQ(c.allow, r.header("Allow")) << c.method << " " << c.path;
    }
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/nothing-here"), 404, "{\"detail\":\"Not Found\"}"));
}

// ---------------------------------------------------------------- run-now

TEST_F(SchedulerApiTest, RunNowRejectsBadDates) {
    for (std::string date : {"bad", "2026-02-30", "24-11-2026", "2026-11-24T00:00:00", ""}) {
        EXPECT_TRUE(IsValidationError(sched(http(), "POST", "/run-now?date=" + date),
                                      {"query", "date"}, true))
            << "date=" << date;
    }
    EXPECT_EQ(0u, gateway().request_count());
    EXPECT_FALSE(redis().exists("{wa}:run:last")) << "a rejected run-now must not run";
}

TEST_F(SchedulerApiTest, RunNowWithNothingDue) {
    Seeded later;
    ASSERT_TRUE(SeedVehicle(http(), 1, "2026-12-24", &later));
    HttpResponse r = sched(http(), "POST", "/run-now?date=2026-11-24");
    EXPECT_TRUE(IsJsonBody(r, 200,
                           "{\"status\":\"success\",\"message\":\"Success\",\"data\":{"
                           "\"total_customers\":1,\"reminder_sent\":0,\"details\":[]}}"));
    EXPECT_EQ(0u, gateway().request_count());
}

TEST_F(SchedulerApiTest, RunNowWhileARunIsInProgressIs409) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, "2026-11-24", &s));
    gateway().set_default("delay 800ms then accept");  // under the 1s timeout
    auto first = std::async(std::launch::async, [&] {
        HttpClient client(stack().port());
        client.set_timeout(Millis(30000));
        return sched(client, "POST", "/run-now?date=2026-11-24");
    });
    ASSERT_TRUE(gateway().wait_for_requests(1, Millis(10000))) << "the first run sent nothing";
    HttpResponse second = sched(http(), "POST", "/run-now?date=2026-11-24");
    EXPECT_TRUE(IsJsonBody(
        second, 409, "{\"status\":\"error\",\"message\":\"Job sedang berjalan\",\"data\":null}"));
    HttpResponse dry = sched(http(), "POST", "/run-now?date=2026-11-24&dry_run=true");
    EXPECT_EQ(409, dry.status) << "a dry run also waits for the run in progress\n" << describe(dry);
    // The status answers during the run (the loop is not blocked).
    HttpResponse status = sched(http(), "GET", "/status");
    EXPECT_EQ(200, status.status);
    EXPECT_LT(status.seconds, 0.5);

    HttpResponse done = first.get();
    ASSERT_TRUE(IsJson(done, 200));
    EXPECT_EQ("1", json_member(json_member(done.body, "data"), "reminder_sent")) << done.body;
    EXPECT_EQ(1u, gateway().request_count());
    EXPECT_EQ(1, report_frequency(http(), s));
}

TEST_F(SchedulerApiTest, LastRunInStatus) {
    Seeded sent, skipped;
    ASSERT_TRUE(SeedVehicle(http(), 1, "2026-11-24", &sent));
    ASSERT_TRUE(SeedVehicle(http(), 2, "2026-11-25", &skipped));
    ASSERT_TRUE(redis().command({"HSET", "{wa}:customer:" + skipped.customer.id, "phone", ""}).ok);
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=2026-11-24", &data));
    HttpResponse status = sched(http(), "GET", "/status");
    EXPECT_TRUE(IsJsonLike(
        status, 200,
        "{\"status\":\"success\",\"message\":\"Success\",\"data\":{\"running\":"
        "false,\"jobs\":[],"
            + kStoppedSchedule
            + ",\"last_run\":{\"started_at\":\"<STR>\","
              "\"finished_at\":\"<STR>\",\"total_customers\":<INT>,\"reminder_sent\":1,"
              "\"failed\":0,\"skipped\":1,\"unknown\":0,\"dry_run\":false,"
              "\"id\":\"<UUID>\",\"vehicles_due\":2,\"customers\":2,\"dry_run_count\":0}}}"));
    ASSERT_TRUE(RunNow(http(), "?date=2026-11-24&dry_run=true", &data));
    status = sched(http(), "GET", "/status");
    EXPECT_TRUE(IsJsonLike(
        status, 200,
        "{\"status\":\"success\",\"message\":\"Success\",\"data\":{\"running\":"
        "false,\"jobs\":[],"
            + kStoppedSchedule
            + ",\"last_run\":{\"started_at\":\"<STR>\","
              "\"finished_at\":\"<STR>\",\"total_customers\":<INT>,\"reminder_sent\":0,"
              "\"failed\":0,\"skipped\":<INT>,\"unknown\":0,\"dry_run\":true,"
              "\"id\":\"<UUID>\",\"vehicles_due\":2,\"customers\":2,\"dry_run_count\":<INT>}}}"));
}

// total_customers meant all customers in run-now's answer (the old system's
// meaning, kept) and the due vehicles in last_run (kept there too); last_run
// names both, and counts the dry-run items beside the dry_run flag.
TEST_F(SchedulerApiTest, LastRunNamesItsCountsExplicitly) {
    Seeded sent, skipped, later;
    ASSERT_TRUE(SeedVehicle(http(), 1, "2026-11-24", &sent));
    ASSERT_TRUE(SeedVehicle(http(), 2, "2026-11-25", &skipped));
    ASSERT_TRUE(SeedVehicle(http(), 3, "2026-12-24", &later));
    ASSERT_TRUE(redis().command({"HSET", "{wa}:customer:" + skipped.customer.id, "phone", ""}).ok);
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=2026-11-24", &data));
    std::string answer = dump_json(data.get());
    EXPECT_EQ("3", json_member(answer, "total_customers")) << answer;
    EXPECT_EQ("1", json_member(answer, "reminder_sent")) << answer;
    std::vector<std::string> ids;
    EXPECT_TRUE(IsJsonLike(
        sched(http(), "GET", "/status"), 200,
        "{\"status\":\"success\",\"message\":\"Success\",\"data\":{\"running\":"
        "false,\"jobs\":[],"
            + kStoppedSchedule
            + ",\"last_run\":{\"started_at\":\"<TS>\","
              "\"finished_at\":\"<TS>\",\"total_customers\":2,\"reminder_sent\":1,"
              "\"failed\":0,\"skipped\":1,\"unknown\":0,\"dry_run\":false,"
              "\"id\":\"<UUID>\",\"vehicles_due\":2,\"customers\":3,\"dry_run_count\":0}}}",
        &ids));
    ASSERT_EQ(3u, ids.size());
    EXPECT_EQ(hgetall(redis(), "{wa}:run:last")["id"], ids[2]);

    EXPECT_EQ(1u, gateway().request_count());
    ASSERT_TRUE(RunNow(http(), "?date=2026-12-24&dry_run=true", &data));
    answer = dump_json(data.get());
    EXPECT_EQ("3", json_member(answer, "total_customers")) << answer;
    EXPECT_EQ("0", json_member(answer, "reminder_sent")) << answer;
    EXPECT_TRUE(IsJsonLike(
        sched(http(), "GET", "/status"), 200,
        "{\"status\":\"success\",\"message\":\"Success\",\"data\":{\"running\":"
        "false,\"jobs\":[],"
            + kStoppedSchedule
            + ",\"last_run\":{\"started_at\":\"<TS>\","
              "\"finished_at\":\"<TS>\",\"total_customers\":1,\"reminder_sent\":0,"
              "\"failed\":0,\"skipped\":0,\"unknown\":0,\"dry_run\":true,"
              "\"id\":\"<UUID>\",\"vehicles_due\":1,\"customers\":3,\"dry_run_count\":1}}}"));
    EXPECT_EQ(1u, gateway().request_count()) << "a dry run sends nothing";
}

// ---------------------------------------------------------------- persistence

TEST_F(SchedulerApiTest, ScheduleSurvivesAnNginxRestart) {
    ASSERT_TRUE(
        IsJsonBody(sched(http(), "POST", "/start?hour=9&minute=15"), 200, started_body("09:15")));
    restart_nginx();
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, running_status(9, 15)))
        << "the configured 07:00 off must not override the schedule in Redis";
    ASSERT_TRUE(IsJsonBody(sched(http(), "POST", "/stop"), 200, kStopped));
    restart_nginx();
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, stopped_status(9, 15)));
    auto schedule = hgetall(redis(), "{wa}:schedule");
    EXPECT_EQ("0", schedule["enabled"]);
    EXPECT_EQ("9", schedule["hour"]);
    EXPECT_EQ("15", schedule["minute"]);
}

TEST_F(SchedulerApiTest, TwoInstancesOnOneRedisAgree) {
    ExtraNginx other;
    std::string error;
    ASSERT_TRUE(other.start(stack_options().nginx, stack().redis_port(), &error)) << error;
    ASSERT_TRUE(
        IsJsonBody(sched(http(), "POST", "/start?hour=6&minute=30"), 200, started_body("06:30")));
    HttpResponse here = sched(http(), "GET", "/status");
    HttpResponse there = sched(other.http(), "GET", "/status");
    EXPECT_TRUE(IsJsonBody(here, 200, running_status(6, 30)));
    EXPECT_TRUE(IsJsonBody(there, 200, running_status(6, 30)));
    ASSERT_TRUE(IsJsonBody(sched(other.http(), "POST", "/stop"), 200, kStopped));
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, stopped_status(6, 30)));
    EXPECT_TRUE(NoSecrets(other.nginx().error_log(), "the second nginx's error.log"));
    EXPECT_EQ("", other.stop());
}

// ---------------------------------------------------------------- max lifetime

class JwtLifetimeTest : public ReminderTest<JwtLifetimeTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "log";
        s.extra_http = "wa_report_jwt_max_lifetime 10m;\n";
        return reminder_stack(s);
    }
};

TEST_F(JwtLifetimeTest, MaxLifetimeIsConfigurable) {
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/status", make_token(3600)), 401, kInvalidCredentials))
        << "an hour is more than the configured 10 minutes";
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/status", make_token(11 * 60)), 401, kInvalidCredentials));
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/status", make_token(9 * 60)), 200, kInitialStatus));
}

}  // namespace
}  // namespace wa::itest

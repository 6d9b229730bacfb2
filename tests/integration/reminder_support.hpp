// Shared pieces of the reminder-engine suites: the nginx configuration of the
// engine pointed at the test gateway, secrets in files, HS256 tokens, the
// scheduler API, seeding due vehicles, run details, and the fixture that
// checks the gateway's log and the secrets after every test.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gateway.hpp"
#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {

// ---------------------------------------------------------------- secrets

// What the key files hold (the files end with a newline, which the module
// must trim) and the JWT secret (its file has no newline).
inline const std::string kStarSenderKey = "ss-live-key-5c1e9a7f3b20d4e8a1";
inline const std::string kCloudToken = "EAAGtesttoken91f0c2d8b7a6e5d4c3";
inline const std::string kFonnteToken = "fnt+Tok3n@9QzR7wLm2xV";
inline const std::string kJwtSecret = "jwt-secret-4f2b8c1d9e7a6053bb";
inline const std::string kServicePhone = "087740659525";
inline const std::string kCloudTemplate = "maintenance_reminder";
inline const std::string kSched = "/scheduler/maintenance-reminder";

// Files in a process-wide temporary directory, written on first use.
std::string starsender_key_file();
std::string cloud_token_file();
std::string fonnte_token_file();
std::string jwt_secret_file();
// A file in that directory with this content (for one-off secrets).
std::string secret_file(const std::string& name, const std::string& content);

// ---------------------------------------------------------------- JWT

std::string base64url(const std::string& data);
// header.payload.signature with HMAC-SHA256 over the first two parts.
std::string sign_jwt(const std::string& header_json, const std::string& payload_json,
                     const std::string& secret);
// {"sub":"operator","exp":now+ttl} signed HS256 with `secret`.
std::string make_token(long long ttl_seconds = 3600, const std::string& secret = kJwtSecret);

// ---------------------------------------------------------------- config

struct ReminderSettings {
    std::string provider = "starsender";  // log | starsender | cloud_api
    bool with_url = true;                 // wa_report_gateway_url (the test gateway's)
    bool with_key_file = true;            // wa_report_gateway_key_file
    bool with_cloud_template = true;      // wa_report_gateway_template (cloud_api only)
    std::string template_text;            // wa_report_template; empty: the default text
    std::string timeout = "1s";
    int concurrency = 4;
    int rate = 50;
    int retries = 2;
    int lead_days = 3;
    std::string remind = "once";
    std::string schedule = "07:00 off";
    std::string tick = "200ms";
    std::string lease = "2s";
    int worker_processes = 1;
    std::string jwt_file;    // empty: jwt_secret_file()
    std::string extra_http;  // appended to the http-level directives
};

NginxConfig reminder_config(const ReminderSettings& settings);
StackOptions reminder_stack(const ReminderSettings& settings);

// ---------------------------------------------------------------- scheduler API

// A request to kSched + path_and_query with "Authorization: Bearer <token>"
// (no header when token is empty). Fails the test if a secret shows up in
// the answer.
HttpResponse sched(HttpClient& http, const std::string& method, const std::string& path,
                   const std::string& token);
HttpResponse sched(HttpClient& http, const std::string& method, const std::string& path);

// POST /run-now<query>, 200 expected; *data gets the parsed "data" member.
::testing::AssertionResult RunNow(HttpClient& http, const std::string& query, JsonPtr* data,
                                  HttpResponse* response = nullptr);

// Polls /status until "last_run" appears; *last_run gets it (compact JSON).
::testing::AssertionResult WaitLastRun(HttpClient& http, Millis timeout, std::string* last_run);

// /status's whole answer for a schedule and no last run: running (enabled)
// with the job's next run at hour:minute in Jakarta, or stopped; the
// "schedule" object with its source ("nginx.conf" or "api").
std::string status_body(bool running, int hour, int minute, const std::string& source);

// Makes the schedule due now: /start at a time two hours ago (so its own
// next run is tomorrow), then next_run = now in Redis.
::testing::AssertionResult MakeScheduleDue(HttpClient& http, RedisClient& redis);

// Leaves in Redis what a runner that died at a dry run's start leaves: a
// {wa}:run:current with this id, today's as_of and no progress, and no
// lease, so the next tick resumes it.
::testing::AssertionResult LeaveOrphanDryRun(RedisClient& redis, const std::string& id);

// ---------------------------------------------------------------- dates

std::string jakarta_today(int add_days = 0);              // YYYY-MM-DD
std::string add_days(const std::string& date, int days);  // YYYY-MM-DD
std::string dmy(const std::string& date);                 // DD-MM-YYYY
// Next HH:MM in Jakarta after now, as 2026-11-25T07:00:00+07:00.
std::string next_run_time(int hour, int minute);

// ---------------------------------------------------------------- data

struct Seeded {
    Customer customer;
    Vehicle vehicle;
    std::string to;  // the phone as the gateway must see it
};

// Customer n (phone 0812<n>) with one vehicle whose next visit is next_visit.
::testing::AssertionResult SeedVehicle(HttpClient& http, int n, const std::string& next_visit,
                                       Seeded* out);
// Many at once; n from first.
::testing::AssertionResult SeedVehicles(HttpClient& http, int first, int count,
                                        const std::string& next_visit, std::vector<Seeded>* out);

// "0812-3456-7890" -> "6281234567890" (only the forms the tests use).
std::string normalised(const std::string& phone);

// The old system's text with kServicePhone.
std::string default_message(const std::string& name, const std::string& nopol,
                            const std::string& next_visit);

// The report's frequency: 0 when there is no report (404), -1 on anything else.
int report_frequency(HttpClient& http, const Seeded& s, std::string* report = nullptr);
long long total_messages_sent(HttpClient& http);

// ---------------------------------------------------------------- details

// The details array of run-now data (null when missing).
json_t* details_of(json_t* data);
// The detail item whose no_pol is `nopol`; null when none.
json_t* detail_for(json_t* details, const std::string& nopol);
int count_status(json_t* details, const std::string& status);

struct ExpectedDetail {
    ExpectedDetail(const Seeded* s, int d, std::string st, std::string msg = "",
                   std::string api = "")
        : seeded(s),
          days(d),
          status(std::move(st)),
          message(std::move(msg)),
          api_response(std::move(api)) {}
    const Seeded* seeded = nullptr;
    int days = 0;
    std::string status;        // sent | failed | skipped | dry_run | unknown
    std::string message;       // sent/failed/dry_run: exact text ("" : the default template's)
    std::string api_response;  // sent/failed: exact text ("" : any non-empty string)
};

// Members in the documented order: no_pol, customer_nama, customer_hp,
// next_visit_date, days_until_visit, status, then message (sent, failed,
// dry_run), api_response (sent, failed), reason (skipped, failed, unknown,
// a non-empty string); values as expected.
::testing::AssertionResult DetailIs(json_t* item, const ExpectedDetail& expected);

// ---------------------------------------------------------------- misc

// The secrets (key, token, JWT secret) do not occur in text.
::testing::AssertionResult NoSecrets(const std::string& text, const std::string& where);

// The lines of `problems` that do not contain `needle`.
std::string without_lines(const std::string& problems, const std::string& needle);

// Among pids, the one holding the TCP connection 127.0.0.1:local_port ->
// 127.0.0.1:remote_port (from /proc/net/tcp and /proc/<pid>/fd); -1 if none.
pid_t pid_with_connection(const std::vector<pid_t>& pids, int local_port, int remote_port);

// One Redis hash as a map.
std::map<std::string, std::string> hgetall(RedisClient& redis, const std::string& key);

// The details a run left in Redis ({wa}:run:last's id -> {wa}:run:<id>:details),
// parsed; *run_id gets the id. For scheduled runs, whose details no client sees.
std::vector<JsonPtr> last_run_details(RedisClient& redis, std::string* run_id = nullptr);

// Every value in Redis (strings, hashes, lists, sets, zsets, streams) as one
// text, to look for secrets.
std::string redis_dump(RedisClient& redis);

// A further nginx with the same module on the stack's Redis, in its own
// prefix and port.
class ExtraNginx {
public:
    ExtraNginx() = default;
    ~ExtraNginx() { stop(); }
    ExtraNginx(const ExtraNginx&) = delete;
    ExtraNginx& operator=(const ExtraNginx&) = delete;

    // Starts and waits until /whatsapp-report/statistics answers without 502/503.
    bool start(const NginxConfig& config, int redis_port, std::string* error);
    std::string stop();  // problems, as NginxServer::stop
    NginxServer& nginx() { return nginx_; }
    HttpClient& http() { return *http_; }

private:
    std::unique_ptr<TempDir> dir_;
    NginxServer nginx_;
    std::unique_ptr<HttpClient> http_;
    bool started_ = false;
};

// ---------------------------------------------------------------- fixture

// A StackTest whose every test starts with a reset gateway and ends by
// checking that every gateway request was a valid provider request and that
// no secret reached error.log.
template <class Suite>
class ReminderTest : public StackTest<Suite> {
protected:
    void SetUp() override {
        StackTest<Suite>::SetUp();
        if (::testing::Test::HasFatalFailure())
            return;
        gateway().reset();
        gateway().expect_starsender_key(kStarSenderKey);
        gateway().expect_cloud_token(kCloudToken);
        gateway().expect_fonnte_token(kFonnteToken);
        StackTest<Suite>::http().set_timeout(Millis(60000));
    }

    void TearDown() override {
        EXPECT_EQ("", gateway().problems()) << gateway().dump();
        EXPECT_TRUE(NoSecrets(StackTest<Suite>::stack().nginx().error_log(), "error.log"));
        StackTest<Suite>::TearDown();
    }

    static TestGateway& gateway() { return shared_gateway(); }
};

}  // namespace wa::itest

// Log injection (issue 6, item 5): values from requests and from Redis are
// written into error.log escaped, inside their quotes, so none of them can
// start a line of its own (a forged "[alert]") or end its quoted value.
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

// A line as nginx writes it, for the forged part of the values below.
const std::string kForged =
    "2026/11/24 10:00:00 [alert] 4242#4242: worker process 4243 exited on signal 11";

class LogInjectionTest : public ReminderTest<LogInjectionTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "log";  // every message is a dry run, written to error.log
        s.extra_http = "wa_report_log_messages on;\n";  // with its text and number
        return reminder_stack(s);
    }

protected:
    // The error log lines (since the suite started) that begin with `text`.
    static int lines_starting_with(const std::string& text) {
        std::string log = stack().nginx().error_log();
        int n = 0;
        for (size_t at = log.find("\n" + text); at != std::string::npos;
             at = log.find("\n" + text, at + 1)) {
            ++n;
        }
        return n;
    }
};

// The example: a customer name with a newline and a fake alert, on a
// vehicle due today, then run-now?dry_run=true (the log provider writes each
// message to error.log).
TEST_F(LogInjectionTest, CustomerNameCannotForgeALogLine) {
    Customer c = make_customer(1);
    c.name = "Budi\n" + kForged;
    Vehicle v = make_vehicle(c.id, 1);
    v.last_visit_date = "2026-01-15";
    v.next_visit_date = jakarta_today();
    ASSERT_TRUE(PutCustomer(http(), c));
    ASSERT_TRUE(PutVehicle(http(), v));

    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?dry_run=true", &data));
    json_t* details = details_of(data.get());
    ASSERT_EQ(1u, json_array_size(details)) << dump_json(data.get());
    EXPECT_EQ("dry_run", json_member(dump_json(json_array_get(details, 0)), "status"));

    EXPECT_EQ(0, lines_starting_with(kForged)) << stack().nginx().error_log();
    std::string log = stack().nginx().error_log();
    // The data API stores the name on one line, so the message has none to escape.
    EXPECT_NE(std::string::npos, log.find("\"Bapak Budi " + kForged + " untuk nomor kendaraan"))
        << "the message is logged on one line, inside its quotes\n"
        << log;
    EXPECT_EQ("", stack().nginx().take_log_problems());
}

// Data written to Redis by anyone (the old system, redis-cli): a quote that
// would end the value early, a carriage return, an escape sequence, in the
// name and the plate (both logged). The plate is logged escaped; the message
// text has each value on one line, without control characters, as the
// providers want it, and its quotes escaped.
TEST_F(LogInjectionTest, ValuesFromRedisAreEscaped) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 2, jakarta_today(), &s));
    const std::string name = "Sari\" injected=\"1\r" + kForged + "\x1b[2J";
    const std::string nopol = "B 1\n" + kForged;
    ASSERT_TRUE(redis().command({"HSET", "{wa}:customer:" + s.customer.id, "name", name}).ok);
    ASSERT_TRUE(redis().command({"HSET", "{wa}:vehicle:" + s.vehicle.id, "nopol", nopol}).ok);

    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?dry_run=true", &data));
    ASSERT_EQ(1u, json_array_size(details_of(data.get()))) << dump_json(data.get());

    std::string log = stack().nginx().error_log();
    EXPECT_EQ(0, lines_starting_with(kForged)) << log;
    EXPECT_EQ(std::string::npos, log.find('\r')) << log;
    EXPECT_EQ(std::string::npos, log.find('\x1b')) << log;
    EXPECT_EQ(std::string::npos, log.find("injected=\"1")) << "a quote ended the value\n" << log;
    EXPECT_NE(std::string::npos,
              log.find("for \"B 1\\x0A" + kForged + "\": \"Bapak Sari\\\" injected=\\\"1 " + kForged
                       + "[2J untuk nomor kendaraan B 1 " + kForged))
        << log;
    EXPECT_EQ("", stack().nginx().take_log_problems());
}

// A value from Redis in another line: the id of a run found in Redis whose
// runner died, logged when a worker resumes it.
TEST_F(LogInjectionTest, ResumedRunIdIsEscaped) {
    const std::string id = "run-1\n" + kForged;
    ASSERT_TRUE(LeaveOrphanDryRun(redis(), id));
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(15000), &last_run));
    EXPECT_EQ(id, redis().command({"HGET", "{wa}:run:last", "id"}).str);

    std::string log = stack().nginx().error_log();
    EXPECT_EQ(0, lines_starting_with(kForged)) << log;
    EXPECT_NE(std::string::npos,
              log.find("run \"run-1\\x0A" + kForged + "\" for " + jakarta_today()
                       + " (Asia/Jakarta) resumed"))
        << log;
    EXPECT_EQ("", stack().nginx().take_log_problems());
}

// ---------------------------------------------------------------- the example

std::string repo_file(const std::string& path) {
    std::string here = __FILE__;
    return here.substr(0, here.rfind("tests/integration/")) + path;
}

// The key the example's keys file holds in the tests.
const std::string kExampleApiKey = "example-api-key-3e8a61c0d9b24f57a6e1";

// The server of conf.d/wa-report.conf as shipped: its http-level lines and
// its server block, on the test's ports.
StackOptions example_stack() {
    std::string conf = read_file(repo_file("conf.d/wa-report.conf"));
    size_t server = conf.find("\nserver {");
    size_t end = conf.rfind('}');
    StackOptions options;
    if (conf.empty() || server == std::string::npos || end == std::string::npos)
        return options;
    std::string http = conf.substr(0, server + 1);
    std::string body = conf.substr(server + 9, end - server - 9);
    auto replace = [](std::string& text, const std::string& from, const std::string& to) {
        size_t at = text.find(from);
        if (at != std::string::npos)
            text.replace(at, from.size(), to);
    };
    replace(http, "wa_report_redis 127.0.0.1:6379;", "wa_report_redis {redis};");
    replace(body, "listen 8000;", "");
    replace(body, "wa_report_auth_keys_file /etc/nginx/secrets/wa-report.keys;",
            "wa_report_auth_keys_file {prefix}/wa-report.keys;");
    options.nginx.files["wa-report.keys"] = kExampleApiKey + "\n";
    options.nginx.wa_http = http;
    options.nginx.report_location = "";
    options.nginx.server_extra = body;
    options.nginx.error_log_level = "notice";
    return options;
}

class ExampleConfigTest : public StackTest<ExampleConfigTest> {
public:
    static StackOptions stack_options() { return example_stack(); }
};

// Outside the API nginx answers by itself, looking the path up as a file
// under its root, and its "not found" line quoted the decoded path: a %0a
// there started a line of the client's in error.log, in the example
// configuration as much as in `make run`'s.
TEST_F(ExampleConfigTest, PathsOutsideTheApiCannotForgeALogLine) {
    ASSERT_FALSE(stack_options().nginx.server_extra.empty()) << "conf.d/wa-report.conf not found";
    EXPECT_TRUE(IsJson(http().get(kBase + "/statistics"), 200));
    for (const char* path :
         {"/x%0a2026/11/24%2010:00:00%20%5Balert%5D%204242%234242:%20worker%20process%204243%20"
          "exited%20on%20signal%2011/y",
          "/%0d%0a%1b%5B2J", "/favicon.ico%0a%0a"}) {
        EXPECT_EQ(404, http().get(path).status) << path;
    }
    std::string log = stack().nginx().error_log();
    EXPECT_EQ(std::string::npos, log.find("exited on signal")) << log;
    EXPECT_EQ(std::string::npos, log.find('\r')) << log;
    EXPECT_EQ(std::string::npos, log.find('\x1b')) << log;
    EXPECT_EQ("", stack().nginx().take_log_problems());
}

// The example protects writes with its keys file and leaves reads to the
// addresses it allows.
TEST_F(ExampleConfigTest, WritesNeedAKeyReadsDoNot) {
    ASSERT_FALSE(stack_options().nginx.server_extra.empty()) << "conf.d/wa-report.conf not found";
    const std::string customer = kBase + "/data/customers/19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";
    const std::string body = "{\"name\":\"Joko Hidayat\",\"phone\":\"087525534192\"}";
    HttpResponse refused = http().put_json(customer, body);
    EXPECT_TRUE(IsJsonBody(refused, 401, "{\"detail\":\"Not authenticated\"}"));
    EXPECT_EQ("Bearer", refused.header("WWW-Authenticate"));
    EXPECT_EQ(0, redis().dbsize());
    HttpResponse created = http().request(
        "PUT", customer, body,
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kExampleApiKey}});
    EXPECT_EQ(201, created.status) << describe(created);
    EXPECT_EQ(200, http().get(customer).status);
}

}  // namespace
}  // namespace wa::itest

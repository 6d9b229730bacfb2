// Redis with a password (issue 2, section 2): the module authenticates from
// wa_report_redis_password_file on every (re)connect, a wrong password gives
// fast 503s, and the password never reaches the error log. A setup step that
// Redis refuses (AUTH, SELECT) drops the connection and goes through the
// reconnect backoff, so the module recovers by itself once Redis accepts it
// again (issue 6, item 11).
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

const std::string kPassword = "s3cret-redis-pass-for-tests";
const std::string kOther = "another-pass-the-module-does-not-know";

std::string password_file() { return "/tmp/wa-itest-redis-pass-" + std::to_string(::getpid()); }

class RedisAuthTest : public StackTest<RedisAuthTest> {
public:
    static StackOptions stack_options() {
        write_file(password_file(), kPassword + "\n");
        StackOptions options;
        options.nginx.http_extra += "wa_report_redis_password_file " + password_file() + ";\n";
        options.nginx.http_extra += "wa_report_redis_timeout 500ms;\n";
        return options;
    }

protected:
    // A connection of the test's own: CLIENT KILL drops the shared one too.
    static RedisReply admin(const std::string& password, const std::vector<std::string>& cmd) {
        RedisClient c;
        std::string error;
        if (!c.connect(stack().redis_port(), &error))
            return RedisReply{};
        if (!password.empty())
            c.command({"AUTH", password});
        return c.command(cmd);
    }

    // The part of the error log written since `offset`.
    static std::string log_since(size_t offset) {
        std::string log = stack().nginx().error_log();
        return offset < log.size() ? log.substr(offset) : std::string();
    }

    static void drop_module_connections(const std::string& password) {
        admin(password, {"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
    }

    static int status_within(int want, int millis) {
        int last = 0;
        poll_until(Millis(millis), [&] {
            last = http().get(kBase + "/statistics").status;
            return last == want;
        });
        return last;
    }

    void TearDown() override {
        // Whatever the test did, leave Redis without a password.
        admin(kOther, {"CONFIG", "SET", "requirepass", ""});
        admin(kPassword, {"CONFIG", "SET", "requirepass", ""});
        stack().redis().disconnect();
        std::string error;
        stack().redis().connect(stack().redis_port(), &error);
        status_within(200, 10000);
        std::string log = stack().nginx().error_log();
        EXPECT_EQ(std::string::npos, log.find(kPassword)) << "the password is in the error log";
        EXPECT_EQ(std::string::npos, log.find(kOther));
        StackTest<RedisAuthTest>::TearDown();
    }
};

TEST_F(RedisAuthTest, AuthenticatesFromTheFileOnReconnect) {
    admin("", {"CONFIG", "SET", "requirepass", kPassword});
    drop_module_connections(kPassword);
    EXPECT_EQ(200, status_within(200, 10000)) << "the module reconnects with AUTH";
    HttpResponse r = http().get(kBase + "/statistics");
    EXPECT_EQ(200, r.status) << r.body;
}

TEST_F(RedisAuthTest, WrongPasswordGivesFast503s) {
    admin("", {"CONFIG", "SET", "requirepass", kOther});
    drop_module_connections(kOther);
    EXPECT_EQ(503, status_within(503, 10000));
    auto started = std::chrono::steady_clock::now();
    HttpResponse r = http().get(kBase + "/statistics");
    EXPECT_EQ(503, r.status);
    EXPECT_EQ("{\"detail\":\"Redis unavailable\"}", r.body);
    EXPECT_LT(std::chrono::steady_clock::now() - started, Millis(2000));
}

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

TEST_F(RedisAuthTest, PasswordChangedThenRestoredRecoversWithoutHelp) {
    admin("", {"CONFIG", "SET", "requirepass", kPassword});
    drop_module_connections(kPassword);
    ASSERT_EQ(200, status_within(200, 10000));

    // The module's connections are killed while Redis wants another password:
    // every reconnect is refused at AUTH.
    const size_t offset = stack().nginx().error_log().size();
    admin(kPassword, {"CONFIG", "SET", "requirepass", kOther});
    drop_module_connections(kOther);
    EXPECT_TRUE(IsDetail(http().get(kBase + "/statistics"), 503, "Redis unavailable"));
    ASSERT_TRUE(poll_until(Millis(10000), [&] {
        return log_since(offset).find("wa_report: redis AUTH failed \"WRONGPASS")
            != std::string::npos;
    })) << log_since(offset);
    EXPECT_TRUE(IsDetail(http().get(kBase + "/statistics"), 503, "Redis unavailable"));
    EXPECT_EQ(0u, count_of(log_since(offset), "redis is back"))
        << "a connection that failed AUTH is not Redis being back:\n"
        << log_since(offset);

    // The password the module knows is right again: nobody kills anything.
    admin(kOther, {"CONFIG", "SET", "requirepass", kPassword});
    EXPECT_EQ(200, status_within(200, 10000)) << log_since(offset);
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200,
                           "{\"total_customers_with_vehicles\":0,\"total_messages_sent\":0,"
                           "\"average_messages_per_customer\":0.0,\"customers_by_frequency\":{}}"));
    const std::string log = log_since(offset);
    size_t back = log.rfind("redis is back");
    ASSERT_NE(std::string::npos, back) << log;
    EXPECT_LT(log.rfind("redis AUTH failed"), back) << log;
    // One notice per connection (the API's and the reminder engine's).
    EXPECT_EQ(2u, count_of(log, "redis is back")) << log;
    EXPECT_EQ(2u, count_of(log, "redis AUTH failed")) << "once per outage, not per retry:\n" << log;
}

// A module user that may not SELECT its database: before this was a setup
// failure, the connection went on serving database 0 (reads of the wrong
// data, writes into it).
const std::string kUser = "wa-module";

class RedisSetupTest : public StackTest<RedisSetupTest> {
public:
    static StackOptions stack_options() {
        write_file(password_file(), kPassword + "\n");
        StackOptions options;
        options.nginx.http_extra += "wa_report_redis_user " + kUser + ";\n";
        options.nginx.http_extra += "wa_report_redis_password_file " + password_file() + ";\n";
        options.nginx.http_extra += "wa_report_redis_db 3;\n";
        // The user is made by each test: nginx starts before it exists.
        options.ready_path = "";
        return options;
    }

protected:
    void TearDown() override {
        redis().command({"ACL", "DELUSER", kUser});
        StackTest<RedisSetupTest>::TearDown();
    }

    static long long keys_in(int db) {
        redis().command({"SELECT", std::to_string(db)});
        long long n = redis().dbsize();
        redis().command({"SELECT", "0"});
        return n;
    }
};

TEST_F(RedisSetupTest, RefusedSelectServesNothingUntilAllowed) {
    ASSERT_TRUE(redis()
                    .command({"ACL", "SETUSER", kUser, "on", ">" + kPassword, "~*", "&*", "+@all",
                              "-select"})
                    .ok);
    const size_t offset = stack().nginx().error_log().size();
    ASSERT_TRUE(poll_until(Millis(10000), [&] {
        return stack().nginx().error_log().find("wa_report: redis SELECT failed \"NOPERM", offset)
            != std::string::npos;
    })) << stack().nginx().error_log().substr(offset);

    Customer customer = make_customer(1);
    EXPECT_TRUE(IsDetail(http().get(kBase + "/statistics"), 503, "Redis unavailable"));
    EXPECT_TRUE(
        IsDetail(http().put_json(customer.path(), customer.body()), 503, "Redis unavailable"));
    EXPECT_EQ(0, keys_in(0)) << "written into database 0";
    EXPECT_EQ(0, keys_in(3));

    ASSERT_TRUE(redis().command({"ACL", "SETUSER", kUser, "+select"}).ok);
    EXPECT_TRUE(poll_until(Millis(10000), [&] {
        return http().get(kBase + "/statistics").status == 200;
    })) << stack().nginx().error_log().substr(offset);
    EXPECT_TRUE(PutCustomer(http(), customer));
    EXPECT_EQ(0, keys_in(0));
    redis().command({"SELECT", "3"});
    EXPECT_TRUE(redis().exists("{wa}:customer:" + customer.id));
    redis().command({"SELECT", "0"});
    const std::string log = stack().nginx().error_log().substr(offset);
    EXPECT_LT(log.rfind("redis SELECT failed"), log.rfind("redis is back")) << log;
}

}  // namespace
}  // namespace wa::itest

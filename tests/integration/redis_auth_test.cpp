// Redis with a password (issue 2, section 2): the module authenticates from
// wa_report_redis_password_file on every (re)connect, a wrong password gives
// fast 503s, and the password never reaches the error log.
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

std::string password_file() {
  return "/tmp/wa-itest-redis-pass-" + std::to_string(::getpid());
}

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
    if (!c.connect(stack().redis_port(), &error)) return RedisReply{};
    if (!password.empty()) c.command({"AUTH", password});
    return c.command(cmd);
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

}  // namespace
}  // namespace wa::itest

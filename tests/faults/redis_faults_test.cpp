// Redis faults under a steady read load: killed and restarted, stalled,
// its clients killed, restarted with a big data set (LOADING), its password
// rotated. Each scenario publishes its figures and asserts that readers got
// only fast 503s, that reads recover within a bound and that no worker
// crashed.
#include <signal.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "fault_support.hpp"

namespace wa::itest::faults {
namespace {

// A 503 comes within the 500 ms command or connect timeout; 2 s leaves room
// for a machine shared with other work.
constexpr double kFast503 = 2.0;
constexpr double kRecoveryBound = 5.0;
constexpr int kReaders = 10;

class RedisFaultTest : public ReminderTest<RedisFaultTest> {
public:
    static StackOptions stack_options() { return fault_stack(); }

protected:
    void TearDown() override {
        if (stack().redis_server().pid() > 0)
            ::kill(stack().redis_server().pid(), SIGCONT);
        ReminderTest<RedisFaultTest>::TearDown();
    }

    // Seeds the readers' reports and starts them; the load runs a while
    // before the fault so that the figures include the steady state.
    void start_load(std::unique_ptr<ReadLoad>* load) {
        std::vector<std::string> targets;
        ASSERT_TRUE(SeedReadTargets(http(), 1, kReaders, &targets));
        *load = std::make_unique<ReadLoad>(stack().port(), targets, kReaders);
        (*load)->start();
        keep_load_for(scaled(Millis(2000), Millis(300)));
    }

    // Stops the load a while after the fault, measures, publishes, asserts.
    void finish(ReadLoad& load, const std::string& scenario, double fault_start, double fault_end,
                const std::string& note = "") {
        poll_until(Millis(10000), [&] {
            for (const Sample& s : load.samples()) {
                if (s.status == 200 && s.sent >= fault_end)
                    return true;
            }
            return false;
        });
        keep_load_for(scaled(Millis(2000), Millis(300)));
        load.stop();
        std::vector<Sample> samples = load.samples();
        Figures figures;
        figures.scenario = scenario;
        figures.load = load.describe() + note;
        measure(samples, fault_start, fault_end, &figures);
        const std::string crashes = crash_lines(stack().nginx().take_log_problems());
        figures.crashes = line_count(crashes);
        publish(figures);

        EXPECT_EQ("", unexpected_failures(samples, 503, kFast503));
        // No request waits on Redis longer than the timeouts, answered or not.
        EXPECT_LE(figures.max_latency, kFast503);
        EXPECT_GE(figures.recovery, 0) << "reads never succeeded after the fault";
        EXPECT_LE(figures.recovery, kRecoveryBound);
        EXPECT_EQ("", crashes);
        EXPECT_EQ(2u, stack().nginx().worker_pids().size());
    }
};

TEST_F(RedisFaultTest, RedisKilledAndRestarted) {
    std::unique_ptr<ReadLoad> load;
    ASSERT_NO_FATAL_FAILURE(start_load(&load));
    // The restarted Redis reads the data back from this snapshot.
    ASSERT_TRUE(redis().command({"SAVE"}).ok);
    const double start = load->now();
    stack().redis_server().kill_now();
    keep_load_for(scaled(Millis(3000), Millis(1000)));
    std::string error;
    ASSERT_TRUE(stack().restart_redis(&error)) << error;
    const double end = load->now();
    finish(*load, "Redis killed (SIGKILL) and restarted", start, end);
}

TEST_F(RedisFaultTest, RedisStalled) {
    std::unique_ptr<ReadLoad> load;
    ASSERT_NO_FATAL_FAILURE(start_load(&load));
    const double start = load->now();
    ASSERT_EQ(0, ::kill(stack().redis_server().pid(), SIGSTOP));
    keep_load_for(Millis(3000));
    ASSERT_EQ(0, ::kill(stack().redis_server().pid(), SIGCONT));
    const double end = load->now();
    finish(*load, "Redis stalled (SIGSTOP 3 s, SIGCONT)", start, end);
}

TEST_F(RedisFaultTest, ModuleConnectionsKilled) {
    std::unique_ptr<ReadLoad> load;
    ASSERT_NO_FATAL_FAILURE(start_load(&load));
    const int rounds = scaled(10, 3);
    const double start = load->now();
    for (int i = 0; i < rounds; ++i) {
        RedisReply killed = redis().command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
        ASSERT_TRUE(killed.ok) << killed.str;
        keep_load_for(Millis(300));
    }
    const double end = load->now();
    finish(*load,
           "all module connections killed (CLIENT KILL TYPE normal) x" + std::to_string(rounds)
               + ", 300 ms apart",
           start, end);
}

TEST_F(RedisFaultTest, RedisRestartedWithABigDataSet) {
    const int keys = scaled(2000000, 200000);
    // Keys of their own, beside the module's; the reload of the snapshot is
    // what keeps Redis answering LOADING.
    ASSERT_TRUE(redis().command({"DEBUG", "POPULATE", std::to_string(keys), "filler", "64"}).ok);
    std::unique_ptr<ReadLoad> load;
    ASSERT_NO_FATAL_FAILURE(start_load(&load));
    ASSERT_TRUE(redis().command({"SAVE"}).ok);
    const double start = load->now();
    stack().redis_server().kill_now();
    std::string error;
    // Returns once Redis answers PING, that is when the snapshot is loaded.
    ASSERT_TRUE(stack().restart_redis(&error)) << error;
    const double end = load->now();
    finish(*load,
           "Redis restarted with " + std::to_string(keys) + " keys of 64 bytes (LOADING for "
               + std::to_string(static_cast<int>((end - start) * 1000)) + " ms)",
           start, end);
    // The next scenarios restart Redis from a small snapshot.
    ASSERT_TRUE(redis().flushall());
    ASSERT_TRUE(redis().command({"SAVE"}).ok);
}

// ---------------------------------------------------------------- password

const std::string kOldPassword = "faults-old-pass-7d1e";
const std::string kNewPassword = "faults-new-pass-93ab";

std::string password_file() { return "/tmp/wa-faults-redis-pass-" + std::to_string(::getpid()); }

RedisReply admin(int port, const std::string& password, const std::vector<std::string>& cmd) {
    RedisClient c;
    std::string error;
    if (!c.connect(port, &error))
        return {};
    if (!password.empty())
        c.command({"AUTH", password});
    return c.command(cmd);
}

class RedisPasswordFaultTest : public ReminderTest<RedisPasswordFaultTest> {
public:
    static StackOptions stack_options() {
        write_file(password_file(), kOldPassword + "\n");
        StackOptions options = fault_stack();
        options.nginx.http_extra += "wa_report_redis_password_file " + password_file() + ";\n";
        return options;
    }

protected:
    void TearDown() override {
        const int port = stack().redis_port();
        admin(port, kNewPassword, {"CONFIG", "SET", "requirepass", ""});
        admin(port, kOldPassword, {"CONFIG", "SET", "requirepass", ""});
        write_file(password_file(), kOldPassword + "\n");
        std::string log = stack().nginx().error_log();
        EXPECT_EQ(std::string::npos, log.find(kOldPassword)) << "a password is in the error log";
        EXPECT_EQ(std::string::npos, log.find(kNewPassword)) << "a password is in the error log";
        ReminderTest<RedisPasswordFaultTest>::TearDown();
    }
};

// CONFIG SET requirepass, then the file, then a reload: the usual rotation.
// The old workers keep their authenticated connections until they exit; the
// new ones authenticate with the new file.
TEST_F(RedisPasswordFaultTest, PasswordRotatedWithAReload) {
    const int port = stack().redis_port();
    ASSERT_TRUE(admin(port, "", {"CONFIG", "SET", "requirepass", kOldPassword}).ok);
    admin(port, kOldPassword, {"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
    ASSERT_TRUE(poll_until(Millis(10000), [&] {
        return http().get(kBase + "/statistics").status == 200;
    })) << "the module did not authenticate with the old password";

    std::vector<std::string> targets;
    ASSERT_TRUE(SeedReadTargets(http(), 1, kReaders, &targets));
    ReadLoad load(stack().port(), targets, kReaders);
    load.start();
    keep_load_for(scaled(Millis(2000), Millis(300)));
    const double start = load.now();
    ASSERT_TRUE(admin(port, kOldPassword, {"CONFIG", "SET", "requirepass", kNewPassword}).ok);
    ASSERT_TRUE(write_file(password_file(), kNewPassword + "\n"));
    std::string error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    const double end = load.now();
    poll_until(Millis(10000), [&] {
        for (const Sample& s : load.samples()) {
            if (s.status == 200 && s.sent >= end)
                return true;
        }
        return false;
    });
    keep_load_for(scaled(Millis(2000), Millis(300)));
    load.stop();

    std::vector<Sample> samples = load.samples();
    Figures figures;
    figures.scenario = "Redis password rotated (CONFIG SET requirepass, file, nginx -s reload)";
    figures.load = load.describe();
    measure(samples, start, end, &figures);
    const std::string crashes = crash_lines(stack().nginx().take_log_problems());
    figures.crashes = line_count(crashes);
    publish(figures);

    EXPECT_EQ("", unexpected_failures(samples, 503, kFast503));
    EXPECT_GE(figures.recovery, 0);
    EXPECT_LE(figures.recovery, kRecoveryBound);
    EXPECT_EQ("", crashes);
    // The new workers work with the new password: a write goes through.
    EXPECT_TRUE(SeedReadTargets(http(), 100, 1, &targets));
}

}  // namespace
}  // namespace wa::itest::faults

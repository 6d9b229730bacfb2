// nginx's own life cycle with the module: configuration errors caught by
// `nginx -t`, reload (SIGHUP) with the data and Redis connection intact, and
// a worker that starts while Redis is down. Graceful quit is checked at the
// end of every suite by the harness (SIGQUIT must end nginx within 10 s).
#include <string>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

// ---------------------------------------------------------------- nginx -t

TEST(NginxConfigTest, ExampleConfigPasses) {
    ConfigCheck check = nginx_check_config(NginxConfig{});
    EXPECT_TRUE(check.ok) << check.output;
}

TEST(NginxConfigTest, BadValuesAreRejectedAtConfigTime) {
    ConfigCheck baseline = nginx_check_config(NginxConfig{});
    ASSERT_TRUE(baseline.ok) << "the unmodified config must pass first\n" << baseline.output;
    struct Case {
        std::string what;
        NginxConfig config;
    };
    std::vector<Case> cases;
    auto http_level = [&](const std::string& what, const std::string& from, const std::string& to) {
        NginxConfig config;
        size_t at = config.wa_http.find(from);
        if (at != std::string::npos)
            config.wa_http.replace(at, from.size(), to);
        cases.push_back({what, config});
    };
    http_level("unknown time zone", "Asia/Jakarta", "Mars/Olympus_Mons");
    http_level("redis address without a port", "{redis}", "127.0.0.1:");
    http_level("redis port out of range", "{redis}", "127.0.0.1:70000");
    {
        NginxConfig config;
        config.http_extra += "wa_report_visit_interval 0;\n";
        cases.push_back({"visit interval 0", config});
    }
    {
        NginxConfig config;
        config.report_directives = "wa_report;\nwa_report_max_body_size lots;\n";
        cases.push_back({"body size not a size", config});
    }
    {
        NginxConfig config;
        config.http_extra += "wa_report_redis_password_file {prefix}/no-such-file;\n";
        cases.push_back({"unreadable password file", config});
    }
    for (const auto& c : cases) {
        ConfigCheck check = nginx_check_config(c.config);
        EXPECT_FALSE(check.ok) << c.what << ": nginx -t accepted it\n" << check.output;
        EXPECT_NE(std::string::npos, check.output.find("[emerg]")) << c.what << "\n"
                                                                   << check.output;
    }
}

// ---------------------------------------------------------------- reload

class NginxLifecycleTest : public StackTest<NginxLifecycleTest> {};

TEST_F(NginxLifecycleTest, ReloadKeepsServingWithTheSameData) {
    Customer customer = make_customer(1);
    Vehicle vehicle = make_vehicle(customer.id, 1);
    ASSERT_TRUE(PutCustomer(http(), customer));
    ASSERT_TRUE(PutVehicle(http(), vehicle));
    std::string report;
    ASSERT_TRUE(Record(http(), customer.id, vehicle.id, "before-reload", &report));
    const std::vector<pid_t> old_workers = stack().nginx().worker_pids();

    std::string error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    EXPECT_NE(old_workers, stack().nginx().worker_pids());

    const std::string path = kBase + "/customer/" + customer.id + "/vehicle/" + vehicle.id;
    EXPECT_TRUE(IsJsonBody(http().get(path), 200, report));
    std::string after;
    ASSERT_TRUE(Record(http(), customer.id, vehicle.id, "after-reload", &after));
    EXPECT_EQ("2", json_member(after, "frequency"));
    ASSERT_TRUE(Record(http(), customer.id, vehicle.id, "before-reload", &after));
    EXPECT_EQ("2", json_member(after, "frequency")) << "message ids survive a reload";

    // The old worker finishes and leaves.
    EXPECT_TRUE(poll_until(Millis(10000), [&] {
        for (pid_t pid : old_workers) {
            if (pid_alive(pid))
                return false;
        }
        return true;
    })) << "the old worker did not exit after the reload";
}

TEST_F(NginxLifecycleTest, WorkerStartedWhileRedisIsDownServesOnceItIsBack) {
    stack().redis_server().kill_now();
    std::string error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;

    HttpResponse down = http().get(kBase + "/statistics");
    EXPECT_TRUE(IsDetail(down, 503));
    EXPECT_LT(down.seconds, 2.0) << describe(down);

    ASSERT_TRUE(stack().restart_redis(&error)) << error;
    HttpResponse last;
    EXPECT_TRUE(poll_until(Millis(10000), [&] {
        last = http().get(kBase + "/statistics");
        return last.status == 200;
    })) << describe(last);

    Customer customer = make_customer(2);
    Vehicle vehicle = make_vehicle(customer.id, 2);
    ASSERT_TRUE(PutCustomer(http(), customer));
    ASSERT_TRUE(PutVehicle(http(), vehicle));
    EXPECT_TRUE(Record(http(), customer.id, vehicle.id, "m1"));
}

}  // namespace
}  // namespace wa::itest

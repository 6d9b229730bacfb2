// Sentinel failover under load: a primary, a replica and three sentinels
// (the fixture of tests/integration/sentinel_test.cpp), nginx with two
// workers finding the primary through them, steady readers and a reminder
// run; the primary is SIGKILLed a third of the way into the run.
#include <signal.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "fault_support.hpp"

namespace wa::itest::faults {
namespace {

const std::string kMaster = "wa-primary";
constexpr int kReaders = 10;

struct Node {
    Child child;
    int port = 0;
};

RedisReply command(int port, const std::vector<std::string>& argv) {
    RedisClient c;
    std::string error;
    if (!c.connect(port, &error))
        return RedisReply{};
    return c.command(argv);
}

class SentinelFaultTest : public ::testing::Test {
protected:
    void SetUp() override {
        tmp_ = std::make_unique<TempDir>("faults-sentinel");
        primary_ = start_node("primary", {});
        ASSERT_NE(primary_, nullptr);
        replica_ =
            start_node("replica", {"--replicaof", "127.0.0.1", std::to_string(primary_->port)});
        ASSERT_NE(replica_, nullptr);
        ASSERT_TRUE(poll_until(Millis(10000), [&] {
            return command(replica_->port, {"INFO", "replication"})
                       .str.find("master_link_status:up")
                != std::string::npos;
        }));
        for (int i = 0; i < 3; i++) {
            sentinels_.push_back(start_sentinel(i));
            ASSERT_NE(sentinels_.back(), nullptr);
        }
        // A failover needs every sentinel to know the replica and the others.
        ASSERT_TRUE(poll_until(Millis(15000), [&] {
            for (auto& s : sentinels_) {
                if (command(s->port, {"SENTINEL", "sentinels", kMaster}).elements.size() != 2
                    || command(s->port, {"SENTINEL", "replicas", kMaster}).elements.size() != 1)
                    return false;
            }
            return true;
        }));
        shared_gateway().reset();
        shared_gateway().expect_starsender_key(kStarSenderKey);
    }

    void TearDown() override {
        EXPECT_EQ("", shared_gateway().problems());
        if (nginx_)
            nginx_->stop();
        for (auto& s : sentinels_)
            s->child.kill_now();
        replica_->child.kill_now();
        primary_->child.kill_now();
    }

    std::unique_ptr<Node> start_node(const std::string& name, std::vector<std::string> extra) {
        auto n = std::make_unique<Node>();
        n->port = free_port();
        const std::string dir = tmp_->file(name);
        ::mkdir(dir.c_str(), 0700);
        std::vector<std::string> argv{redis_binary(),
                                      "--port",
                                      std::to_string(n->port),
                                      "--bind",
                                      "127.0.0.1",
                                      "--save",
                                      "",
                                      "--appendonly",
                                      "no",
                                      "--dir",
                                      dir};
        argv.insert(argv.end(), extra.begin(), extra.end());
        std::string error;
        if (!n->child.spawn(argv, dir + "/redis.log", &error)
            || !poll_until(Millis(5000), [&] { return port_open(n->port); }))
            return nullptr;
        return n;
    }

    std::unique_ptr<Node> start_sentinel(int i) {
        auto n = std::make_unique<Node>();
        n->port = free_port();
        const std::string dir = tmp_->file("sentinel" + std::to_string(i));
        ::mkdir(dir.c_str(), 0700);
        const std::string conf = dir + "/sentinel.conf";
        write_file(conf,
                   "port " + std::to_string(n->port) + "\nbind 127.0.0.1\ndir " + dir
                       + "\nsentinel monitor " + kMaster + " 127.0.0.1 "
                       + std::to_string(primary_->port) + " 2\n"
                       + "sentinel down-after-milliseconds " + kMaster + " 1000\n"
                       + "sentinel failover-timeout " + kMaster + " 10000\n");
        std::string error;
        if (!n->child.spawn({redis_binary(), conf, "--sentinel"}, dir + "/sentinel.log", &error)
            || !poll_until(Millis(5000), [&] { return port_open(n->port); }))
            return nullptr;
        return n;
    }

    bool start_nginx() {
        ReminderSettings settings;
        settings.worker_processes = 2;
        settings.rate = 20;
        settings.lease = "2s";
        settings.tick = "200ms";
        NginxConfig config = reminder_config(settings);
        std::string sentinels;
        for (auto& s : sentinels_)
            sentinels += " 127.0.0.1:" + std::to_string(s->port);
        config.wa_http = "wa_report_redis_sentinel " + kMaster + sentinels
            + ";\nwa_report_redis_timeout 500ms;\nwa_report_redis_connect_timeout 300ms;\n"
              "wa_report_key_prefix wa;\nwa_report_timezone Asia/Jakarta;\n";
        nginx_ = std::make_unique<NginxServer>();
        const std::string prefix = tmp_->file("nginx");
        ::mkdir(prefix.c_str(), 0700);
        port_ = free_port();
        std::string error;
        if (!nginx_->start(prefix, config, port_, 0, &error)) {
            ADD_FAILURE() << error;
            return false;
        }
        return true;
    }

    std::unique_ptr<TempDir> tmp_;
    std::unique_ptr<Node> primary_, replica_;
    std::vector<std::unique_ptr<Node>> sentinels_;
    std::unique_ptr<NginxServer> nginx_;
    int port_ = 0;
};

TEST_F(SentinelFaultTest, PrimaryKilledDuringARun) {
    ASSERT_TRUE(start_nginx());
    HttpClient http(port_);
    http.set_timeout(Millis(30000));
    ASSERT_TRUE(
        poll_until(Millis(5000), [&] { return http.get(kBase + "/statistics").status == 200; }));
    std::vector<std::string> targets;
    ASSERT_TRUE(SeedReadTargets(http, 1, kReaders, &targets));
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http, 1000, scaled(200, 40), jakarta_today(), &due));
    // What the readers and the run need must be on the replica before the kill.
    ASSERT_EQ(1, command(primary_->port, {"WAIT", "1", "2000"}).integer);

    ReadLoad load(port_, targets, kReaders);
    load.start();
    keep_load_for(scaled(Millis(1000), Millis(200)));
    RedisClient redis;
    std::string error;
    ASSERT_TRUE(redis.connect(primary_->port, &error)) << error;
    ASSERT_TRUE(MakeScheduleDue(http, redis));
    redis.disconnect();
    TestGateway& gateway = shared_gateway();
    ASSERT_TRUE(gateway.wait_for_requests(due.size() / 3, Millis(30000))) << gateway.dump();

    const double start = load.now();
    primary_->child.kill_now();
    // The fault lasts until the sentinels have promoted the replica.
    ASSERT_TRUE(poll_until(Millis(30000), [&] {
        RedisReply role = command(replica_->port, {"ROLE"});
        return !role.elements.empty() && role.elements[0].str == "master";
    }));
    const double end = load.now();

    ASSERT_TRUE(redis.connect(replica_->port, &error)) << error;
    ASSERT_TRUE(poll_until(Millis(60000),
                           [&] {
                               return redis.command({"HGET", "{wa}:run:last", "total"}).str
                                   == std::to_string(due.size());
                           }))
        << "the run did not finish on the new primary\n"
        << gateway.dump();
    EXPECT_TRUE(gateway.wait_idle(Millis(300), Millis(15000)));
    poll_until(Millis(10000), [&] {
        for (const Sample& s : load.samples()) {
            if (s.status == 200 && s.sent >= end)
                return true;
        }
        return false;
    });
    load.stop();

    std::vector<Sample> samples = load.samples();
    Figures figures;
    figures.scenario =
        "Sentinel failover: the primary SIGKILLed mid-run (1 replica, 3 sentinels, "
        "down-after 1 s)";
    figures.load =
        load.describe() + "; a run of " + std::to_string(due.size()) + " sends at 20/s, 2 workers";
    measure(samples, start, end, &figures);
    figures.lost = lost_sends(http, redis, gateway, due);
    figures.doubled = doubled_sends(gateway);
    const std::string crashes = crash_lines(nginx_->take_log_problems());
    figures.crashes = line_count(crashes);
    publish(figures);

    EXPECT_EQ("", unexpected_failures(samples, 503, 2.0));
    EXPECT_GE(figures.recovery, 0);
    EXPECT_LE(figures.recovery, 5.0);
    EXPECT_EQ(0, figures.lost) << gateway.dump();
    EXPECT_EQ(0, figures.doubled) << gateway.dump();
    EXPECT_EQ("", crashes);
    // The statistics agree with the reports.
    long long counted = 0;
    for (const Seeded& s : due)
        counted += std::max(0, report_frequency(http, s));
    EXPECT_EQ(counted + kReaders, total_messages_sent(http));
}

}  // namespace
}  // namespace wa::itest::faults

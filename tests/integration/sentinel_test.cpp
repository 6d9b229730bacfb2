// Redis with a replica and three sentinels (Debian's redis-server in
// sentinel mode) on loopback: the module finds the primary through the
// sentinels, survives a SIGKILL of the primary with only fast 503s while the
// sentinels fail over, and never talks to a node that is not the primary.
#include <signal.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "reminder_support.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

const std::string kMaster = "wa-primary";

// A redis-server child with arguments of the test's own (a replica, a
// sentinel), its files in `dir`.
struct Node {
    Child child;
    int port = 0;
    std::string dir;
};

class SentinelTest : public ::testing::Test {
protected:
    void SetUp() override {
        tmp_ = std::make_unique<TempDir>("sentinel");
        std::string error;
        primary_ = start_redis("primary", {});
        ASSERT_NE(primary_, nullptr);
        replica_ =
            start_redis("replica", {"--replicaof", "127.0.0.1", std::to_string(primary_->port)});
        ASSERT_NE(replica_, nullptr);
        // The replica must hold the data before the failover test can mean anything.
        ASSERT_TRUE(poll_until(Millis(10000), [&] {
            RedisReply r = command(replica_->port, {"INFO", "replication"});
            return r.str.find("master_link_status:up") != std::string::npos;
        }));
        for (int i = 0; i < 3; i++) {
            sentinels_.push_back(start_sentinel(i));
            ASSERT_NE(sentinels_.back(), nullptr);
        }
        // Every sentinel knows the replica and the others before a failover.
        ASSERT_TRUE(poll_until(Millis(15000), [&] {
            for (auto& s : sentinels_) {
                RedisReply r = command(s->port, {"SENTINEL", "sentinels", kMaster});
                RedisReply rep = command(s->port, {"SENTINEL", "replicas", kMaster});
                if (r.elements.size() != 2 || rep.elements.size() != 1)
                    return false;
            }
            return true;
        }));
    }

    void TearDown() override {
        if (nginx_)
            nginx_->stop();
        for (auto& s : sentinels_)
            if (s)
                s->child.kill_now();
        if (replica_)
            replica_->child.kill_now();
        if (primary_)
            primary_->child.kill_now();
    }

    static RedisReply command(int port, const std::vector<std::string>& argv) {
        RedisClient c;
        std::string error;
        if (!c.connect(port, &error))
            return RedisReply{};
        return c.command(argv);
    }

    std::unique_ptr<Node> start_redis(const std::string& name, std::vector<std::string> extra) {
        auto n = std::make_unique<Node>();
        n->port = free_port();
        n->dir = tmp_->file(name);
        ::mkdir(n->dir.c_str(), 0700);
        std::vector<std::string> argv{
            redis_binary(), "--port", std::to_string(n->port), "--bind", "127.0.0.1",
            "--save",       "",       "--appendonly",          "no",     "--dir",
            n->dir};
        argv.insert(argv.end(), extra.begin(), extra.end());
        std::string error;
        if (!n->child.spawn(argv, n->dir + "/redis.log", &error))
            return nullptr;
        if (!poll_until(Millis(5000), [&] { return port_open(n->port); }))
            return nullptr;
        return n;
    }

    std::unique_ptr<Node> start_sentinel(int i) {
        auto n = std::make_unique<Node>();
        n->port = free_port();
        n->dir = tmp_->file("sentinel" + std::to_string(i));
        ::mkdir(n->dir.c_str(), 0700);
        // Sentinel rewrites its configuration file: one of its own.
        std::string conf = n->dir + "/sentinel.conf";
        write_file(conf,
                   "port " + std::to_string(n->port) + "\nbind 127.0.0.1\ndir " + n->dir
                       + "\nsentinel monitor " + kMaster + " 127.0.0.1 "
                       + std::to_string(primary_->port) + " 2\nsentinel down-after-milliseconds "
                       + kMaster + " 1000\nsentinel failover-timeout " + kMaster
                       + " 10000\nsentinel parallel-syncs " + kMaster + " 1\n");
        std::string error;
        if (!n->child.spawn({redis_binary(), conf, "--sentinel"}, n->dir + "/sentinel.log", &error))
            return nullptr;
        if (!poll_until(Millis(5000), [&] { return port_open(n->port); }))
            return nullptr;
        return n;
    }

    bool start_nginx(int workers, const std::string& extra = "",
                     const NginxConfig& base = NginxConfig()) {
        NginxConfig config = base;
        config.worker_processes = workers;
        std::string sentinels;
        for (auto& s : sentinels_)
            sentinels += " 127.0.0.1:" + std::to_string(s->port);
        config.wa_http = "wa_report_redis_sentinel " + kMaster + sentinels
            + ";\nwa_report_redis_timeout 500ms;\nwa_report_redis_connect_timeout 300ms;\n"
              "wa_report_key_prefix wa;\nwa_report_timezone Asia/Jakarta;\n"
            + extra;
        nginx_ = std::make_unique<NginxServer>();
        std::string prefix = tmp_->file("nginx");
        ::mkdir(prefix.c_str(), 0700);
        port_ = free_port();
        std::string error;
        if (!nginx_->start(prefix, config, port_, 0, &error)) {
            ADD_FAILURE() << error;
            return false;
        }
        return true;
    }

    // One customer with a vehicle and a counted message: a report to read.
    ::testing::AssertionResult seed_report(HttpClient& http) {
        customer_ = make_customer(1);
        vehicle_ = make_vehicle(customer_.id, 1);
        auto r = PutCustomer(http, customer_);
        if (!r)
            return r;
        r = PutVehicle(http, vehicle_);
        if (!r)
            return r;
        return Record(http, customer_.id, vehicle_.id, "wamid.sentinel-1");
    }

    std::string report_path() const {
        return kBase + "/customer/" + customer_.id + "/vehicle/" + vehicle_.id;
    }

    Customer customer_;
    Vehicle vehicle_;

    std::unique_ptr<TempDir> tmp_;
    std::unique_ptr<Node> primary_, replica_;
    std::vector<std::unique_ptr<Node>> sentinels_;
    std::unique_ptr<NginxServer> nginx_;
    int port_ = 0;
};

TEST_F(SentinelTest, FindsThePrimaryThroughTheSentinels) {
    ASSERT_TRUE(start_nginx(2));
    HttpClient http(port_);
    ASSERT_TRUE(poll_until(Millis(5000),
                           [&] { return http.get("/whatsapp-report/statistics").status == 200; }));
    Customer c = make_customer(1);
    ASSERT_TRUE(PutCustomer(http, c));
    // Written on the primary the sentinels named.
    EXPECT_EQ(command(primary_->port, {"HGET", "{wa}:customer:" + c.id, "name"}).str, c.name);
    EXPECT_EQ(nginx_->take_log_problems(), "");
}

TEST_F(SentinelTest, ReadsComeBackAfterThePrimaryIsKilled) {
    ASSERT_TRUE(start_nginx(2));
    HttpClient http(port_);
    http.set_timeout(Millis(3000));
    ASSERT_TRUE(poll_until(Millis(5000),
                           [&] { return http.get("/whatsapp-report/statistics").status == 200; }));
    ASSERT_TRUE(seed_report(http));
    ASSERT_EQ(http.get(report_path()).status, 200);
    // The report must be on the replica before the primary dies.
    ASSERT_EQ(command(primary_->port, {"WAIT", "1", "2000"}).integer, 1);
    std::vector<pid_t> workers = nginx_->worker_pids();

    primary_->child.kill_now();
    auto killed = std::chrono::steady_clock::now();
    std::map<int, int> statuses;
    double slowest = 0;
    bool back = poll_until(
        Millis(30000),
        [&] {
            HttpResponse g = http.get(report_path());
            statuses[g.status]++;
            slowest = std::max(slowest, g.seconds);
            return g.status == 200;
        },
        Millis(20));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
    ASSERT_TRUE(back) << "reads did not come back within 30 s";
    std::printf("[ figures  ] reads back %.2f s after SIGKILL of the primary; answers:", secs);
    for (auto& [status, n] : statuses)
        std::printf(" %d x%d", status, n);
    std::printf("; slowest %.3f s\n", slowest);
    // Only 503 (fast: under the 500 ms command timeout plus a margin) and the final 200.
    for (auto& [status, n] : statuses)
        EXPECT_TRUE(status == 503 || status == 200) << status << " x" << n;
    EXPECT_LT(slowest, 1.5);
    EXPECT_EQ(statuses[200], 1);
    // The same report, from the promoted replica.
    HttpResponse g = http.get(report_path());
    EXPECT_EQ(g.status, 200);
    EXPECT_EQ(command(replica_->port, {"ROLE"}).elements.empty()
                  ? ""
                  : command(replica_->port, {"ROLE"}).elements[0].str,
              "master");
    // Writes go to the new primary.
    Customer c2 = make_customer(2);
    ASSERT_TRUE(PutCustomer(http, c2));
    EXPECT_EQ(command(replica_->port, {"HGET", "{wa}:customer:" + c2.id, "name"}).str, c2.name);
    EXPECT_EQ(nginx_->worker_pids(), workers);  // no worker crashed
    EXPECT_EQ(nginx_->take_log_problems(), "");
}

TEST_F(SentinelTest, ANodeThatIsNotThePrimaryIsNeverUsed) {
    // Every sentinel names the replica: as after a failover they announce
    // but the node has not heard of yet. ROLE says "slave": no connection.
    for (auto& s : sentinels_)
        command(s->port, {"SENTINEL", "REMOVE", kMaster});
    for (auto& s : sentinels_)
        command(s->port,
                {"SENTINEL", "MONITOR", kMaster, "127.0.0.1", std::to_string(replica_->port), "2"});
    ASSERT_TRUE(start_nginx(1));
    HttpClient http(port_);
    http.set_timeout(Millis(3000));
    HttpResponse r;
    poll_until(Millis(1500), [&] {
        r = http.get("/whatsapp-report/statistics");
        return false;
    });
    EXPECT_EQ(r.status, 503) << describe(r);
    EXPECT_NE(
        nginx_->error_log().find("is not the primary of \"" + kMaster + "\" (role \"slave\")"),
        std::string::npos)
        << nginx_->error_log();
}

// A run against the test gateway, the primary SIGKILLed half-way. The run
// stops with its Redis, the lease lapses on the promoted replica, the next
// tick resumes the run from its last saved batch: every vehicle is handled,
// none gets two accepted sends, and what was counted agrees with the
// statistics.
TEST_F(SentinelTest, ARunCarriesOnAfterThePrimaryIsKilled) {
    const std::string day = "2026-11-24";
    const int n = 120;
    ReminderSettings settings;
    settings.rate = 40;
    settings.concurrency = 4;
    settings.retries = 0;
    settings.lease = "2s";
    settings.tick = "200ms";
    TestGateway& gateway = shared_gateway();
    gateway.reset();
    gateway.expect_starsender_key(kStarSenderKey);
    ASSERT_TRUE(start_nginx(2, "", reminder_config(settings)));
    HttpClient http(port_);
    ASSERT_TRUE(poll_until(Millis(5000),
                           [&] { return http.get("/whatsapp-report/statistics").status == 200; }));
    std::vector<Seeded> seeded;
    ASSERT_TRUE(SeedVehicles(http, 1, n, add_days(day, 1), &seeded));
    ASSERT_EQ(command(primary_->port, {"WAIT", "1", "2000"}).integer, 1);
    std::vector<pid_t> workers = nginx_->worker_pids();

    std::thread run([&] {
        HttpClient h(port_);
        h.set_timeout(Millis(60000));
        sched(h, "POST", "/run-now?date=" + day, make_token());
    });
    bool underway = poll_until(
        Millis(20000), [&] { return gateway.accepted_total() >= n / 3; }, Millis(5));
    primary_->child.kill_now();
    int at_kill = gateway.accepted_total();
    run.join();
    ASSERT_TRUE(underway) << gateway.dump();

    // The promoted replica holds the run; it ends when every vehicle is handled.
    RedisReply last;
    bool finished = poll_until(
        Millis(60000),
        [&] {
            last = command(replica_->port, {"HGET", "{wa}:run:last", "total"});
            return last.str == std::to_string(n);
        },
        Millis(100));
    ASSERT_TRUE(finished) << "the run did not finish on the new primary; gateway accepted "
                          << gateway.accepted_total() << " of " << n;
    auto field = [&](const std::string& f) {
        return std::atoll(command(replica_->port, {"HGET", "{wa}:run:last", f}).str.c_str());
    };
    long long sent = field("sent"), skipped = field("skipped"), unknown = field("unknown"),
              failed = field("failed");
    int accepted = gateway.accepted_total();
    int doubled = 0;
    for (auto& [to, k] : gateway.accepted_per_recipient())
        doubled += k > 1 ? 1 : 0;
    long long counted = 0;
    for (const Seeded& s : seeded)
        counted += std::max(0, report_frequency(http, s));
    // The runner that died had counted its sends but not yet saved its
    // batch's counters: its successor reads that batch again and finds those
    // vehicles reminded (skipped), so the run's "sent" is the successor's.
    std::printf(
        "[ figures  ] run of %d across a failover: %d accepted before the kill, %d in all; "
        "run counters sent %lld, skipped %lld, unknown %lld, failed %lld; counted on "
        "reports %lld; doubled %d\n",
        n, at_kill, accepted, sent, skipped, unknown, failed, counted, doubled);
    EXPECT_EQ(doubled, 0);  // no vehicle got two accepted sends
    EXPECT_EQ(sent + skipped + unknown + failed, n);
    EXPECT_EQ(total_messages_sent(http), counted);  // the statistics agree with the reports
    // An accepted send that was not counted is reported unknown, never lost silently.
    EXPECT_LE(accepted - counted, unknown);
    EXPECT_GE(counted, sent);
    EXPECT_EQ(nginx_->worker_pids(), workers);
    EXPECT_EQ(nginx_->take_log_problems(), "");
}

// Each accepted send's attempt mark and count are confirmed on the replica
// (two WAITs per send) before the run moves on; with the replica gone, sends
// go on unconfirmed after one short WAIT, with one warning.
TEST_F(SentinelTest, SendsAreConfirmedOnAReplicaWhileThereIsOne) {
    const std::string day = "2026-11-24";
    ReminderSettings settings;
    settings.retries = 0;
    TestGateway& gateway = shared_gateway();
    gateway.reset();
    gateway.expect_starsender_key(kStarSenderKey);
    ASSERT_TRUE(start_nginx(1, "", reminder_config(settings)));
    HttpClient http(port_);
    http.set_timeout(Millis(30000));
    ASSERT_TRUE(poll_until(Millis(5000),
                           [&] { return http.get("/whatsapp-report/statistics").status == 200; }));
    std::vector<Seeded> seeded;
    ASSERT_TRUE(SeedVehicles(http, 1, 5, add_days(day, 1), &seeded));
    command(primary_->port, {"CONFIG", "RESETSTAT"});
    JsonPtr data;
    ASSERT_TRUE(RunNow(http, "?date=" + day, &data));
    EXPECT_EQ(gateway.accepted_total(), 5);
    RedisReply stats = command(primary_->port, {"INFO", "commandstats"});
    EXPECT_NE(stats.str.find("cmdstat_wait:calls=10,"), std::string::npos) << stats.str;

    replica_->child.kill_now();
    ASSERT_TRUE(poll_until(Millis(5000), [&] {
        return command(primary_->port, {"INFO", "replication"}).str.find("connected_slaves:0")
            != std::string::npos;
    }));
    ASSERT_TRUE(SeedVehicles(http, 11, 5, add_days(day, 2), &seeded));
    command(primary_->port, {"CONFIG", "RESETSTAT"});
    ASSERT_TRUE(RunNow(http, "?date=" + day, &data));
    EXPECT_EQ(gateway.accepted_total(), 10);
    stats = command(primary_->port, {"INFO", "commandstats"});
    EXPECT_NE(stats.str.find("cmdstat_wait:calls=1,"), std::string::npos) << stats.str;
    std::string log = nginx_->error_log();
    const std::string warning =
        "a reminder's writes were confirmed on 0 of 1 replicas in time; "
        "sends go on unconfirmed for 10s";
    size_t at = log.find(warning);
    EXPECT_NE(at, std::string::npos) << log;
    EXPECT_EQ(log.find(warning, at + 1), std::string::npos);  // once
}

TEST(SentinelConfigTest, MistakesFailNginxT) {
    struct Case {
        std::string http;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"wa_report_redis 127.0.0.1:6379;\nwa_report_redis_sentinel wa 127.0.0.1:26379;\n",
         "\"wa_report_redis_sentinel\" and \"wa_report_redis\" exclude each other"},
        {"wa_report_redis_sentinel wa unix:/run/sentinel.sock;\n",
         "a sentinel is host:port, not \"unix:/run/sentinel.sock\""},
        {"wa_report_redis_sentinel \"w a\" 127.0.0.1:26379;\n",
         "invalid sentinel master name \"w a\""},
        {"wa_report_redis_sentinel wa 127.0.0.1:26379;\nwa_report_redis_sentinel wa "
         "127.0.0.1:26380;\n",
         "\"wa_report_redis_sentinel\" directive is duplicate"},
        {"wa_report_redis_sentinel wa 127.0.0.1:26379;\nwa_report_redis_wait 17;\n",
         "invalid number of replicas \"17\", want 0 to 16"},
        {"wa_report_redis_sentinel wa 127.0.0.1:26379;\nwa_report_redis_wait 1 0;\n",
         "invalid wait timeout \"0\", want 1ms to 60s"},
        {"wa_report_redis_sentinel wa 127.0.0.1:26379;\nwa_report_redis_timeout 1s;\n"
         "wa_report_redis_wait 1 1s;\n",
         "the wait timeout must be shorter than wa_report_redis_timeout"},
    };
    for (const Case& c : cases) {
        NginxConfig config;
        config.wa_http = c.http + "wa_report_key_prefix wa;\nwa_report_timezone Asia/Jakarta;\n";
        ConfigCheck check = nginx_check_config(config);
        EXPECT_FALSE(check.ok) << c.http;
        EXPECT_NE(check.output.find(c.message), std::string::npos) << c.http << check.output;
    }
    NginxConfig good;
    good.wa_http =
        "wa_report_redis_sentinel wa 127.0.0.1:26379 [::1]:26380;\n"
        "wa_report_redis_wait 2 100ms;\nwa_report_key_prefix wa;\n";
    ConfigCheck check = nginx_check_config(good);
    EXPECT_TRUE(check.ok) << check.output;
}

}  // namespace
}  // namespace wa::itest

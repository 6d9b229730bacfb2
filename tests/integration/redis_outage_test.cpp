// Redis going away and coming back while nginx keeps running (issue 2,
// section 2): fast 503 JSON answers, the same worker, recovery without an
// nginx restart, and Lua scripts reloaded on NOSCRIPT.
#include <signal.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

struct Seeded {
    Customer customer;
    Vehicle vehicle;
};

// A short command timeout, so that a hung Redis is noticed well within the
// 2 s these tests allow for an answer.
constexpr double kCommandTimeout = 0.5;

class RedisOutageTest : public StackTest<RedisOutageTest> {
public:
    static StackOptions stack_options() {
        StackOptions options;
        options.nginx.http_extra += "wa_report_redis_timeout 500ms;\n";
        options.nginx.http_extra += "wa_report_redis_connect_timeout 500ms;\n";
        return options;
    }

protected:
    void TearDown() override {
        // Never leave a stopped redis-server behind for the next test.
        if (stack().redis_server().pid() > 0)
            ::kill(stack().redis_server().pid(), SIGCONT);
        StackTest<RedisOutageTest>::TearDown();
    }

    static bool serving_again() {
        HttpResponse last;
        return poll_until(Millis(10000), [&] {
            last = http().get(kBase + "/statistics");
            return last.status == 200;
        });
    }

    void seed(Seeded* data, int n) {
        data->customer = make_customer(n);
        data->vehicle = make_vehicle(data->customer.id, n);
        ASSERT_TRUE(PutCustomer(http(), data->customer));
        ASSERT_TRUE(PutVehicle(http(), data->vehicle));
    }

    // Every kind of request the module serves, reads and writes.
    static std::vector<std::pair<std::string, std::string>> requests(const Seeded& data) {
        return {
            {"GET", kBase + "/statistics"},
            {"GET", kBase + "/"},
            {"GET", kBase + "/detail"},
            {"GET", kBase + "/customer/" + data.customer.id},
            {"GET", kBase + "/customer/" + data.customer.id + "/vehicle/" + data.vehicle.id},
            {"GET", data.customer.path()},
            {"GET", data.vehicle.path()},
            {"POST", kBase + "/record"},
            {"PUT", data.customer.path()},
            {"POST", kBase + "/reset-frequency"},
            {"DELETE", kBase + "/" + new_uuid()},
        };
    }

    static HttpResponse send(const std::pair<std::string, std::string>& request,
                             const Seeded& data) {
        const auto& [method, target] = request;
        if (method == "POST" && target == kBase + "/record") {
            return http().post_json(target,
                                    record_body(data.customer.id, data.vehicle.id, new_uuid()));
        }
        if (method == "PUT")
            return http().put_json(target, data.customer.body());
        return http().request(method, target);
    }
};

TEST_F(RedisOutageTest, RedisDownGives503FastThenRecoversWithoutRestart) {
    Seeded data;
    ASSERT_NO_FATAL_FAILURE(seed(&data, 1));
    ASSERT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "before-outage"));
    const std::vector<pid_t> workers = stack().nginx().worker_pids();
    ASSERT_EQ(1u, workers.size());

    stack().redis_server().kill_now();

    // Twice: right after the crash (the connection dies under the request) and
    // once the module knows Redis is gone (reconnect attempts refused).
    for (int round = 0; round < 2; ++round) {
        for (const auto& request : requests(data)) {
            SCOPED_TRACE("round " + std::to_string(round) + ": " + request.first + " "
                         + request.second);
            HttpResponse response = send(request, data);
            EXPECT_TRUE(IsDetail(response, 503));
            EXPECT_LT(response.seconds, 2.0) << describe(response);
        }
    }
    EXPECT_EQ(workers, stack().nginx().worker_pids()) << "the worker must survive the outage";

    // Same port, empty data set (no persistence): flush and seed it again.
    std::string error;
    ASSERT_TRUE(stack().restart_redis(&error)) << error;
    ASSERT_TRUE(redis().flushall());
    EXPECT_TRUE(serving_again()) << "not serving again within 10 s of Redis coming back";

    ASSERT_NO_FATAL_FAILURE(seed(&data, 1));
    // A fresh Redis has no scripts: this works only if the module reloads them.
    std::string report;
    ASSERT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "after-outage", &report));
    EXPECT_EQ("1", json_member(report, "frequency"));
    EXPECT_TRUE(
        IsJsonBody(http().get(kBase + "/statistics"), 200,
                   "{\"total_customers_with_vehicles\":1,\"total_messages_sent\":1,"
                   "\"average_messages_per_customer\":1.0,\"customers_by_frequency\":{\"1\":1}}"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/"), 200, "[" + report + "]"));
    EXPECT_EQ(workers, stack().nginx().worker_pids());
}

TEST_F(RedisOutageTest, FlushedScriptCacheIsReloaded) {
    Seeded data;
    ASSERT_NO_FATAL_FAILURE(seed(&data, 2));
    std::string first;
    ASSERT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "m1", &first));

    ASSERT_TRUE(redis().command({"SCRIPT", "FLUSH"}).ok);
    std::string second;
    ASSERT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "m2", &second));
    EXPECT_EQ("2", json_member(second, "frequency"));

    ASSERT_TRUE(redis().command({"SCRIPT", "FLUSH"}).ok);
    EXPECT_TRUE(
        IsJsonBody(http().request("POST", kBase + "/reset-frequency"), 200,
                   "{\"message\":\"Frequency untuk 1 report berhasil direset\",\"count\":1}"));
    ASSERT_TRUE(redis().command({"SCRIPT", "FLUSH"}).ok);
    Customer renamed = data.customer;
    renamed.name = "Rina Hidayat";
    EXPECT_TRUE(PutCustomer(http(), renamed));
}

TEST_F(RedisOutageTest, RequestsInFlightWhenRedisDiesStillGetAnAnswer) {
    Seeded data;
    ASSERT_NO_FATAL_FAILURE(seed(&data, 3));
    ASSERT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "m1"));

    // Stopping Redis leaves the module's commands unanswered; killing it then
    // closes the connection under them. Each request must still be answered.
    ASSERT_EQ(0, ::kill(stack().redis_server().pid(), SIGSTOP));
    HttpClient second_client(stack().port());
    second_client.set_timeout(Millis(15000));
    HttpResponse stalled_statistics;
    std::thread waiting([&] { stalled_statistics = second_client.get(kBase + "/statistics"); });
    // Kill once the module's command sits unread in Redis' socket.
    const int redis_port = stack().redis_port();
    EXPECT_TRUE(poll_until(Millis(3000), [&] { return tcp_receive_queue(redis_port) > 0; }))
        << "the request never reached Redis";
    stack().redis_server().kill_now();
    waiting.join();
    EXPECT_TRUE(IsDetail(stalled_statistics, 503));
    EXPECT_LT(stalled_statistics.seconds, 3.0) << describe(stalled_statistics);
    EXPECT_TRUE(IsDetail(http().get(kBase + "/statistics"), 503));
}

TEST_F(RedisOutageTest, HungRedisGives503AfterTheCommandTimeout) {
    Seeded data;
    ASSERT_NO_FATAL_FAILURE(seed(&data, 4));
    std::string before;
    ASSERT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "m1", &before));
    const std::vector<pid_t> workers = stack().nginx().worker_pids();

    ASSERT_EQ(0, ::kill(stack().redis_server().pid(), SIGSTOP));
    for (const auto& request : requests(data)) {
        SCOPED_TRACE(request.first + " " + request.second);
        HttpResponse response = send(request, data);
        EXPECT_TRUE(IsDetail(response, 503));
        EXPECT_LT(response.seconds, 2.0) << describe(response);
    }
    EXPECT_EQ(workers, stack().nginx().worker_pids());

    // Redis wakes up with the data intact: the module serves it again.
    ASSERT_EQ(0, ::kill(stack().redis_server().pid(), SIGCONT));
    EXPECT_TRUE(serving_again());
    const std::string path =
        kBase + "/customer/" + data.customer.id + "/vehicle/" + data.vehicle.id;
    HttpResponse now = http().get(path);
    ASSERT_TRUE(IsJson(now, 200));
    // Writes sent before the timeout may still have run once Redis woke up;
    // each counted at most once.
    std::string after;
    ASSERT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "after-hang", &after));
    EXPECT_EQ(std::stoi(json_member(now.body, "frequency")) + 1,
              std::stoi(json_member(after, "frequency")));
    EXPECT_EQ(json_member(before, "id"), json_member(after, "id"));
    EXPECT_EQ(workers, stack().nginx().worker_pids());
}

TEST_F(RedisOutageTest, ClientGoneBeforeRedisAnswers) {
    Seeded data;
    ASSERT_NO_FATAL_FAILURE(seed(&data, 5));
    ASSERT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "m1"));
    const std::vector<pid_t> workers = stack().nginx().worker_pids();
    const int redis_port = stack().redis_port();
    const pid_t redis_pid = stack().redis_server().pid();

    // Redis answers after the clients left, before the command timeout (the
    // four abandoned requests take about 4 x 50 ms).
    ASSERT_EQ(0, ::kill(redis_pid, SIGSTOP));
    for (const std::string& target : {kBase + "/statistics", kBase + "/", kBase + "/detail"}) {
        HttpClient impatient(stack().port());
        impatient.set_timeout(Millis(50));
        EXPECT_EQ(0, impatient.get(target).status);
    }
    {
        HttpClient impatient(stack().port());
        impatient.set_timeout(Millis(50));
        EXPECT_EQ(0,
                  impatient
                      .post_json(kBase + "/record",
                                 record_body(data.customer.id, data.vehicle.id, "gone"))
                      .status);
    }
    EXPECT_TRUE(poll_until(Millis(3000), [&] { return tcp_receive_queue(redis_port) > 0; }));
    ASSERT_EQ(0, ::kill(redis_pid, SIGCONT));
    EXPECT_TRUE(serving_again());
    EXPECT_EQ(workers, stack().nginx().worker_pids());

    // The command times out after the client left, then Redis answers.
    ASSERT_EQ(0, ::kill(redis_pid, SIGSTOP));
    {
        HttpClient impatient(stack().port());
        impatient.set_timeout(Millis(50));
        EXPECT_EQ(0, impatient.get(kBase + "/detail").status);
    }
    // This one waits for the command timeout; by then the abandoned one's has fired too.
    HttpResponse patient = http().get(kBase + "/statistics");
    EXPECT_TRUE(IsDetail(patient, 503));
    EXPECT_LT(patient.seconds, kCommandTimeout + 1.5) << describe(patient);
    ASSERT_EQ(0, ::kill(redis_pid, SIGCONT));
    EXPECT_TRUE(serving_again());
    EXPECT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "m2"));
    EXPECT_EQ(workers, stack().nginx().worker_pids());
}

// Redis loading its data set (issue 6, item 11): it answers LOADING, but only
// between loading steps. The module must not queue requests on a connection
// that answers that way: it drops the connection, answers 503 at once while
// the reconnects are refused, and serves again once loading is over.
class RedisLoadingTest : public StackTest<RedisLoadingTest> {
public:
    static StackOptions stack_options() {
        StackOptions options;
        // Long enough that a request sent to a silent Redis gets no answer
        // within the client's patience below.
        options.nginx.http_extra += "wa_report_redis_timeout 60s;\n";
        options.nginx.http_extra += "wa_report_redis_connect_timeout 500ms;\n";
        return options;
    }

protected:
    void TearDown() override {
        if (stack().redis_server().pid() > 0)
            ::kill(stack().redis_server().pid(), SIGCONT);
        if (reload_.joinable())
            reload_.join();
        redis().command({"CONFIG", "SET", "key-load-delay", "0"});
        StackTest<RedisLoadingTest>::TearDown();
    }

    std::thread reload_;
};

TEST_F(RedisLoadingTest, LoadingGives503WithoutWaitingAndRecovers) {
    Seeded data;
    data.customer = make_customer(7);
    data.vehicle = make_vehicle(data.customer.id, 7);
    ASSERT_TRUE(PutCustomer(http(), data.customer));
    ASSERT_TRUE(PutVehicle(http(), data.vehicle));
    std::string report;
    ASSERT_TRUE(Record(http(), data.customer.id, data.vehicle.id, "before-loading", &report));

    // A data set that takes seconds to load (1 ms per key), with Redis
    // answering other clients between loading steps.
    ASSERT_TRUE(redis().command({"DEBUG", "POPULATE", "3000", "filler"}).ok);
    ASSERT_TRUE(
        redis().command({"CONFIG", "SET", "loading-process-events-interval-bytes", "1024"}).ok);
    ASSERT_TRUE(redis().command({"CONFIG", "SET", "key-load-delay", "1000"}).ok);
    const size_t offset = stack().nginx().error_log().size();
    const int redis_port = stack().redis_port();
    reload_ = std::thread([redis_port] {
        RedisClient admin;
        std::string ignored;
        if (admin.connect(redis_port, &ignored))
            admin.command({"DEBUG", "RELOAD"});
    });
    RedisClient probe;
    std::string error;
    ASSERT_TRUE(probe.connect(redis_port, &error)) << error;
    ASSERT_TRUE(poll_until(
        Millis(5000), [&] { return probe.command({"PING"}).str.rfind("LOADING", 0) == 0; },
        Millis(5)))
        << "Redis never started loading";

    // The module's connection meets LOADING...
    EXPECT_TRUE(poll_until(
        Millis(5000),
        [&] { return IsDetail(http().get(kBase + "/statistics"), 503, "Redis unavailable"); },
        Millis(5)));
    // ...and no longer waits on Redis: with Redis stopped in the middle of
    // loading, every request is still answered.
    ASSERT_EQ(0, ::kill(stack().redis_server().pid(), SIGSTOP));
    HttpClient patient(stack().port());
    patient.set_timeout(Millis(5000));
    const std::vector<std::pair<std::string, std::string>> requests = {
        {"GET", kBase + "/statistics"},
        {"GET", kBase + "/"},
        {"GET", kBase + "/detail?limit=10"},
        {"GET", kBase + "/customer/" + data.customer.id + "/vehicle/" + data.vehicle.id},
        {"GET", data.customer.path()},
        {"POST", kBase + "/reset-frequency"},
    };
    for (const auto& [method, target] : requests) {
        SCOPED_TRACE(method + " " + target);
        EXPECT_TRUE(IsDetail(patient.request(method, target), 503, "Redis unavailable"));
    }
    ASSERT_EQ(0, ::kill(stack().redis_server().pid(), SIGCONT));
    reload_.join();

    EXPECT_TRUE(poll_until(Millis(10000), [&] {
        return http().get(kBase + "/statistics").status == 200;
    })) << stack().nginx().error_log().substr(offset);
    EXPECT_TRUE(IsJsonBody(
        http().get(kBase + "/customer/" + data.customer.id + "/vehicle/" + data.vehicle.id), 200,
        report));
    const std::string log = stack().nginx().error_log().substr(offset);
    EXPECT_NE(std::string::npos, log.find("LOADING")) << log;
    EXPECT_LT(log.rfind("LOADING"), log.rfind("redis is back")) << log;
}

}  // namespace
}  // namespace wa::itest

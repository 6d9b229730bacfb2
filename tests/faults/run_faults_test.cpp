// Faults of nginx itself during a reminder run, under a steady read load: a
// worker SIGKILLed, five reloads, a graceful quit (and a new start). After
// each, the gateway's log, the reports and the run's result agree: no send
// lost (accepted, not counted, not reported unknown), no vehicle sent twice,
// and no worker crashed but the one the scenario killed.
#include <signal.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fault_support.hpp"

namespace wa::itest::faults {
namespace {

constexpr int kReaders = 10;

class RunFaultTest : public ReminderTest<RunFaultTest> {
public:
    static StackOptions stack_options() { return fault_stack(); }

protected:
    // Seeds the readers' reports and the run's due vehicles, starts the
    // readers and makes the schedule due; returns once the run is sending.
    void start_run(std::unique_ptr<ReadLoad>* load) {
        std::vector<std::string> targets;
        ASSERT_TRUE(SeedReadTargets(http(), 1, kReaders, &targets));
        ASSERT_TRUE(SeedVehicles(http(), 1000, due_count(), jakarta_today(), &due_));
        *load = std::make_unique<ReadLoad>(stack().port(), targets, kReaders);
        (*load)->start();
        keep_load_for(scaled(Millis(1000), Millis(200)));
        ASSERT_TRUE(MakeScheduleDue(http(), redis()));
        ASSERT_TRUE(gateway().wait_for_requests(2, Millis(15000))) << gateway().dump();
    }

    static int due_count() { return scaled(200, 40); }

    // Waits for the run's end, measures, publishes and asserts. Reads may
    // fail only with `allowed` (0: no answer), at most `allowed_count` times.
    void finish(ReadLoad& load, const std::string& scenario, double fault_start, double fault_end,
                int allowed, size_t allowed_count, pid_t killed = -1, bool may_fail = false) {
        std::string last_run;
        EXPECT_TRUE(WaitLastRun(http(), Millis(60000), &last_run)) << gateway().dump();
        EXPECT_TRUE(gateway().wait_idle(Millis(300), Millis(15000))) << gateway().dump();
        load.stop();
        std::vector<Sample> samples = load.samples();
        Figures figures;
        figures.scenario = scenario;
        figures.load = load.describe() + "; a run of " + std::to_string(due_.size())
            + " sends at 20/s, 2 workers";
        measure(samples, fault_start, fault_end, &figures);
        figures.lost = lost_sends(http(), redis(), gateway(), due_);
        figures.doubled = doubled_sends(gateway());
        std::string problems = stack().nginx().take_log_problems();
        // A new start reads the error log from its beginning again.
        if (log_start_ != std::string::npos)
            problems = problem_lines(stack().nginx().error_log().substr(log_start_));
        const std::string crashes = crash_lines(problems, killed);
        figures.crashes = line_count(crashes);
        publish(figures);

        size_t failed = 0;
        for (const Sample& s : samples) {
            if (s.status == 200)
                continue;
            ++failed;
            EXPECT_EQ(allowed, s.status) << "at " << s.sent << " s after " << s.seconds << " s";
        }
        EXPECT_LE(failed, allowed_count);
        EXPECT_GE(figures.recovery, 0);
        EXPECT_EQ(0, figures.lost) << gateway().dump();
        EXPECT_EQ(0, figures.doubled) << gateway().dump();
        EXPECT_EQ("", crashes);
        ExpectEveryVehicleAccountedFor(last_run, may_fail);
    }

    // Each due vehicle is listed once: sent or skipped (accepted once and
    // counted once), unknown (the gateway may have it, it is not sent again) or, when
    // `may_fail`, failed (never accepted).
    void ExpectEveryVehicleAccountedFor(const std::string& last_run, bool may_fail) {
        EXPECT_EQ(std::to_string(due_.size()), json_member(last_run, "total_customers"))
            << last_run;
        if (!may_fail) {
            EXPECT_EQ("0", json_member(last_run, "failed")) << last_run;
        }
        std::map<std::string, std::vector<std::string>> statuses;
        for (const JsonPtr& item : last_run_details(redis())) {
            std::string text = dump_json(item.get());
            statuses[json_member(text, "no_pol")].push_back(json_member(text, "status"));
        }
        for (const Seeded& s : due_) {
            const std::vector<std::string>& listed = statuses[s.vehicle.nopol];
            ASSERT_EQ(1u, listed.size()) << s.vehicle.nopol;
            const int accepted = gateway().accepted_for(s.to);
            const int counted = report_frequency(http(), s);
            if (listed[0] == "sent") {
                EXPECT_EQ(1, accepted) << s.to;
                EXPECT_EQ(1, counted) << s.to;
            } else if (listed[0] == "skipped") {
                // Sent and counted by a runner that died before it wrote the
                // batch's details: the next one finds it already reminded.
                EXPECT_EQ(1, accepted) << s.to;
                EXPECT_EQ(1, counted) << s.to;
            } else if (listed[0] == "failed" && may_fail) {
                EXPECT_EQ(0, accepted) << s.to;
                EXPECT_EQ(0, counted) << s.to;
            } else {
                EXPECT_EQ("unknown", listed[0]) << s.to;
                EXPECT_LE(accepted, 1) << s.to;
                EXPECT_EQ(0, counted) << s.to;
            }
        }
    }

    void gateway_fault(const std::string& scenario, const std::string& behaviour, Millis fault,
                       bool may_fail);

    std::vector<Seeded> due_;
    size_t log_start_ = std::string::npos;
};

TEST_F(RunFaultTest, WorkerKilledMidRun) {
    std::unique_ptr<ReadLoad> load;
    ASSERT_NO_FATAL_FAILURE(start_run(&load));
    ASSERT_TRUE(gateway().wait_for_requests(due_.size() / 3, Millis(30000))) << gateway().dump();
    // The worker that runs is the one talking to the gateway.
    std::vector<GatewayRequest> sent = gateway().requests();
    std::vector<pid_t> workers = stack().nginx().worker_pids();
    pid_t runner = pid_with_connection(workers, sent.back().peer_port, gateway().port());
    ASSERT_GT(runner, 0) << "no worker holds the gateway connection";
    const double start = load->now();
    ASSERT_EQ(0, ::kill(runner, SIGKILL));
    // The fault lasts until the master has a second worker again.
    ASSERT_TRUE(poll_until(Millis(10000), [&] {
        std::vector<pid_t> now = stack().nginx().worker_pids();
        return now.size() == 2 && std::find(now.begin(), now.end(), runner) == now.end();
    }));
    const double end = load->now();
    // A reader's request on the killed worker is reset: at most one per reader.
    finish(*load, "a worker SIGKILLed mid-run", start, end, 0, kReaders, runner);
}

TEST_F(RunFaultTest, FiveReloadsDuringARun) {
    std::unique_ptr<ReadLoad> load;
    ASSERT_NO_FATAL_FAILURE(start_run(&load));
    const double start = load->now();
    for (int i = 1; i <= 5; ++i) {
        ASSERT_TRUE(gateway().wait_for_requests(due_.size() * i / 7, Millis(30000)))
            << gateway().dump();
        std::string error;
        ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    }
    const double end = load->now();
    // A reload closes idle keep-alive connections; the client sends again, so
    // no read may fail.
    finish(*load, "nginx -s reload x5 during a run", start, end, 0, 0);
}

TEST_F(RunFaultTest, GracefulQuitDuringARunThenAStart) {
    std::unique_ptr<ReadLoad> load;
    ASSERT_NO_FATAL_FAILURE(start_run(&load));
    ASSERT_TRUE(gateway().wait_for_requests(due_.size() / 3, Millis(30000))) << gateway().dump();
    log_start_ = stack().nginx().error_log().size();
    const double start = load->now();
    EXPECT_EQ("", stack().nginx().stop());
    std::string error;
    ASSERT_TRUE(stack().nginx().start(stack().prefix(), stack_options().nginx, stack().port(),
                                      stack().redis_port(), &error))
        << error;
    const double end = load->now();
    // While nginx is down the readers are refused (no answer), nothing else.
    finish(*load, "nginx -s quit during a run, then started again", start, end, 0,
           static_cast<size_t>(1) << 20);
}

// ---------------------------------------------------------------- the gateway

// The gateway behaves `behaviour` from a third of the run on, for `fault`;
// reads are not touched by it: none may fail.
void RunFaultTest::gateway_fault(const std::string& scenario, const std::string& behaviour,
                                 Millis fault, bool may_fail) {
    std::unique_ptr<ReadLoad> load;
    ASSERT_NO_FATAL_FAILURE(start_run(&load));
    ASSERT_TRUE(gateway().wait_for_requests(due_.size() / 3, Millis(30000))) << gateway().dump();
    const double start = load->now();
    gateway().set_default(behaviour);
    keep_load_for(fault);
    gateway().set_default("accept");
    const double end = load->now();
    finish(*load, scenario, start, end, 0, 0, -1, may_fail);
}

TEST_F(RunFaultTest, GatewayHangs) {
    const Millis fault = scaled(Millis(3000), Millis(1000));
    gateway_fault(
        "gateway hangs (no answer) for " + std::to_string(fault.count()) + " ms, timeout 1 s",
        "hang", fault, true);
}

TEST_F(RunFaultTest, GatewayAnswers5xx) {
    const Millis fault = scaled(Millis(3000), Millis(1000));
    gateway_fault("gateway answers 503 for " + std::to_string(fault.count()) + " ms, 2 retries",
                  "status 503", fault, true);
}

TEST_F(RunFaultTest, GatewayAnswers429WithRetryAfter) {
    const Millis fault = scaled(Millis(3000), Millis(1000));
    gateway_fault("gateway answers 429 Retry-After: 1 for " + std::to_string(fault.count()) + " ms",
                  "status 429 Retry-After: 1", fault, true);
}

TEST_F(RunFaultTest, GatewayAnswersSlowly) {
    const Millis fault = scaled(Millis(3000), Millis(1000));
    gateway_fault(
        "gateway answers after 800 ms for " + std::to_string(fault.count()) + " ms, timeout 1 s",
        "delay 800ms then accept", fault, false);
}

// Stopped: its port refuses connections; started again on the same port.
TEST_F(RunFaultTest, GatewayRefusesConnections) {
    std::unique_ptr<ReadLoad> load;
    ASSERT_NO_FATAL_FAILURE(start_run(&load));
    ASSERT_TRUE(gateway().wait_for_requests(due_.size() / 3, Millis(30000))) << gateway().dump();
    const Millis fault = scaled(Millis(3000), Millis(1000));
    const int port = gateway().port();
    const double start = load->now();
    gateway().stop();
    keep_load_for(fault);
    std::string error;
    ASSERT_TRUE(gateway().start(&error, port)) << error;
    const double end = load->now();
    finish(*load,
           "gateway stopped (connection refused) for " + std::to_string(fault.count()) + " ms",
           start, end, 0, 0, -1, true);
}

}  // namespace
}  // namespace wa::itest::faults

// Scheduled runs across several workers and nginx instances on one Redis:
// each due vehicle messaged once; a runner SIGKILLed or reloaded in the
// middle of a run, with the gateway's log and the report's counts agreeing
// afterwards.
#include <signal.h>

#include <algorithm>
#include <map>
#include <thread>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

ReminderSettings robustness_settings() {
    ReminderSettings s;
    s.worker_processes = 2;
    s.concurrency = 2;
    return s;
}

class ReminderRobustnessTest : public ReminderTest<ReminderRobustnessTest> {
public:
    static StackOptions stack_options() { return reminder_stack(robustness_settings()); }

protected:
    // count vehicles due today..today+2 (spread), plus a few that are not due.
    void seed(int count, std::vector<Seeded>* due, std::vector<Seeded>* not_due) {
        for (int i = 0; i < count; ++i) {
            Seeded s;
            ASSERT_TRUE(SeedVehicle(http(), 100 + i, jakarta_today(i % 3), &s));
            due->push_back(s);
        }
        for (int i = 0; i < 3; ++i) {
            Seeded s;
            ASSERT_TRUE(SeedVehicle(http(), 500 + i, jakarta_today(3 + i), &s));
            not_due->push_back(s);
        }
    }

    // The details of the last run, by no_pol.
    std::map<std::string, std::vector<std::string>> statuses_by_nopol() {
        std::map<std::string, std::vector<std::string>> out;
        for (const JsonPtr& item : last_run_details(redis())) {
            std::string text = dump_json(item.get());
            out[json_member(text, "no_pol")].push_back(json_member(text, "status"));
        }
        return out;
    }

    // After a disturbed run: per vehicle, at most one accepted send and at most
    // one count; the gateway's accepted sends equal the count, except for a
    // vehicle reported "unknown" (its send may or may not have been accepted,
    // and it is not counted); and no vehicle is lost (counted or unknown).
    void check_accounting(const std::vector<Seeded>& due, const std::vector<Seeded>& not_due,
                          bool expect_no_unknown) {
        ASSERT_TRUE(gateway().wait_idle(Millis(300), Millis(15000))) << gateway().dump();
        auto statuses = statuses_by_nopol();
        int unknown_total = 0;
        for (const Seeded& s : due) {
            int accepted = gateway().accepted_for(s.to);
            int frequency = report_frequency(http(), s);
            const auto& st = statuses[s.vehicle.nopol];
            bool unknown = std::find(st.begin(), st.end(), "unknown") != st.end();
            unknown_total += unknown ? 1 : 0;
            std::string all;
            for (const auto& x : st)
                all += x + " ";
            SCOPED_TRACE("vehicle " + s.vehicle.nopol + " to " + s.to + " statuses [" + all + "]");
            EXPECT_LE(accepted, 1) << "two accepted sends in one cycle\n" << gateway().dump();
            EXPECT_LE(frequency, 1);
            EXPECT_EQ(1u, st.size()) << "each due vehicle is listed once in the run's details";
            if (unknown) {
                EXPECT_EQ(0, frequency) << "an unknown attempt is not counted";
            } else {
                EXPECT_EQ(accepted, frequency) << "gateway-accepted sends and counts disagree";
                EXPECT_EQ(1, frequency) << "the vehicle was neither reminded nor reported unknown";
            }
        }
        for (const Seeded& s : not_due)
            EXPECT_EQ(0, gateway().requests_for(s.to)) << s.to;
        if (expect_no_unknown) {
            EXPECT_EQ(0, unknown_total);
        }
        std::string last_run;
        ASSERT_TRUE(WaitLastRun(http(), Millis(1000), &last_run));
        EXPECT_EQ(std::to_string(unknown_total), json_member(last_run, "unknown")) << last_run;
        int counted = 0;
        for (const Seeded& s : due)
            counted += report_frequency(http(), s);
        EXPECT_EQ(counted, total_messages_sent(http()));
        if (HasFailure()) {
            std::string run_id, details;
            for (const JsonPtr& item : last_run_details(redis(), &run_id)) {
                details += "  " + dump_json(item.get()).substr(0, 160) + "\n";
            }
            ADD_FAILURE() << "for the record: last_run " << last_run << "\nrun " << run_id
                          << " details:\n"
                          << details << gateway().dump();
        }
    }
};

TEST_F(ReminderRobustnessTest, TwoInstancesWithTwoWorkersMessageEachDueVehicleOnce) {
    ExtraNginx other;
    std::string error;
    ASSERT_TRUE(other.start(stack_options().nginx, stack().redis_port(), &error)) << error;
    std::vector<Seeded> due, not_due;
    seed(12, &due, &not_due);
    gateway().set_default("delay 50ms then accept");
    ASSERT_TRUE(MakeScheduleDue(http(), redis()));
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(30000), &last_run));
    ASSERT_TRUE(gateway().wait_idle(Millis(500), Millis(10000))) << gateway().dump();
    for (const Seeded& s : due) {
        EXPECT_EQ(1, gateway().requests_for(s.to)) << s.to << "\n" << gateway().dump();
        EXPECT_EQ(1, report_frequency(http(), s)) << s.to;
    }
    for (const Seeded& s : not_due)
        EXPECT_EQ(0, gateway().requests_for(s.to)) << s.to;
    EXPECT_EQ("12", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ(12, total_messages_sent(http()));
    // Both instances tell the same.
    HttpResponse here = sched(http(), "GET", "/status");
    HttpResponse there = sched(other.http(), "GET", "/status");
    EXPECT_EQ(200, here.status);
    EXPECT_EQ(here.body, there.body);
    // A while later nothing more has been sent (the schedule moved to tomorrow).
    std::this_thread::sleep_for(Millis(1000));
    EXPECT_EQ(12u, gateway().request_count()) << gateway().dump();
    EXPECT_TRUE(NoSecrets(other.nginx().error_log(), "the second nginx's error.log"));
    EXPECT_EQ("", other.stop());
}

TEST_F(ReminderRobustnessTest, RunnerKilledInTheMiddleOfARun) {
    std::vector<Seeded> due, not_due;
    seed(20, &due, &not_due);
    gateway().set_default("delay 300ms then accept");
    ASSERT_TRUE(MakeScheduleDue(http(), redis()));
    ASSERT_TRUE(gateway().wait_for_requests(5, Millis(15000))) << gateway().dump();

    auto log = gateway().requests();
    std::vector<pid_t> workers = stack().nginx().worker_pids();
    pid_t runner = pid_with_connection(workers, log.back().peer_port, gateway().port());
    ASSERT_GT(runner, 0) << "no worker holds the connection the last request came on";
    ASSERT_EQ(0, ::kill(runner, SIGKILL));
    const size_t at_kill = gateway().request_count();

    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(40000), &last_run)) << gateway().dump();
    EXPECT_GT(gateway().request_count(), at_kill) << "the run was resumed after the kill";
    check_accounting(due, not_due, false);
    // The master reports the killed worker; nothing else may be alarming.
    std::string problems = stack().nginx().take_log_problems();
    EXPECT_EQ("", without_lines(problems, "exited on signal 9"));
}

TEST_F(ReminderRobustnessTest, ReloadInTheMiddleOfARunLosesNothing) {
    std::vector<Seeded> due, not_due;
    seed(20, &due, &not_due);
    gateway().set_default("delay 300ms then accept");
    ASSERT_TRUE(MakeScheduleDue(http(), redis()));
    ASSERT_TRUE(gateway().wait_for_requests(5, Millis(15000))) << gateway().dump();
    std::string error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(40000), &last_run)) << gateway().dump();
    check_accounting(due, not_due, true);
    EXPECT_EQ("20", json_member(last_run, "reminder_sent")) << last_run;
    for (const Seeded& s : due)
        EXPECT_EQ(1, gateway().accepted_for(s.to)) << s.to;
}

TEST_F(ReminderRobustnessTest, RunNowDuringAScheduledRunIs409) {
    std::vector<Seeded> due, not_due;
    seed(6, &due, &not_due);
    gateway().set_default("delay 300ms then accept");
    ASSERT_TRUE(MakeScheduleDue(http(), redis()));
    ASSERT_TRUE(gateway().wait_for_requests(1, Millis(15000)));
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "POST", "/run-now"), 409,
                   "{\"status\":\"error\",\"message\":\"Job sedang berjalan\",\"data\":null}"));
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(30000), &last_run));
    ASSERT_TRUE(gateway().wait_idle(Millis(300), Millis(10000)));
    for (const Seeded& s : due)
        EXPECT_EQ(1, gateway().requests_for(s.to)) << s.to;
}

}  // namespace
}  // namespace wa::itest

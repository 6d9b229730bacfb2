// The schedule does what nginx.conf says, or says why not: at a start or
// reload, a wa_report_schedule that changed since it was last applied is
// applied; an unchanged one leaves the schedule in Redis (and what the
// scheduler API did to it) alone. One NOTICE per start or reload names the
// schedule in force and where it came from, and /status shows the time
// also while the schedule is stopped. Two instances with different
// schedules on one Redis do not undo each other between their reloads.
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kNotice = "wa_report: schedule \"";

ReminderSettings with_schedule(const std::string& schedule) {
    ReminderSettings s;
    s.schedule = schedule;
    s.worker_processes = 2;  // one NOTICE per start, not one per worker
    return s;
}

// The schedule NOTICE lines in `log` from offset `from`, each without its
// time stamp and pid ("wa_report: schedule ...").
std::vector<std::string> notices(const std::string& log, size_t from) {
    std::vector<std::string> out;
    for (size_t at = log.find(kNotice, from); at != std::string::npos;
         at = log.find(kNotice, at + 1)) {
        size_t line_start = log.rfind('\n', at);
        std::string line = log.substr(line_start == std::string::npos ? 0 : line_start + 1,
                                      log.find('\n', at) - (line_start + 1));
        EXPECT_NE(std::string::npos, line.find("[notice]")) << line;
        std::string text = log.substr(at, log.find('\n', at) - at);
        // nginx appends the cycle's context to a line logged outside a request.
        out.push_back(text.substr(0, text.find(", while ")));
    }
    return out;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines)
        out += l + "\n";
    return out;
}

// Waits until `count` schedule NOTICEs were logged since `from`, then a
// little longer so that a further one (a second worker's) would show.
std::vector<std::string> wait_notices(NginxServer& nginx, size_t from, size_t count) {
    poll_until(Millis(10000), [&] { return notices(nginx.error_log(), from).size() >= count; });
    poll_until(Millis(1000), [&] { return notices(nginx.error_log(), from).size() > count; });
    return notices(nginx.error_log(), from);
}

// The schedule hash stays as it is for `how_long` (many ticks of every worker).
::testing::AssertionResult StaysPut(RedisClient& redis, Millis how_long) {
    auto before = hgetall(redis, "{wa}:schedule");
    std::map<std::string, std::string> now;
    bool changed = poll_until(
        how_long,
        [&] {
            now = hgetall(redis, "{wa}:schedule");
            return now != before;
        },
        Millis(20));
    if (!changed)
        return ::testing::AssertionSuccess();
    std::string a, b;
    for (const auto& [k, v] : before)
        a += k + "=" + v + " ";
    for (const auto& [k, v] : now)
        b += k + "=" + v + " ";
    return ::testing::AssertionFailure() << "the schedule changed from " << a << "to " << b;
}

class ScheduleRuleTest : public ReminderTest<ScheduleRuleTest> {
public:
    static StackOptions stack_options() { return reminder_stack(with_schedule("07:00 off")); }

protected:
    // Writes nginx.conf with this schedule, reloads, and returns the
    // schedule NOTICEs of the reload.
    std::vector<std::string> reload_with(const std::string& schedule) {
        std::string error;
        size_t from = stack().nginx().error_log().size();
        EXPECT_TRUE(reminder_config(with_schedule(schedule))
                        .write(stack().prefix(), stack().port(), stack().redis_port(),
                               module_path(), &error))
            << error;
        EXPECT_TRUE(stack().nginx().reload(&error)) << error;
        return wait_notices(stack().nginx(), from, 1);
    }

    // Stops nginx and starts it with this schedule.
    std::vector<std::string> restart_with(const std::string& schedule) {
        http().close();
        EXPECT_EQ("", stack().nginx().stop());
        size_t from = stack().nginx().error_log().size();
        std::string error;
        EXPECT_TRUE(stack().nginx().start(stack().prefix(),
                                          reminder_config(with_schedule(schedule)), stack().port(),
                                          stack().redis_port(), &error))
            << error;
        EXPECT_TRUE(stack().wait_ready(&error)) << error;
        return wait_notices(stack().nginx(), from, 1);
    }

    void TearDown() override {
        // The next test starts from the suite's own configuration.
        reload_with("07:00 off");
        ReminderTest<ScheduleRuleTest>::TearDown();
    }
};

// The example: editing wa_report_schedule and reloading did nothing
// once the schedule was in Redis.
TEST_F(ScheduleRuleTest, EditedScheduleIsAppliedAtReload) {
    reload_with("07:00 off");
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/status"), 200, status_body(false, 7, 0, "nginx.conf")));

    std::vector<std::string> seen = reload_with("21:34 on");
    EXPECT_EQ(
        "wa_report: schedule \"21:34 on\" (Asia/Jakarta) from nginx.conf, applied: it "
        "changed since \"07:00 off\" was applied\n",
        joined(seen));
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/status"), 200, status_body(true, 21, 34, "nginx.conf")));
    auto schedule = hgetall(redis(), "{wa}:schedule");
    EXPECT_EQ("1", schedule["enabled"]);
    EXPECT_EQ("21", schedule["hour"]);
    EXPECT_EQ("34", schedule["minute"]);
    EXPECT_EQ("21:34 on", schedule["config"]);
    EXPECT_EQ("nginx.conf", schedule["source"]);
}

// A variant: a time without "on" is a stopped schedule, which /status showed
// as "jobs":[] and nothing else; here through a restart rather than a reload.
TEST_F(ScheduleRuleTest, ScheduleWithoutOnShowsItsTimeWhileStopped) {
    reload_with("07:00 off");
    std::vector<std::string> seen = restart_with("21:34");
    EXPECT_EQ(
        "wa_report: schedule \"21:34 off\" (Asia/Jakarta) from nginx.conf, applied: it "
        "changed since \"07:00 off\" was applied\n",
        joined(seen));
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/status"), 200, status_body(false, 21, 34, "nginx.conf")));
    EXPECT_EQ("0", hgetall(redis(), "{wa}:schedule")["enabled"]);
}

// What the scheduler API did stays while nginx.conf's schedule is unchanged;
// a changed one wins over it.
TEST_F(ScheduleRuleTest, SchedulerApiChangesSurviveReloadsWithTheSameSchedule) {
    reload_with("07:00 on");
    ASSERT_EQ(200, sched(http(), "POST", "/stop").status);
    EXPECT_EQ(
        "wa_report: schedule \"07:00 off\" (Asia/Jakarta) from Redis, set by the scheduler "
        "API; nginx.conf's \"07:00 on\" unchanged since applied\n",
        joined(reload_with("07:00 on")));
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, status_body(false, 7, 0, "api")));

    ASSERT_EQ(200, sched(http(), "POST", "/start?hour=9&minute=15").status);
    EXPECT_EQ(
        "wa_report: schedule \"09:15 on\" (Asia/Jakarta) from Redis, set by the scheduler "
        "API; nginx.conf's \"07:00 on\" unchanged since applied\n",
        joined(reload_with("07:00 on")));
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status"), 200, status_body(true, 9, 15, "api")));

    EXPECT_EQ(
        "wa_report: schedule \"06:45 off\" (Asia/Jakarta) from nginx.conf, applied: it "
        "changed since \"07:00 on\" was applied\n",
        joined(reload_with("06:45 off")));
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/status"), 200, status_body(false, 6, 45, "nginx.conf")));
    EXPECT_EQ(
        "wa_report: schedule \"06:45 off\" (Asia/Jakarta) from nginx.conf, unchanged since "
        "applied\n",
        joined(reload_with("06:45 off")));
}

// Two instances on one Redis, each with its own schedule: the one started
// (or reloaded) last applies its schedule once; their ticks never undo it.
TEST_F(ScheduleRuleTest, TwoInstancesWithDifferentSchedulesDoNotFlipFlop) {
    reload_with("07:00 on");
    size_t here_from = stack().nginx().error_log().size();
    ExtraNginx other;
    std::string error;
    ASSERT_TRUE(
        other.start(reminder_config(with_schedule("08:15 on")), stack().redis_port(), &error))
        << error;
    EXPECT_EQ(
        "wa_report: schedule \"08:15 on\" (Asia/Jakarta) from nginx.conf, applied: it "
        "changed since \"07:00 on\" was applied\n",
        joined(wait_notices(other.nginx(), 0, 1)));
    EXPECT_TRUE(StaysPut(redis(), Millis(2000)));
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "GET", "/status"), 200, status_body(true, 8, 15, "nginx.conf")));
    EXPECT_TRUE(IsJsonBody(sched(other.http(), "GET", "/status"), 200,
                           status_body(true, 8, 15, "nginx.conf")));
    EXPECT_EQ("", joined(notices(stack().nginx().error_log(), here_from)));

    size_t other_seen = notices(other.nginx().error_log(), 0).size();
    EXPECT_EQ(
        "wa_report: schedule \"07:00 on\" (Asia/Jakarta) from nginx.conf, applied: it "
        "changed since \"08:15 on\" was applied\n",
        joined(reload_with("07:00 on")));
    EXPECT_TRUE(StaysPut(redis(), Millis(2000)));
    EXPECT_TRUE(IsJsonBody(sched(other.http(), "GET", "/status"), 200,
                           status_body(true, 7, 0, "nginx.conf")));
    EXPECT_EQ(other_seen, notices(other.nginx().error_log(), 0).size());
    EXPECT_TRUE(NoSecrets(other.nginx().error_log(), "the second nginx's error.log"));
    EXPECT_EQ("", other.stop());
}

// A schedule an earlier version left in Redis (it recorded no applied
// nginx.conf schedule) is kept at the first start, not overwritten by a
// wa_report_schedule that may never have been meant to apply.
TEST_F(ScheduleRuleTest, ScheduleLeftByAnEarlierVersionIsKept) {
    reload_with("07:00 off");
    ASSERT_TRUE(redis().command({"DEL", "{wa}:schedule"}).ok);
    ASSERT_TRUE(redis()
                    .command({"HSET", "{wa}:schedule", "enabled", "1", "hour", "9", "minute", "15",
                              "next_run", "4102444800"})
                    .ok);
    EXPECT_EQ(
        "wa_report: schedule \"09:15 on\" (Asia/Jakarta) from Redis, kept from an earlier "
        "version; nginx.conf's \"07:00 off\" recorded as applied\n",
        joined(reload_with("07:00 off")));
    auto schedule = hgetall(redis(), "{wa}:schedule");
    EXPECT_EQ("1", schedule["enabled"]);
    EXPECT_EQ("9", schedule["hour"]);
    EXPECT_EQ("15", schedule["minute"]);
    EXPECT_EQ("07:00 off", schedule["config"]);
    EXPECT_EQ("api", schedule["source"]);
    EXPECT_EQ(
        "wa_report: schedule \"09:15 on\" (Asia/Jakarta) from Redis, set by the scheduler "
        "API; nginx.conf's \"07:00 off\" unchanged since applied\n",
        joined(reload_with("07:00 off")));
}

}  // namespace
}  // namespace wa::itest

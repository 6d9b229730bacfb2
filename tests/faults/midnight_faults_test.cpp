// The clock: a run that spans midnight in its zone, without faking time.
// The zone is a fixed offset (cctz's "Fixed/UTC+hh:mm:ss") chosen when the
// run is about to start, so that the real clock passes local midnight while
// the run sends; nginx is reloaded with that zone after the data is seeded.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fault_support.hpp"

namespace wa::itest::faults {
namespace {

constexpr int kReaders = 10;

// "Fixed/UTC+hh:mm:ss" for an offset in seconds, within (-12 h, +12 h].
std::string fixed_zone(long long offset) {
    char buffer[48];
    const long long a = offset < 0 ? -offset : offset;
    std::snprintf(buffer, sizeof(buffer), "Fixed/UTC%c%02lld:%02lld:%02lld", offset < 0 ? '-' : '+',
                  a / 3600, a / 60 % 60, a % 60);
    return buffer;
}

std::string utc_date(long long unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof(buffer), "%Y-%m-%d", &tm);
    return buffer;
}

class MidnightFaultTest : public ReminderTest<MidnightFaultTest> {
public:
    static StackOptions stack_options() { return fault_stack(); }
};

TEST_F(MidnightFaultTest, ARunSpanningMidnightInItsZone) {
    std::vector<std::string> targets;
    ASSERT_TRUE(SeedReadTargets(http(), 1, kReaders, &targets));
    const int count = scaled(200, 60);
    // Local midnight falls a third of the way into the run at 20 messages a
    // second, after the reload that sets the zone (about a second).
    const long long into_run = 1 + std::max(1, count / 20 / 3);
    long long midnight = static_cast<long long>(std::time(nullptr)) + 30;
    // The zone's date before midnight; seeding takes a while, so the offset is
    // computed again just before the reload, for the same local midnight.
    auto offset_for = [](long long at) {
        long long offset = ((-at) % 86400 + 86400) % 86400;
        return offset > 12 * 3600 ? offset - 86400 : offset;
    };
    const std::string day = utc_date(midnight - 1 + offset_for(midnight));
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1000, count, day, &due));

    const long long now = static_cast<long long>(std::time(nullptr));
    midnight = now + into_run;
    const long long offset = offset_for(midnight);
    ASSERT_EQ(day, utc_date(midnight - 1 + offset)) << "the zone's day changed while seeding";
    const std::string zone = fixed_zone(offset);
    StackOptions options = stack_options();
    options.nginx.wa_http =
        "wa_report_redis {redis};\nwa_report_key_prefix wa;\n"
        "wa_report_timezone "
        + zone + ";\n";
    std::string error;
    ASSERT_TRUE(options.nginx.write(stack().prefix(), stack().port(), stack().redis_port(),
                                    module_path(), &error))
        << error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;

    ReadLoad load(stack().port(), targets, kReaders);
    load.start();
    const long long run_asked_at = static_cast<long long>(std::time(nullptr));
    std::thread run([&] {
        HttpClient client(stack().port());
        client.set_timeout(Millis(120000));
        sched(client, "POST", "/run-now?date=" + day);
    });
    const double midnight_in_load =
        load.now() + static_cast<double>(midnight - static_cast<long long>(std::time(nullptr)));
    std::string last_run;
    const bool ended = WaitLastRun(http(), Millis(90000), &last_run);
    run.join();
    load.stop();
    const long long ended_at = static_cast<long long>(std::time(nullptr));
    ASSERT_TRUE(ended) << gateway().dump();
    EXPECT_TRUE(gateway().wait_idle(Millis(300), Millis(15000)));

    // Asked for before midnight, ended after it: the run spanned it.
    EXPECT_LT(run_asked_at, midnight) << "the run began after local midnight (" << zone << ")";
    EXPECT_LT(midnight, ended_at) << "the run ended before local midnight (" << zone << ")";

    std::vector<Sample> samples = load.samples();
    Figures figures;
    figures.scenario = "a run spanning local midnight (zone " + zone + ")";
    figures.load =
        load.describe() + "; a run of " + std::to_string(due.size()) + " sends at 20/s, 2 workers";
    measure(samples, midnight_in_load - 1, midnight_in_load + 1, &figures);
    figures.lost = lost_sends(http(), redis(), gateway(), due);
    figures.doubled = doubled_sends(gateway());
    const std::string crashes = crash_lines(stack().nginx().take_log_problems());
    figures.crashes = line_count(crashes);
    publish(figures);

    EXPECT_EQ("", unexpected_failures(samples, -1, 0)) << "reads must not fail";
    EXPECT_EQ(0, figures.lost);
    EXPECT_EQ(0, figures.doubled);
    EXPECT_EQ("", crashes);
    // The run is for the day it was asked for, before and after midnight:
    // every vehicle due that day is sent once and counted once.
    EXPECT_EQ(std::to_string(count), json_member(last_run, "total_customers")) << last_run;
    EXPECT_EQ(std::to_string(count), json_member(last_run, "reminder_sent")) << last_run;
    for (const Seeded& s : due) {
        EXPECT_EQ(1, gateway().accepted_for(s.to)) << s.to;
        EXPECT_EQ(1, report_frequency(http(), s)) << s.to;
    }
}

}  // namespace
}  // namespace wa::itest::faults

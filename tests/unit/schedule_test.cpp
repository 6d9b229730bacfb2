#include <gtest/gtest.h>

#include "core/escape.hpp"
#include "core/schedule.hpp"
#include "core/status.hpp"

namespace wa {
namespace {

Zone zone(const char* name) {
    Zone z;
    EXPECT_TRUE(z.load(name)) << name;
    return z;
}

TEST(NextRun, LaterToday) {
    Zone jkt = zone("Asia/Jakarta");
    // 2026-11-24 07:00 WIB is 00:00 UTC.
    EXPECT_EQ(next_run(jkt, 1795478400 - 3600, 7, 0), 1795478400);
    EXPECT_EQ(jkt.iso_with_offset(next_run(jkt, 1795478400 - 3600, 7, 0)),
              "2026-11-24T07:00:00+07:00");
}

TEST(NextRun, StrictlyAfterNow) {
    Zone jkt = zone("Asia/Jakarta");
    EXPECT_EQ(next_run(jkt, 1795478400, 7, 0), 1795564800);      // exactly 07:00 -> tomorrow
    EXPECT_EQ(next_run(jkt, 1795478400 - 1, 7, 0), 1795478400);  // 06:59:59 -> today
}

TEST(NextRun, AcrossJakartasDayBoundary) {
    Zone jkt = zone("Asia/Jakarta");
    // 2026-11-24 23:59:59 WIB is 16:59:59 UTC, still the 24th in UTC as well;
    // the next 07:00 is the 25th's.
    EXPECT_EQ(next_run(jkt, 1795539599, 7, 0), 1795564800);
    // 2026-11-25 00:00 WIB is 2026-11-24 17:00 UTC: the UTC date is still the
    // 24th, but Jakarta's is the 25th.
    EXPECT_EQ(next_run(jkt, 1795539600, 7, 0), 1795564800);
    EXPECT_EQ(jkt.iso_with_offset(1795564800), "2026-11-25T07:00:00+07:00");
    // 00:30 WIB on the 25th: the 00:15 run is tomorrow's, the 23:59 run tonight's.
    EXPECT_EQ(next_run(jkt, 1795539600 + 1800, 0, 15), 1795539600 + 86400 + 900);
    EXPECT_EQ(next_run(jkt, 1795539600 + 1800, 23, 59), 1795539600 + 86400 - 60);
    // Across the year end.
    EXPECT_EQ(jkt.iso_with_offset(next_run(jkt, 1798734600, 7, 0)), "2027-01-01T07:00:00+07:00");
    EXPECT_EQ(next_run(jkt, 1798734600, 7, 0), 1798761600);
}

TEST(NextRun, Utc) {
    Zone utc;
    EXPECT_EQ(next_run(utc, 0, 0, 0), 86400);
    EXPECT_EQ(next_run(utc, 0, 7, 30), 7 * 3600 + 1800);
    EXPECT_EQ(utc.iso_with_offset(next_run(utc, 1795515921, 7, 0)), "2026-11-25T07:00:00+00:00");
}

TEST(NextRun, AcrossBerlinsSpringForward) {
    Zone berlin = zone("Europe/Berlin");
    // 2026-03-28 08:00 CET -> 2026-03-29 07:00 CEST, 22 hours later.
    int64_t t = next_run(berlin, 1774681200, 7, 0);
    EXPECT_EQ(t, 1774760400);
    EXPECT_EQ(berlin.iso_with_offset(t), "2026-03-29T07:00:00+02:00");
    EXPECT_EQ(t - 1774681200, 22 * 3600);

    // 02:30 does not exist on the 29th: the run is at the transition, 03:00 CEST.
    t = next_run(berlin, 1774742400, 2, 30);  // from 01:00 CET
    EXPECT_EQ(t, 1774746000);
    EXPECT_EQ(berlin.iso_with_offset(t), "2026-03-29T03:00:00+02:00");
    // And once that has passed, the next is the 30th's 02:30 CEST.
    t = next_run(berlin, 1774746000, 2, 30);
    EXPECT_EQ(berlin.iso_with_offset(t), "2026-03-30T02:30:00+02:00");
}

TEST(NextRun, AcrossBerlinsFallBack) {
    Zone berlin = zone("Europe/Berlin");
    // 2026-10-24 07:00 CEST -> 2026-10-25 07:00 CET, 25 hours later: now is
    // exactly a run time, so the next one is the following day's.
    int64_t t = next_run(berlin, 1792818000, 7, 0);
    EXPECT_EQ(t, 1792908000);
    EXPECT_EQ(berlin.iso_with_offset(t), "2026-10-25T07:00:00+01:00");
    EXPECT_EQ(t - 1792818000, 25 * 3600);

    // 02:30 happens twice on the 25th: the first (CEST) one is used...
    t = next_run(berlin, 1792882800, 2, 30);  // from 01:00 CEST
    EXPECT_EQ(t, 1792888200);
    EXPECT_EQ(berlin.iso_with_offset(t), "2026-10-25T02:30:00+02:00");
    // ...and after it, the second (CET) one is not: one run a day.
    t = next_run(berlin, 1792889100, 2, 30);  // 02:45 CEST
    EXPECT_EQ(t, 1792978200);
    EXPECT_EQ(berlin.iso_with_offset(t), "2026-10-26T02:30:00+01:00");
}

TEST(NextRun, RefusesOutOfRangeTimes) {
    Zone utc;
    EXPECT_EQ(next_run(utc, 0, 24, 0), -1);
    EXPECT_EQ(next_run(utc, 0, -1, 0), -1);
    EXPECT_EQ(next_run(utc, 0, 7, 60), -1);
    EXPECT_EQ(next_run(utc, 0, 7, -1), -1);
    EXPECT_EQ(next_run(utc, 0, 23, 59), 86340);
}

TEST(CronTrigger, LikeApscheduler) {
    EXPECT_EQ(cron_trigger(7, 0), "cron[hour='7', minute='0']");
    EXPECT_EQ(cron_trigger(9, 15), "cron[hour='9', minute='15']");
    EXPECT_EQ(cron_trigger(23, 59), "cron[hour='23', minute='59']");
}

TEST(SchedulerEnvelope, SuccessAndError) {
    EXPECT_EQ(
        scheduler_success(stop_message_json()),
        R"({"status":"success","message":"Success","data":{"message":"Scheduler dihentikan"}})");
    EXPECT_EQ(
        scheduler_error("Hour harus 0-23 dan minute harus 0-59"),
        R"({"status":"error","message":"Hour harus 0-23 dan minute harus 0-59","data":null})");
    EXPECT_EQ(scheduler_error("a \"quoted\" thing"),
              R"({"status":"error","message":"a \"quoted\" thing","data":null})");
}

TEST(StartMessage, MatchesTheOldSystem) {
    EXPECT_EQ(
        scheduler_success(start_message_json(7, 0)),
        R"({"status":"success","message":"Success","data":{"message":"Scheduler dimulai. Job akan berjalan setiap hari jam 07:00"}})");
    EXPECT_EQ(
        scheduler_success(start_message_json(9, 15)),
        R"({"status":"success","message":"Success","data":{"message":"Scheduler dimulai. Job akan berjalan setiap hari jam 09:15"}})");
    EXPECT_EQ(start_message_json(23, 5),
              R"({"message":"Scheduler dimulai. Job akan berjalan setiap hari jam 23:05"})");
}

ScheduleState schedule(int hour, int minute, bool enabled, const char* source) {
    ScheduleState s;
    s.hour = hour;
    s.minute = minute;
    s.enabled = enabled;
    s.source = source;
    return s;
}

// The old system's captures (sched_status_stopped.json, sched_status_running.json)
// up to their closing braces: what they had stays byte for byte, the
// schedule object follows.
TEST(StatusJson, OldSystemsFieldsStayTheSameAndTheScheduleFollows) {
    const std::string stopped_capture =
        R"({"status":"success","message":"Success","data":{"running":false,"jobs":[]}})";
    const std::string running_capture =
        R"({"status":"success","message":"Success","data":{"running":true,"jobs":[{"id":"maintenance_reminder_job","name":"Maintenance Reminder WhatsApp","next_run_time":"2026-11-25T07:00:00+00:00","trigger":"cron[hour='7', minute='0']"}]}})";
    auto without_closing = [](const std::string& s) { return s.substr(0, s.size() - 2); };

    EXPECT_EQ(scheduler_success(status_json(schedule(7, 0, false, "nginx.conf"), "", std::nullopt)),
              without_closing(stopped_capture)
                  + R"(,"schedule":{"hour":7,"minute":0,"enabled":false,"source":"nginx.conf"}}})");
    EXPECT_EQ(scheduler_success(status_json(schedule(7, 0, true, "api"),
                                            "2026-11-25T07:00:00+00:00", std::nullopt)),
              without_closing(running_capture)
                  + R"(,"schedule":{"hour":7,"minute":0,"enabled":true,"source":"api"}}})");
}

// The issue's example: "wa_report_schedule 21:34;" is stopped, and /status
// said only "jobs":[]. The time shows while stopped, next_run_time or not.
TEST(StatusJson, StoppedScheduleShowsItsTime) {
    EXPECT_EQ(
        status_json(schedule(21, 34, false, "nginx.conf"), "2026-11-25T21:34:00+07:00",
                    std::nullopt),
        R"({"running":false,"jobs":[],"schedule":{"hour":21,"minute":34,"enabled":false,"source":"nginx.conf"}})");
    EXPECT_EQ(
        status_json(schedule(9, 15, true, "api"), "", std::nullopt),
        R"({"running":true,"jobs":[{"id":"maintenance_reminder_job","name":"Maintenance Reminder WhatsApp","next_run_time":null,"trigger":"cron[hour='9', minute='15']"}],"schedule":{"hour":9,"minute":15,"enabled":true,"source":"api"}})");
}

TEST(StatusJson, WithTheLastRun) {
    LastRun last;
    last.id = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
    last.started_at = "2026-11-24T07:00:00";
    last.finished_at = "2026-11-24T07:00:12";
    last.total = 160;
    last.sent = 154;
    last.failed = 2;
    last.skipped = 3;
    last.unknown = 1;
    last.customers = 10000;
    EXPECT_EQ(
        status_json(schedule(7, 0, true, "nginx.conf"), "2026-11-25T07:00:00+07:00", last),
        R"({"running":true,"jobs":[{"id":"maintenance_reminder_job","name":"Maintenance Reminder WhatsApp","next_run_time":"2026-11-25T07:00:00+07:00","trigger":"cron[hour='7', minute='0']"}],)"
        R"("schedule":{"hour":7,"minute":0,"enabled":true,"source":"nginx.conf"},)"
        R"("last_run":{"started_at":"2026-11-24T07:00:00","finished_at":"2026-11-24T07:00:12","total_customers":160,"reminder_sent":154,"failed":2,"skipped":3,"unknown":1,"dry_run":false,)"
        R"("id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","vehicles_due":160,"customers":10000,"dry_run_count":0}})");

    LastRun dry;
    dry.id = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
    dry.started_at = "2026-11-24T07:00:00";
    dry.finished_at = "2026-11-24T07:00:01";
    dry.total = 5;
    dry.skipped = 1;
    dry.dry = 4;
    dry.dry_run = true;
    dry.customers = 9;
    EXPECT_EQ(
        status_json(schedule(7, 0, false, "api"), "", dry),
        R"({"running":false,"jobs":[],"schedule":{"hour":7,"minute":0,"enabled":false,"source":"api"},)"
        R"("last_run":{"started_at":"2026-11-24T07:00:00","finished_at":"2026-11-24T07:00:01","total_customers":5,"reminder_sent":0,"failed":0,"skipped":1,"unknown":0,"dry_run":true,)"
        R"("id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","vehicles_due":5,"customers":9,"dry_run_count":4}})");
}

// A catch-up run names the missed days it covered; a run of its own day only
// (window_from = as_of) has no catch_up key.
TEST(StatusJson, CatchUpRunNamesTheMissedDays) {
    LastRun last;
    last.id = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
    last.started_at = "2026-12-01T07:00:00";
    last.finished_at = "2026-12-01T07:00:02";
    last.total = 2;
    last.sent = 2;
    last.customers = 2;
    last.as_of = "2026-12-01";
    last.window_from = "2026-11-28";
    const std::string head =
        R"({"running":false,"jobs":[],"schedule":{"hour":7,"minute":0,"enabled":false,"source":"api"},)"
        R"("last_run":{"started_at":"2026-12-01T07:00:00","finished_at":"2026-12-01T07:00:02","total_customers":2,"reminder_sent":2,"failed":0,"skipped":0,"unknown":0,"dry_run":false,)"
        R"("id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","vehicles_due":2,"customers":2,"dry_run_count":0)";
    EXPECT_EQ(status_json(schedule(7, 0, false, "api"), "", last),
              head + R"(,"catch_up":{"from":"2026-11-28","to":"2026-11-30"}}})");
    last.window_from = "2026-12-01";
    EXPECT_EQ(status_json(schedule(7, 0, false, "api"), "", last), head + "}}");
    std::optional<LastRun> parsed =
        last_run_from_fields({{"as_of", "2026-12-01"}, {"window_from", "2026-11-30"}, {"id", "x"}});
    ASSERT_TRUE(parsed);
    EXPECT_EQ("2026-12-01", parsed->as_of);
    EXPECT_EQ("2026-11-30", parsed->window_from);
}

// A run:last an earlier version wrote has no id and no customers.
TEST(StatusJson, LastRunOfAnEarlierVersion) {
    LastRun old;
    old.started_at = "2026-11-24T07:00:00";
    EXPECT_EQ(
        status_json(schedule(7, 0, false, "nginx.conf"), "", old),
        R"({"running":false,"jobs":[],"schedule":{"hour":7,"minute":0,"enabled":false,"source":"nginx.conf"},)"
        R"("last_run":{"started_at":"2026-11-24T07:00:00","finished_at":null,"total_customers":0,"reminder_sent":0,"failed":0,"skipped":0,"unknown":0,"dry_run":false,)"
        R"("id":null,"vehicles_due":0,"customers":null,"dry_run_count":0}})");
}

TEST(ScheduleText, AsTheDirectiveWritesIt) {
    EXPECT_EQ(schedule_text(7, 0, false), "07:00 off");
    EXPECT_EQ(schedule_text(21, 34, true), "21:34 on");
    EXPECT_EQ(schedule_text(0, 5, true), "00:05 on");
    EXPECT_EQ(schedule_text(23, 59, false), "23:59 off");
}

TEST(GuessedSource, NginxConfsWhenTheSameSchedule) {
    ScheduleState config = schedule(7, 0, false, "");
    EXPECT_STREQ(guessed_source(schedule(7, 0, false, ""), config), "nginx.conf");
    EXPECT_STREQ(guessed_source(schedule(7, 0, true, ""), config), "api");
    EXPECT_STREQ(guessed_source(schedule(9, 0, false, ""), config), "api");
    EXPECT_STREQ(guessed_source(schedule(7, 15, false, ""), config), "api");
}

TEST(ScheduleApply, Outcomes) {
    EXPECT_EQ(parse_schedule_apply("seen"), ScheduleApply::seen);
    EXPECT_EQ(parse_schedule_apply("created"), ScheduleApply::created);
    EXPECT_EQ(parse_schedule_apply("applied"), ScheduleApply::applied);
    EXPECT_EQ(parse_schedule_apply("kept"), ScheduleApply::kept);
    EXPECT_EQ(parse_schedule_apply("adopted"), ScheduleApply::adopted);
    EXPECT_EQ(parse_schedule_apply(""), ScheduleApply::invalid);
    EXPECT_EQ(parse_schedule_apply("Applied"), ScheduleApply::invalid);
}

TEST(ScheduleNotice, SaysWhatIsInForceAndWhereItCameFrom) {
    EXPECT_EQ(schedule_notice(ScheduleApply::applied, schedule(21, 34, true, "nginx.conf"),
                              "21:34 on", "07:00 off", "Asia/Jakarta"),
              "wa_report: schedule \"21:34 on\" (Asia/Jakarta) from nginx.conf, applied: it "
              "changed since \"07:00 off\" was applied");
    EXPECT_EQ(schedule_notice(ScheduleApply::created, schedule(7, 0, false, "nginx.conf"),
                              "07:00 off", "", "UTC"),
              "wa_report: schedule \"07:00 off\" (UTC) from nginx.conf, applied: Redis had none");
    EXPECT_EQ(schedule_notice(ScheduleApply::kept, schedule(7, 0, true, "nginx.conf"), "07:00 on",
                              "07:00 on", "Asia/Jakarta"),
              "wa_report: schedule \"07:00 on\" (Asia/Jakarta) from nginx.conf, unchanged since "
              "applied");
    EXPECT_EQ(schedule_notice(ScheduleApply::kept, schedule(9, 15, false, "api"), "07:00 on",
                              "07:00 on", "Asia/Jakarta"),
              "wa_report: schedule \"09:15 off\" (Asia/Jakarta) from Redis, set by the scheduler "
              "API; nginx.conf's \"07:00 on\" unchanged since applied");
    EXPECT_EQ(schedule_notice(ScheduleApply::adopted, schedule(9, 15, true, "api"), "07:00 off", "",
                              "Asia/Jakarta"),
              "wa_report: schedule \"09:15 on\" (Asia/Jakarta) from Redis, kept from an earlier "
              "version; nginx.conf's \"07:00 off\" recorded as applied");
    EXPECT_EQ(schedule_notice(ScheduleApply::adopted, schedule(7, 0, false, "nginx.conf"),
                              "07:00 off", "", "Asia/Jakarta"),
              "wa_report: schedule \"07:00 off\" (Asia/Jakarta) from nginx.conf, recorded as "
              "applied");
    EXPECT_EQ(schedule_notice(ScheduleApply::seen, schedule(7, 0, false, "nginx.conf"), "07:00 off",
                              "07:00 off", "Asia/Jakarta"),
              "");
    EXPECT_EQ(schedule_notice(ScheduleApply::invalid, schedule(7, 0, false, "nginx.conf"),
                              "07:00 off", "", "Asia/Jakarta"),
              "");
}

// What Redis remembered is untrusted: it reaches the log escaped.
TEST(ScheduleNotice, EscapesWhatRedisRemembered) {
    std::string line = schedule_notice(ScheduleApply::applied, schedule(7, 0, true, "nginx.conf"),
                                       "07:00 on", "x\"\n[alert] forged", "Asia/Jakarta");
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_EQ(line,
              "wa_report: schedule \"07:00 on\" (Asia/Jakarta) from nginx.conf, applied: it "
              "changed since \""
                  + log_escape("x\"\n[alert] forged") + "\" was applied");
}

TEST(RunPending, AnswerWithTheRunsId) {
    EXPECT_EQ(
        run_pending_answer("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"),
        R"({"status":"success","message":"Job masih berjalan","data":{"run_id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"}})");
}

// run-now follows its run wherever it is carried on: the answer is the
// finished run's, and a reload or a lost lease is not a stop.
TEST(RunNowStep, FinishedRunsAreAnsweredEvenPastTheBound) {
    for (bool started : {false, true}) {
        for (bool past : {false, true}) {
            EXPECT_EQ(run_now_step(RunStanding::finished, started, past),
                      RunNowStep::answer_result);
        }
    }
}

TEST(RunNowStep, RunningRunsAreWaitedForUntilTheBound) {
    EXPECT_EQ(run_now_step(RunStanding::running, true, false), RunNowStep::wait);
    EXPECT_EQ(run_now_step(RunStanding::running, false, false), RunNowStep::wait);
    EXPECT_EQ(run_now_step(RunStanding::running, true, true), RunNowStep::answer_pending);
    EXPECT_EQ(run_now_step(RunStanding::running, false, true), RunNowStep::answer_pending);
}

TEST(RunNowStep, RunsRedisNoLongerKnows) {
    EXPECT_EQ(run_now_step(RunStanding::unknown, true, false), RunNowStep::answer_stopped);
    EXPECT_EQ(run_now_step(RunStanding::unknown, true, true), RunNowStep::answer_stopped);
    // Its begin's answer was lost and Redis shows no such run: it never began.
    EXPECT_EQ(run_now_step(RunStanding::unknown, false, false), RunNowStep::answer_not_started);
    EXPECT_EQ(run_now_step(RunStanding::unknown, false, true), RunNowStep::answer_not_started);
}

TEST(RunNowStep, RedisSilentIsWaitedOutUntilTheBound) {
    EXPECT_EQ(run_now_step(RunStanding::unreachable, true, false), RunNowStep::wait);
    EXPECT_EQ(run_now_step(RunStanding::unreachable, false, false), RunNowStep::wait);
    EXPECT_EQ(run_now_step(RunStanding::unreachable, true, true), RunNowStep::answer_pending);
    EXPECT_EQ(run_now_step(RunStanding::unreachable, false, true), RunNowStep::answer_unavailable);
}

TEST(RunDetail, SentItemMatchesTheOldSystem) {
    RunDetail d;
    d.no_pol = "N 1212 RW";
    d.customer_nama = "Agus Nugroho";
    d.customer_hp = "080737416724";
    d.next_visit_date = "2026-11-25";
    d.days_until_visit = 1;
    d.status = "sent";
    d.message =
        "Bapak Agus Nugroho untuk nomor kendaraan N 1212 RW sebentar lagi tiba saat pemeliharaan "
        "rutin pada tanggal 25-11-2026, daftarkan segera melalui nomor pelayanan kami 087740659525";
    d.api_response = "Pesan berhasil dikirim";

    RunDetail e;
    e.no_pol = "D 5537 WW";
    e.customer_nama = "Sri Lestari";
    e.customer_hp = "082710405411";
    e.next_visit_date = "2026-11-24";
    e.days_until_visit = 0;
    e.status = "sent";
    e.message =
        "Bapak Sri Lestari untuk nomor kendaraan D 5537 WW sebentar lagi tiba saat pemeliharaan "
        "rutin pada tanggal 24-11-2026, daftarkan segera melalui nomor pelayanan kami 087740659525";
    e.api_response = "Pesan berhasil dikirim";

    std::string items;
    append_run_detail(items, d);
    items += ',';
    append_run_detail(items, e);

    // sched_run_now.json, byte for byte.
    EXPECT_EQ(
        scheduler_success(run_result_json(10000, 157, items)),
        R"({"status":"success","message":"Success","data":{"total_customers":10000,"reminder_sent":157,"details":[{"no_pol":"N 1212 RW","customer_nama":"Agus Nugroho","customer_hp":"080737416724","next_visit_date":"2026-11-25","days_until_visit":1,"status":"sent","message":"Bapak Agus Nugroho untuk nomor kendaraan N 1212 RW sebentar lagi tiba saat pemeliharaan rutin pada tanggal 25-11-2026, daftarkan segera melalui nomor pelayanan kami 087740659525","api_response":"Pesan berhasil dikirim"},{"no_pol":"D 5537 WW","customer_nama":"Sri Lestari","customer_hp":"082710405411","next_visit_date":"2026-11-24","days_until_visit":0,"status":"sent","message":"Bapak Sri Lestari untuk nomor kendaraan D 5537 WW sebentar lagi tiba saat pemeliharaan rutin pada tanggal 24-11-2026, daftarkan segera melalui nomor pelayanan kami 087740659525","api_response":"Pesan berhasil dikirim"}]}})");
}

TEST(RunDetail, OptionalFields) {
    RunDetail d;
    d.no_pol = "B 1 X";
    d.customer_nama = "Budi";
    d.customer_hp = "";
    d.next_visit_date = "2026-11-26";
    d.days_until_visit = 2;
    d.status = "skipped";
    d.reason = "no phone number";
    std::string out;
    append_run_detail(out, d);
    EXPECT_EQ(
        out,
        R"({"no_pol":"B 1 X","customer_nama":"Budi","customer_hp":"","next_visit_date":"2026-11-26","days_until_visit":2,"status":"skipped","reason":"no phone number"})");

    d.status = "failed";
    d.message = "Halo";
    d.api_response = "Device not connected";
    d.reason = "code 131026: x";
    out.clear();
    append_run_detail(out, d);
    EXPECT_EQ(
        out,
        R"({"no_pol":"B 1 X","customer_nama":"Budi","customer_hp":"","next_visit_date":"2026-11-26","days_until_visit":2,"status":"failed","message":"Halo","api_response":"Device not connected","reason":"code 131026: x"})");
}

TEST(RunResult, EmptyDetails) {
    EXPECT_EQ(run_result_json(0, 0, ""), R"({"total_customers":0,"reminder_sent":0,"details":[]})");
}

TEST(RunResult, MatchesTheReferenceFile) {
    // The reference capture is the authority where it exists.
    const char* expected =
        R"({"status":"success","message":"Success","data":{"total_customers":10000,"reminder_sent":157,"details":[]}})";
    EXPECT_EQ(scheduler_success(run_result_json(10000, 157, "")), expected);
}

TEST(RunResult, StreamedHalvesWrapTheSameBody) {
    // run-now streams its details between these halves.
    std::string items = R"({"no_pol":"B 1"},{"no_pol":"B 2"})";
    EXPECT_EQ(scheduler_success_head() + run_result_head(3, 2) + items + run_result_tail()
                  + scheduler_success_tail(),
              scheduler_success(run_result_json(3, 2, items)));
}

}  // namespace
}  // namespace wa

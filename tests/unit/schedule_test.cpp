#include <gtest/gtest.h>

#include "core/schedule.hpp"

namespace wa {
namespace {

Zone zone(const char* name)
{
    Zone z;
    EXPECT_TRUE(z.load(name)) << name;
    return z;
}

TEST(NextRun, LaterToday)
{
    Zone jkt = zone("Asia/Jakarta");
    // 2026-11-24 07:00 WIB is 00:00 UTC.
    EXPECT_EQ(next_run(jkt, 1795478400 - 3600, 7, 0), 1795478400);
    EXPECT_EQ(jkt.iso_with_offset(next_run(jkt, 1795478400 - 3600, 7, 0)),
              "2026-11-24T07:00:00+07:00");
}

TEST(NextRun, StrictlyAfterNow)
{
    Zone jkt = zone("Asia/Jakarta");
    EXPECT_EQ(next_run(jkt, 1795478400, 7, 0), 1795564800);      // exactly 07:00 -> tomorrow
    EXPECT_EQ(next_run(jkt, 1795478400 - 1, 7, 0), 1795478400);  // 06:59:59 -> today
}

TEST(NextRun, AcrossJakartasDayBoundary)
{
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

TEST(NextRun, Utc)
{
    Zone utc;
    EXPECT_EQ(next_run(utc, 0, 0, 0), 86400);
    EXPECT_EQ(next_run(utc, 0, 7, 30), 7 * 3600 + 1800);
    EXPECT_EQ(utc.iso_with_offset(next_run(utc, 1795515921, 7, 0)), "2026-11-25T07:00:00+00:00");
}

TEST(NextRun, AcrossBerlinsSpringForward)
{
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

TEST(NextRun, AcrossBerlinsFallBack)
{
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

TEST(NextRun, RefusesOutOfRangeTimes)
{
    Zone utc;
    EXPECT_EQ(next_run(utc, 0, 24, 0), -1);
    EXPECT_EQ(next_run(utc, 0, -1, 0), -1);
    EXPECT_EQ(next_run(utc, 0, 7, 60), -1);
    EXPECT_EQ(next_run(utc, 0, 7, -1), -1);
    EXPECT_EQ(next_run(utc, 0, 23, 59), 86340);
}

TEST(CronTrigger, LikeApscheduler)
{
    EXPECT_EQ(cron_trigger(7, 0), "cron[hour='7', minute='0']");
    EXPECT_EQ(cron_trigger(9, 15), "cron[hour='9', minute='15']");
    EXPECT_EQ(cron_trigger(23, 59), "cron[hour='23', minute='59']");
}

TEST(SchedulerEnvelope, SuccessAndError)
{
    EXPECT_EQ(scheduler_success(stop_message_json()),
              R"({"status":"success","message":"Success","data":{"message":"Scheduler dihentikan"}})");
    EXPECT_EQ(scheduler_error("Hour harus 0-23 dan minute harus 0-59"),
              R"({"status":"error","message":"Hour harus 0-23 dan minute harus 0-59","data":null})");
    EXPECT_EQ(scheduler_error("a \"quoted\" thing"),
              R"({"status":"error","message":"a \"quoted\" thing","data":null})");
}

TEST(StartMessage, MatchesTheOldSystem)
{
    EXPECT_EQ(scheduler_success(start_message_json(7, 0)),
              R"({"status":"success","message":"Success","data":{"message":"Scheduler dimulai. Job akan berjalan setiap hari jam 07:00"}})");
    EXPECT_EQ(scheduler_success(start_message_json(9, 15)),
              R"({"status":"success","message":"Success","data":{"message":"Scheduler dimulai. Job akan berjalan setiap hari jam 09:15"}})");
    EXPECT_EQ(start_message_json(23, 5),
              R"({"message":"Scheduler dimulai. Job akan berjalan setiap hari jam 23:05"})");
}

TEST(StatusJson, StoppedAndRunningLikeTheOldSystem)
{
    EXPECT_EQ(scheduler_success(status_json(false, "", 7, 0, std::nullopt)),
              R"({"status":"success","message":"Success","data":{"running":false,"jobs":[]}})");
    EXPECT_EQ(scheduler_success(status_json(false, "2026-11-25T07:00:00+07:00", 7, 0, std::nullopt)),
              R"({"status":"success","message":"Success","data":{"running":false,"jobs":[]}})");
    EXPECT_EQ(
        scheduler_success(status_json(true, "2026-11-25T07:00:00+00:00", 7, 0, std::nullopt)),
        R"({"status":"success","message":"Success","data":{"running":true,"jobs":[{"id":"maintenance_reminder_job","name":"Maintenance Reminder WhatsApp","next_run_time":"2026-11-25T07:00:00+00:00","trigger":"cron[hour='7', minute='0']"}]}})");
    EXPECT_EQ(status_json(true, "", 9, 15, std::nullopt),
              R"({"running":true,"jobs":[{"id":"maintenance_reminder_job","name":"Maintenance Reminder WhatsApp","next_run_time":null,"trigger":"cron[hour='9', minute='15']"}]})");
}

TEST(StatusJson, WithTheLastRun)
{
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
        status_json(true, "2026-11-25T07:00:00+07:00", 7, 0, last),
        R"({"running":true,"jobs":[{"id":"maintenance_reminder_job","name":"Maintenance Reminder WhatsApp","next_run_time":"2026-11-25T07:00:00+07:00","trigger":"cron[hour='7', minute='0']"}],)"
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
        status_json(false, "", 7, 0, dry),
        R"({"running":false,"jobs":[],)"
        R"("last_run":{"started_at":"2026-11-24T07:00:00","finished_at":"2026-11-24T07:00:01","total_customers":5,"reminder_sent":0,"failed":0,"skipped":1,"unknown":0,"dry_run":true,)"
        R"("id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","vehicles_due":5,"customers":9,"dry_run_count":4}})");
}

// A run:last an earlier version wrote has no id and no customers.
TEST(StatusJson, LastRunOfAnEarlierVersion)
{
    LastRun old;
    old.started_at = "2026-11-24T07:00:00";
    EXPECT_EQ(
        status_json(false, "", 7, 0, old),
        R"({"running":false,"jobs":[],)"
        R"("last_run":{"started_at":"2026-11-24T07:00:00","finished_at":null,"total_customers":0,"reminder_sent":0,"failed":0,"skipped":0,"unknown":0,"dry_run":false,)"
        R"("id":null,"vehicles_due":0,"customers":null,"dry_run_count":0}})");
}

TEST(RunPending, AnswerWithTheRunsId)
{
    EXPECT_EQ(run_pending_answer("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"),
              R"({"status":"success","message":"Job masih berjalan","data":{"run_id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"}})");
}

// run-now follows its run wherever it is carried on: the answer is the
// finished run's, and a reload or a lost lease is not a stop.
TEST(RunNowStep, FinishedRunsAreAnsweredEvenPastTheBound)
{
    for (bool started : {false, true}) {
        for (bool past : {false, true}) {
            EXPECT_EQ(run_now_step(RunStanding::finished, started, past), RunNowStep::answer_result);
        }
    }
}

TEST(RunNowStep, RunningRunsAreWaitedForUntilTheBound)
{
    EXPECT_EQ(run_now_step(RunStanding::running, true, false), RunNowStep::wait);
    EXPECT_EQ(run_now_step(RunStanding::running, false, false), RunNowStep::wait);
    EXPECT_EQ(run_now_step(RunStanding::running, true, true), RunNowStep::answer_pending);
    EXPECT_EQ(run_now_step(RunStanding::running, false, true), RunNowStep::answer_pending);
}

TEST(RunNowStep, RunsRedisNoLongerKnows)
{
    EXPECT_EQ(run_now_step(RunStanding::unknown, true, false), RunNowStep::answer_stopped);
    EXPECT_EQ(run_now_step(RunStanding::unknown, true, true), RunNowStep::answer_stopped);
    // Its begin's answer was lost and Redis shows no such run: it never began.
    EXPECT_EQ(run_now_step(RunStanding::unknown, false, false), RunNowStep::answer_not_started);
    EXPECT_EQ(run_now_step(RunStanding::unknown, false, true), RunNowStep::answer_not_started);
}

TEST(RunNowStep, RedisSilentIsWaitedOutUntilTheBound)
{
    EXPECT_EQ(run_now_step(RunStanding::unreachable, true, false), RunNowStep::wait);
    EXPECT_EQ(run_now_step(RunStanding::unreachable, false, false), RunNowStep::wait);
    EXPECT_EQ(run_now_step(RunStanding::unreachable, true, true), RunNowStep::answer_pending);
    EXPECT_EQ(run_now_step(RunStanding::unreachable, false, true), RunNowStep::answer_unavailable);
}

TEST(RunDetail, SentItemMatchesTheOldSystem)
{
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

TEST(RunDetail, OptionalFields)
{
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
    EXPECT_EQ(out,
              R"({"no_pol":"B 1 X","customer_nama":"Budi","customer_hp":"","next_visit_date":"2026-11-26","days_until_visit":2,"status":"skipped","reason":"no phone number"})");

    d.status = "failed";
    d.message = "Halo";
    d.api_response = "Device not connected";
    d.reason = "code 131026: x";
    out.clear();
    append_run_detail(out, d);
    EXPECT_EQ(out,
              R"({"no_pol":"B 1 X","customer_nama":"Budi","customer_hp":"","next_visit_date":"2026-11-26","days_until_visit":2,"status":"failed","message":"Halo","api_response":"Device not connected","reason":"code 131026: x"})");
}

TEST(RunResult, EmptyDetails)
{
    EXPECT_EQ(run_result_json(0, 0, ""), R"({"total_customers":0,"reminder_sent":0,"details":[]})");
}

TEST(RunResult, MatchesTheReferenceFile)
{
    // The reference capture is the authority where it exists.
    const char* expected =
        R"({"status":"success","message":"Success","data":{"total_customers":10000,"reminder_sent":157,"details":[]}})";
    EXPECT_EQ(scheduler_success(run_result_json(10000, 157, "")), expected);
}

TEST(RunResult, StreamedHalvesWrapTheSameBody)
{
    // run-now streams its details between these halves.
    std::string items = R"({"no_pol":"B 1"},{"no_pol":"B 2"})";
    EXPECT_EQ(scheduler_success_head() + run_result_head(3, 2) + items + run_result_tail()
                  + scheduler_success_tail(),
              scheduler_success(run_result_json(3, 2, items)));
}

}  // namespace
}  // namespace wa

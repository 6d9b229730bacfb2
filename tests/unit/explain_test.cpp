#include <gtest/gtest.h>

#include "core/explain.hpp"

namespace wa {
namespace {

const char* kC = "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";
const char* kV = "451b4cf3-6123-4df7-b656-af7229d4beef";

ExplainRecord record(const std::string& next_visit = "2026-12-03") {
    ExplainRecord r;
    r.vehicle_exists = true;
    r.row.customer_id = kC;
    r.row.model = "Avanza";
    r.row.nopol = "B 1234 ABC";
    r.row.next_visit_date = next_visit;
    r.row.customer_name = "Budi";
    r.row.customer_phone = "0812-3456-7890";
    r.last_visit_date = "2026-08-03";
    return r;
}

ExplainContext context(Date as_of = Date{2026, 12, 1}) {
    ExplainContext c;
    c.customer_id = kC;
    c.vehicle_id = kV;
    c.run.at = "2026-12-01T07:00:00+07:00";
    c.run.as_of = as_of;
    c.run.window_from = as_of;
    return c;
}

std::string head(const std::string& next_visit, const std::string& source,
                 const std::string& from) {
    return std::string(R"({"customer_id":")") + kC + R"(","vehicle_id":")" + kV
        + R"(","next_visit_date":")" + next_visit + R"(","next_visit_source":")" + source
        + R"(","due_window":{"from":")" + from + R"(","to":")" + next_visit + R"("},)";
}

TEST(ReminderExplainJson, WillSendOnTheNextRun) {
    EXPECT_EQ(
        reminder_explain_json(record(), context(), true),
        head("2026-12-03", "last_visit_date + 4 months", "2026-12-01")
            + R"("last_reminder":null,"opted_out":false,"do_not_contact":false,"last_error":null,)"
              R"("next_run":{"at":"2026-12-01T07:00:00+07:00","as_of":"2026-12-01","window_from":"2026-12-01",)"
              R"("action":"will_send","reason":"will_send","not_due_until":null,"window_opens":null,"detail":null},)"
              R"("if_run_today":null})");
}

TEST(ReminderExplainJson, NotDueUntilNamesTheFirstDay) {
    ExplainRecord r = record("2026-12-10");
    EXPECT_EQ(
        reminder_explain_json(r, context(), true),
        head("2026-12-10", "given", "2026-12-08")
            + R"("last_reminder":null,"opted_out":false,"do_not_contact":false,"last_error":null,)"
              R"("next_run":{"at":"2026-12-01T07:00:00+07:00","as_of":"2026-12-01","window_from":"2026-12-01",)"
              R"("action":"skip","reason":"not_due_until","not_due_until":"2026-12-08","window_opens":null,)"
              R"("detail":"tanggal kunjungan di luar jangka waktu pengingat"},"if_run_today":null})");
}

// The schedule stopped: the decision is a run-now's today, under
// if_run_today; the reminder and the error the vehicle keeps are shown.
TEST(ReminderExplainJson, StoppedScheduleAlreadyRemindedWithLastError) {
    ExplainRecord r = record();
    r.row.reminded_for = "2026-12-03";
    r.row.reminded_on = "2026-12-01";
    r.last_error = "Message undeliverable";
    r.last_error_code = "131026";
    r.last_error_at = "2026-11-30T07:00:02";
    ExplainContext c = context();
    c.run.at = "";
    EXPECT_EQ(
        reminder_explain_json(r, c, false),
        head("2026-12-03", "last_visit_date + 4 months", "2026-12-01")
            + R"("last_reminder":{"for_visit":"2026-12-03","sent_on":"2026-12-01","delivery":null},)"
              R"("opted_out":false,"do_not_contact":false,)"
              R"("last_error":{"code":131026,"reason":"Message undeliverable","at":"2026-11-30T07:00:02"},)"
              R"("next_run":null,"if_run_today":{"as_of":"2026-12-01","window_from":"2026-12-01",)"
              R"("action":"skip","reason":"already_reminded","not_due_until":null,"window_opens":null,)"
              R"("detail":"sudah diingatkan untuk kunjungan 2026-12-03"}})");
}

// What the delivery records say of the last message, when they are read.
TEST(ReminderExplainJson, LastReminderWithItsDelivery) {
    ExplainRecord r = record();
    r.row.reminded_for = "2026-12-03";
    r.row.reminded_on = "2026-12-01";
    r.delivery =
        ExplainRecord::Delivery{"failed", "2026-12-01T07:00:09", "131026", "Message undeliverable"};
    std::string json = reminder_explain_json(r, context(), true);
    EXPECT_NE(std::string::npos,
              json.find(R"("last_reminder":{"for_visit":"2026-12-03","sent_on":"2026-12-01",)"
                        R"("delivery":{"status":"failed","at":"2026-12-01T07:00:09",)"
                        R"("error":{"code":"131026","title":"Message undeliverable"}}},)"))
        << json;
    r.delivery = ExplainRecord::Delivery{"delivered", "2026-12-01T07:00:05", "", ""};
    json = reminder_explain_json(r, context(), true);
    EXPECT_NE(
        std::string::npos,
        json.find(R"("delivery":{"status":"delivered","at":"2026-12-01T07:00:05","error":null}})"))
        << json;
}

// The run's moment is outside wa_report_send_window: a vehicle it sends to
// goes out at the opening; one it skips says its own reason.
TEST(ReminderExplainJson, OutsideTheSendWindowSendsAtTheOpening) {
    ExplainContext c = context();
    c.run.window_opens = "2026-12-01T08:00:00+07:00";
    EXPECT_EQ(
        reminder_explain_json(record(), c, true),
        head("2026-12-03", "last_visit_date + 4 months", "2026-12-01")
            + R"("last_reminder":null,"opted_out":false,"do_not_contact":false,"last_error":null,)"
              R"("next_run":{"at":"2026-12-01T07:00:00+07:00","as_of":"2026-12-01","window_from":"2026-12-01",)"
              R"("action":"will_send","reason":"outside_window","not_due_until":null,)"
              R"("window_opens":"2026-12-01T08:00:00+07:00",)"
              R"("detail":"di luar jam kirim; dikirim saat jam kirim dibuka"},"if_run_today":null})");
    std::string skipped = reminder_explain_json(record("2026-12-10"), c, true);
    EXPECT_NE(std::string::npos,
              skipped.find(R"("reason":"not_due_until","not_due_until":"2026-12-08",)"
                           R"("window_opens":null,)"))
        << skipped;
}

TEST(ReminderExplainJson, NoVisitDate) {
    ExplainRecord r = record("");
    EXPECT_EQ(
        reminder_explain_json(r, context(), true),
        std::string(R"({"customer_id":")") + kC + R"(","vehicle_id":")" + kV
            + R"(","next_visit_date":null,"next_visit_source":null,"due_window":null,)"
              R"("last_reminder":null,"opted_out":false,"do_not_contact":false,"last_error":null,)"
              R"("next_run":{"at":"2026-12-01T07:00:00+07:00","as_of":"2026-12-01","window_from":"2026-12-01",)"
              R"("action":"skip","reason":"missing_visit_date","not_due_until":null,"window_opens":null,)"
              R"("detail":"data tidak lengkap: tanggal kunjungan kosong"},"if_run_today":null})");
}

// The decision is classify_due's, on the same row, as_of and window.
TEST(ExplainDecision, IsTheRunsRule) {
    struct Case {
        const char* visit;
        std::string phone;
        bool attempt;
        const char* code;
        const char* action;
    };
    ExplainRun run = context().run;
    for (const Case& k : {Case{"2026-12-01", "0812-3456-7890", false, "will_send", "send"},
                          Case{"2026-12-01", "", false, "missing_phone", "skip"},
                          Case{"2026-12-01", "12", false, "invalid_phone", "skip"},
                          Case{"2026-12-01", "0812-3456-7890", true, "attempt_unknown", "skip"},
                          Case{"2026-11-30", "0812-3456-7890", false, "visit_passed", "skip"}}) {
        ExplainRecord r = record(k.visit);
        r.row.customer_phone = k.phone;
        if (k.attempt) {
            r.row.attempt_cycle = k.visit;
        }
        DueDecision d = explain_decision(r, run);
        DueDecision want = classify_due(r.row, run.as_of, run.lead_days, run.mode, run.window_from);
        EXPECT_EQ(k.code, d.code) << k.visit << " " << k.phone;
        EXPECT_EQ(want.code, d.code);
        EXPECT_EQ(want.detail.reason, d.detail.reason);
        EXPECT_EQ(std::string(k.action) == "send", d.action == DueDecision::Action::send);
    }
}

// A scheduled run that catches up reminds a passed visit of a missed day.
TEST(ExplainDecision, CatchUpWindow) {
    ExplainRun run = context().run;
    run.window_from = Date{2026, 11, 28};
    EXPECT_EQ("will_send", explain_decision(record("2026-11-29"), run).code);
    run.window_from = run.as_of;
    EXPECT_EQ("visit_passed", explain_decision(record("2026-11-29"), run).code);
}

}  // namespace
}  // namespace wa

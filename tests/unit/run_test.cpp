#include <gtest/gtest.h>

#include "core/run.hpp"

namespace wa {
namespace {

constexpr const char* kOutsideWindow = "tanggal kunjungan di luar jangka waktu pengingat";

// A row that is sent when its visit is in the window.
DueRow row(const std::string& next_visit = "2026-11-25") {
    DueRow r;
    r.vehicle_id = "v1";
    r.customer_id = "c1";
    r.model = "Honda Vario 125";
    r.nopol = "N 1212 RW";
    r.next_visit_date = next_visit;
    r.customer_name = "Agus Nugroho";
    r.customer_phone = "0812-3456-7890";
    return r;
}

DueDecision once(const DueRow& r, Date as_of = Date{2026, 11, 24}, int lead = 3) {
    return classify_due(r, as_of, lead, RemindMode::once, as_of);
}

// The rule's verdict for a complete row whose visit is next_visit: true when
// sent, false when skipped as outside the window (anything else fails).
::testing::AssertionResult Due(Date as_of, Date next_visit, int lead_days) {
    DueDecision d = once(row(format_date(next_visit)), as_of, lead_days);
    if (d.action == DueDecision::Action::send) {
        return ::testing::AssertionSuccess();
    }
    if (d.action == DueDecision::Action::skip && d.detail.status == "skipped"
        && d.detail.reason == kOutsideWindow) {
        return ::testing::AssertionFailure() << "outside the window";
    }
    return ::testing::AssertionFailure()
        << "unexpected: " << d.detail.status << " " << d.detail.reason;
}

::testing::AssertionResult NotDue(Date as_of, Date next_visit, int lead_days) {
    DueDecision d = once(row(format_date(next_visit)), as_of, lead_days);
    if (d.action == DueDecision::Action::skip && d.detail.status == "skipped"
        && d.detail.reason == kOutsideWindow) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
        << "not skipped as outside the window: " << static_cast<int>(d.action) << " "
        << d.detail.reason;
}

// ---- the window (the old system's rule, formerly is_due) -----------------------

TEST(ClassifyDueWindow, LeadWindowEdges) {
    Date today{2026, 11, 24};
    EXPECT_TRUE(NotDue(today, Date{2026, 11, 23}, 3));  // -1: visit has passed
    EXPECT_TRUE(Due(today, Date{2026, 11, 24}, 3));     // 0
    EXPECT_TRUE(Due(today, Date{2026, 11, 25}, 3));     // 1
    EXPECT_TRUE(Due(today, Date{2026, 11, 26}, 3));     // 2
    EXPECT_TRUE(NotDue(today, Date{2026, 11, 27}, 3));  // 3
}

TEST(ClassifyDueWindow, OtherLeads) {
    Date today{2026, 11, 24};
    EXPECT_TRUE(NotDue(today, today, 0));
    EXPECT_TRUE(Due(today, today, 1));
    EXPECT_TRUE(NotDue(today, Date{2026, 11, 25}, 1));
    EXPECT_TRUE(Due(today, Date{2026, 12, 1}, 8));
    EXPECT_TRUE(NotDue(today, Date{2026, 12, 2}, 8));
}

TEST(ClassifyDueWindow, AcrossMonthAndYearEnds) {
    EXPECT_TRUE(Due(Date{2026, 1, 30}, Date{2026, 2, 1}, 3));
    EXPECT_TRUE(NotDue(Date{2026, 1, 30}, Date{2026, 2, 2}, 3));
    EXPECT_TRUE(Due(Date{2026, 2, 27}, Date{2026, 3, 1}, 3));     // 2 days, not a leap year
    EXPECT_TRUE(NotDue(Date{2028, 2, 27}, Date{2028, 3, 1}, 3));  // 3 days in a leap year
    EXPECT_TRUE(Due(Date{2028, 2, 28}, Date{2028, 3, 1}, 3));
    EXPECT_TRUE(Due(Date{2026, 12, 30}, Date{2027, 1, 1}, 3));
    EXPECT_TRUE(NotDue(Date{2026, 12, 29}, Date{2027, 1, 1}, 3));
    EXPECT_TRUE(Due(Date{2026, 4, 30}, Date{2026, 5, 1}, 3));
    EXPECT_TRUE(NotDue(Date{2026, 5, 1}, Date{2026, 4, 30}, 3));
}

TEST(ClassifyDueWindow, WithTheDefaultIntervalAtMonthEnds) {
    // last visit + 4 months, clamped like relativedelta.
    Date next = add_months(Date{2026, 10, 31}, 4);
    EXPECT_EQ(next, (Date{2027, 2, 28}));
    EXPECT_TRUE(Due(Date{2027, 2, 26}, next, 3));
    EXPECT_TRUE(NotDue(Date{2027, 2, 25}, next, 3));
    EXPECT_TRUE(NotDue(Date{2027, 3, 1}, next, 3));
}

// ---- send ----------------------------------------------------------------------

TEST(ClassifyDue, SendsWithTheNormalizedPhoneTheVisitAndTheFields) {
    DueDecision d = once(row());
    ASSERT_EQ(d.action, DueDecision::Action::send);
    EXPECT_EQ(d.phone, "6281234567890");
    EXPECT_EQ(d.cycle, "2026-11-25");
    EXPECT_EQ(d.fields.customer_name, "Agus Nugroho");
    EXPECT_EQ(d.fields.vehicle_nopol, "N 1212 RW");
    EXPECT_EQ(d.fields.vehicle_model, "Honda Vario 125");
    EXPECT_EQ(d.fields.service_phone, "");
    EXPECT_EQ(d.fields.next_visit, (Date{2026, 11, 25}));
    // The detail shows what is stored.
    EXPECT_EQ(d.detail.no_pol, "N 1212 RW");
    EXPECT_EQ(d.detail.customer_nama, "Agus Nugroho");
    EXPECT_EQ(d.detail.customer_hp, "0812-3456-7890");
    EXPECT_EQ(d.detail.next_visit_date, "2026-11-25");
    EXPECT_EQ(d.detail.days_until_visit, 1);
    EXPECT_EQ(d.detail.status, "");
    EXPECT_EQ(d.detail.reason, "");
}

TEST(ClassifyDue, HandledEarlierInTheRunIsNotListedAgain) {
    DueRow r = row();
    r.handled = true;
    r.customer_name.reset();  // whatever else the row says
    DueDecision d = once(r);
    EXPECT_EQ(d.action, DueDecision::Action::pass);
    EXPECT_EQ(d.detail.no_pol, "");
}

// ---- skips, in the rule's order ------------------------------------------------

void ExpectSkip(const DueDecision& d, const std::string& status, const std::string& reason) {
    EXPECT_EQ(d.action, DueDecision::Action::skip);
    EXPECT_EQ(d.detail.status, status);
    EXPECT_EQ(d.detail.reason, reason);
    EXPECT_EQ(d.phone, "");
}

TEST(ClassifyDue, NoCustomer) {
    DueRow r = row();
    r.customer_name.reset();
    r.next_visit_date = "";  // the customer comes first
    DueDecision d = once(r);
    ExpectSkip(d, "skipped", "customer tidak ditemukan");
    EXPECT_EQ(d.detail.customer_nama, "");
    EXPECT_EQ(d.detail.customer_hp, "0812-3456-7890");
}

TEST(ClassifyDue, NoOrNoValidVisitDate) {
    DueRow r = row("");
    r.customer_phone = "";
    DueDecision d = once(r);
    ExpectSkip(d, "skipped", "data tidak lengkap: tanggal kunjungan kosong");
    EXPECT_EQ(d.detail.days_until_visit, 0);
    ExpectSkip(once(row("2026-02-30")), "skipped", "data tidak lengkap: tanggal kunjungan kosong");
    ExpectSkip(once(row("25-11-2026")), "skipped", "data tidak lengkap: tanggal kunjungan kosong");
}

TEST(ClassifyDue, OutsideTheWindowKeepsItsDaysInTheDetail) {
    DueRow r = row("2026-12-24");
    r.customer_phone = "";  // the window comes before the phone
    DueDecision d = once(r);
    ExpectSkip(d, "skipped", kOutsideWindow);
    EXPECT_EQ(d.detail.days_until_visit, 30);
    d = once(row("2026-11-20"));
    ExpectSkip(d, "skipped", kOutsideWindow);
    EXPECT_EQ(d.detail.days_until_visit, -4);
}

TEST(ClassifyDue, IncompleteData) {
    DueRow r = row();
    r.customer_phone = "";
    r.nopol = "";
    ExpectSkip(once(r), "skipped", "data tidak lengkap: nomor HP kosong");
    r = row();
    r.nopol = "";
    r.customer_phone = "abc";
    ExpectSkip(once(r), "skipped", "data tidak lengkap: nomor polisi kosong");
}

TEST(ClassifyDue, PhoneThatIsNotOneOrNotAMobile) {
    DueRow r = row();
    r.customer_phone = "12";
    r.do_not_contact = true;
    ExpectSkip(once(r), "skipped", "nomor HP tidak valid");
    r.customer_phone = "021-5551234";  // Jakarta landline
    ExpectSkip(once(r), "skipped", "nomor HP bukan nomor seluler");
}

TEST(ClassifyDue, CustomerStoppedSuchMessages) {
    DueRow r = row();
    r.do_not_contact = true;
    r.attempt_cycle = "2026-11-25";
    ExpectSkip(once(r), "skipped", "customer tidak ingin menerima pesan");
}

TEST(ClassifyDue, OnceRemindsOncePerVisit) {
    DueRow r = row();
    r.reminded_for = "2026-11-25";
    r.reminded_on = "2026-11-24";
    ExpectSkip(once(r), "skipped", "sudah diingatkan untuk kunjungan 2026-11-25");
    r.reminded_for = "2026-07-25";  // an earlier visit
    EXPECT_EQ(once(r).action, DueDecision::Action::send);
}

TEST(ClassifyDue, DailyRemindsOnceADay) {
    DueRow r = row();
    r.reminded_for = "2026-11-25";
    r.reminded_on = "2026-11-23";
    Date today{2026, 11, 24};
    EXPECT_EQ(classify_due(r, today, 3, RemindMode::daily, today).action,
              DueDecision::Action::send);
    r.reminded_on = "2026-11-24";
    ExpectSkip(classify_due(r, today, 3, RemindMode::daily, today), "skipped",
               "sudah diingatkan hari ini");
}

TEST(ClassifyDue, AnEarlierAttemptWhoseOutcomeIsUnknownIsNotSentAgain) {
    DueRow r = row();
    r.attempt_cycle = "2026-11-25";
    r.attempt_run = "run-7";
    ExpectSkip(once(r), "unknown", "percobaan sebelumnya (run run-7) belum diketahui hasilnya");
    r.attempt_cycle = "";  // a mark without its visit is a mark
    ExpectSkip(once(r), "unknown", "percobaan sebelumnya (run run-7) belum diketahui hasilnya");
}

// ---- counting ------------------------------------------------------------------

TEST(CountFinished, EachStatusHasItsCounter) {
    RunCounts c;
    for (const char* s : {"sent", "sent", "failed", "unknown", "dry_run", "skipped", "anything"}) {
        count_finished(c, s);
    }
    EXPECT_EQ(c.total, 7);
    EXPECT_EQ(c.sent, 2);
    EXPECT_EQ(c.failed, 1);
    EXPECT_EQ(c.unknown, 1);
    EXPECT_EQ(c.dry, 1);
    EXPECT_EQ(c.skipped, 2);
}

// ---- machine codes ----------------------------------------------------------------

TEST(ClassifyDueCode, EachRuleHasItsCode) {
    Date today{2026, 11, 24};
    EXPECT_EQ("will_send", once(row()).code);
    EXPECT_EQ("visit_passed", once(row("2026-11-23")).code);
    EXPECT_EQ("not_due_until", once(row("2026-11-27")).code);
    EXPECT_EQ("missing_visit_date", once(row("")).code);
    DueRow r = row();
    r.customer_name.reset();
    EXPECT_EQ("no_customer", once(r).code);
    r = row();
    r.customer_phone = "";
    EXPECT_EQ("missing_phone", once(r).code);
    r = row();
    r.nopol = "";
    EXPECT_EQ("missing_plate", once(r).code);
    r = row();
    r.customer_phone = "12";
    EXPECT_EQ("invalid_phone", once(r).code);
    r = row();
    r.customer_phone = "021-5550123";
    EXPECT_EQ("not_mobile", once(r).code);
    r = row();
    r.do_not_contact = true;
    EXPECT_EQ("do_not_contact", once(r).code);
    r = row();
    r.reminded_for = r.next_visit_date;
    EXPECT_EQ("already_reminded", once(r).code);
    r = row();
    r.reminded_on = "2026-11-24";
    EXPECT_EQ("already_reminded", classify_due(r, today, 3, RemindMode::daily, today).code);
    r = row();
    r.attempt_cycle = r.next_visit_date;
    EXPECT_EQ("attempt_unknown", once(r).code);
    r = row();
    r.handled = true;
    EXPECT_EQ("handled", once(r).code);
}

// A suppressed phone is skipped even when the customer was already
// reminded: the suppression is the reason a workshop needs to see.
TEST(ClassifyDueCode, OptedOutBeforeAlreadyReminded) {
    DueRow r = row();
    r.opted_out = true;
    r.reminded_for = r.next_visit_date;
    DueDecision d = once(r);
    EXPECT_EQ(DueDecision::Action::skip, d.action);
    EXPECT_EQ("opted_out", d.code);
    EXPECT_EQ("skipped", d.detail.status);
    EXPECT_EQ("customer berhenti berlangganan (opt-out)", d.detail.reason);
    r = row("2026-11-30");
    r.opted_out = true;
    EXPECT_EQ("not_due_until", once(r).code);  // not due yet says so first
}

// ---- catch-up ------------------------------------------------------------------------

// A run on 11-24 catching up from 11-21 (lead 3): a visit due on a missed day
// D (D <= visit < D + 3) is reminded, even one whose date has passed.
TEST(ClassifyDueCatchUp, VisitsOfTheMissedDaysAreSent) {
    Date today{2026, 11, 24};
    Date from{2026, 11, 21};
    for (const char* visit :
         {"2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-26"}) {
        DueDecision d = classify_due(row(visit), today, 3, RemindMode::once, from);
        EXPECT_EQ("will_send", d.code) << visit;
        EXPECT_EQ(visit, d.cycle) << visit;
    }
    EXPECT_EQ(
        -3,
        classify_due(row("2026-11-21"), today, 3, RemindMode::once, from).detail.days_until_visit);
    EXPECT_EQ("visit_passed",
              classify_due(row("2026-11-20"), today, 3, RemindMode::once, from).code);
    EXPECT_EQ("not_due_until",
              classify_due(row("2026-11-27"), today, 3, RemindMode::once, from).code);
}

// remind once: a missed visit already reminded for is not sent again.
TEST(ClassifyDueCatchUp, AlreadyRemindedStaysSkipped) {
    DueRow r = row("2026-11-22");
    r.reminded_for = "2026-11-22";
    EXPECT_EQ("already_reminded",
              classify_due(r, Date{2026, 11, 24}, 3, RemindMode::once, Date{2026, 11, 21}).code);
}

// A first day after as_of is no window of its own: the run's day still counts.
TEST(ClassifyDueCatchUp, FirstDayAfterAsOfIsAsOf) {
    EXPECT_EQ(
        "will_send",
        classify_due(row("2026-11-24"), Date{2026, 11, 24}, 3, RemindMode::once, Date{2026, 11, 30})
            .code);
}

}  // namespace
}  // namespace wa

// GET .../customer/{c}/vehicle/{v}/reminder: exact answers for each reason,
// the errors, and that the answer agrees with what a run then does.
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

std::string explain_path(const std::string& customer, const std::string& vehicle) {
    return kBase + "/customer/" + customer + "/vehicle/" + vehicle + "/reminder";
}

HttpResponse explain(HttpClient& http, const Seeded& s) {
    return http.get(explain_path(s.customer.id, s.vehicle.id));
}

std::string quoted_or_null(const std::string& s) { return s.empty() ? "null" : json_quote(s); }

// The decision object: at ("" for if_run_today), as_of, action, reason,
// not_due_until, detail and window_opens ("" for null); window_from = as_of.
std::string decision(const std::string& at, const std::string& as_of, const std::string& action,
                     const std::string& reason, const std::string& not_due_until,
                     const std::string& detail, const std::string& window_opens = "") {
    std::string out = "{";
    if (!at.empty())
        out += "\"at\":" + json_quote(at) + ",";
    return out + "\"as_of\":" + json_quote(as_of) + ",\"window_from\":" + json_quote(as_of)
        + ",\"action\":" + json_quote(action) + ",\"reason\":" + json_quote(reason)
        + ",\"not_due_until\":" + quoted_or_null(not_due_until) + ",\"window_opens\":"
        + quoted_or_null(window_opens) + ",\"detail\":" + quoted_or_null(detail) + "}";
}

struct Expect {
    std::string last_reminder = "null";
    bool do_not_contact = false;
    std::string last_error = "null";
    std::string next_run = "null";
    std::string if_run_today = "null";
};

std::string body(const Seeded& s, int lead_days, const Expect& e) {
    const std::string& next = s.vehicle.next_visit_date;
    return "{\"customer_id\":" + json_quote(s.customer.id)
        + ",\"vehicle_id\":" + json_quote(s.vehicle.id) + ",\"next_visit_date\":" + json_quote(next)
        + ",\"next_visit_source\":\"given\",\"due_window\":{\"from\":"
        + json_quote(add_days(next, 1 - lead_days)) + ",\"to\":" + json_quote(next)
        + "},\"last_reminder\":" + e.last_reminder + ",\"opted_out\":false,\"do_not_contact\":"
        + (e.do_not_contact ? "true" : "false") + ",\"last_error\":" + e.last_error
        + ",\"next_run\":" + e.next_run + ",\"if_run_today\":" + e.if_run_today + "}";
}

class ReminderExplainTest : public ReminderTest<ReminderExplainTest> {
public:
    static StackOptions stack_options() { return reminder_stack(ReminderSettings{}); }

protected:
    // Starts the schedule two hours from now; *at and *as_of get the next
    // run's time and day (Jakarta).
    void start_schedule(std::string* at, std::string* as_of) {
        long long later = static_cast<long long>(std::time(nullptr)) + 7 * 3600 + 2 * 3600;
        int hour = static_cast<int>(later / 3600 % 24);
        int minute = static_cast<int>(later / 60 % 60);
        ASSERT_EQ(200,
                  sched(http(), "POST",
                        "/start?hour=" + std::to_string(hour) + "&minute=" + std::to_string(minute))
                      .status);
        *at = next_run_time(hour, minute);
        *as_of = at->substr(0, 10);
    }
};

TEST_F(ReminderExplainTest, NextScheduledRunWillSendOrNotYet) {
    std::string at, day;
    start_schedule(&at, &day);
    Seeded due, later;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(day, 1), &due));
    ASSERT_TRUE(SeedVehicle(http(), 2, add_days(day, 5), &later));
    Expect e;
    e.next_run = decision(at, day, "will_send", "will_send", "", "");
    EXPECT_TRUE(IsJsonBody(explain(http(), due), 200, body(due, 3, e)));
    e.next_run = decision(at, day, "skip", "not_due_until", add_days(day, 3),
                          "tanggal kunjungan di luar jangka waktu pengingat");
    EXPECT_TRUE(IsJsonBody(explain(http(), later), 200, body(later, 3, e)));
    HttpResponse head = http().head(explain_path(due.customer.id, due.vehicle.id));
    EXPECT_EQ(200, head.status);
    EXPECT_EQ("", head.body);
}

// With the schedule stopped the answer is a run-now's today.
TEST_F(ReminderExplainTest, StoppedScheduleAnswersForToday) {
    std::string today = jakarta_today();
    Seeded passed;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(today, -1), &passed));
    Expect e;
    e.if_run_today = decision("", today, "skip", "visit_passed", "",
                              "tanggal kunjungan di luar jangka waktu pengingat");
    EXPECT_TRUE(IsJsonBody(explain(http(), passed), 200, body(passed, 3, e)));
}

TEST_F(ReminderExplainTest, AlreadyRemindedAfterASend) {
    std::string today = jakarta_today();
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(today, 2), &s));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    ASSERT_EQ(1, gateway().requests_for(s.to));
    Expect e;
    // The provider accepted it and no status has come back yet.
    e.last_reminder = "{\"for_visit\":" + json_quote(s.vehicle.next_visit_date) + ",\"sent_on\":"
        + json_quote(today) + ",\"delivery\":{\"status\":\"accepted\",\"at\":null,\"error\":null}}";
    e.if_run_today = decision("", today, "skip", "already_reminded", "",
                              "sudah diingatkan untuk kunjungan " + s.vehicle.next_visit_date);
    EXPECT_TRUE(IsJsonBody(explain(http(), s), 200, body(s, 3, e)));
}

// Phones the data API refuses today, as data of the old system holds them.
TEST_F(ReminderExplainTest, MissingAndInvalidPhone) {
    std::string today = jakarta_today();
    Seeded none, bad;
    ASSERT_TRUE(SeedVehicle(http(), 1, today, &none));
    ASSERT_TRUE(SeedVehicle(http(), 2, today, &bad));
    ASSERT_TRUE(redis().command({"HSET", "{wa}:customer:" + none.customer.id, "phone", ""}).ok);
    ASSERT_TRUE(redis().command({"HSET", "{wa}:customer:" + bad.customer.id, "phone", "12"}).ok);
    Expect e;
    e.if_run_today =
        decision("", today, "skip", "missing_phone", "", "data tidak lengkap: nomor HP kosong");
    EXPECT_TRUE(IsJsonBody(explain(http(), none), 200, body(none, 3, e)));
    e.if_run_today = decision("", today, "skip", "invalid_phone", "", "nomor HP tidak valid");
    EXPECT_TRUE(IsJsonBody(explain(http(), bad), 200, body(bad, 3, e)));
}

// A refusal the provider gave is kept on the vehicle and shown.
TEST_F(ReminderExplainTest, LastErrorOfARefusedSend) {
    std::string today = jakarta_today();
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, today, &s));
    gateway().set_default("refuse Device offline");
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    auto vehicle = hgetall(redis(), "{wa}:vehicle:" + s.vehicle.id);
    ASSERT_FALSE(vehicle["last_error"].empty());
    Expect e;
    // StarSender gives no error code; a refused send is tried again by the
    // next run.
    e.last_error = "{\"code\":null,\"reason\":" + json_quote(vehicle["last_error"])
        + ",\"at\":" + json_quote(vehicle["last_error_at"]) + "}";
    e.if_run_today = decision("", today, "will_send", "will_send", "", "");
    EXPECT_TRUE(IsJsonBody(explain(http(), s), 200, body(s, 3, e)));
}

TEST_F(ReminderExplainTest, DoNotContact) {
    std::string today = jakarta_today();
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, today, &s));
    // What a Cloud API 131050 refusal leaves on the vehicle.
    ASSERT_TRUE(
        redis().command({"HSET", "{wa}:vehicle:" + s.vehicle.id, "do_not_contact", "1"}).ok);
    Expect e;
    e.do_not_contact = true;
    e.if_run_today =
        decision("", today, "skip", "do_not_contact", "", "customer tidak ingin menerima pesan");
    EXPECT_TRUE(IsJsonBody(explain(http(), s), 200, body(s, 3, e)));
}

TEST_F(ReminderExplainTest, AttemptOfUnknownOutcome) {
    std::string today = jakarta_today();
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, today, &s));
    ASSERT_TRUE(redis()
                    .command({"HSET", "{wa}:attempt:" + s.vehicle.id, "cycle", today, "run", "r-1",
                              "started_at", today + "T07:00:00", "owner", "w"})
                    .ok);
    Expect e;
    e.if_run_today = decision("", today, "unknown", "attempt_unknown", "",
                              "percobaan sebelumnya (run r-1) belum diketahui hasilnya");
    EXPECT_TRUE(IsJsonBody(explain(http(), s), 200, body(s, 3, e)));
}

TEST_F(ReminderExplainTest, DerivedVisitDate) {
    Customer c = make_customer(1);
    ASSERT_TRUE(PutCustomer(http(), c));
    Vehicle v = make_vehicle(c.id, 1);
    v.last_visit_date = "2026-01-31";
    v.next_visit_date = "";
    ASSERT_TRUE(PutVehicle(http(), v));
    HttpResponse r = http().get(explain_path(c.id, v.id));
    ASSERT_EQ(200, r.status) << r.body;
    EXPECT_EQ("2026-05-31", json_member(r.body, "next_visit_date"));
    EXPECT_EQ("last_visit_date + 4 months", json_member(r.body, "next_visit_source"));
}

TEST_F(ReminderExplainTest, UnknownOrOtherCustomersVehicleIs404) {
    Seeded a, b;
    ASSERT_TRUE(SeedVehicle(http(), 1, jakarta_today(), &a));
    ASSERT_TRUE(SeedVehicle(http(), 2, jakarta_today(), &b));
    const std::string not_found = "{\"detail\":\"Vehicle tidak ditemukan\"}";
    EXPECT_TRUE(IsJsonBody(http().get(explain_path(a.customer.id, b.vehicle.id)), 404, not_found));
    EXPECT_TRUE(
        IsJsonBody(http().get(explain_path(a.customer.id, "00000000-0000-4000-8001-00000000ffff")),
                   404, not_found));
}

// Bad ids get the same 422 as the report's own path.
TEST_F(ReminderExplainTest, BadIdsAre422LikeTheReport) {
    HttpResponse report = http().get(kBase + "/customer/x/vehicle/y");
    ASSERT_EQ(422, report.status);
    EXPECT_TRUE(IsJsonBody(http().get(explain_path("x", "y")), 422, report.body));
    HttpResponse post = http().post_json(explain_path("x", "y"), "{}");
    EXPECT_EQ(405, post.status);
    EXPECT_EQ("GET, HEAD", post.header("Allow"));
}

// What /reminder says before a run is what the run then does, for every
// vehicle: sent (here a dry run's message), listed with the same status
// and reason, or not listed at all when outside the window.
TEST_F(ReminderExplainTest, DryRunAgreesWithEveryAnswer) {
    std::string today = jakarta_today();
    std::vector<Seeded> fleet(9);
    const int offsets[] = {0, 1, 2, 2, 2, 2, -1, 3, 0};
    for (int i = 0; i < 9; ++i)
        ASSERT_TRUE(SeedVehicle(http(), i + 1, add_days(today, offsets[i]), &fleet[i]));
    ASSERT_TRUE(redis().command({"HSET", "{wa}:customer:" + fleet[2].customer.id, "phone", ""}).ok);
    ASSERT_TRUE(
        redis().command({"HSET", "{wa}:customer:" + fleet[3].customer.id, "phone", "12"}).ok);
    ASSERT_TRUE(redis()
                    .command({"HSET", "{wa}:vehicle:" + fleet[4].vehicle.id, "reminded_for",
                              fleet[4].vehicle.next_visit_date})
                    .ok);
    ASSERT_TRUE(
        redis().command({"HSET", "{wa}:vehicle:" + fleet[5].vehicle.id, "do_not_contact", "1"}).ok);
    ASSERT_TRUE(redis()
                    .command({"HSET", "{wa}:attempt:" + fleet[8].vehicle.id, "cycle", today, "run",
                              "r-0", "started_at", today + "T07:00:00", "owner", "w"})
                    .ok);

    std::map<std::string, std::string> said;  // nopol -> if_run_today
    for (const Seeded& s : fleet) {
        HttpResponse r = explain(http(), s);
        ASSERT_EQ(200, r.status) << r.body;
        said[s.vehicle.nopol] = json_member(r.body, "if_run_today");
    }
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?dry_run=true", &data));
    json_t* details = details_of(data.get());
    ASSERT_NE(nullptr, details);
    size_t listed = 0;
    for (const Seeded& s : fleet) {
        const std::string& d = said[s.vehicle.nopol];
        std::string action = json_member(d, "action");
        json_t* item = detail_for(details, s.vehicle.nopol);
        std::string item_text = item != nullptr ? dump_json(item) : "none";
        if (json_member(d, "reason") == "not_due_until"
            || json_member(d, "reason") == "visit_passed") {
            EXPECT_EQ(nullptr, item) << d << "\n" << item_text;
            continue;
        }
        ASSERT_NE(nullptr, item) << d;
        listed++;
        std::string status = json_member(item_text, "status");
        if (action == "will_send") {
            EXPECT_EQ("dry_run", status) << d << "\n" << item_text;
        } else {
            EXPECT_EQ(action == "unknown" ? "unknown" : "skipped", status) << d << "\n"
                                                                           << item_text;
            EXPECT_EQ(json_member(d, "detail"), json_member(item_text, "reason")) << d << "\n"
                                                                                  << item_text;
        }
    }
    EXPECT_EQ(json_array_size(details), listed);
    EXPECT_EQ(7u, listed);
}

// ------------------------------------------------------------ send window

// Jakarta's wall clock six hours from now, to the minute: a window that
// opens then leaves the test (minutes long) outside it.
std::string jakarta_hhmm_in(long long seconds) {
    long long t = static_cast<long long>(std::time(nullptr)) + 7 * 3600 + seconds;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", t / 3600 % 24, t / 60 % 60);
    return buf;
}

// When Jakarta's wall clock next shows hh:mm, with its offset.
std::string next_jakarta(const std::string& hhmm) {
    long long now = static_cast<long long>(std::time(nullptr)) + 7 * 3600;
    long long at = now / 86400 * 86400 + std::stoll(hhmm.substr(0, 2)) * 3600
        + std::stoll(hhmm.substr(3, 2)) * 60;
    if (at <= now)
        at += 86400;
    std::time_t t = static_cast<std::time_t>(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:00+07:00", &tm);
    return buf;
}

const std::string kWindowOpens = jakarta_hhmm_in(6 * 3600);

class ReminderExplainWindowTest : public ReminderTest<ReminderExplainWindowTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.extra_http =
            "wa_report_send_window " + kWindowOpens + "-" + jakarta_hhmm_in(7 * 3600) + ";\n";
        return reminder_stack(s);
    }
};

// Now is outside the window: a run-now today waits for the opening, so a
// vehicle it sends to goes out then; a skipped one keeps its own reason.
TEST_F(ReminderExplainWindowTest, OutsideTheWindowItSendsAtTheOpening) {
    std::string today = jakarta_today();
    Seeded due, later;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(today, 1), &due));
    ASSERT_TRUE(SeedVehicle(http(), 2, add_days(today, 8), &later));
    Expect e;
    e.if_run_today =
        decision("", today, "will_send", "outside_window", "",
                 "di luar jam kirim; dikirim saat jam kirim dibuka", next_jakarta(kWindowOpens));
    EXPECT_TRUE(IsJsonBody(explain(http(), due), 200, body(due, 3, e)));
    e.if_run_today = decision("", today, "skip", "not_due_until", add_days(today, 6),
                              "tanggal kunjungan di luar jangka waktu pengingat");
    EXPECT_TRUE(IsJsonBody(explain(http(), later), 200, body(later, 3, e)));
}

// The scheduled run began outside the window and waits for its opening;
// the schedule's next_run is tomorrow's already. The answer is about the
// waiting run, which sends today's vehicle at the opening, not about
// tomorrow's, for which that visit would have passed.
TEST_F(ReminderExplainWindowTest, AScheduledRunWaitingForTheWindowIsTheRunItSpeaksOf) {
    std::string today = jakarta_today();
    Seeded due;
    ASSERT_TRUE(SeedVehicle(http(), 1, today, &due));
    ASSERT_TRUE(MakeScheduleDue(http(), redis()));
    ASSERT_TRUE(poll_until(Millis(10000), [&] {
        return !redis().command({"HGET", "{wa}:run:current", "paused_until"}).str.empty();
    })) << "the scheduled run did not begin waiting for the window";
    std::string opens = next_jakarta(kWindowOpens);
    Expect e;
    e.next_run = decision(opens, today, "will_send", "outside_window", "",
                          "di luar jam kirim; dikirim saat jam kirim dibuka", opens);
    EXPECT_TRUE(IsJsonBody(explain(http(), due), 200, body(due, 3, e)));
}

}  // namespace
}  // namespace wa::itest

// Dates outside 1900-01-01..9998-12-31, and next visits derived past
// 9998-12-31, are refused with 422 wherever a date enters (vehicle PUT,
// NDJSON import, run-now's ?date=), so every date the module stores keeps a
// 4-digit year and is accepted again when a client sends it back.
#include <string>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

std::string range_error(const std::string& where, const std::string& field, const std::string& msg,
                        const std::string& type) {
    return "{\"detail\":[{\"loc\":[\"" + where + "\",\"" + field + "\"],\"msg\":\"" + msg
        + "\",\"type\":\"" + type + "\"}]}";
}

std::string too_late(const std::string& where, const std::string& field) {
    return range_error(where, field, "ensure this value is less than or equal to 9998-12-31",
                       "value_error.number.not_le");
}

std::string too_early(const std::string& where, const std::string& field) {
    return range_error(where, field, "ensure this value is greater than or equal to 1900-01-01",
                       "value_error.number.not_ge");
}

std::string derived_too_late(int months) {
    return range_error("body", "last_visit_date",
                       "ensure this value plus " + std::to_string(months)
                           + " months is less than or equal to 9998-12-31",
                       "value_error.number.not_le");
}

// The vehicle as the API shows it, sent back unchanged.
std::string echo_body(const std::string& shown) {
    return "{\"customer_id\":" + json_quote(json_member(shown, "customer_id"))
        + ",\"model\":" + json_quote(json_member(shown, "model"))
        + ",\"nopol\":" + json_quote(json_member(shown, "nopol"))
        + ",\"last_visit_date\":" + json_quote(json_member(shown, "last_visit_date"))
        + ",\"next_visit_date\":" + json_quote(json_member(shown, "next_visit_date")) + "}";
}

class DateRangeTest : public StackTest<DateRangeTest> {
protected:
    void SetUp() override {
        StackTest<DateRangeTest>::SetUp();
        if (HasFatalFailure())
            return;
        customer_ = make_customer(7);
        ASSERT_TRUE(PutCustomer(http(), customer_));
    }

    Vehicle vehicle(const std::string& last, const std::string& next = "") {
        Vehicle v = make_vehicle(customer_.id, 7);
        v.last_visit_date = last;
        v.next_visit_date = next;
        return v;
    }

    // PUT refused with exactly `body`, and Redis unchanged.
    void expect_refused(const Vehicle& v, const std::string& body) {
        const std::string before = redis().digest();
        EXPECT_TRUE(IsJsonBody(http().put_json(v.path(), v.body()), 422, body)) << v.body();
        EXPECT_EQ(before, redis().digest()) << "a refused PUT wrote to Redis: " << v.body();
    }

    Customer customer_;
};

TEST_F(DateRangeTest, LastVisitAfterTheRangeIsRefused) {
    Vehicle v = vehicle("9999-12-31");
    expect_refused(v, too_late("body", "last_visit_date"));
    EXPECT_TRUE(IsJsonBody(http().get(v.path()), 404, "{\"detail\":\"Vehicle tidak ditemukan\"}"));
    expect_refused(
        vehicle("9999-01-01", "9999-05-01"),
        "{\"detail\":[{\"loc\":[\"body\",\"last_visit_date\"],\"msg\":\"ensure this value is "
        "less than or equal to 9998-12-31\",\"type\":\"value_error.number.not_le\"},"
        "{\"loc\":[\"body\",\"next_visit_date\"],\"msg\":\"ensure this value is less than or "
        "equal to 9998-12-31\",\"type\":\"value_error.number.not_le\"}]}");
}

TEST_F(DateRangeTest, DerivedNextVisitAfterTheRangeIsRefused) {
    expect_refused(vehicle("9998-12-31"), derived_too_late(4));
    expect_refused(vehicle("9998-09-01"), derived_too_late(4));

    // The same last visit with its next visit given is fine.
    Vehicle given = vehicle("9998-12-31", "9998-12-31");
    HttpResponse created;
    ASSERT_TRUE(PutVehicle(http(), given, &created));
    EXPECT_EQ("9998-12-31", json_member(created.body, "next_visit_date"));
}

TEST_F(DateRangeTest, DatesBeforeTheRangeAreRefused) {
    expect_refused(vehicle("1899-12-31"), too_early("body", "last_visit_date"));
    expect_refused(vehicle("2026-01-05", "0001-01-01"), too_early("body", "next_visit_date"));
}

TEST_F(DateRangeTest, WhatIsStoredAtTheEdgesIsAcceptedWhenSentBack) {
    for (const auto& [last, next] : std::vector<std::pair<std::string, std::string>>{
             {"9998-08-31", "9998-12-31"}, {"1900-01-01", "1900-05-01"}}) {
        Vehicle v = vehicle(last);
        HttpResponse created;
        ASSERT_TRUE(PutVehicle(http(), v, &created));
        EXPECT_EQ(next, json_member(created.body, "next_visit_date")) << last;
        HttpResponse shown = http().get(v.path());
        ASSERT_TRUE(IsJson(shown, 200));
        HttpResponse again = http().put_json(v.path(), echo_body(shown.body));
        EXPECT_TRUE(IsJson(again, 200)) << last;
        EXPECT_EQ(next, json_member(again.body, "next_visit_date")) << last;
    }
}

TEST_F(DateRangeTest, ImportRefusesTheSameLines) {
    Vehicle ok = vehicle("2026-10-31");
    Vehicle late = vehicle("9999-12-31");
    Vehicle derived = vehicle("9998-10-01");
    Vehicle early = vehicle("2026-10-31", "1800-01-01");
    late.id = new_uuid();
    derived.id = new_uuid();
    early.id = new_uuid();
    auto line = [](const Vehicle& v) {
        return "{\"kind\":\"vehicle\",\"id\":\"" + v.id + "\"," + v.body().substr(1) + "\n";
    };
    HttpResponse r = http().request("POST", kBase + "/data/import",
                                    line(late) + line(ok) + line(derived) + line(early),
                                    {{"Content-Type", "application/x-ndjson"}});
    EXPECT_TRUE(IsJsonBody(r, 200,
                           "{\"imported\":1,\"errors\":["
                           "{\"line\":1,\"detail\":\"last_visit_date: ensure this value is less "
                           "than or equal to 9998-12-31\"},"
                           "{\"line\":3,\"detail\":\"last_visit_date: ensure this value plus 4 "
                           "months is less than or equal "
                           "to 9998-12-31\"},"
                           "{\"line\":4,\"detail\":\"next_visit_date: ensure this value is greater "
                           "than or equal to 1900-01-01\"}]}"));
    EXPECT_TRUE(IsJson(http().get(ok.path()), 200));
    for (const Vehicle* v : {&late, &derived, &early}) {
        EXPECT_FALSE(redis().exists("{wa}:vehicle:" + v->id)) << v->last_visit_date;
    }
    EXPECT_EQ("1", redis().command({"HGET", "{wa}:stats", "vehicles"}).str);
}

// run-now's date, and a visit interval of 120 months.
class DateRangeSchedulerTest : public ReminderTest<DateRangeSchedulerTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings settings;
        settings.provider = "log";
        settings.extra_http = "wa_report_visit_interval 120;\n";
        return reminder_stack(settings);
    }
};

TEST_F(DateRangeSchedulerTest, RunNowRefusesDatesOutsideTheRange) {
    const std::string before = redis().digest();
    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/run-now?date=9999-01-01&dry_run=true"), 422,
                           too_late("query", "date")));
    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/run-now?date=1899-12-31"), 422,
                           too_early("query", "date")));
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "POST", "/run-now?date=10000-01-01"), 422,
                   range_error("query", "date", "invalid date format", "value_error.date")));
    EXPECT_EQ(before, redis().digest()) << "a refused run-now wrote to Redis";
    EXPECT_FALSE(redis().exists("{wa}:run:last"));
}

TEST_F(DateRangeSchedulerTest, RunNowOnTheLastDateSeesItsWindow) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, "9998-12-31", &s));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=9998-12-30&dry_run=true", &data));
    json_t* details = details_of(data.get());
    ASSERT_EQ(1u, json_array_size(details)) << dump_json(data.get());
    json_t* item = json_array_get(details, 0);
    EXPECT_TRUE(DetailIs(item, ExpectedDetail(&s, 1, "dry_run")));
    EXPECT_EQ("9998-12-31",
              std::string(json_string_value(json_object_get(item, "next_visit_date"))));
}

TEST_F(DateRangeSchedulerTest, LongestVisitIntervalStaysInTheRange) {
    Customer c = make_customer(9);
    ASSERT_TRUE(PutCustomer(http(), c));
    Vehicle v = make_vehicle(c.id, 9);
    v.last_visit_date = "9988-12-31";
    HttpResponse created;
    ASSERT_TRUE(PutVehicle(http(), v, &created));
    EXPECT_EQ("9998-12-31", json_member(created.body, "next_visit_date"));

    v.last_visit_date = "9989-01-01";
    const std::string before = redis().digest();
    EXPECT_TRUE(IsJsonBody(http().put_json(v.path(), v.body()), 422, derived_too_late(120)));
    EXPECT_EQ(before, redis().digest());
}

}  // namespace
}  // namespace wa::itest

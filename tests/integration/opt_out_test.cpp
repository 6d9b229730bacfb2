// Suppression (opt-out) end to end: the data API shows and sets it by the
// customer's phone, a run never sends to a suppressed number (also one
// suppressed while the run goes on), and a Cloud API 131050 refusal
// suppresses the number.
#include <string>
#include <thread>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";
const std::string kOptedOutReason = "customer berhenti berlangganan (opt-out)";

std::string customer_json(const Customer& c, const std::string& suppression) {
    return "{\"id\":\"" + c.id + "\",\"name\":" + json_quote(c.name)
        + ",\"phone\":" + json_quote(c.phone) + ",\"address\":" + json_quote(c.address)
        + ",\"created_at\":\"<TS>\",\"updated_at\":\"<TS>\"," + suppression + "}";
}

const std::string kNotSuppressed =
    "\"opted_out\":false,\"opted_out_at\":null,\"opted_out_reason\":null";

std::string suppressed(const std::string& reason) {
    return "\"opted_out\":true,\"opted_out_at\":\"<TS>\",\"opted_out_reason\":\"" + reason + "\"";
}

std::string with_opted_out(const Customer& c, const std::string& value) {
    std::string body = c.body();
    body.pop_back();
    return body + ",\"opted_out\":" + value + "}";
}

// ---------------------------------------------------------------- data API

class OptOutDataApiTest : public StackTest<OptOutDataApiTest> {};

TEST_F(OptOutDataApiTest, GetShowsNoSuppressionByDefault) {
    Customer c = make_customer(701);
    ASSERT_TRUE(PutCustomer(http(), c));
    EXPECT_TRUE(IsJsonLike(http().get(c.path()), 200, customer_json(c, kNotSuppressed)));
}

TEST_F(OptOutDataApiTest, PutSuppressesAndLiftsByPhone) {
    Customer c = make_customer(702);
    ASSERT_TRUE(PutCustomer(http(), c));
    const std::string key = "{wa}:optout:" + normalised(c.phone);

    HttpResponse put = http().put_json(c.path(), with_opted_out(c, "true"));
    std::vector<std::string> ts;
    ASSERT_TRUE(IsJsonLike(put, 200, customer_json(c, suppressed("data_api")), &ts));
    auto h = hgetall(redis(), key);
    EXPECT_EQ(2u, h.size());
    EXPECT_EQ("data_api", h["reason"]);
    EXPECT_EQ(ts[2], h["opted_out_at"]);
    EXPECT_EQ(-1, redis().command({"TTL", key}).integer);
    EXPECT_TRUE(IsJsonBody(http().get(c.path()), 200, put.body));
    EXPECT_EQ("1", redis().command({"HGET", "{wa}:stats", "opted_out"}).str);

    // Again: nothing changes, the first record stays.
    HttpResponse again = http().put_json(c.path(), with_opted_out(c, "true"));
    EXPECT_TRUE(IsJsonLike(again, 200, customer_json(c, suppressed("data_api"))));
    EXPECT_EQ(ts[2], hgetall(redis(), key)["opted_out_at"]);

    // A PUT without opted_out leaves it as it is.
    EXPECT_TRUE(IsJsonLike(http().put_json(c.path(), c.body()), 200,
                           customer_json(c, suppressed("data_api"))));

    HttpResponse lifted = http().put_json(c.path(), with_opted_out(c, "false"));
    EXPECT_TRUE(IsJsonLike(lifted, 200, customer_json(c, kNotSuppressed)));
    EXPECT_EQ(0, redis().command({"EXISTS", key}).integer);
    EXPECT_EQ("0", redis().command({"HGET", "{wa}:stats", "opted_out"}).str);
}

TEST_F(OptOutDataApiTest, BadTypeIs422AndChangesNothing) {
    Customer c = make_customer(703);
    ASSERT_TRUE(PutCustomer(http(), c));
    Customer changed = c;
    changed.name = "Nama Baru";
    const std::string want =
        "{\"detail\":[{\"loc\":[\"body\",\"opted_out\"],\"msg\":\"value is not a valid "
        "boolean\",\"type\":\"value_error.strictbool\"}]}";
    for (const char* bad : {"\"true\"", "1", "\"yes\"", "[]"}) {
        EXPECT_TRUE(IsJsonBody(http().put_json(c.path(), with_opted_out(changed, bad)), 422, want))
            << bad;
    }
    EXPECT_TRUE(IsJsonLike(http().get(c.path()), 200, customer_json(c, kNotSuppressed)));
    EXPECT_EQ(0, redis().command({"EXISTS", "{wa}:optout:" + normalised(c.phone)}).integer);
    // A new customer with a bad opted_out is not created either.
    Customer fresh = make_customer(704);
    EXPECT_TRUE(IsJsonBody(http().put_json(fresh.path(), with_opted_out(fresh, "0")), 422, want));
    EXPECT_EQ(404, http().get(fresh.path()).status);
}

TEST_F(OptOutDataApiTest, SuppressionFollowsTheNumberNotTheCustomer) {
    Customer a = make_customer(705);
    Customer b = make_customer(706);
    b.phone = "+62 " + a.phone.substr(1);  // the same number, written otherwise
    ASSERT_TRUE(PutCustomer(http(), a));
    ASSERT_TRUE(PutCustomer(http(), b));
    ASSERT_EQ(200, http().put_json(a.path(), with_opted_out(a, "true")).status);
    EXPECT_TRUE(IsJsonLike(http().get(b.path()), 200, customer_json(b, suppressed("data_api"))));

    // a moves to another number: the old number stays suppressed, the new is not.
    Customer moved = a;
    moved.phone = "081399990001";
    EXPECT_TRUE(IsJsonLike(http().put_json(moved.path(), moved.body()), 200,
                           customer_json(moved, kNotSuppressed)));
    EXPECT_TRUE(IsJsonLike(http().get(b.path()), 200, customer_json(b, suppressed("data_api"))));
}

// ---------------------------------------------------------------- runs

class OptOutRunTest : public ReminderTest<OptOutRunTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "cloud_api";
        s.concurrency = 1;  // one send at a time: a later send starts after the first's answer
        return reminder_stack(s);
    }

protected:
    static JsonPtr run(const std::string& date = kDay) {
        JsonPtr data;
        EXPECT_TRUE(RunNow(http(), "?date=" + date, &data));
        return data;
    }

    static void suppress(const Customer& c) {
        ASSERT_EQ(200, http().put_json(c.path(), with_opted_out(c, "true")).status);
    }
};

::testing::AssertionResult SkippedAsOptedOut(json_t* item, const Seeded& s, int days) {
    auto shape = DetailIs(item, {&s, days, "skipped"});
    if (!shape)
        return shape;
    const char* reason = json_string_value(json_object_get(item, "reason"));
    if (reason == nullptr || kOptedOutReason != reason)
        return ::testing::AssertionFailure() << "reason " << (reason ? reason : "(none)");
    return ::testing::AssertionSuccess();
}

TEST_F(OptOutRunTest, SkipsSuppressedNumbersOfEveryCustomerWithThem) {
    Seeded a, b, other;
    ASSERT_TRUE(SeedVehicle(http(), 711, add_days(kDay, 1), &a));
    ASSERT_TRUE(SeedVehicle(http(), 712, add_days(kDay, 1), &b));
    ASSERT_TRUE(SeedVehicle(http(), 713, add_days(kDay, 1), &other));
    b.customer.phone = a.customer.phone;  // two customers, one person
    ASSERT_TRUE(PutCustomer(http(), b.customer));
    b.to = a.to;
    suppress(a.customer);

    JsonPtr data = run();
    json_t* details = details_of(data.get());
    EXPECT_EQ(3u, json_array_size(details));
    EXPECT_TRUE(SkippedAsOptedOut(detail_for(details, a.vehicle.nopol), a, 1));
    EXPECT_TRUE(SkippedAsOptedOut(detail_for(details, b.vehicle.nopol), b, 1));
    EXPECT_TRUE(DetailIs(detail_for(details, other.vehicle.nopol), {&other, 1, "sent"}));
    EXPECT_EQ(0, gateway().requests_for(a.to)) << gateway().dump();
    EXPECT_EQ(1, gateway().requests_for(other.to));
    EXPECT_EQ(0, report_frequency(http(), a));
    EXPECT_EQ(0, report_frequency(http(), b));
}

TEST_F(OptOutRunTest, ADryRunSkipsSuppressedNumbersToo) {
    // A dry run marks no attempt: only the batch's read can see the suppression.
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 741, add_days(kDay, 1), &s));
    suppress(s.customer);
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay + "&dry_run=true", &data));
    json_t* details = details_of(data.get());
    EXPECT_EQ(1u, json_array_size(details));
    EXPECT_TRUE(SkippedAsOptedOut(detail_for(details, s.vehicle.nopol), s, 1));
    EXPECT_EQ(0, gateway().requests_for(s.to));
}

TEST_F(OptOutRunTest, SuppressionDuringARunStopsItsLaterSends) {
    Seeded first, later;
    ASSERT_TRUE(SeedVehicle(http(), 721, add_days(kDay, 0), &first));
    ASSERT_TRUE(SeedVehicle(http(), 722, add_days(kDay, 2), &later));
    // The first send waits at the gateway; the later one is queued behind it.
    gateway().script_recipient(first.to, {"delay 1500ms then accept"});

    JsonPtr data;
    std::thread runner([&] {
        HttpClient client(stack().port());
        client.set_timeout(Millis(60000));
        EXPECT_TRUE(RunNow(client, "?date=" + kDay, &data));
    });
    bool seen = false;
    for (int i = 0; i < 300 && !seen; i++) {
        seen = gateway().requests_for(first.to) == 1;
        if (!seen)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(seen) << gateway().dump();
    suppress(later.customer);
    runner.join();

    json_t* details = details_of(data.get());
    EXPECT_EQ(2u, json_array_size(details));
    EXPECT_TRUE(DetailIs(detail_for(details, first.vehicle.nopol), {&first, 0, "sent"}));
    EXPECT_TRUE(SkippedAsOptedOut(detail_for(details, later.vehicle.nopol), later, 2));
    EXPECT_EQ(0, gateway().requests_for(later.to)) << gateway().dump();
    EXPECT_EQ(0, redis().command({"EXISTS", "{wa}:attempt:" + later.vehicle.id}).integer);
}

TEST_F(OptOutRunTest, RefusalWith131050SuppressesTheNumber) {
    Seeded s, twin;
    ASSERT_TRUE(SeedVehicle(http(), 731, add_days(kDay, 2), &s));
    gateway().script_recipient(s.to, {"cloud error 131050"});
    JsonPtr data = run();
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 2, "failed"}));
    EXPECT_NE("", hgetall(redis(), "{wa}:vehicle:" + s.vehicle.id)["do_not_contact"]);
    auto h = hgetall(redis(), "{wa}:optout:" + s.to);
    EXPECT_EQ("error_131050", h["reason"]);
    EXPECT_TRUE(IsJsonLike(http().get(s.customer.path()), 200,
                           customer_json(s.customer, suppressed("error_131050"))));

    // Another customer on the same number is never sent to.
    ASSERT_TRUE(SeedVehicle(http(), 732, add_days(kDay, 3), &twin));
    twin.customer.phone = s.customer.phone;
    ASSERT_TRUE(PutCustomer(http(), twin.customer));
    twin.to = s.to;
    data = run(add_days(kDay, 1));
    EXPECT_TRUE(SkippedAsOptedOut(detail_for(details_of(data.get()), twin.vehicle.nopol), twin, 2));
    EXPECT_EQ(1, gateway().requests_for(s.to)) << gateway().dump();
}

}  // namespace
}  // namespace wa::itest

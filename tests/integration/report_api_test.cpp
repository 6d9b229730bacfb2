// The report endpoints (issue 2, section 4) and POST /record, over HTTP
// against the real nginx + module + redis-server, with the old system's
// exact bodies (reference: old-system-responses/).
#include <map>
#include <string>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

struct Owner {
    Customer customer;
    std::vector<Vehicle> vehicles;
};

std::string join_array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i)
        out += (i == 0 ? "" : ",") + items[i];
    return out + "]";
}

// A member of a JSON object as JSON text ("..." for strings, null, 3).
std::string raw_member(const std::string& object, const std::string& key) {
    JsonPtr root = parse_json(object);
    json_t* value = json_object_get(root.get(), key.c_str());
    return value == nullptr ? "<missing>" : dump_json(value);
}

// The /detail object for a report, with the customer's and vehicle's data.
std::string detail_of(const std::string& report, const Customer& customer, const Vehicle& vehicle) {
    return "{\"id\":" + raw_member(report, "id") + ",\"customer_name\":" + json_quote(customer.name)
        + ",\"customer_phone\":" + json_quote(customer.phone) + ",\"vehicle_model\":"
        + json_quote(vehicle.model) + ",\"vehicle_nopol\":" + json_quote(vehicle.nopol)
        + ",\"last_message_date\":" + raw_member(report, "last_message_date") + ",\"frequency\":"
        + raw_member(report, "frequency") + ",\"created_at\":" + raw_member(report, "created_at")
        + ",\"updated_at\":" + raw_member(report, "updated_at") + "}";
}

// {"total_customers_with_vehicles":T,"total_messages_sent":M,
//  "average_messages_per_customer":<python float>,"customers_by_frequency":{...}}
// The histogram's key order is not part of the contract (the old system's
// followed its SQL GROUP BY); everything else is compared byte for byte.
::testing::AssertionResult IsStatistics(const HttpResponse& response, long total, long messages,
                                        const std::map<std::string, long>& by_frequency) {
    std::string average = py_float_repr(total == 0 ? 0.0 : double(messages) / double(total));
    std::string prefix = "{\"total_customers_with_vehicles\":" + std::to_string(total)
        + ",\"total_messages_sent\":" + std::to_string(messages)
        + ",\"average_messages_per_customer\":" + average + ",\"customers_by_frequency\":";
    std::string histogram;
    for (const auto& [frequency, count] : by_frequency) {
        histogram +=
            (histogram.empty() ? "" : ",") + json_quote(frequency) + ":" + std::to_string(count);
    }
    std::string expected = prefix + "{" + histogram + "}}";
    auto json_ok = IsJson(response, 200);
    if (!json_ok)
        return json_ok;
    const std::string& body = response.body;
    if (by_frequency.size() <= 1 || body.compare(0, prefix.size(), prefix) != 0) {
        return IsJsonBody(response, 200, expected);
    }
    JsonPtr root = parse_json(body);
    json_t* actual = json_object_get(root.get(), "customers_by_frequency");
    bool same = json_is_object(actual) && json_object_size(actual) == by_frequency.size()
        && body.size() == expected.size() && body.compare(body.size() - 2, 2, "}}") == 0;
    for (const auto& [frequency, count] : by_frequency) {
        json_t* value = json_object_get(actual, frequency.c_str());
        same = same && json_is_integer(value) && json_integer_value(value) == count;
    }
    if (same)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected (histogram in any order) " << expected << "\n"
                                         << describe(response);
}

// The reference 422 for a malformed UUID, in pydantic 1's wording (as
// captured) or pydantic 2's (the old system's pinned stack); both acceptable.
::testing::AssertionResult IsUuidError(const HttpResponse& response, const std::string& where,
                                       const std::string& name) {
    std::string reference = "{\"detail\":[{\"loc\":[\"" + where + "\",\"" + name
        + "\"],\"msg\":\"value is not a valid uuid\",\"type\":\"type_error.uuid\"}]}";
    if (response.body == reference)
        return IsJsonBody(response, 422, reference);
    auto shape = IsValidationError(response, {where, name}, true);
    if (!shape)
        return shape << "\nreference body: " << reference;
    JsonPtr root = parse_json(response.body);
    json_t* type =
        json_object_get(json_array_get(json_object_get(root.get(), "detail"), 0), "type");
    if (std::string(json_string_value(type)) == "uuid_parsing")
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
        << "expected type \"type_error.uuid\" or \"uuid_parsing\"; "
        << "reference body: " << reference << "\n"
        << describe(response);
}

::testing::AssertionResult EndsWith(const std::string& text, const std::string& suffix) {
    if (text.size() >= suffix.size()
        && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
        << "\"" << text << "\" does not end with \"" << suffix << "\"";
}

// Elements of a JSON array, each re-serialised compactly in key order.
std::vector<std::string> array_items(const std::string& text) {
    std::vector<std::string> items;
    JsonPtr root = parse_json(text);
    size_t index;
    json_t* item;
    json_array_foreach(root.get(), index, item) items.push_back(dump_json(item));
    return items;
}

class ReportApiTest : public StackTest<ReportApiTest> {
protected:
    // A customer (the n-th) with `count` vehicles, created through the data API.
    void add_owner(int n, int count, Owner* owner) {
        owner->customer = make_customer(n);
        ASSERT_TRUE(PutCustomer(http(), owner->customer));
        owner->vehicles.clear();
        for (int i = 0; i < count; ++i) {
            owner->vehicles.push_back(make_vehicle(owner->customer.id, n * 100 + i));
            ASSERT_TRUE(PutVehicle(http(), owner->vehicles.back()));
        }
    }

    // Records one new message for the owner's vehicle; *report gets the body.
    void record(const Owner& owner, size_t vehicle, std::string* report) {
        ASSERT_TRUE(
            Record(http(), owner.customer.id, owner.vehicles.at(vehicle).id, new_uuid(), report));
    }

    static std::string report_path(const Owner& owner, size_t vehicle) {
        return kBase + "/customer/" + owner.customer.id + "/vehicle/"
            + owner.vehicles.at(vehicle).id;
    }
};

// ---------------------------------------------------------------- empty

TEST_F(ReportApiTest, EmptyDatabaseAnswersEmptyListsAndZeroStatistics) {
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/"), 200, "[]"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/detail"), 200, "[]"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/customer/" + new_uuid()), 200, "[]"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200,
                           "{\"total_customers_with_vehicles\":0,\"total_messages_sent\":0,"
                           "\"average_messages_per_customer\":0.0,\"customers_by_frequency\":{}}"));
}

// ---------------------------------------------------------------- record

TEST_F(ReportApiTest, RecordCreatesReportWithFrequencyOne) {
    Owner owner;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 1, &owner));

    HttpResponse response = http().post_json(
        kBase + "/record", record_body(owner.customer.id, owner.vehicles[0].id, new_uuid()));
    std::vector<std::string> captured;
    ASSERT_TRUE(IsJsonLike(
        response, 200,
        "{\"id_customer\":\"" + owner.customer.id + "\",\"id_vehicle\":\"" + owner.vehicles[0].id
            + "\",\"last_message_date\":\"<TS>\",\"frequency\":1,\"id\":\"<UUID>\","
              "\"created_at\":\"<TS>\",\"updated_at\":\"<TS>\"}",
        &captured));
    // Naive local time in the configured zone (Asia/Jakarta, UTC+7).
    EXPECT_TRUE(IsNearNow(captured[0], kJakartaOffset));
    EXPECT_TRUE(IsNearNow(captured[2], kJakartaOffset));
    EXPECT_TRUE(IsNearNow(captured[3], kJakartaOffset));
    EXPECT_EQ(captured[0], captured[3]) << "last_message_date and updated_at of one send";

    EXPECT_TRUE(IsJsonBody(http().get(report_path(owner, 0)), 200, response.body));
}

TEST_F(ReportApiTest, RecordCountsEachMessageIdOnce) {
    Owner owner;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 1, &owner));
    const std::string customer = owner.customer.id;
    const std::string vehicle = owner.vehicles[0].id;

    std::string first, second, repeated, third;
    ASSERT_TRUE(Record(http(), customer, vehicle, "msg-1", &first));
    ASSERT_TRUE(Record(http(), customer, vehicle, "msg-2", &second));
    EXPECT_EQ("1", json_member(first, "frequency"));
    EXPECT_EQ("2", json_member(second, "frequency"));
    EXPECT_EQ(json_member(first, "id"), json_member(second, "id")) << "same report, not a new one";
    EXPECT_EQ(json_member(first, "created_at"), json_member(second, "created_at"));
    EXPECT_GE(json_member(second, "updated_at"), json_member(first, "updated_at"));

    // The same message_id again: still 200, the same report, not counted.
    ASSERT_TRUE(Record(http(), customer, vehicle, "msg-2", &repeated));
    EXPECT_TRUE(SameText(repeated, second));
    ASSERT_TRUE(Record(http(), customer, vehicle, "msg-1", &repeated));
    EXPECT_TRUE(SameText(repeated, second));

    ASSERT_TRUE(Record(http(), customer, vehicle, "msg-3", &third));
    EXPECT_EQ("3", json_member(third, "frequency"));

    EXPECT_TRUE(IsJsonBody(http().get(report_path(owner, 0)), 200, third));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 1, 3, {{"3", 1}}));
}

TEST_F(ReportApiTest, RecordRejectsUnknownCustomerOrVehicleAndWritesNothing) {
    Owner owner, other;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 1, &owner));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 1, &other));
    const std::string before = redis().digest();
    const std::string record = kBase + "/record";

    HttpResponse unknown_vehicle =
        http().post_json(record, record_body(owner.customer.id, new_uuid(), "m1"));
    EXPECT_TRUE(IsValidationError(unknown_vehicle, {}));
    EXPECT_TRUE(IsValidationError(unknown_vehicle, {"body", "id_vehicle"}));

    HttpResponse unknown_customer =
        http().post_json(record, record_body(new_uuid(), owner.vehicles[0].id, "m2"));
    EXPECT_TRUE(IsValidationError(unknown_customer, {}));
    EXPECT_TRUE(IsValidationError(unknown_customer, {"body", "id_customer"}));

    EXPECT_TRUE(IsValidationError(
        http().post_json(record, record_body("not-a-uuid", owner.vehicles[0].id, "m3")),
        {"body", "id_customer"}));
    EXPECT_TRUE(
        IsValidationError(http().post_json(record, record_body(owner.customer.id, "12345", "m4")),
                          {"body", "id_vehicle"}));
    EXPECT_TRUE(IsValidationError(http().post_json(record, "{\"id_customer\":"), {}));
    EXPECT_TRUE(IsValidationError(
        http().post_json(record,
                         "{\"id_vehicle\":\"" + owner.vehicles[0].id + "\",\"message_id\":\"m5\"}"),
        {"body", "id_customer"}));

    EXPECT_EQ(before, redis().digest()) << "a rejected record changed Redis";
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/"), 200, "[]"));
}

// ---------------------------------------------------------------- lists

TEST_F(ReportApiTest, ListIsInCreationOrderAndStreamed) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 2, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 1, &b));
    std::string a0, b0, a1;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &a0));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &b0));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &a1));
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &a0));  // an update does not move it

    HttpResponse list = http().get(kBase + "/");
    EXPECT_TRUE(IsJsonBody(list, 200, join_array({a0, b0, a1})));
    EXPECT_TRUE(list.chunked) << "list endpoints stream (chunked):\n" << describe(list);
    EXPECT_FALSE(list.has_header("Content-Length"));
}

TEST_F(ReportApiTest, DetailShowsCurrentCustomerAndVehicleData) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 2, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 1, &b));
    std::string a0, b0, a1;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &a0));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &b0));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &a1));

    HttpResponse detail = http().get(kBase + "/detail");
    EXPECT_TRUE(IsJsonBody(detail, 200,
                           join_array({detail_of(a0, a.customer, a.vehicles[0]),
                                       detail_of(b0, b.customer, b.vehicles[0]),
                                       detail_of(a1, a.customer, a.vehicles[1])})));
    EXPECT_TRUE(detail.chunked) << describe(detail);

    // Renamed customer, re-plated vehicle: /detail follows, the reports do not change.
    a.customer.name = "Budi \"Bud\" Santoso";
    a.customer.phone = "6281234567890";
    ASSERT_TRUE(PutCustomer(http(), a.customer));
    a.vehicles[1].model = "Innova Zenix";
    a.vehicles[1].nopol = "B 9999 ZZ";
    ASSERT_TRUE(PutVehicle(http(), a.vehicles[1]));

    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/detail"), 200,
                           join_array({detail_of(a0, a.customer, a.vehicles[0]),
                                       detail_of(b0, b.customer, b.vehicles[0]),
                                       detail_of(a1, a.customer, a.vehicles[1])})));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/"), 200, join_array({a0, b0, a1})));
}

TEST_F(ReportApiTest, CustomerReportsAndSingleReport) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 2, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 1, &b));
    std::string a0, b0, a1;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &a0));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &b0));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &a1));

    HttpResponse of_a = http().get(kBase + "/customer/" + a.customer.id);
    EXPECT_TRUE(IsJsonBody(of_a, 200, join_array({a0, a1})));
    EXPECT_TRUE(of_a.chunked) << describe(of_a);
    EXPECT_TRUE(
        IsJsonBody(http().get(kBase + "/customer/" + b.customer.id), 200, join_array({b0})));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/customer/" + new_uuid()), 200, "[]"));

    EXPECT_TRUE(IsJsonBody(http().get(report_path(a, 1)), 200, a1));
    EXPECT_TRUE(IsJsonBody(http().get(report_path(b, 0)), 200, b0));

    // A vehicle without a report, a pair that does not belong together, unknown ids.
    const std::string not_found = "{\"detail\":\"Report tidak ditemukan\"}";
    EXPECT_TRUE(IsJsonBody(
        http().get(kBase + "/customer/" + a.customer.id + "/vehicle/" + b.vehicles[0].id), 404,
        not_found));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/customer/" + new_uuid() + "/vehicle/" + new_uuid()),
                           404, not_found));
    Vehicle unused = make_vehicle(b.customer.id, 77);
    ASSERT_TRUE(PutVehicle(http(), unused));
    EXPECT_TRUE(
        IsJsonBody(http().get(kBase + "/customer/" + b.customer.id + "/vehicle/" + unused.id), 404,
                   not_found));
}

// ---------------------------------------------------------------- statistics

TEST_F(ReportApiTest, StatisticsFollowRecords) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 2, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 1, &b));
    std::string ignored;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &ignored));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 1, 1, {{"1", 1}}));

    ASSERT_NO_FATAL_FAILURE(record(a, 1, &ignored));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &ignored));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &ignored));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &ignored));
    HttpResponse stats = http().get(kBase + "/statistics");
    EXPECT_TRUE(IsStatistics(stats, 3, 5, {{"1", 1}, {"2", 2}}));
    EXPECT_NE(std::string::npos,
              stats.body.find("\"average_messages_per_customer\":1.6666666666666667,"))
        << stats.body;

    ASSERT_NO_FATAL_FAILURE(record(a, 0, &ignored));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 3, 6, {{"2", 3}}));
    EXPECT_NE(
        std::string::npos,
        http().get(kBase + "/statistics").body.find("\"average_messages_per_customer\":2.0,"));
}

TEST_F(ReportApiTest, DeleteReportThenNotFoundAndStatisticsFollow) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 2, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 1, &b));
    std::string a0, a1, b0;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &a0));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &a1));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &a1));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &b0));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &b0));
    ASSERT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 3, 5, {{"1", 1}, {"2", 2}}));

    const std::string target = kBase + "/" + json_member(a0, "id");
    EXPECT_TRUE(IsJsonBody(http().del(target), 200, "{\"message\":\"Report berhasil dihapus\"}"));
    EXPECT_TRUE(IsJsonBody(http().del(target), 404, "{\"detail\":\"Report tidak ditemukan\"}"));
    EXPECT_TRUE(IsJsonBody(http().del(kBase + "/" + new_uuid()), 404,
                           "{\"detail\":\"Report tidak ditemukan\"}"));

    EXPECT_TRUE(
        IsJsonBody(http().get(report_path(a, 0)), 404, "{\"detail\":\"Report tidak ditemukan\"}"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/"), 200, join_array({a1, b0})));
    EXPECT_TRUE(
        IsJsonBody(http().get(kBase + "/customer/" + a.customer.id), 200, join_array({a1})));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 2, 4, {{"2", 2}}));

    // The pair can be reported again: a new report, frequency 1, at the end.
    std::string again;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &again));
    EXPECT_EQ("1", json_member(again, "frequency"));
    EXPECT_NE(json_member(a0, "id"), json_member(again, "id"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/"), 200, join_array({a1, b0, again})));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 3, 5, {{"1", 1}, {"2", 2}}));
}

// ---------------------------------------------------------------- reset

TEST_F(ReportApiTest, ResetFrequencyOfAllReports) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 2, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 1, &b));
    std::string a0, a1, b0;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &a0));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &a1));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &a1));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &b0));

    EXPECT_TRUE(
        IsJsonBody(http().request("POST", kBase + "/reset-frequency"), 200,
                   "{\"message\":\"Frequency untuk 3 report berhasil direset\",\"count\":3}"));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 3, 0, {{"0", 3}}));

    // Records stay, only the frequency goes to 0.
    for (const auto& [before, path] : std::vector<std::pair<std::string, std::string>>{
             {a0, report_path(a, 0)}, {a1, report_path(a, 1)}, {b0, report_path(b, 0)}}) {
        HttpResponse now = http().get(path);
        ASSERT_TRUE(IsJson(now, 200));
        EXPECT_EQ("0", json_member(now.body, "frequency"));
        for (const char* key :
             {"id", "id_customer", "id_vehicle", "created_at", "last_message_date"}) {
            EXPECT_EQ(json_member(before, key), json_member(now.body, key)) << key;
        }
    }

    std::string counted;
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &counted));
    EXPECT_EQ("1", json_member(counted, "frequency"));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 3, 1, {{"0", 2}, {"1", 1}}));

    EXPECT_TRUE(
        IsJsonBody(http().request("POST", kBase + "/reset-frequency"), 200,
                   "{\"message\":\"Frequency untuk 3 report berhasil direset\",\"count\":3}"));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 3, 0, {{"0", 3}}));
}

TEST_F(ReportApiTest, ResetFrequencyOfOneCustomer) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 2, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 1, &b));
    std::string a0, a1, b0;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &a0));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &a1));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &a1));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &b0));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &b0));

    EXPECT_TRUE(IsJsonBody(
        http().request("POST", kBase + "/reset-frequency?id_customer=" + a.customer.id), 200,
        "{\"message\":\"Frequency untuk 2 report customer " + a.customer.id
            + " berhasil direset\",\"count\":2}"));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 3, 2, {{"0", 2}, {"2", 1}}));
    EXPECT_NE(std::string::npos,
              http()
                  .get(kBase + "/statistics")
                  .body.find("\"average_messages_per_customer\":0.6666666666666666,"));
    EXPECT_TRUE(IsJsonBody(http().get(report_path(b, 0)), 200, b0)) << "other customers untouched";

    const std::string nobody = "00000000-0000-4000-8000-00000000abcd";
    EXPECT_TRUE(IsJsonBody(http().request("POST", kBase + "/reset-frequency?id_customer=" + nobody),
                           200,
                           "{\"message\":\"Frequency untuk 0 report customer " + nobody
                               + " berhasil direset\",\"count\":0}"));
    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 3, 2, {{"0", 2}, {"2", 1}}));
}

// ---------------------------------------------------------------- errors

TEST_F(ReportApiTest, MalformedUuidsGiveReference422) {
    const std::string good = new_uuid();
    EXPECT_TRUE(IsUuidError(http().get(kBase + "/customer/not-a-uuid"), "path", "id_customer"));
    EXPECT_TRUE(IsUuidError(http().get(kBase + "/customer/" + good + "/vehicle/12345"), "path",
                            "id_vehicle"));
    EXPECT_TRUE(
        IsUuidError(http().get(kBase + "/customer/xyz/vehicle/" + good), "path", "id_customer"));
    EXPECT_TRUE(IsUuidError(http().del(kBase + "/not-a-uuid"), "path", "report_id"));
    EXPECT_TRUE(IsUuidError(http().request("POST", kBase + "/reset-frequency?id_customer=abc"),
                            "query", "id_customer"));
}

TEST_F(ReportApiTest, WrongMethodGives405WithAllow) {
    const std::string body = "{\"detail\":\"Method Not Allowed\"}";

    HttpResponse get_reset = http().get(kBase + "/reset-frequency");
    EXPECT_TRUE(IsJsonBody(get_reset, 405, body));
    EXPECT_EQ("DELETE", get_reset.header("Allow")) << describe(get_reset);

    HttpResponse head_statistics = http().head(kBase + "/statistics");
    EXPECT_EQ(405, head_statistics.status) << describe(head_statistics);
    EXPECT_EQ("GET", head_statistics.header("Allow")) << describe(head_statistics);
    EXPECT_EQ("", head_statistics.body);

    HttpResponse get_report = http().get(kBase + "/" + new_uuid());
    EXPECT_TRUE(IsJsonBody(get_report, 405, body));
    EXPECT_EQ("DELETE", get_report.header("Allow")) << describe(get_report);

    // The connection is still usable after a HEAD without a body.
    EXPECT_TRUE(IsJson(http().get(kBase + "/statistics"), 200));
}

TEST_F(ReportApiTest, UnknownPathGives404Json) {
    const std::string body = "{\"detail\":\"Not Found\"}";
    const std::string good = new_uuid();
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/no/such/path"), 404, body));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/customer/" + good + "/vehicle"), 404, body));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/customer/" + good + "/vehicle/" + good + "/extra"),
                           404, body));
}

TEST_F(ReportApiTest, TrailingSlashRedirects307) {
    HttpResponse detail = http().get(kBase + "/detail/");
    EXPECT_EQ(307, detail.status) << describe(detail);
    EXPECT_TRUE(EndsWith(detail.header("Location"), "/whatsapp-report/detail"));

    HttpResponse statistics = http().get(kBase + "/statistics/");
    EXPECT_EQ(307, statistics.status) << describe(statistics);
    EXPECT_TRUE(EndsWith(statistics.header("Location"), "/whatsapp-report/statistics"));

    Owner a;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 1, &a));
    std::string report;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &report));
    const std::string before = redis().digest();
    HttpResponse reset = http().request("POST", kBase + "/reset-frequency/");
    EXPECT_EQ(307, reset.status) << describe(reset);
    EXPECT_TRUE(EndsWith(reset.header("Location"), "/whatsapp-report/reset-frequency"));
    EXPECT_EQ(before, redis().digest()) << "the redirect itself must not reset anything";
}

// The path reaches the module percent-decoded: none of it may become a
// header line of its own (issue 6, item 4).
TEST_F(ReportApiTest, TrailingSlashRedirectCannotInjectHeaders) {
    const std::string not_found = "{\"detail\":\"Not Found\"}";
    for (const std::string& path : {
             std::string("/x%0d%0aSet-Cookie:%20evil=1/"),
             std::string("/x%0aSet-Cookie:%20evil=1/"),
             std::string("/x%0dSet-Cookie:%20evil=1/"),
             "/customer/" + new_uuid() + "%0d%0aSet-Cookie:%20evil=1/",
             std::string("/data/vehicles/x%0aX-Evil:%201/"),
         }) {
        HttpResponse r = http().get(kBase + path);
        EXPECT_TRUE(IsJsonBody(r, 404, not_found)) << path;
        EXPECT_EQ(0u, r.header_count("Set-Cookie")) << path << "\n" << describe(r);
        EXPECT_EQ(0u, r.header_count("X-Evil")) << path << "\n" << describe(r);
        EXPECT_EQ(0u, r.header_count("Location")) << path << "\n" << describe(r);
    }
}

// A decoded "?" or space in the path stays part of the path in Location.
TEST_F(ReportApiTest, TrailingSlashRedirectIsPercentEncoded) {
    HttpResponse r = http().get(kBase + "/customer/ab%20cd%3Fe%25f/?limit=2");
    EXPECT_EQ(307, r.status) << describe(r);
    EXPECT_TRUE(EndsWith(r.header("Location"), "/whatsapp-report/customer/ab%20cd%3Fe%25f?limit=2"))
        << r.header("Location");
    HttpResponse followed = http().get(kBase + "/customer/ab%20cd%3Fe%25f?limit=2");
    EXPECT_TRUE(IsValidationError(followed, {"path", "id_customer"}, true)) << describe(followed);
}

// ---------------------------------------------------------------- paging

TEST_F(ReportApiTest, ListPagesWithLimitAndCursor) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 3, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 2, &b));
    std::vector<std::string> reports(5);
    ASSERT_NO_FATAL_FAILURE(record(a, 0, &reports[0]));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, &reports[1]));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, &reports[2]));
    ASSERT_NO_FATAL_FAILURE(record(b, 1, &reports[3]));
    ASSERT_NO_FATAL_FAILURE(record(a, 2, &reports[4]));

    HttpResponse page1 = http().get(kBase + "/?limit=2");
    EXPECT_TRUE(IsJsonBody(page1, 200, join_array({reports[0], reports[1]})));
    ASSERT_TRUE(page1.has_header("X-Next-Cursor")) << describe(page1);
    const std::string cursor1 = page1.header("X-Next-Cursor");
    ASSERT_FALSE(cursor1.empty());

    HttpResponse page2 = http().get(kBase + "/?limit=2&cursor=" + url_encode(cursor1));
    EXPECT_TRUE(IsJsonBody(page2, 200, join_array({reports[2], reports[3]})));
    ASSERT_TRUE(page2.has_header("X-Next-Cursor")) << describe(page2);
    const std::string cursor2 = page2.header("X-Next-Cursor");

    HttpResponse page3 = http().get(kBase + "/?cursor=" + url_encode(cursor2) + "&limit=2");
    EXPECT_TRUE(IsJsonBody(page3, 200, join_array({reports[4]})));
    EXPECT_FALSE(page3.has_header("X-Next-Cursor")) << describe(page3);

    // Pages see changes made between them, but keep the order.
    std::string updated;
    ASSERT_NO_FATAL_FAILURE(record(b, 1, &updated));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/?limit=2&cursor=" + url_encode(cursor1)), 200,
                           join_array({reports[2], updated})));

    // A limit beyond the end: everything, no cursor.
    HttpResponse all = http().get(kBase + "/?limit=100");
    EXPECT_TRUE(IsJsonBody(all, 200,
                           join_array({reports[0], reports[1], reports[2], updated, reports[4]})));
    EXPECT_FALSE(all.has_header("X-Next-Cursor")) << describe(all);
}

TEST_F(ReportApiTest, DetailAndCustomerListsPageToo) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 3, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 2, &b));
    std::string ignored;
    for (size_t i = 0; i < 3; ++i)
        ASSERT_NO_FATAL_FAILURE(record(a, i, &ignored));
    for (size_t i = 0; i < 2; ++i)
        ASSERT_NO_FATAL_FAILURE(record(b, i, &ignored));

    for (const std::string& list : {kBase + "/detail", kBase + "/customer/" + a.customer.id}) {
        SCOPED_TRACE(list);
        HttpResponse whole = http().get(list);
        ASSERT_TRUE(IsJson(whole, 200));
        std::vector<std::string> expected = array_items(whole.body);
        std::vector<std::string> paged;
        std::string target = list + "?limit=2";
        int pages = 0;
        for (; pages < 10; ++pages) {
            HttpResponse page = http().get(target);
            ASSERT_TRUE(IsJson(page, 200));
            std::vector<std::string> items = array_items(page.body);
            EXPECT_LE(items.size(), 2u);
            paged.insert(paged.end(), items.begin(), items.end());
            if (!page.has_header("X-Next-Cursor"))
                break;
            target = list + "?limit=2&cursor=" + url_encode(page.header("X-Next-Cursor"));
        }
        EXPECT_EQ(expected, paged);
        EXPECT_LT(pages, 10) << "cursor never ended";
    }
}

TEST_F(ReportApiTest, BadPagingParametersGive422) {
    for (std::string query : {"limit=0", "limit=abc", "limit=-1", "limit=", "limit=2x"}) {
        SCOPED_TRACE(query);
        EXPECT_TRUE(IsValidationError(http().get(kBase + "/?" + query), {"query", "limit"}));
        EXPECT_TRUE(IsValidationError(http().get(kBase + "/detail?" + query), {"query", "limit"}));
    }
    EXPECT_TRUE(IsValidationError(http().get(kBase + "/?cursor=abc"), {"query", "cursor"}));
    EXPECT_TRUE(IsValidationError(http().get(kBase + "/?limit=2&cursor=abc"), {"query", "cursor"}));
    EXPECT_TRUE(IsValidationError(http().get(kBase + "/detail?limit=2&cursor=%00%01"),
                                  {"query", "cursor"}));
}

TEST_F(ReportApiTest, WholeListOfManyReportsInOrder) {
    constexpr int kOwners = 100;
    constexpr int kVehiclesEach = 12;  // 1200 reports: more than one internal batch
    std::vector<Owner> owners(kOwners);
    std::vector<std::string> reports;
    std::vector<std::string> details;
    for (int n = 0; n < kOwners; ++n)
        ASSERT_NO_FATAL_FAILURE(add_owner(n, kVehiclesEach, &owners[n]));
    // Interleave customers so that creation order differs from customer order.
    for (size_t v = 0; v < kVehiclesEach; ++v) {
        for (auto& owner : owners) {
            reports.emplace_back();
            ASSERT_NO_FATAL_FAILURE(record(owner, v, &reports.back()));
            details.push_back(detail_of(reports.back(), owner.customer, owner.vehicles[v]));
        }
    }

    HttpResponse list = http().get(kBase + "/");
    ASSERT_TRUE(IsJson(list, 200));
    EXPECT_EQ(reports.size(), array_items(list.body).size());
    EXPECT_TRUE(SameText(list.body, join_array(reports)));
    EXPECT_TRUE(list.chunked);

    HttpResponse detail = http().get(kBase + "/detail");
    ASSERT_TRUE(IsJson(detail, 200));
    EXPECT_EQ(details.size(), array_items(detail.body).size());
    EXPECT_TRUE(SameText(detail.body, join_array(details)));
    EXPECT_TRUE(detail.chunked);

    std::vector<std::string> of_first;
    for (size_t v = 0; v < kVehiclesEach; ++v)
        of_first.push_back(reports[v * kOwners]);
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/customer/" + owners[0].customer.id), 200,
                           join_array(of_first)));

    // Paging through all of it with a large page gives the same sequence.
    std::vector<std::string> paged;
    std::string target = kBase + "/?limit=500";
    for (int pages = 0; pages < 10; ++pages) {
        HttpResponse page = http().get(target);
        ASSERT_TRUE(IsJson(page, 200));
        auto items = array_items(page.body);
        paged.insert(paged.end(), items.begin(), items.end());
        if (!page.has_header("X-Next-Cursor"))
            break;
        target = kBase + "/?limit=500&cursor=" + url_encode(page.header("X-Next-Cursor"));
    }
    EXPECT_EQ(array_items(list.body), paged);

    EXPECT_TRUE(IsStatistics(http().get(kBase + "/statistics"), 1200, 1200, {{"1", 1200}}));
}

}  // namespace
}  // namespace wa::itest

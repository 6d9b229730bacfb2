// The data-feeding endpoints (issue 2, section 5): customers, vehicles and
// the NDJSON import, over HTTP against the real nginx + module + redis-server.
#include <string>
#include <utility>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

const std::string kCustomerNotFound = "{\"detail\":\"Customer tidak ditemukan\"}";
const std::string kVehicleNotFound = "{\"detail\":\"Vehicle tidak ditemukan\"}";
const std::string kCustomerDeleted = "{\"message\":\"Customer berhasil dihapus\"}";
const std::string kVehicleDeleted = "{\"message\":\"Vehicle berhasil dihapus\"}";

std::string customer_pattern(const Customer& c) {
    return "{\"id\":\"" + c.id + "\",\"name\":" + json_quote(c.name)
        + ",\"phone\":" + json_quote(c.phone) + ",\"address\":" + json_quote(c.address)
        + ",\"created_at\":\"<TS>\",\"updated_at\":\"<TS>\",\"opted_out\":false,"
          "\"opted_out_at\":null,\"opted_out_reason\":null}";
}

// A 422 with an entry whose loc starts with `where` ("body", "path").
::testing::AssertionResult IsValidationErrorIn(const HttpResponse& response,
                                               const std::string& where) {
    auto shape = IsValidationError(response, {});
    if (!shape)
        return shape;
    JsonPtr root = parse_json(response.body);
    size_t index;
    json_t* entry;
    json_array_foreach(json_object_get(root.get(), "detail"), index, entry) {
        const char* first = json_string_value(json_array_get(json_object_get(entry, "loc"), 0));
        if (first != nullptr && where == first)
            return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "expected a loc starting with \"" << where << "\"\n"
                                         << describe(response);
}

::testing::AssertionResult HasVehicleFields(const HttpResponse& response, int status,
                                            const Vehicle& v, const std::string& next_visit) {
    auto json_ok = IsJson(response, status);
    if (!json_ok)
        return json_ok;
    std::vector<std::pair<std::string, std::string>> expected = {
        {"id", v.id},
        {"customer_id", v.customer_id},
        {"model", v.model},
        {"nopol", v.nopol},
        {"last_visit_date", v.last_visit_date},
        {"next_visit_date", next_visit}};
    for (const auto& [key, value] : expected) {
        if (json_member(response.body, key) != value) {
            return ::testing::AssertionFailure() << "expected " << key << " = \"" << value << "\"\n"
                                                 << describe(response);
        }
    }
    return ::testing::AssertionSuccess();
}

class DataApiTest : public StackTest<DataApiTest> {
protected:
    static HttpResponse import(const std::string& ndjson) {
        return http().request("POST", kBase + "/data/import", ndjson,
                              {{"Content-Type", "application/x-ndjson"}});
    }
};

// ---------------------------------------------------------------- customers

TEST_F(DataApiTest, PutCustomerCreatesThenUpdates) {
    Customer customer = make_customer(1);
    HttpResponse created = http().put_json(customer.path(), customer.body());
    std::vector<std::string> first;
    ASSERT_TRUE(IsJsonLike(created, 201, customer_pattern(customer), &first));
    EXPECT_TRUE(IsNearNow(first[0], kJakartaOffset));
    EXPECT_EQ(first[0], first[1]) << "created_at and updated_at of a new customer";
    EXPECT_TRUE(IsJsonBody(http().get(customer.path()), 200, created.body));

    customer.name = "Siti Rahayu";
    customer.phone = "6281298765432";
    customer.address = "Jl. Sudirman 5, Bandung";
    HttpResponse updated = http().put_json(customer.path(), customer.body());
    std::vector<std::string> second;
    ASSERT_TRUE(IsJsonLike(updated, 200, customer_pattern(customer), &second));
    EXPECT_EQ(first[0], second[0]) << "created_at survives an update";
    EXPECT_GE(second[1], first[1]);
    EXPECT_TRUE(IsJsonBody(http().get(customer.path()), 200, updated.body));
}

TEST_F(DataApiTest, PutCustomerAcceptsOldColumnNames) {
    Customer customer = make_customer(2);
    HttpResponse created = http().put_json(
        customer.path(),
        "{\"nama\":" + json_quote(customer.name) + ",\"hp\":" + json_quote(customer.phone)
            + ",\"alamat\":" + json_quote(customer.address) + "}");
    EXPECT_TRUE(IsJsonLike(created, 201, customer_pattern(customer)));
    EXPECT_TRUE(IsJsonBody(http().get(customer.path()), 200, created.body));
}

TEST_F(DataApiTest, CustomerTextRoundTripsWithEscapes) {
    Customer customer = make_customer(3);
    customer.name = "Dewi \"Ayu\" Lestari \xE2\x80\x94 Ibu \xE2\x9C\x93";
    customer.address = "Jl. Gatot Subroto\\Blok C\nRT 01/RW 02\t\xC3\xA9";
    HttpResponse created = http().put_json(customer.path(), customer.body());
    ASSERT_TRUE(IsJson(created, 201));
    HttpResponse fetched = http().get(customer.path());
    ASSERT_TRUE(IsJson(fetched, 200));
    EXPECT_EQ(customer.name, json_member(fetched.body, "name"));
    EXPECT_EQ(customer.address, json_member(fetched.body, "address"));
    EXPECT_EQ(created.body, fetched.body);
}

TEST_F(DataApiTest, MissingCustomerGives404) {
    const std::string path = kBase + "/data/customers/" + new_uuid();
    EXPECT_TRUE(IsJsonBody(http().get(path), 404, kCustomerNotFound));
    EXPECT_TRUE(IsJsonBody(http().del(path), 404, kCustomerNotFound));
}

TEST_F(DataApiTest, DeleteCustomer) {
    Customer customer = make_customer(4);
    ASSERT_TRUE(PutCustomer(http(), customer));
    EXPECT_TRUE(IsJsonBody(http().del(customer.path()), 200, kCustomerDeleted));
    EXPECT_TRUE(IsJsonBody(http().get(customer.path()), 404, kCustomerNotFound));
    EXPECT_TRUE(IsJsonBody(http().del(customer.path()), 404, kCustomerNotFound));
    EXPECT_EQ(std::vector<std::string>{}, redis().keys("*" + customer.id + "*"));
}

TEST_F(DataApiTest, CustomerWithVehiclesCannotBeDeleted) {
    Customer customer = make_customer(5);
    HttpResponse created;
    ASSERT_TRUE(PutCustomer(http(), customer, &created));
    Vehicle vehicle = make_vehicle(customer.id, 5);
    ASSERT_TRUE(PutVehicle(http(), vehicle));

    EXPECT_TRUE(IsDetail(http().del(customer.path()), 409));
    EXPECT_TRUE(IsJsonBody(http().get(customer.path()), 200, created.body));

    EXPECT_TRUE(IsJsonBody(http().del(vehicle.path()), 200, kVehicleDeleted));
    EXPECT_TRUE(IsJsonBody(http().del(customer.path()), 200, kCustomerDeleted));
}

TEST_F(DataApiTest, BadCustomerInputGives422AndWritesNothing) {
    Customer existing = make_customer(6);
    HttpResponse existing_body;
    ASSERT_TRUE(PutCustomer(http(), existing, &existing_body));
    const std::string before = redis().digest();
    const std::string fresh = kBase + "/data/customers/" + new_uuid();

    struct Case {
        std::string body;
        std::vector<std::string> loc;  // empty: only loc[0] == "body" is required
    };
    const std::vector<Case> cases = {
        {"{\"name\":\"Budi\",", {}},
        {"", {}},
        {"not json at all", {}},
        {"[]", {}},
        {"{\"phone\":\"081234567890\",\"address\":\"Jl. A\"}", {"body", "name"}},
        {"{\"name\":\"Budi\",\"phone\":\"12x\",\"address\":\"Jl. A\"}", {"body", "phone"}},
        {"{\"name\":\"Budi\",\"phone\":\"\",\"address\":\"Jl. A\"}", {"body", "phone"}},
        {"{\"name\":\"Budi\",\"phone\":\"halo\",\"address\":\"Jl. A\"}", {"body", "phone"}},
        {"{\"name\":\"Budi\",\"address\":\"Jl. A\"}", {"body", "phone"}},
        {"{\"name\":[\"Budi\"],\"phone\":\"081234567890\",\"address\":\"Jl. A\"}",
         {"body", "name"}},
        {"{\"name\":null,\"phone\":\"081234567890\",\"address\":\"Jl. A\"}", {"body", "name"}},
        {"{\"name\":\"Budi\",\"phone\":true,\"address\":\"Jl. A\"}", {"body", "phone"}},
        {"{\"name\":\"Budi\",\"phone\":\"081234567890\",\"address\":{\"a\":1}}",
         {"body", "address"}},
        {"{\"nama\":\"Budi\",\"hp\":\"12x\",\"alamat\":\"Jl. A\"}", {"body", "phone"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("body: " + c.body);
        for (const std::string& path : {fresh, existing.path()}) {
            HttpResponse response = http().put_json(path, c.body);
            EXPECT_TRUE(IsValidationErrorIn(response, "body"));
            if (!c.loc.empty()) {
                EXPECT_TRUE(IsValidationError(response, c.loc));
            }
        }
    }
    EXPECT_EQ(before, redis().digest()) << "a rejected PUT changed Redis";
    EXPECT_TRUE(IsJsonBody(http().get(fresh), 404, kCustomerNotFound));
    EXPECT_TRUE(IsJsonBody(http().get(existing.path()), 200, existing_body.body));
}

TEST_F(DataApiTest, BadUuidInPathGives422) {
    Customer customer = make_customer(7);
    const std::string before = redis().digest();
    for (std::string kind : {"customers", "vehicles"}) {
        SCOPED_TRACE(kind);
        const std::string path = kBase + "/data/" + kind + "/not-a-uuid";
        const std::string body =
            kind == "customers" ? customer.body() : make_vehicle(customer.id, 7).body();
        EXPECT_TRUE(IsValidationErrorIn(http().put_json(path, body), "path"));
        EXPECT_TRUE(IsValidationErrorIn(http().get(path), "path"));
        EXPECT_TRUE(IsValidationErrorIn(http().del(path), "path"));
        EXPECT_TRUE(IsValidationErrorIn(http().get(kBase + "/data/" + kind + "/1234"), "path"));
    }
    EXPECT_EQ(before, redis().digest());
}

TEST_F(DataApiTest, BodyOverLimitGives413AndWritesNothing) {
    Customer customer = make_customer(8);
    const std::string before = redis().digest();

    customer.address = std::string(5000, 'a');
    EXPECT_TRUE(IsDetail(http().put_json(customer.path(), customer.body()), 413));

    RequestOptions chunked;
    chunked.chunked_body = true;
    EXPECT_TRUE(IsDetail(http().request("PUT", customer.path(), customer.body(),
                                        {{"Content-Type", "application/json"}}, chunked),
                         413));
    EXPECT_EQ(before, redis().digest());
    EXPECT_TRUE(IsJsonBody(http().get(customer.path()), 404, kCustomerNotFound));

    // Under the limit, chunked or not, is fine.
    customer.address = std::string(3000, 'a');
    EXPECT_TRUE(IsJson(http().request("PUT", customer.path(), customer.body(),
                                      {{"Content-Type", "application/json"}}, chunked),
                       201));
    EXPECT_TRUE(IsJson(http().put_json(customer.path(), customer.body()), 200));
}

// ---------------------------------------------------------------- vehicles

TEST_F(DataApiTest, PutVehicleCreatesDerivesNextVisitAndUpdates) {
    Customer customer = make_customer(10);
    ASSERT_TRUE(PutCustomer(http(), customer));
    Vehicle vehicle = make_vehicle(customer.id, 10);
    vehicle.last_visit_date = "2026-10-31";

    HttpResponse created = http().put_json(vehicle.path(), vehicle.body());
    EXPECT_TRUE(HasVehicleFields(created, 201, vehicle, "2027-02-28"));
    EXPECT_TRUE(IsJsonBody(http().get(vehicle.path()), 200, created.body));

    vehicle.model = "Xpander";
    vehicle.nopol = "D 4321 XY";
    HttpResponse updated = http().put_json(vehicle.path(), vehicle.body());
    EXPECT_TRUE(HasVehicleFields(updated, 200, vehicle, "2027-02-28"));
    EXPECT_EQ(json_member(created.body, "created_at"), json_member(updated.body, "created_at"));
    EXPECT_TRUE(IsJsonBody(http().get(vehicle.path()), 200, updated.body));
}

TEST_F(DataApiTest, NextVisitIsFourMonthsLaterClampedToMonthEnd) {
    Customer customer = make_customer(11);
    ASSERT_TRUE(PutCustomer(http(), customer));
    Vehicle vehicle = make_vehicle(customer.id, 11);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"2026-10-31", "2027-02-28"}, {"2027-10-31", "2028-02-29"}, {"2026-01-31", "2026-05-31"},
        {"2026-08-31", "2026-12-31"}, {"2026-06-15", "2026-10-15"}, {"2026-11-30", "2027-03-30"},
        {"2026-09-30", "2027-01-30"}, {"2026-12-01", "2027-04-01"}, {"2023-10-29", "2024-02-29"},
    };
    for (const auto& [last, next] : cases) {
        SCOPED_TRACE(last);
        vehicle.last_visit_date = last;
        HttpResponse response = http().put_json(vehicle.path(), vehicle.body());
        ASSERT_TRUE(response.status == 200 || response.status == 201) << describe(response);
        EXPECT_TRUE(HasVehicleFields(response, response.status, vehicle, next));
    }
}

TEST_F(DataApiTest, GivenNextVisitIsKept) {
    Customer customer = make_customer(12);
    ASSERT_TRUE(PutCustomer(http(), customer));
    Vehicle vehicle = make_vehicle(customer.id, 12);
    vehicle.next_visit_date = "2027-01-15";
    EXPECT_TRUE(HasVehicleFields(http().put_json(vehicle.path(), vehicle.body()), 201, vehicle,
                                 "2027-01-15"));
    EXPECT_TRUE(HasVehicleFields(http().get(vehicle.path()), 200, vehicle, "2027-01-15"));

    // Absent again: derived again from the last visit.
    vehicle.next_visit_date.clear();
    vehicle.last_visit_date = "2026-03-31";
    EXPECT_TRUE(HasVehicleFields(http().put_json(vehicle.path(), vehicle.body()), 200, vehicle,
                                 "2026-07-31"));
}

TEST_F(DataApiTest, PutVehicleAcceptsNoPol) {
    Customer customer = make_customer(13);
    ASSERT_TRUE(PutCustomer(http(), customer));
    Vehicle vehicle = make_vehicle(customer.id, 13);
    HttpResponse created = http().put_json(vehicle.path(),
                                           "{\"customer_id\":\"" + customer.id + "\",\"model\":\""
                                               + vehicle.model + "\",\"no_pol\":\"" + vehicle.nopol
                                               + "\",\"last_visit_date\":\"2026-10-31\"}");
    EXPECT_TRUE(HasVehicleFields(created, 201, vehicle, "2027-02-28"));
    EXPECT_TRUE(IsJsonBody(http().get(vehicle.path()), 200, created.body));
}

TEST_F(DataApiTest, VehicleOfUnknownCustomerGives422AndWritesNothing) {
    Customer customer = make_customer(14);
    ASSERT_TRUE(PutCustomer(http(), customer));
    const std::string before = redis().digest();
    Vehicle vehicle = make_vehicle(new_uuid(), 14);
    EXPECT_TRUE(IsValidationError(http().put_json(vehicle.path(), vehicle.body()),
                                  {"body", "customer_id"}));
    EXPECT_EQ(before, redis().digest());
    EXPECT_TRUE(IsJsonBody(http().get(vehicle.path()), 404, kVehicleNotFound));
}

TEST_F(DataApiTest, BadVehicleInputGives422AndWritesNothing) {
    Customer customer = make_customer(15);
    ASSERT_TRUE(PutCustomer(http(), customer));
    Vehicle existing = make_vehicle(customer.id, 15);
    HttpResponse existing_body;
    ASSERT_TRUE(PutVehicle(http(), existing, &existing_body));
    const std::string before = redis().digest();

    // The existing vehicle's body with one member replaced (or added).
    auto with = [&](const std::string& key, const std::string& json_value) {
        JsonPtr body = parse_json(existing.body());
        json_object_set_new(body.get(), key.c_str(),
                            json_loads(json_value.c_str(), JSON_DECODE_ANY, nullptr));
        return dump_json(body.get());
    };
    struct Case {
        std::string body;
        std::vector<std::string> loc;
    };
    const std::vector<Case> cases = {
        {"{\"customer_id\":", {}},
        {with("customer_id", "\"xyz\""), {"body", "customer_id"}},
        {with("customer_id", "42"), {"body", "customer_id"}},
        {with("last_visit_date", "\"2026-02-30\""), {"body", "last_visit_date"}},
        {with("last_visit_date", "\"31-10-2026\""), {"body", "last_visit_date"}},
        {with("last_visit_date", "20261031"), {"body", "last_visit_date"}},
        {with("next_visit_date", "\"soon\""), {"body", "next_visit_date"}},
        {with("model", "[1]"), {"body", "model"}},
        {with("nopol", "{}"), {"body", "nopol"}},
    };
    for (const std::string& path : {existing.path(), kBase + "/data/vehicles/" + new_uuid()}) {
        for (const auto& c : cases) {
            SCOPED_TRACE(path + " body: " + c.body);
            HttpResponse response = http().put_json(path, c.body);
            EXPECT_TRUE(IsValidationErrorIn(response, "body"));
            if (!c.loc.empty()) {
                EXPECT_TRUE(IsValidationError(response, c.loc));
            }
        }
    }
    EXPECT_EQ(before, redis().digest()) << "a rejected PUT changed Redis";
    EXPECT_TRUE(IsJsonBody(http().get(existing.path()), 200, existing_body.body));
}

TEST_F(DataApiTest, VehicleNotFoundAndDelete) {
    const std::string unknown = kBase + "/data/vehicles/" + new_uuid();
    EXPECT_TRUE(IsJsonBody(http().get(unknown), 404, kVehicleNotFound));
    EXPECT_TRUE(IsJsonBody(http().del(unknown), 404, kVehicleNotFound));

    Customer customer = make_customer(16);
    ASSERT_TRUE(PutCustomer(http(), customer));
    Vehicle vehicle = make_vehicle(customer.id, 16);
    ASSERT_TRUE(PutVehicle(http(), vehicle));
    EXPECT_TRUE(IsJsonBody(http().del(vehicle.path()), 200, kVehicleDeleted));
    EXPECT_TRUE(IsJsonBody(http().get(vehicle.path()), 404, kVehicleNotFound));
    EXPECT_TRUE(IsJsonBody(http().del(vehicle.path()), 404, kVehicleNotFound));
}

TEST_F(DataApiTest, VehicleMovedToAnotherCustomerFreesTheFirst) {
    Customer first = make_customer(17);
    Customer second = make_customer(18);
    ASSERT_TRUE(PutCustomer(http(), first));
    ASSERT_TRUE(PutCustomer(http(), second));
    Vehicle vehicle = make_vehicle(first.id, 17);
    ASSERT_TRUE(PutVehicle(http(), vehicle));

    vehicle.customer_id = second.id;
    EXPECT_TRUE(HasVehicleFields(http().put_json(vehicle.path(), vehicle.body()), 200, vehicle,
                                 "2027-02-28"));
    EXPECT_TRUE(IsJsonBody(http().del(first.path()), 200, kCustomerDeleted));
    EXPECT_TRUE(IsDetail(http().del(second.path()), 409));
}

// ---------------------------------------------------------------- import

TEST_F(DataApiTest, ImportAppliesValidLinesAndListsTheOthers) {
    Customer c1 = make_customer(20);
    Customer c2 = make_customer(21);
    Customer c3 = make_customer(22);
    Vehicle v1 = make_vehicle(c1.id, 20);
    Vehicle v2 = make_vehicle(new_uuid(), 21);  // unknown customer
    Vehicle v3 = make_vehicle(c2.id, 22);
    v3.last_visit_date = "2026-01-31";

    const std::vector<std::string> lines = {
        /* 1 */ "{\"kind\":\"customer\",\"id\":\"" + c1.id + "\",\"name\":" + json_quote(c1.name)
            + ",\"phone\":\"" + c1.phone + "\",\"address\":" + json_quote(c1.address) + "}",
        /* 2 */ "",
        /* 3 */ "{\"kind\":\"vehicle\",\"id\":\"" + v1.id + "\",\"customer_id\":\"" + c1.id
            + "\",\"model\":\"" + v1.model + "\",\"nopol\":\"" + v1.nopol
            + "\",\"last_visit_date\":\"2026-10-31\"}",
        /* 4 */ "this is not json",
        /* 5 */ "{\"kind\":\"vehicle\",\"id\":\"" + v2.id + "\",\"customer_id\":\"" + v2.customer_id
            + "\",\"model\":\"Brio\",\"nopol\":\"B 1 A\",\"last_visit_date\":\"2026-10-31\"}",
        /* 6 */ "{\"kind\":\"boat\",\"id\":\"" + new_uuid() + "\"}",
        /* 7 */ "{\"kind\":\"customer\",\"id\":\"" + c2.id + "\",\"nama\":" + json_quote(c2.name)
            + ",\"hp\":\"" + c2.phone + "\",\"alamat\":" + json_quote(c2.address) + "}",
        /* 8 */ "{\"kind\":\"customer\",\"id\":\"" + c3.id
            + "\",\"name\":\"X\",\"phone\":\"12x\",\"address\":\"Y\"}",
        /* 9 */ "{\"kind\":\"vehicle\",\"id\":\"" + v3.id + "\",\"customer_id\":\"" + c2.id
            + "\",\"model\":\"" + v3.model + "\",\"no_pol\":\"" + v3.nopol
            + "\",\"last_visit_date\":\"2026-01-31\"}",
        /* 10 */
        "{\"kind\":\"customer\",\"id\":\"nope\",\"name\":\"X\",\"phone\":\"081234567890\","
        "\"address\":\"Y\"}",
    };
    std::string ndjson;
    for (const auto& line : lines)
        ndjson += line + "\n";
    ASSERT_LT(ndjson.size(), 4096u) << "keep under wa_report_max_body_size";

    HttpResponse response = import(ndjson);
    EXPECT_TRUE(
        IsJsonLike(response, 200,
                   "{\"imported\":4,\"errors\":[{\"line\":4,\"detail\":\"<STR>\"},"
                   "{\"line\":5,\"detail\":\"<STR>\"},{\"line\":6,\"detail\":\"<STR>\"},"
                   "{\"line\":8,\"detail\":\"<STR>\"},{\"line\":10,\"detail\":\"<STR>\"}]}"));
    EXPECT_EQ(std::string::npos, response.body.find("\"detail\":\"\""))
        << "every error names its problem: " << response.body;

    EXPECT_TRUE(IsJsonLike(http().get(c1.path()), 200, customer_pattern(c1)));
    EXPECT_TRUE(IsJsonLike(http().get(c2.path()), 200, customer_pattern(c2)));
    EXPECT_TRUE(IsJsonBody(http().get(c3.path()), 404, kCustomerNotFound));
    EXPECT_TRUE(HasVehicleFields(http().get(v1.path()), 200, v1, "2027-02-28"));
    EXPECT_TRUE(IsJsonBody(http().get(v2.path()), 404, kVehicleNotFound));
    EXPECT_TRUE(HasVehicleFields(http().get(v3.path()), 200, v3, "2026-05-31"));

    // Imported data is real data: it can be reported on.
    EXPECT_TRUE(Record(http(), c1.id, v1.id, "import-check"));
}

TEST_F(DataApiTest, ImportOfNothing) {
    EXPECT_TRUE(IsJsonBody(import(""), 200, "{\"imported\":0,\"errors\":[]}"));
    EXPECT_TRUE(IsJsonBody(import("\n\n\n"), 200, "{\"imported\":0,\"errors\":[]}"));
    EXPECT_EQ(0, redis().dbsize());
}

TEST_F(DataApiTest, ImportUpdatesExistingAndReadsALastLineWithoutNewline) {
    Customer customer = make_customer(23);
    HttpResponse original;
    ASSERT_TRUE(PutCustomer(http(), customer, &original));
    customer.name = "Andi Wibowo";
    Customer other = make_customer(24);
    std::string ndjson = "{\"kind\":\"customer\",\"id\":\"" + customer.id
        + "\",\"name\":\"Andi Wibowo\",\"phone\":\"" + customer.phone
        + "\",\"address\":" + json_quote(customer.address) + "}\n"
        + "{\"kind\":\"customer\",\"id\":\"" + other.id + "\",\"name\":" + json_quote(other.name)
        + ",\"phone\":\"" + other.phone + "\",\"address\":" + json_quote(other.address) + "}";

    EXPECT_TRUE(IsJsonBody(import(ndjson), 200, "{\"imported\":2,\"errors\":[]}"));
    std::vector<std::string> times;
    EXPECT_TRUE(IsJsonLike(http().get(customer.path()), 200, customer_pattern(customer), &times));
    if (times.size() == 2) {
        EXPECT_EQ(json_member(original.body, "created_at"), times[0]);
    }
    EXPECT_TRUE(IsJsonLike(http().get(other.path()), 200, customer_pattern(other)));
}

TEST_F(DataApiTest, ImportSkipsALineLongerThanTheBodyLimitAndGoesOn) {
    Customer first = make_customer(25);
    Customer last = make_customer(26);
    auto line = [](const Customer& c) {
        return "{\"kind\":\"customer\",\"id\":\"" + c.id + "\",\"name\":" + json_quote(c.name)
            + ",\"phone\":\"" + c.phone + "\",\"address\":" + json_quote(c.address) + "}\n";
    };
    // 100 KB on one line, far over wa_report_max_body_size (4k here).
    std::string overlong =
        "{\"kind\":\"customer\",\"name\":\"" + std::string(100 * 1024, 'x') + "\"}\n";
    std::string ndjson = line(first) + overlong + line(last);

    EXPECT_TRUE(IsJsonBody(import(ndjson), 200,
                           "{\"imported\":2,\"errors\":[{\"line\":2,\"detail\":"
                           "\"line is longer than 4096 bytes\"}]}"));
    EXPECT_TRUE(IsJsonLike(http().get(first.path()), 200, customer_pattern(first)));
    EXPECT_TRUE(IsJsonLike(http().get(last.path()), 200, customer_pattern(last)));
}

// ---------------------------------------------------------------- text

const std::string kControlError =
    "\"msg\":\"value must not contain control characters\",\"type\":\"value_error.str.control\"}";

// Names, plates and models are stored as the user meant them, on one line:
// what a provider refuses (a newline, a tab, more than 4 spaces in a row)
// never reaches Redis.
TEST_F(DataApiTest, NamesPlatesAndModelsAreStoredOnOneLine) {
    Customer customer = make_customer(30);
    HttpResponse created = http().put_json(
        customer.path(),
        "{\"name\":\" Budi \\n\\t Santoso     Putra \",\"phone\":\"0812\\t3456  7890\","
        "\"address\":\"Jl. Merdeka 1\\nRT 02 \"}");
    customer.name = "Budi Santoso Putra";
    customer.phone = "0812 3456 7890";
    customer.address = "Jl. Merdeka 1\nRT 02";
    ASSERT_TRUE(IsJsonLike(created, 201, customer_pattern(customer)));
    EXPECT_TRUE(IsJsonBody(http().get(customer.path()), 200, created.body));
    EXPECT_EQ("Budi Santoso Putra",
              redis().command({"HGET", "{wa}:customer:" + customer.id, "name"}).str);

    Vehicle vehicle = make_vehicle(customer.id, 30);
    HttpResponse put = http().put_json(
      vehicle.path(), "{\"customer_id\":\"" + customer.id +
                          "\",\"model\":\"Honda\\u00a0Vario\\r\\n125\",\"nopol\":\"  B\\t1234     CD\","
                          "\"last_visit_date\":\"2026-10-31\"}");
    vehicle.model = "Honda Vario 125";
    vehicle.nopol = "B 1234 CD";
    EXPECT_TRUE(HasVehicleFields(put, 201, vehicle, "2027-02-28"));
    EXPECT_EQ("Honda Vario 125",
              redis().command({"HGET", "{wa}:vehicle:" + vehicle.id, "model"}).str);
    EXPECT_EQ("B 1234 CD", redis().command({"HGET", "{wa}:vehicle:" + vehicle.id, "nopol"}).str);
}

TEST_F(DataApiTest, ControlCharactersGive422NamingTheFieldAndWriteNothing) {
    Customer customer = make_customer(31);
    HttpResponse existing;
    ASSERT_TRUE(PutCustomer(http(), customer, &existing));
    const std::string before = redis().digest();

    EXPECT_TRUE(IsJsonBody(
        http().put_json(customer.path(), "{\"name\":\"Budi\\u0007\",\"phone\":\"081234567890\"}"),
        422, "{\"detail\":[{\"loc\":[\"body\",\"name\"]," + kControlError + "]}"));
    EXPECT_TRUE(IsJsonBody(http().put_json(kBase + "/data/customers/" + new_uuid(),
                                           "{\"nama\":\"Budi\\u001b[2J\",\"hp\":\"081234567890\"}"),
                           422,
                           "{\"detail\":[{\"loc\":[\"body\",\"name\"]," + kControlError + "]}"));
    Vehicle vehicle = make_vehicle(customer.id, 31);
    EXPECT_TRUE(IsJsonBody(
        http().put_json(vehicle.path(),
                        "{\"customer_id\":\"" + customer.id
                            + "\",\"model\":\"Vario\\u007f\",\"nopol\":\"B 1\\u0008 CD\","
                              "\"last_visit_date\":\"2026-10-31\"}"),
        422,
        "{\"detail\":[{\"loc\":[\"body\",\"model\"]," + kControlError
            + ",{\"loc\":[\"body\",\"nopol\"]," + kControlError + "]}"));
    EXPECT_EQ(before, redis().digest()) << "a rejected PUT changed Redis";
    EXPECT_TRUE(IsJsonBody(http().get(customer.path()), 200, existing.body));
    EXPECT_TRUE(IsJsonBody(http().get(vehicle.path()), 404, kVehicleNotFound));
}

TEST_F(DataApiTest, ImportTidiesTextAndRefusesControlCharacters) {
    Customer tidy = make_customer(32);
    Customer bad = make_customer(33);
    const std::string ndjson = "{\"kind\":\"customer\",\"id\":\"" + tidy.id
        + "\",\"nama\":\"  Joko\\r\\nHidayat \",\"hp\":\"" + tidy.phone
        + "\",\"alamat\":\"Surabaya\"}\n" + "{\"kind\":\"customer\",\"id\":\"" + bad.id
        + "\",\"nama\":\"Joko\\u0008\",\"hp\":\"" + bad.phone + "\",\"alamat\":\"Surabaya\"}\n";
    EXPECT_TRUE(IsJsonBody(import(ndjson), 200,
                           "{\"imported\":1,\"errors\":[{\"line\":2,\"detail\":"
                           "\"name: value must not contain control characters\"}]}"));
    tidy.name = "Joko Hidayat";
    tidy.address = "Surabaya";
    EXPECT_TRUE(IsJsonLike(http().get(tidy.path()), 200, customer_pattern(tidy)));
    EXPECT_TRUE(IsJsonBody(http().get(bad.path()), 404, kCustomerNotFound));
}

}  // namespace
}  // namespace wa::itest

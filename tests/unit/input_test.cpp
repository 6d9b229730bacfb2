#include <gtest/gtest.h>

#include "core/input.hpp"

namespace wa {
namespace {

constexpr const char* kCustomer = "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";
constexpr const char* kVehicle = "451b4cf3-6123-4df7-b656-af7229d4beef";

template <class T>
std::string body_of_errors(const Parsed<T>& p) {
    EXPECT_FALSE(p.value.has_value());
    return validation_errors(p.errors);
}

TEST(ParseCustomer, AcceptsEnglishNames) {
    auto p = parse_customer(
        R"({"name":" Budi Santoso ","phone":" 0812-3456-7890 ","address":"Jl. Merdeka 1"})");
    ASSERT_TRUE(p.value) << validation_errors(p.errors);
    EXPECT_TRUE(p.errors.empty());
    EXPECT_EQ(p.value->name, "Budi Santoso");
    EXPECT_EQ(p.value->phone, "0812-3456-7890");
    EXPECT_EQ(p.value->address, "Jl. Merdeka 1");
}

TEST(ParseCustomer, AcceptsIndonesianAliasesAndDefaultsTheAddress) {
    auto p = parse_customer(R"({"nama":"Sri Lestari","hp":"+62 827 1040 5411","extra":1})");
    ASSERT_TRUE(p.value) << validation_errors(p.errors);
    EXPECT_EQ(p.value->name, "Sri Lestari");
    EXPECT_EQ(p.value->phone, "+62 827 1040 5411");
    EXPECT_EQ(p.value->address, "");

    p = parse_customer(R"({"nama":"Sri","hp":"082710405411","alamat":"Bandung"})");
    ASSERT_TRUE(p.value);
    EXPECT_EQ(p.value->address, "Bandung");

    p = parse_customer(R"({"name":"Sri","phone":"082710405411","address":null})");
    ASSERT_TRUE(p.value);
    EXPECT_EQ(p.value->address, "");
}

TEST(ParseCustomer, PrefersTheEnglishNameWhenBothAreGiven) {
    auto p = parse_customer(R"({"nama":"A","name":"B","phone":"082710405411"})");
    ASSERT_TRUE(p.value);
    EXPECT_EQ(p.value->name, "B");
}

TEST(ParseCustomer, ReportsEveryBadFieldInDeclarationOrder) {
    auto p = parse_customer(R"({"phone":"12345","address":7})");
    EXPECT_EQ(
        body_of_errors(p),
        R"({"detail":[{"loc":["body","name"],"msg":"field required","type":"value_error.missing"},)"
        R"({"loc":["body","phone"],"msg":"value is not a plausible phone number","type":"value_error.phone"},)"
        R"({"loc":["body","address"],"msg":"str type expected","type":"type_error.str"}]})");
    EXPECT_EQ(errors_text(p.errors),
              "name: field required; phone: value is not a plausible phone number; address: str "
              "type expected");
}

TEST(ParseCustomer, ChecksTypesNullsAndLengths) {
    auto p = parse_customer(R"({"name":42,"phone":null})");
    ASSERT_EQ(p.errors.size(), 2u);
    EXPECT_EQ(p.errors[0].type, "type_error.str");
    EXPECT_EQ(p.errors[0].msg, "str type expected");
    EXPECT_EQ(p.errors[1].field, "phone");
    EXPECT_EQ(p.errors[1].type, "type_error.none.not_allowed");

    p = parse_customer(R"({"name":"   ","phone":6281234567890})");
    ASSERT_EQ(p.errors.size(), 2u);
    EXPECT_EQ(p.errors[0].type, "value_error.any_str.min_length");
    EXPECT_EQ(p.errors[1].type, "type_error.str");

    std::string long_name(201, 'x');
    p = parse_customer(R"({"name":")" + long_name + R"(","phone":"081234567890"})");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].msg, "ensure this value has at most 200 characters");
    EXPECT_EQ(p.errors[0].type, "value_error.any_str.max_length");

    p = parse_customer(R"({"name":")" + std::string(200, 'x') + R"(","phone":"081234567890"})");
    EXPECT_TRUE(p.value);
}

TEST(ParseCustomer, RejectsPhonesPaddedBeyondReason) {
    auto p = parse_customer(R"({"name":"A","phone":"0812 - - - - - - - - - - 3456 - 7890"})");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].type, "value_error.phone");
}

TEST(ParseBody, ReportsInvalidJson) {
    auto p = parse_customer("{\"name\":");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].where, "body");
    EXPECT_EQ(p.errors[0].field, "");
    EXPECT_EQ(p.errors[0].type, "value_error.jsondecode");
    EXPECT_EQ(p.errors[0].msg.rfind("Invalid JSON: ", 0), 0u) << p.errors[0].msg;
    EXPECT_EQ(validation_errors(p.errors).substr(0, 29), R"({"detail":[{"loc":["body"],"m)");
}

TEST(ParseBody, RejectsDuplicateKeysAndBadUtf8) {
    auto p = parse_customer(R"({"name":"A","name":"B","phone":"081234567890"})");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].type, "value_error.jsondecode");
    EXPECT_NE(p.errors[0].msg.find("duplicate"), std::string::npos) << p.errors[0].msg;

    p = parse_customer("{\"name\":\"\xff\",\"phone\":\"081234567890\"}");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].type, "value_error.jsondecode");
}

TEST(ParseBody, RejectsNonObjects) {
    for (const char* body : {"[]", "\"text\"", "42", "null", "true"}) {
        auto p = parse_customer(body);
        ASSERT_EQ(p.errors.size(), 1u) << body;
        EXPECT_EQ(p.errors[0].type, "type_error.dict") << body;
        EXPECT_EQ(p.errors[0].msg, "value is not a valid dict");
        EXPECT_EQ(
            validation_errors(p.errors),
            R"({"detail":[{"loc":["body"],"msg":"value is not a valid dict","type":"type_error.dict"}]})");
    }
}

TEST(ParseBody, TreatsAnEmptyBodyAsMissing) {
    for (const char* body : {"", "  \n"}) {
        auto p = parse_record(body);
        EXPECT_EQ(
            body_of_errors(p),
            R"({"detail":[{"loc":["body"],"msg":"field required","type":"value_error.missing"}]})");
    }
}

TEST(ParseBody, DoesNotReadPastTheGivenLength) {
    std::string buffer = R"({"id_customer":")" + std::string(kCustomer) + R"(","id_vehicle":")"
        + kVehicle + R"(","message_id":"m1"}garbage)";
    auto p = parse_record(std::string_view(buffer).substr(0, buffer.size() - 7));
    EXPECT_TRUE(p.value) << validation_errors(p.errors);
}

TEST(ParseVehicle, AcceptsAVehicle) {
    auto p = parse_vehicle(
        R"({"customer_id":"19DB3AD0DDD14FB2BB982EF8DAF61A26","model":"Avanza",)"
        R"("nopol":" B 1234 CD ","last_visit_date":"2026-01-05","next_visit_date":"2026-05-05"})");
    ASSERT_TRUE(p.value) << validation_errors(p.errors);
    EXPECT_EQ(p.value->customer_id, kCustomer);
    EXPECT_EQ(p.value->model, "Avanza");
    EXPECT_EQ(p.value->nopol, "B 1234 CD");
    EXPECT_EQ(p.value->last_visit, (Date{2026, 1, 5}));
    EXPECT_EQ(p.value->next_visit, (Date{2026, 5, 5}));
}

TEST(ParseVehicle, AcceptsTheNoPolAliasAndAnAbsentOrNullNextVisit) {
    auto p = parse_vehicle(
        R"({"customer_id":")" + std::string(kCustomer)
        + R"(","model":"Calya","no_pol":"DK 2341 JE","last_visit_date":"2028-02-29"})");
    ASSERT_TRUE(p.value) << validation_errors(p.errors);
    EXPECT_EQ(p.value->nopol, "DK 2341 JE");
    EXPECT_EQ(p.value->next_visit, std::nullopt);

    p = parse_vehicle(
        R"({"customer_id":")" + std::string(kCustomer)
        + R"(","model":"Calya","nopol":"DK 2341 JE","last_visit_date":"2026-01-05","next_visit_date":null})");
    ASSERT_TRUE(p.value);
    EXPECT_EQ(p.value->next_visit, std::nullopt);
}

TEST(ParseVehicle, ReportsEveryBadField) {
    auto p = parse_vehicle(
        R"({"customer_id":"abc","model":")" + std::string(101, 'm')
        + R"(","nopol":"","last_visit_date":"2026-02-29","next_visit_date":20260505})");
    EXPECT_EQ(
        body_of_errors(p),
        R"({"detail":[{"loc":["body","customer_id"],"msg":"value is not a valid uuid","type":"type_error.uuid"},)"
        R"({"loc":["body","model"],"msg":"ensure this value has at most 100 characters","type":"value_error.any_str.max_length"},)"
        R"({"loc":["body","nopol"],"msg":"ensure this value has at least 1 characters","type":"value_error.any_str.min_length"},)"
        R"({"loc":["body","last_visit_date"],"msg":"invalid date format","type":"value_error.date"},)"
        R"({"loc":["body","next_visit_date"],"msg":"invalid date format","type":"value_error.date"}]})");
}

TEST(ParseVehicle, ReportsMissingFields) {
    auto p = parse_vehicle("{}");
    ASSERT_EQ(p.errors.size(), 4u);
    EXPECT_EQ(errors_text(p.errors),
              "customer_id: field required; model: field required; nopol: field required; "
              "last_visit_date: field required");

    p = parse_vehicle(R"({"customer_id":12,"model":"A","nopol":")" + std::string(21, 'N')
                      + R"(","last_visit_date":null})");
    ASSERT_EQ(p.errors.size(), 3u);
    EXPECT_EQ(p.errors[0].type, "type_error.uuid");
    EXPECT_EQ(p.errors[1].type, "value_error.any_str.max_length");
    EXPECT_EQ(p.errors[2].type, "type_error.none.not_allowed");
}

TEST(ParseRecord, AcceptsARecord) {
    auto p = parse_record(R"({"id_customer":"{)" + std::string(kCustomer)
                          + R"(}","id_vehicle":"urn:uuid:)" + kVehicle
                          + R"(","message_id":"wamid.HBgM"})");
    ASSERT_TRUE(p.value) << validation_errors(p.errors);
    EXPECT_EQ(p.value->id_customer, kCustomer);
    EXPECT_EQ(p.value->id_vehicle, kVehicle);
    EXPECT_EQ(p.value->message_id, "wamid.HBgM");
}

TEST(ParseRecord, ReportsBadIdsAndMessageIds) {
    auto p = parse_record(R"({"id_customer":"x","id_vehicle":null,"message_id":""})");
    EXPECT_EQ(
        body_of_errors(p),
        R"({"detail":[{"loc":["body","id_customer"],"msg":"value is not a valid uuid","type":"type_error.uuid"},)"
        R"({"loc":["body","id_vehicle"],"msg":"none is not an allowed value","type":"type_error.none.not_allowed"},)"
        R"({"loc":["body","message_id"],"msg":"ensure this value has at least 1 characters","type":"value_error.any_str.min_length"}]})");

    std::string ids =
        R"({"id_customer":")" + std::string(kCustomer) + R"(","id_vehicle":")" + kVehicle + R"(",)";
    p = parse_record(ids + R"("message_id":")" + std::string(257, 'm') + R"("})");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].msg, "ensure this value has at most 256 characters");

    p = parse_record(ids + R"("message_id":")" + std::string(256, 'm') + R"("})");
    EXPECT_TRUE(p.value);

    p = parse_record(ids + R"("message_id":["m"]})");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].type, "type_error.str");
}

TEST(ParseImportLine, ReadsCustomers) {
    auto p =
        parse_import_line(R"({"kind":"customer","id":")" + std::string(kCustomer)
                          + R"(","nama":"Joko Hidayat","hp":"087525534192","alamat":"Surabaya"})");
    ASSERT_TRUE(p.value) << validation_errors(p.errors);
    EXPECT_EQ(p.value->kind, ImportLine::Customer);
    EXPECT_EQ(p.value->id, kCustomer);
    EXPECT_EQ(p.value->customer.name, "Joko Hidayat");
    EXPECT_EQ(p.value->customer.phone, "087525534192");
    EXPECT_EQ(p.value->customer.address, "Surabaya");
}

TEST(ParseImportLine, ReadsVehicles) {
    auto p = parse_import_line(
        R"({"kind":"vehicle","id":")" + std::string(kVehicle) + R"(","customer_id":")" + kCustomer
        + R"(","model":"Ertiga","no_pol":"L 5314 BH","last_visit_date":"2026-10-31"})");
    ASSERT_TRUE(p.value) << validation_errors(p.errors);
    EXPECT_EQ(p.value->kind, ImportLine::Vehicle);
    EXPECT_EQ(p.value->id, kVehicle);
    EXPECT_EQ(p.value->vehicle.customer_id, kCustomer);
    EXPECT_EQ(p.value->vehicle.nopol, "L 5314 BH");
    EXPECT_EQ(p.value->vehicle.last_visit, (Date{2026, 10, 31}));
}

TEST(ParseImportLine, ReportsTheKindIdAndFields) {
    auto p = parse_import_line(R"({"kind":"truck","id":"1"})");
    EXPECT_FALSE(p.value);
    EXPECT_EQ(
        errors_text(p.errors),
        "kind: unexpected value; permitted: 'customer', 'vehicle'; id: value is not a valid uuid");

    p = parse_import_line(R"({"kind":"customer","id":")" + std::string(kCustomer)
                          + R"(","name":"A","phone":"1"})");
    EXPECT_EQ(errors_text(p.errors), "phone: value is not a plausible phone number");

    p = parse_import_line(R"({"kind":"vehicle"})");
    EXPECT_EQ(errors_text(p.errors),
              "id: field required; customer_id: field required; model: field required; "
              "nopol: field required; last_visit_date: field required");

    p = parse_import_line("not json");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(errors_text(p.errors).rfind("Invalid JSON: ", 0), 0u);
}

// Names, plates and models are stored as one readable line: what Meta refuses
// as a template parameter (a newline, a tab, more than 4 spaces in a row)
// never gets stored.
TEST(TextFields, NamesPlatesAndModelsBecomeOneLine) {
    auto c = parse_customer(
        R"({"name":" Budi\n\t Santoso  ","phone":"0812\t3456  7890","address":" Jl. Merdeka 1\nRT 02 "})");
    ASSERT_TRUE(c.value) << validation_errors(c.errors);
    EXPECT_EQ(c.value->name, "Budi Santoso");
    EXPECT_EQ(c.value->phone, "0812 3456 7890");
    EXPECT_EQ(c.value->address, "Jl. Merdeka 1\nRT 02") << "an address keeps its lines";

    auto v =
        parse_vehicle(R"({"customer_id":")" + std::string(kCustomer)
                      + R"(","model":"Honda\u00a0\u00a0Vario     125","nopol":"B\r\n1234\tCD",)"
                        R"("last_visit_date":"2026-01-05"})");
    ASSERT_TRUE(v.value) << validation_errors(v.errors);
    EXPECT_EQ(v.value->model, "Honda Vario 125");
    EXPECT_EQ(v.value->nopol, "B 1234 CD");

    // Lengths are those of what is stored.
    v = parse_vehicle(
        R"({"customer_id":")" + std::string(kCustomer)
        + R"(","model":"A",)"
          R"("nopol":"  B        1234          CD  ","last_visit_date":"2026-01-05"})");
    ASSERT_TRUE(v.value) << validation_errors(v.errors);
    EXPECT_EQ(v.value->nopol, "B 1234 CD");
    c = parse_customer(R"({"name":"\n\t\u3000","phone":"081234567890"})");
    EXPECT_EQ(
        body_of_errors(c),
        R"({"detail":[{"loc":["body","name"],"msg":"ensure this value has at least 1 characters",)"
        R"("type":"value_error.any_str.min_length"}]})");
}

TEST(TextFields, ControlCharactersAreRefusedByName) {
    auto c = parse_customer(
        R"({"name":"Budi\u0007","phone":"0812\u001b3456 7890","address":"Jl.\u0002"})");
    EXPECT_EQ(
        body_of_errors(c),
        R"({"detail":[{"loc":["body","name"],"msg":"value must not contain control characters","type":"value_error.str.control"},)"
        R"({"loc":["body","phone"],"msg":"value must not contain control characters","type":"value_error.str.control"},)"
        R"({"loc":["body","address"],"msg":"value must not contain control characters","type":"value_error.str.control"}]})");

    auto v = parse_vehicle(
        R"({"customer_id":")" + std::string(kCustomer)
        + R"(","model":"Vario\u007f","nopol":"B 1\u009b2","last_visit_date":"2026-01-05"})");
    EXPECT_EQ(
        body_of_errors(v),
        R"({"detail":[{"loc":["body","model"],"msg":"value must not contain control characters","type":"value_error.str.control"},)"
        R"({"loc":["body","nopol"],"msg":"value must not contain control characters","type":"value_error.str.control"}]})");

    auto line = parse_import_line(R"({"kind":"customer","id":")" + std::string(kCustomer)
                                  + R"(","nama":"Joko\u0008","hp":"087525534192"})");
    EXPECT_EQ(errors_text(line.errors), "name: value must not contain control characters");
    line = parse_import_line(R"({"kind":"customer","id":")" + std::string(kCustomer)
                             + R"(","nama":"  Joko\r\nHidayat ","hp":"087525534192"})");
    ASSERT_TRUE(line.value) << validation_errors(line.errors);
    EXPECT_EQ(line.value->customer.name, "Joko Hidayat");

    auto r = parse_record(R"({"id_customer":")" + std::string(kCustomer) + R"(","id_vehicle":")"
                          + kVehicle + R"(","message_id":"wamid.\u0001"})");
    EXPECT_EQ(errors_text(r.errors), "message_id: value must not contain control characters");
}

TEST(ErrorsText, JoinsFieldsAndMessages) {
    FieldError body;
    body.where = "body";
    body.msg = "value is not a valid dict";

    FieldError phone;
    phone.where = "body";
    phone.field = "phone";
    phone.msg = "value is not a plausible phone number";

    EXPECT_EQ(errors_text({}), "");
    EXPECT_EQ(errors_text({body}), "value is not a valid dict");
    EXPECT_EQ(errors_text({phone, body}),
              "phone: value is not a plausible phone number; value is not a valid dict");
}

}  // namespace
}  // namespace wa

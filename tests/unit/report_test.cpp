#include <gtest/gtest.h>

#include "core/report.hpp"

namespace wa {
namespace {

Report sample_report() {
    Report r;
    r.id = "e059a0ee-9132-463e-b162-87e4e9c349e0";
    r.id_customer = "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";
    r.id_vehicle = "451b4cf3-6123-4df7-b656-af7229d4beef";
    r.last_message_date = "2026-02-01T13:03:00";
    r.frequency = 6;
    r.created_at = "2026-01-13T08:10:00";
    r.updated_at = "2026-02-01T13:03:00";
    return r;
}

TEST(AppendReport, MatchesTheCapturedBody) {
    std::string out;
    append_report(out, sample_report());
    EXPECT_EQ(
        out,
        R"({"id_customer":"19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26","id_vehicle":"451b4cf3-6123-4df7-b656-af7229d4beef",)"
        R"("last_message_date":"2026-02-01T13:03:00","frequency":6,"id":"e059a0ee-9132-463e-b162-87e4e9c349e0",)"
        R"("created_at":"2026-01-13T08:10:00","updated_at":"2026-02-01T13:03:00"})");
}

TEST(AppendReport, WritesNullForNoMessageYetAndAppends) {
    Report r = sample_report();
    r.last_message_date.reset();
    r.frequency = 0;

    std::string out = "[";
    append_report(out, r);
    EXPECT_EQ(out.substr(0, 2), "[{");
    EXPECT_NE(out.find(R"("last_message_date":null,"frequency":0,)"), std::string::npos);
}

TEST(AppendReportDetail, MatchesTheCapturedBody) {
    ReportDetail d;
    d.id = "e059a0ee-9132-463e-b162-87e4e9c349e0";
    d.customer_name = "Joko Hidayat";
    d.customer_phone = "087525534192";
    d.vehicle_model = "Ertiga";
    d.vehicle_nopol = "L 5314 BH";
    d.last_message_date = "2026-02-01T13:03:00";
    d.frequency = 6;
    d.created_at = "2026-01-13T08:10:00";
    d.updated_at = "2026-02-01T13:03:00";

    std::string out;
    append_report_detail(out, d);
    EXPECT_EQ(
        out,
        R"({"id":"e059a0ee-9132-463e-b162-87e4e9c349e0","customer_name":"Joko Hidayat","customer_phone":"087525534192",)"
        R"("vehicle_model":"Ertiga","vehicle_nopol":"L 5314 BH","last_message_date":"2026-02-01T13:03:00",)"
        R"("frequency":6,"created_at":"2026-01-13T08:10:00","updated_at":"2026-02-01T13:03:00"})");
}

TEST(AppendReportDetail, WritesNullForMissingCustomerOrVehicle) {
    ReportDetail d;
    d.id = "x";
    d.created_at = "c";
    d.updated_at = "u";

    std::string out;
    append_report_detail(out, d);
    EXPECT_EQ(
        out,
        R"({"id":"x","customer_name":null,"customer_phone":null,"vehicle_model":null,"vehicle_nopol":null,)"
        R"("last_message_date":null,"frequency":0,"created_at":"c","updated_at":"u"})");
}

TEST(StatsJson, MatchesTheCapturedNumbersInAscendingOrder) {
    Stats s;
    s.reports = 6999;
    s.messages = 31241;
    s.by_frequency = {{8, 866}, {7, 824}, {1, 910}, {5, 909},
                      {2, 885}, {4, 856}, {6, 883}, {3, 866}};

    EXPECT_EQ(
        stats_json(s),
        R"({"total_customers_with_vehicles":6999,"total_messages_sent":31241,)"
        R"("average_messages_per_customer":4.463637662523218,)"
        R"("customers_by_frequency":{"1":910,"2":885,"3":866,"4":856,"5":909,"6":883,"7":824,"8":866}})");
}

TEST(StatsJson, SortsNumericallyAndOmitsEmptyCounts) {
    Stats s;
    s.reports = 4;
    s.messages = 16;
    s.by_frequency = {{10, 1}, {2, 3}, {0, 0}, {3, 0}};

    EXPECT_EQ(stats_json(s),
              R"({"total_customers_with_vehicles":4,"total_messages_sent":16,)"
              R"("average_messages_per_customer":4.0,"customers_by_frequency":{"2":3,"10":1}})");
}

TEST(StatsJson, AveragesZeroWhenThereAreNoReports) {
    EXPECT_EQ(stats_json(Stats{}),
              R"({"total_customers_with_vehicles":0,"total_messages_sent":0,)"
              R"("average_messages_per_customer":0.0,"customers_by_frequency":{}})");
}

TEST(ResetMessageJson, MatchesTheCapturedBodies) {
    EXPECT_EQ(reset_message_json(6998, std::nullopt),
              R"({"message":"Frequency untuk 6998 report berhasil direset","count":6998})");
    EXPECT_EQ(
        reset_message_json(2, "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26"),
        R"({"message":"Frequency untuk 2 report customer 19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26 berhasil direset","count":2})");
    EXPECT_EQ(
        reset_message_json(0, "00000000-0000-4000-8000-00000000abcd"),
        R"({"message":"Frequency untuk 0 report customer 00000000-0000-4000-8000-00000000abcd berhasil direset","count":0})");
}

TEST(AppendCustomer, WritesFieldsInOrderAndEscapes) {
    Customer c{"c1", "Budi \"BS\" Santoso", "081234567890", "Jl. Merdeka 1\nBandung", "t1", "t2"};

    std::string out;
    append_customer(out, c);
    EXPECT_EQ(out,
              R"({"id":"c1","name":"Budi \"BS\" Santoso","phone":"081234567890",)"
              R"("address":"Jl. Merdeka 1\nBandung","created_at":"t1","updated_at":"t2"})");
}

TEST(AppendVehicle, WritesFieldsInOrder) {
    Vehicle v{"v1", "c1", "Avanza", "B 1234 CD", "2026-01-05", "2026-05-05", "t1", "t2"};

    std::string out;
    append_vehicle(out, v);
    EXPECT_EQ(
        out,
        R"({"id":"v1","customer_id":"c1","model":"Avanza","nopol":"B 1234 CD",)"
        R"("last_visit_date":"2026-01-05","next_visit_date":"2026-05-05","created_at":"t1","updated_at":"t2"})");
}

TEST(AppendVehicle, WritesNullWhenNoNextVisitIsPlanned) {
    Vehicle v{"v1", "c1", "Avanza", "B 1234 CD", "2026-01-05", "", "t1", "t2"};

    std::string out;
    append_vehicle(out, v);
    EXPECT_NE(out.find(R"("next_visit_date":null,)"), std::string::npos);
}

}  // namespace
}  // namespace wa

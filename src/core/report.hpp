#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wa {

// The JSON shapes below keep the old system's key order exactly: clients and
// the captured reference responses compare bodies byte for byte.

struct Report {
    std::string id, id_customer, id_vehicle;
    std::optional<std::string> last_message_date;
    int64_t frequency = 0;
    std::string created_at, updated_at;
};

void append_report(std::string& out, const Report& r);

struct ReportDetail {
    std::string id;
    std::optional<std::string> customer_name, customer_phone, vehicle_model, vehicle_nopol,
        last_message_date;
    int64_t frequency = 0;
    std::string created_at, updated_at;
};

void append_report_detail(std::string& out, const ReportDetail& r);

struct Stats {
    int64_t reports = 0, messages = 0;
    std::vector<std::pair<int64_t, int64_t>> by_frequency;  // (frequency, count)
};

std::string stats_json(Stats stats);

std::string reset_message_json(int64_t count, std::optional<std::string> customer);

struct Customer {
    std::string id, name, phone, address, created_at, updated_at;
};

void append_customer(std::string& out, const Customer& c);

struct Vehicle {
    std::string id, customer_id, model, nopol, last_visit_date, next_visit_date, created_at,
        updated_at;
};

void append_vehicle(std::string& out, const Vehicle& v);

}  // namespace wa

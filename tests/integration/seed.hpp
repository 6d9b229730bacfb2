// Seeding through the module's data API (PUT customers and vehicles, POST
// record), shared by the report, data and outage suites.
#pragma once

#include <string>

#include "harness.hpp"

namespace wa::itest {

inline const std::string kBase = "/whatsapp-report";

struct Customer {
    std::string id;
    std::string name;
    std::string phone;
    std::string address;

    std::string path() const { return kBase + "/data/customers/" + id; }
    std::string body() const;  // {"name":...,"phone":...,"address":...}
};

struct Vehicle {
    std::string id;
    std::string customer_id;
    std::string model;
    std::string nopol;
    std::string last_visit_date;  // YYYY-MM-DD
    std::string next_visit_date;  // optional; empty: derived by the module

    std::string path() const { return kBase + "/data/vehicles/" + id; }
    std::string body() const;
};

// Plausible, distinct data for the n-th customer / vehicle.
Customer make_customer(int n);
Vehicle make_vehicle(const std::string& customer_id, int n);

// PUT, expecting 201 (created) or 200 (updated) with a JSON body.
::testing::AssertionResult PutCustomer(HttpClient& http, const Customer& customer,
                                       HttpResponse* response = nullptr);
::testing::AssertionResult PutVehicle(HttpClient& http, const Vehicle& vehicle,
                                      HttpResponse* response = nullptr);

std::string record_body(const std::string& customer_id, const std::string& vehicle_id,
                        const std::string& message_id);

// POST /record expecting 200 and a report object; *report gets the body.
::testing::AssertionResult Record(HttpClient& http, const std::string& customer_id,
                                  const std::string& vehicle_id, const std::string& message_id,
                                  std::string* report = nullptr);

// A top-level member of a JSON object as text: strings unquoted, anything
// else in compact JSON; "<missing>" when absent or not an object.
std::string json_member(const std::string& object_text, const std::string& key);

}  // namespace wa::itest

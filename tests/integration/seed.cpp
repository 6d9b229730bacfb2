#include "seed.hpp"

#include <cstdio>

namespace wa::itest {

namespace {

const char* const kFirstNames[] = {"Budi", "Siti", "Agus", "Dewi", "Joko", "Sri", "Rina", "Andi"};
const char* const kLastNames[] = {"Santoso", "Lestari", "Nugroho", "Hidayat", "Wibowo", "Rahayu"};
const char* const kModels[] = {"Avanza", "Xenia", "Ertiga", "Calya", "Brio", "Innova"};
const char* const kRegions[] = {"B", "D", "L", "N", "AB", "DK"};

template <size_t N>
const char* pick(const char* const (&items)[N], int n) {
    return items[static_cast<size_t>(n) % N];
}

}  // namespace

std::string Customer::body() const {
    return "{\"name\":" + json_quote(name) + ",\"phone\":" + json_quote(phone)
        + ",\"address\":" + json_quote(address) + "}";
}

std::string Vehicle::body() const {
    std::string text = "{\"customer_id\":" + json_quote(customer_id)
        + ",\"model\":" + json_quote(model) + ",\"nopol\":" + json_quote(nopol)
        + ",\"last_visit_date\":" + json_quote(last_visit_date);
    if (!next_visit_date.empty())
        text += ",\"next_visit_date\":" + json_quote(next_visit_date);
    return text + "}";
}

Customer make_customer(int n) {
    char phone[16];
    std::snprintf(phone, sizeof(phone), "0812%08d", n % 100000000);
    return Customer{new_uuid(), std::string(pick(kFirstNames, n)) + " " + pick(kLastNames, n / 8),
                    phone, "Jl. Merdeka No. " + std::to_string(n + 1)};
}

Vehicle make_vehicle(const std::string& customer_id, int n) {
    char nopol[24];
    std::snprintf(nopol, sizeof(nopol), "%s %04d %c%c", pick(kRegions, n), 1000 + n % 9000,
                  'A' + n % 26, 'A' + (n / 26) % 26);
    return Vehicle{new_uuid(), customer_id, pick(kModels, n), nopol, "2026-10-31", ""};
}

::testing::AssertionResult PutCustomer(HttpClient& http, const Customer& customer,
                                       HttpResponse* response) {
    HttpResponse local = http.put_json(customer.path(), customer.body());
    if (response != nullptr)
        *response = local;
    if (local.status == 201)
        return IsJson(local, 201);
    return IsJson(local, 200) << " (PUT customer " << customer.id << ")";
}

::testing::AssertionResult PutVehicle(HttpClient& http, const Vehicle& vehicle,
                                      HttpResponse* response) {
    HttpResponse local = http.put_json(vehicle.path(), vehicle.body());
    if (response != nullptr)
        *response = local;
    if (local.status == 201)
        return IsJson(local, 201);
    return IsJson(local, 200) << " (PUT vehicle " << vehicle.id << ")";
}

std::string record_body(const std::string& customer_id, const std::string& vehicle_id,
                        const std::string& message_id) {
    return "{\"id_customer\":" + json_quote(customer_id) + ",\"id_vehicle\":"
        + json_quote(vehicle_id) + ",\"message_id\":" + json_quote(message_id) + "}";
}

::testing::AssertionResult Record(HttpClient& http, const std::string& customer_id,
                                  const std::string& vehicle_id, const std::string& message_id,
                                  std::string* report) {
    HttpResponse response =
        http.post_json(kBase + "/record", record_body(customer_id, vehicle_id, message_id));
    auto ok = IsJsonLike(response, 200,
                       "{\"id_customer\":\"" + customer_id + "\",\"id_vehicle\":\"" + vehicle_id +
                           "\",\"last_message_date\":\"<TS>\",\"frequency\":<INT>,"
                           "\"id\":\"<UUID>\",\"created_at\":\"<TS>\",\"updated_at\":\"<TS>\"}");
    if (report != nullptr)
        *report = response.body;
    return ok;
}

std::string json_member(const std::string& object_text, const std::string& key) {
    JsonPtr root = parse_json(object_text);
    json_t* value = json_object_get(root.get(), key.c_str());
    if (value == nullptr)
        return "<missing>";
    if (json_is_string(value))
        return std::string(json_string_value(value), json_string_length(value));
    return dump_json(value);
}

}  // namespace wa::itest

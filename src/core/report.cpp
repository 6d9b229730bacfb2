#include "report.hpp"

#include <algorithm>

#include "json.hpp"

namespace wa {

namespace {

// Writes `,"key":` (the comma omitted for the first member); keys are
// literals, so they need no escaping.
class ObjectWriter {
public:
    explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }

    ObjectWriter(const ObjectWriter&) = delete;
    ObjectWriter& operator=(const ObjectWriter&) = delete;

    ~ObjectWriter() { out_.push_back('}'); }

    void string(const char* key, std::string_view value) {
        this->key(key);
        append_json_string(out_, value);
    }

    void nullable(const char* key, const std::optional<std::string>& value) {
        if (!value) {
            this->key(key);
            out_.append("null");
            return;
        }
        string(key, *value);
    }

    void integer(const char* key, int64_t value) {
        this->key(key);
        append_int(out_, value);
    }

    void number(const char* key, double value) {
        this->key(key);
        append_python_float(out_, value);
    }

    void key(const char* key) {
        if (!first_) {
            out_.push_back(',');
        }
        first_ = false;
        out_.push_back('"');
        out_.append(key);
        out_.append("\":");
    }

private:
    std::string& out_;
    bool first_ = true;
};

void append_frequency_counts(std::string& out, std::vector<std::pair<int64_t, int64_t>> counts) {
    std::sort(counts.begin(), counts.end());

    out.push_back('{');
    bool first = true;
    for (const auto& [frequency, count] : counts) {
        if (count == 0) {
            continue;
        }
        if (!first) {
            out.push_back(',');
        }
        first = false;
        out.push_back('"');
        append_int(out, frequency);
        out.append("\":");
        append_int(out, count);
    }
    out.push_back('}');
}

}  // namespace

void append_report(std::string& out, const Report& r) {
    ObjectWriter w(out);
    w.string("id_customer", r.id_customer);
    w.string("id_vehicle", r.id_vehicle);
    w.nullable("last_message_date", r.last_message_date);
    w.integer("frequency", r.frequency);
    w.string("id", r.id);
    w.string("created_at", r.created_at);
    w.string("updated_at", r.updated_at);
}

void append_report_detail(std::string& out, const ReportDetail& r) {
    ObjectWriter w(out);
    w.string("id", r.id);
    w.nullable("customer_name", r.customer_name);
    w.nullable("customer_phone", r.customer_phone);
    w.nullable("vehicle_model", r.vehicle_model);
    w.nullable("vehicle_nopol", r.vehicle_nopol);
    w.nullable("last_message_date", r.last_message_date);
    w.integer("frequency", r.frequency);
    w.string("created_at", r.created_at);
    w.string("updated_at", r.updated_at);
}

std::string stats_json(Stats stats) {
    double average = 0.0;
    if (stats.reports != 0) {
        average = static_cast<double>(stats.messages) / static_cast<double>(stats.reports);
    }

    std::string out;
    {
        ObjectWriter w(out);
        w.integer("total_customers_with_vehicles", stats.reports);
        w.integer("total_messages_sent", stats.messages);
        w.number("average_messages_per_customer", average);
        w.key("customers_by_frequency");
        append_frequency_counts(out, std::move(stats.by_frequency));
    }
    return out;
}

std::string reset_message_json(int64_t count, std::optional<std::string> customer) {
    std::string message("Frequency untuk ");
    append_int(message, count);
    message.append(" report");
    if (customer) {
        message.append(" customer ").append(*customer);
    }
    message.append(" berhasil direset");

    std::string out;
    {
        ObjectWriter w(out);
        w.string("message", message);
        w.integer("count", count);
    }
    return out;
}

void append_customer(std::string& out, const Customer& c) {
    ObjectWriter w(out);
    w.string("id", c.id);
    w.string("name", c.name);
    w.string("phone", c.phone);
    w.string("address", c.address);
    w.string("created_at", c.created_at);
    w.string("updated_at", c.updated_at);
}

void append_vehicle(std::string& out, const Vehicle& v) {
    ObjectWriter w(out);
    w.string("id", v.id);
    w.string("customer_id", v.customer_id);
    w.string("model", v.model);
    w.string("nopol", v.nopol);
    w.string("last_visit_date", v.last_visit_date);
    // An empty next visit means "not planned", which the API spells null.
    w.nullable(
        "next_visit_date",
        v.next_visit_date.empty() ? std::nullopt : std::optional<std::string>(v.next_visit_date));
    w.string("created_at", v.created_at);
    w.string("updated_at", v.updated_at);
}

}  // namespace wa

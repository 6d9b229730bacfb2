#include "explain.hpp"

#include "json.hpp"
#include "reminder.hpp"

#include <cstdlib>

namespace wa {

namespace {

void key(std::string& out, const char* name) {
    out += ",\"";
    out += name;
    out += "\":";
}

void string_or_null(std::string& out, const std::string& s) {
    if (s.empty()) {
        out += "null";
    } else {
        append_json_string(out, s);
    }
}

// What is known of where the date came from: vehicle_put keeps no mark, so a
// date that equals the derived one is reported as derived (it may also have
// been given as that very date).
std::string visit_source(const ExplainRecord& rec, Date next, int months) {
    std::optional<Date> last = parse_date(rec.last_visit_date);
    if (last && days_between(add_months(*last, months), next) == 0) {
        return "last_visit_date + " + std::to_string(months) + " months";
    }
    return "given";
}

void append_delivery(std::string& out, const std::optional<ExplainRecord::Delivery>& d) {
    if (!d) {
        out += "null";
        return;
    }
    out += R"({"status":)";
    append_json_string(out, d->status);
    key(out, "at");
    string_or_null(out, d->at);
    key(out, "error");
    if (d->error_code.empty() && d->error_title.empty()) {
        out += "null}";
        return;
    }
    out += R"({"code":)";
    string_or_null(out, d->error_code);
    key(out, "title");
    string_or_null(out, d->error_title);
    out += "}}";
}

void append_last_reminder(std::string& out, const ExplainRecord& rec) {
    const DueRow& row = rec.row;
    if (row.reminded_for.empty() && row.reminded_on.empty()) {
        out += "null";
        return;
    }
    out += R"({"for_visit":)";
    string_or_null(out, row.reminded_for);
    key(out, "sent_on");
    string_or_null(out, row.reminded_on);
    key(out, "delivery");
    append_delivery(out, rec.delivery);
    out += '}';
}

void append_last_error(std::string& out, const ExplainRecord& rec) {
    if (rec.last_error.empty()) {
        out += "null";
        return;
    }
    out += R"({"code":)";
    long code = std::strtol(rec.last_error_code.c_str(), nullptr, 10);
    if (code != 0) {
        append_int(out, code);
    } else {
        out += "null";
    }
    key(out, "reason");
    append_json_string(out, rec.last_error);
    key(out, "at");
    string_or_null(out, rec.last_error_at);
    out += '}';
}

const char* action_of(const DueDecision& d) {
    if (d.action == DueDecision::Action::send) {
        return "will_send";
    }
    return d.detail.status == "unknown" ? "unknown" : "skip";
}

void append_decision(std::string& out, const ExplainRecord& rec, const ExplainRun& run,
                     bool with_at) {
    DueDecision d = explain_decision(rec, run);
    // The run sends it, but only once the send window opens: the same
    // vehicle, later, so the action stays and the reason says why not now.
    bool waits = d.action == DueDecision::Action::send && !run.window_opens.empty();
    out += '{';
    if (with_at) {
        out += R"("at":)";
        append_json_string(out, run.at);
        out += ',';
    }
    out += R"("as_of":)";
    append_json_string(out, format_date(run.as_of));
    key(out, "window_from");
    append_json_string(out, format_date(run.window_from));
    key(out, "action");
    append_json_string(out, action_of(d));
    key(out, "reason");
    append_json_string(out, waits ? "outside_window" : d.code);
    key(out, "not_due_until");
    std::optional<Date> next = parse_date(rec.row.next_visit_date);
    if (d.code == "not_due_until" && next) {
        append_json_string(
            out, format_date(civil_from_days(days_from_civil(*next) - run.lead_days + 1)));
    } else {
        out += "null";
    }
    key(out, "window_opens");
    string_or_null(out, waits ? run.window_opens : std::string());
    key(out, "detail");
    string_or_null(out,
                   waits ? "di luar jam kirim; dikirim saat jam kirim dibuka" : d.detail.reason);
    out += '}';
}

}  // namespace

DueDecision explain_decision(const ExplainRecord& record, const ExplainRun& run) {
    DueRow row = record.row;
    row.handled = false;
    return classify_due(row, run.as_of, run.lead_days, run.mode, run.window_from);
}

std::string reminder_explain_json(const ExplainRecord& rec, const ExplainContext& ctx,
                                  bool scheduled) {
    const DueRow& row = rec.row;
    std::optional<Date> next = parse_date(row.next_visit_date);
    std::string out = R"({"customer_id":)";
    append_json_string(out, ctx.customer_id);
    key(out, "vehicle_id");
    append_json_string(out, ctx.vehicle_id);
    key(out, "next_visit_date");
    string_or_null(out, row.next_visit_date);
    key(out, "next_visit_source");
    if (next) {
        append_json_string(out, visit_source(rec, *next, ctx.visit_interval_months));
    } else {
        out += "null";
    }
    key(out, "due_window");
    if (next) {
        int64_t day = days_from_civil(*next);
        out += R"({"from":)";
        append_json_string(out, format_date(civil_from_days(day - ctx.run.lead_days + 1)));
        key(out, "to");
        append_json_string(out, format_date(*next));
        out += '}';
    } else {
        out += "null";
    }
    key(out, "last_reminder");
    append_last_reminder(out, rec);
    key(out, "opted_out");
    out += row.opted_out ? "true" : "false";
    key(out, "do_not_contact");
    out += row.do_not_contact ? "true" : "false";
    key(out, "last_error");
    append_last_error(out, rec);
    key(out, "next_run");
    if (scheduled) {
        append_decision(out, rec, ctx.run, true);
    } else {
        out += "null";
    }
    key(out, "if_run_today");
    if (scheduled) {
        out += "null";
    } else {
        append_decision(out, rec, ctx.run, false);
    }
    out += '}';
    return out;
}

}  // namespace wa

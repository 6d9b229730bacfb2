#include "schedule.hpp"

#include "escape.hpp"
#include "json.hpp"

namespace wa {

namespace {

void append_two_digits(std::string& out, int v) {
    out.push_back(static_cast<char>('0' + v / 10 % 10));
    out.push_back(static_cast<char>('0' + v % 10));
}

void append_string_or_null(std::string& out, const std::string& s) {
    if (s.empty()) {
        out += "null";
    } else {
        append_json_string(out, s);
    }
}

void append_key(std::string& out, const char* key) {
    out.push_back(',');
    out.push_back('"');
    out += key;
    out += "\":";
}

// Only a catch-up run has the key, so the answer for any other run stays as
// it was before catch-up existed.
void append_catch_up(std::string& out, const LastRun& last) {
    std::optional<Date> as_of = parse_date(last.as_of);
    std::optional<Date> from = parse_date(last.window_from);
    if (!as_of || !from || days_from_civil(*from) >= days_from_civil(*as_of)) {
        return;
    }
    append_key(out, "catch_up");
    out += R"({"from":)";
    append_json_string(out, format_date(*from));
    append_key(out, "to");
    append_json_string(out, format_date(civil_from_days(days_from_civil(*as_of) - 1)));
    out += '}';
}

}  // namespace

int64_t next_run(const Zone& zone, int64_t now_unix, int hour, int minute) {
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
        return -1;
    }

    // The wall time of today (or, after a large backwards offset change, of
    // the next days) lies ahead of now within at most two more days.
    int64_t today = days_from_civil(zone.local_date(now_unix));
    for (int64_t day = today - 1; day <= today + 3; day++) {
        int64_t t = zone.to_unix(civil_from_days(day), hour, minute);
        if (t > now_unix) {
            return t;
        }
    }
    return -1;  // not reached for real zones
}

std::string cron_trigger(int hour, int minute) {
    return "cron[hour='" + std::to_string(hour) + "', minute='" + std::to_string(minute) + "']";
}

std::string scheduler_success_head() {
    return R"({"status":"success","message":"Success","data":)";
}

std::string scheduler_success_tail() { return "}"; }

std::string scheduler_success(std::string_view data_json) {
    std::string out = scheduler_success_head();
    out += data_json;
    out += scheduler_success_tail();
    return out;
}

std::string scheduler_error(std::string_view message) {
    std::string out = R"({"status":"error","message":)";
    append_json_string(out, message);
    out += R"(,"data":null})";
    return out;
}

std::string start_message_json(int hour, int minute) {
    std::string out = R"({"message":"Scheduler dimulai. Job akan berjalan setiap hari jam )";
    append_two_digits(out, hour);
    out.push_back(':');
    append_two_digits(out, minute);
    out += "\"}";
    return out;
}

std::string stop_message_json() { return R"({"message":"Scheduler dihentikan"})"; }

std::string schedule_text(int hour, int minute, bool enabled) {
    std::string out;
    append_two_digits(out, hour);
    out.push_back(':');
    append_two_digits(out, minute);
    out += enabled ? " on" : " off";
    return out;
}

const char* guessed_source(const ScheduleState& stored, const ScheduleState& config) {
    bool same = stored.hour == config.hour && stored.minute == config.minute
        && stored.enabled == config.enabled;
    return same ? schedule_source_config : schedule_source_api;
}

ScheduleApply parse_schedule_apply(std::string_view outcome) {
    if (outcome == "seen") {
        return ScheduleApply::seen;
    }
    if (outcome == "created") {
        return ScheduleApply::created;
    }
    if (outcome == "applied") {
        return ScheduleApply::applied;
    }
    if (outcome == "kept") {
        return ScheduleApply::kept;
    }
    if (outcome == "adopted") {
        return ScheduleApply::adopted;
    }
    return ScheduleApply::invalid;
}

std::string schedule_notice(ScheduleApply outcome, const ScheduleState& in_force,
                            const std::string& config, std::string_view before,
                            std::string_view zone_name) {
    if (outcome == ScheduleApply::seen || outcome == ScheduleApply::invalid) {
        return std::string();
    }
    std::string out =
        "wa_report: schedule \"" + schedule_text(in_force.hour, in_force.minute, in_force.enabled);
    out += "\" (" + log_escape(zone_name) + ") ";
    bool from_config = in_force.source == schedule_source_config;
    switch (outcome) {
    case ScheduleApply::created: out += "from nginx.conf, applied: Redis had none"; break;
    case ScheduleApply::applied:
        out +=
            "from nginx.conf, applied: it changed since \"" + log_escape(before) + "\" was applied";
        break;
    case ScheduleApply::kept:
        out += from_config ? "from nginx.conf, unchanged since applied"
                           : "from Redis, set by the scheduler API; nginx.conf's \"" + config
                + "\" unchanged since applied";
        break;
    default:  // adopted
        out += from_config ? "from nginx.conf, recorded as applied"
                           : "from Redis, kept from an earlier version; nginx.conf's \"" + config
                + "\" recorded as applied";
        break;
    }
    return out;
}

std::string status_json(const ScheduleState& schedule, const std::string& next_run_iso_with_offset,
                        const std::optional<LastRun>& last) {
    bool running = schedule.enabled;
    std::string out = R"({"running":)";
    out += running ? "true" : "false";
    out += R"(,"jobs":[)";
    if (running) {
        out +=
            R"({"id":"maintenance_reminder_job","name":"Maintenance Reminder WhatsApp","next_run_time":)";
        append_string_or_null(out, next_run_iso_with_offset);
        out += R"(,"trigger":)";
        append_json_string(out, cron_trigger(schedule.hour, schedule.minute));
        out += '}';
    }
    out += ']';

    out += R"(,"schedule":{"hour":)";
    append_int(out, schedule.hour);
    append_key(out, "minute");
    append_int(out, schedule.minute);
    append_key(out, "enabled");
    out += schedule.enabled ? "true" : "false";
    append_key(out, "source");
    append_json_string(out, schedule.source);
    out += '}';

    if (last) {
        out += R"(,"last_run":{"started_at":)";
        append_string_or_null(out, last->started_at);
        append_key(out, "finished_at");
        append_string_or_null(out, last->finished_at);
        append_key(out, "total_customers");
        append_int(out, last->total);
        append_key(out, "reminder_sent");
        append_int(out, last->sent);
        append_key(out, "failed");
        append_int(out, last->failed);
        append_key(out, "skipped");
        append_int(out, last->skipped);
        append_key(out, "unknown");
        append_int(out, last->unknown);
        append_key(out, "dry_run");
        out += last->dry_run ? "true" : "false";
        append_key(out, "id");
        append_string_or_null(out, last->id);
        append_key(out, "vehicles_due");
        append_int(out, last->total);
        append_key(out, "customers");
        if (last->customers) {
            append_int(out, *last->customers);
        } else {
            out += "null";
        }
        append_key(out, "dry_run_count");
        append_int(out, last->dry);
        append_catch_up(out, *last);
        out += '}';
    }
    out += '}';
    return out;
}

void append_run_detail(std::string& out, const RunDetail& d) {
    out += R"({"no_pol":)";
    append_json_string(out, d.no_pol);
    append_key(out, "customer_nama");
    append_json_string(out, d.customer_nama);
    append_key(out, "customer_hp");
    append_json_string(out, d.customer_hp);
    append_key(out, "next_visit_date");
    append_json_string(out, d.next_visit_date);
    append_key(out, "days_until_visit");
    append_int(out, d.days_until_visit);
    append_key(out, "status");
    append_json_string(out, d.status);
    if (!d.message.empty()) {
        append_key(out, "message");
        append_json_string(out, d.message);
    }
    if (!d.api_response.empty()) {
        append_key(out, "api_response");
        append_json_string(out, d.api_response);
    }
    if (!d.reason.empty()) {
        append_key(out, "reason");
        append_json_string(out, d.reason);
    }
    out += '}';
}

std::string run_result_head(int64_t total_customers, int64_t reminder_sent) {
    std::string out = R"({"total_customers":)";
    append_int(out, total_customers);
    out += R"(,"reminder_sent":)";
    append_int(out, reminder_sent);
    out += R"(,"details":[)";
    return out;
}

std::string run_result_tail() { return "]}"; }

std::string run_result_json(int64_t total_customers, int64_t reminder_sent,
                            const std::string& details_items_json) {
    return run_result_head(total_customers, reminder_sent) + details_items_json + run_result_tail();
}

std::string run_pending_answer(std::string_view run_id) {
    std::string out = R"({"status":"success","message":"Job masih berjalan","data":{"run_id":)";
    append_json_string(out, run_id);
    out += "}}";
    return out;
}

RunNowStep run_now_step(RunStanding standing, bool started, bool past_bound) {
    switch (standing) {
    case RunStanding::finished: return RunNowStep::answer_result;
    case RunStanding::unknown:
        return started ? RunNowStep::answer_stopped : RunNowStep::answer_not_started;
    case RunStanding::running: return past_bound ? RunNowStep::answer_pending : RunNowStep::wait;
    case RunStanding::unreachable: break;
    }
    if (!past_bound) {
        return RunNowStep::wait;
    }
    return started ? RunNowStep::answer_pending : RunNowStep::answer_unavailable;
}

}  // namespace wa

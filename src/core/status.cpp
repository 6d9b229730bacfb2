#include "status.hpp"

#include <cstdlib>

namespace wa {

namespace {

const std::string* find_field(const std::vector<std::pair<std::string, std::string>>& fields,
                              const char* name) {
    for (const auto& [k, v] : fields) {
        if (k == name) {
            return &v;
        }
    }
    return nullptr;
}

}  // namespace

ScheduleState schedule_in_force(const std::optional<ScheduleState>& stored,
                                const ScheduleState& configured) {
    if (!stored) {
        return configured;
    }
    ScheduleState s = *stored;
    if (s.source.empty()) {
        s.source = guessed_source(s, configured);
    }
    return s;
}

int64_t status_next_run(const Zone& zone, int64_t now_unix, const ScheduleState& schedule,
                        std::optional<int64_t> stored_next) {
    if (stored_next && *stored_next >= now_unix) {
        return *stored_next;
    }
    return next_run(zone, now_unix, schedule.hour, schedule.minute);
}

std::optional<LastRun> last_run_from_fields(
    const std::vector<std::pair<std::string, std::string>>& fields) {
    if (fields.empty()) {
        return std::nullopt;
    }
    auto text = [&](const char* name) {
        const std::string* v = find_field(fields, name);
        return v != nullptr ? *v : std::string();
    };
    auto count = [&](const char* name) {
        return static_cast<int64_t>(std::strtoll(text(name).c_str(), nullptr, 10));
    };
    LastRun l;
    l.id = text("id");
    l.started_at = text("started_at");
    l.finished_at = text("finished_at");
    l.total = count("total");
    l.sent = count("sent");
    l.failed = count("failed");
    l.skipped = count("skipped");
    l.unknown = count("unknown");
    l.dry = count("dry");
    l.dry_run = text("dry_run") == "1";
    l.as_of = text("as_of");
    l.window_from = text("window_from");
    if (!text("customers").empty()) {
        l.customers = count("customers");
    }
    return l;
}

}  // namespace wa

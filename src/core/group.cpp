#include "group.hpp"

#include <algorithm>

#include "text.hpp"

namespace wa {

const char* const default_vehicle_line = "- {vehicle_nopol} ({vehicle_model}): {next_visit_date}";

const char* const default_group_template =
    "Bapak {customer_name}, kendaraan berikut sebentar lagi tiba saat pemeliharaan rutin:\n"
    "{vehicles}\n"
    "Daftarkan segera melalui nomor pelayanan kami {service_phone}";

std::string group_template_error(const Template& message, bool by_customer) {
    if (!by_customer) {
        if (message.uses("vehicles")) {
            return "the placeholder \"{vehicles}\" needs \"wa_report_group_by customer\"";
        }
        return std::string();
    }
    for (const char* one : {"vehicle_nopol", "vehicle_model", "next_visit_date"}) {
        if (message.uses(one)) {
            return std::string("the placeholder \"{") + one
                + "}\" names one vehicle, but \"wa_report_group_by customer\" lists several: "
                  "put it in wa_report_vehicle_line_template";
        }
    }
    if (!message.uses("vehicles")) {
        return "\"wa_report_group_by customer\" needs the placeholder \"{vehicles}\" in the "
               "template";
    }
    return std::string();
}

std::string vehicle_line_error(const Template& line) {
    if (line.uses("vehicles")) {
        return "the placeholder \"{vehicles}\" cannot be used in the vehicle line template";
    }
    return std::string();
}

std::string vehicle_line(const Template& line, const MessageFields& vehicle) {
    MessageFields single = vehicle;
    single.customer_name = one_line(vehicle.customer_name);
    single.vehicle_nopol = one_line(vehicle.vehicle_nopol);
    single.vehicle_model = one_line(vehicle.vehicle_model);
    single.service_phone = one_line(vehicle.service_phone);
    single.vehicle_lines.clear();
    return one_line(line.render(single));
}

std::string join_lines(const std::vector<std::string>& lines, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < lines.size(); i++) {
        if (i > 0) {
            out += separator;
        }
        out += lines[i];
    }
    return out;
}

std::string fit_lines(const std::vector<std::string>& lines, std::string_view separator,
                      size_t max_chars) {
    std::string all = join_lines(lines, separator);
    if (count_chars(all) <= max_chars) {
        return all;
    }
    size_t sep = count_chars(separator);
    // The longest head of the list that leaves room for the count of the rest.
    std::string head;
    size_t head_chars = 0;
    size_t kept = 0;
    for (size_t k = 0; k < lines.size(); k++) {
        std::string more = "dan " + std::to_string(lines.size() - k - 1) + " kendaraan lainnya";
        size_t with_line = head_chars + (k > 0 ? sep : 0) + count_chars(lines[k]);
        if (with_line + sep + count_chars(more) > max_chars) {
            break;
        }
        if (k > 0) {
            head += separator;
        }
        head += lines[k];
        head_chars = with_line;
        kept = k + 1;
    }
    std::string more = "dan " + std::to_string(lines.size() - kept) + " kendaraan lainnya";
    if (kept == 0) {
        return std::string(cut_chars(more, max_chars));
    }
    return head + std::string(separator) + more;
}

size_t group_lines_that_fit(const Template& tpl, const MessageFields& fields,
                            const std::vector<std::string>& lines, bool cloud) {
    size_t budget = cloud ? kCloudParameterMaxChars : vehicle_list_budget(tpl, fields);
    size_t sep = cloud ? 2 : 1;  // "; " or a line break
    size_t used = 0;
    size_t k = 0;
    for (; k < lines.size(); k++) {
        size_t more = (k > 0 ? sep : 0) + count_chars(lines[k]);
        if (used + more > budget) {
            break;
        }
        used += more;
    }
    return lines.empty() ? 0 : std::max<size_t>(k, 1);
}

std::vector<DueDecision> plan_group(std::vector<DueRow> rows, bool opted_out,
                                    const std::unordered_set<std::string>& taken, Date as_of,
                                    int lead_days, RemindMode mode, Date window_first) {
    std::vector<DueDecision> out;
    out.reserve(rows.size());
    size_t sending = 0;
    for (DueRow& row : rows) {
        row.opted_out = opted_out;
        if (taken.count(row.vehicle_id) > 0) {
            out.emplace_back();  // pass
            continue;
        }
        DueDecision d = classify_due(row, as_of, lead_days, mode, window_first);
        if (d.action == DueDecision::Action::send && ++sending > kGroupMaxVehicles) {
            d = DueDecision{};
        }
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace wa

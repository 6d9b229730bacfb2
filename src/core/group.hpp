// wa_report_group_by customer: one message per customer, listing every
// vehicle of theirs due in the run's window. The rules of the list, of the
// templates it allows and of which vehicles one message takes; the run's
// glue gathers the vehicles and sends.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "dates.hpp"
#include "reminder.hpp"
#include "rows.hpp"
#include "run.hpp"

namespace wa {

// wa_report_vehicle_line_template's default: one vehicle of {vehicles}.
extern const char* const default_vehicle_line;

// wa_report_template's default under wa_report_group_by customer (the
// default of group_by vehicle names one vehicle).
extern const char* const default_group_template;

// The most vehicles one message lists: a customer with more due vehicles
// gets another message for the rest when the run meets them.
constexpr size_t kGroupMaxVehicles = 50;

// nginx -t's checks of wa_report_template against wa_report_group_by: ""
// when it fits, else why not, naming the placeholder. by_customer false:
// {vehicles} is refused (there is no list). by_customer true: {vehicles} is
// required, and {vehicle_nopol}, {vehicle_model}, {next_visit_date} are
// refused (which vehicle's would they be? they belong in the line template).
std::string group_template_error(const Template& message, bool by_customer);

// nginx -t's check of wa_report_vehicle_line_template: "" or why not
// ({vehicles} inside a line).
std::string vehicle_line_error(const Template& line);

// One vehicle's line of {vehicles}: `line` rendered with each value on one
// line, the whole on one line (a line break would split the list).
std::string vehicle_line(const Template& line, const MessageFields& vehicle);

// The lines joined with `separator`.
std::string join_lines(const std::vector<std::string>& lines, std::string_view separator);

// The lines joined with `separator`, at most max_chars characters (code
// points): when all do not fit, as many as fit followed by
// "dan N kendaraan lainnya" ("and N more vehicles") in place of the rest, so
// the message still says how many it stands for. A budget too small for
// even that gives that text cut to max_chars.
std::string fit_lines(const std::vector<std::string>& lines, std::string_view separator,
                      size_t max_chars);

// How many of `lines` (one per vehicle to send, in the message's order),
// from the first, one grouped message names in full: in its text
// (vehicle_list_budget of `tpl` with the lead's `fields`) or, for the Cloud
// API (cloud true), in its one list parameter (kCloudParameterMaxChars, the
// lines "; "-joined). The rest are left for another message, so no vehicle
// is counted for a message that does not name it. At least 1 when lines is
// not empty: a first line too long for any room goes alone and is cut, as
// one vehicle's message would be.
size_t group_lines_that_fit(const Template& tpl, const MessageFields& fields,
                            const std::vector<std::string>& lines, bool cloud);

// The decisions for a customer's vehicles gathered for one grouped message
// (rows: customer_due.lua's, in its order), one per row: each row is
// classified as the run classifies a batch's row (classify_due), with
// `opted_out` (the customer's phone's suppression, read for the row that
// met the customer) set on every row. A row whose vehicle is in `taken`
// (this runner took it already) passes; of the rows that would send, the
// first kGroupMaxVehicles send and the rest pass (the run meets them later).
std::vector<DueDecision> plan_group(std::vector<DueRow> rows, bool opted_out,
                                    const std::unordered_set<std::string>& taken, Date as_of,
                                    int lead_days, RemindMode mode, Date window_first);

}  // namespace wa

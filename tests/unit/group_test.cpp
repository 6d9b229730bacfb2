#include <gtest/gtest.h>

#include "core/group.hpp"
#include "core/text.hpp"

namespace wa {
namespace {

Template parse(std::string_view text) {
    std::string error;
    auto tpl = Template::parse(text, &error);
    EXPECT_TRUE(tpl.has_value()) << error;
    return tpl ? *tpl : *Template::parse("x", nullptr);
}

MessageFields vehicle(std::string nopol, std::string model, Date visit) {
    MessageFields f;
    f.customer_name = "Agus";
    f.vehicle_nopol = std::move(nopol);
    f.vehicle_model = std::move(model);
    f.next_visit = visit;
    return f;
}

MessageFields agus_two() {
    Template line = parse(default_vehicle_line);
    MessageFields f;
    f.customer_name = "Agus";
    f.service_phone = "087740659525";
    f.vehicle_lines = {vehicle_line(line, vehicle("N 1 A", "Vario", Date{2026, 11, 25})),
                       vehicle_line(line, vehicle("N 2 B", "Beat", Date{2026, 11, 26}))};
    return f;
}

TEST(GroupTemplate, DefaultsParseAndFitTheirMode) {
    Template message = parse(default_group_template);
    Template line = parse(default_vehicle_line);
    EXPECT_EQ(group_template_error(message, true), "");
    EXPECT_EQ(vehicle_line_error(line), "");
    EXPECT_EQ(group_template_error(parse(default_template), false), "");
}

TEST(GroupTemplate, VehiclesNeedsGroupByCustomer) {
    EXPECT_EQ(group_template_error(parse("Hi {customer_name}: {vehicles}"), false),
              "the placeholder \"{vehicles}\" needs \"wa_report_group_by customer\"");
}

TEST(GroupTemplate, OneVehiclePlaceholdersAreRefusedUnderCustomer) {
    EXPECT_EQ(group_template_error(parse("{vehicles} {vehicle_model}"), true),
              "the placeholder \"{vehicle_model}\" names one vehicle, but \"wa_report_group_by "
              "customer\" lists several: put it in wa_report_vehicle_line_template");
    EXPECT_EQ(group_template_error(parse(default_template), true).substr(0, 38),
              "the placeholder \"{vehicle_nopol}\" name");
    EXPECT_EQ(group_template_error(parse("{vehicles} {next_visit_date}"), true).substr(0, 33),
              "the placeholder \"{next_visit_date");
}

TEST(GroupTemplate, CustomerNeedsTheList) {
    EXPECT_EQ(group_template_error(parse("Hi {customer_name}"), true),
              "\"wa_report_group_by customer\" needs the placeholder \"{vehicles}\" in the "
              "template");
}

TEST(GroupTemplate, LineMayNotHoldTheList) {
    EXPECT_EQ(vehicle_line_error(parse("- {vehicles}")),
              "the placeholder \"{vehicles}\" cannot be used in the vehicle line template");
    EXPECT_EQ(vehicle_line_error(parse("{customer_name} {vehicle_nopol}")), "");
}

TEST(VehicleLine, RendersOneLine) {
    Template line = parse(default_vehicle_line);
    EXPECT_EQ(vehicle_line(line, vehicle("N 1212 RW", "Honda\nVario", Date{2026, 11, 25})),
              "- N 1212 RW (Honda Vario): 25-11-2026");
    // A line template's own break would split the list.
    EXPECT_EQ(vehicle_line(parse("{vehicle_nopol}\n{vehicle_model}"),
                           vehicle("N 1", "Beat", Date{2026, 1, 1})),
              "N 1 Beat");
}

TEST(MessageText, ListsEveryVehicleOnItsOwnLine) {
    EXPECT_EQ(message_text(parse(default_group_template), agus_two()),
              "Bapak Agus, kendaraan berikut sebentar lagi tiba saat pemeliharaan rutin:\n"
              "- N 1 A (Vario): 25-11-2026\n"
              "- N 2 B (Beat): 26-11-2026\n"
              "Daftarkan segera melalui nomor pelayanan kami 087740659525");
}

TEST(CloudParameters, JoinsTheListOnOneLine) {
    std::vector<std::string> p =
        cloud_parameters(parse("{customer_name}|{vehicles}|{service_phone}"), agus_two());
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[1], "- N 1 A (Vario): 25-11-2026; - N 2 B (Beat): 26-11-2026");
    MessageFields none;
    EXPECT_EQ(cloud_parameters(parse("{vehicles}"), none), std::vector<std::string>{"-"});
}

TEST(FitLines, AllWhenTheyFit) {
    EXPECT_EQ(fit_lines({"aa", "bb"}, "; ", 6), "aa; bb");
    EXPECT_EQ(fit_lines({}, "\n", 10), "");
}

TEST(FitLines, CountsWhatDoesNotFit) {
    std::vector<std::string> lines = {"line number one", "line number two", "line number 3"};
    // "line number one\n" + "dan 2 kendaraan lainnya" = 16 + 23 chars.
    EXPECT_EQ(fit_lines(lines, "\n", 39), "line number one\ndan 2 kendaraan lainnya");
    EXPECT_EQ(fit_lines(lines, "\n", 38), "dan 3 kendaraan lainnya");
    EXPECT_EQ(fit_lines(lines, "\n", 10), "dan 3 kend");
    EXPECT_EQ(fit_lines(lines, "\n", 45), "line number one\nline number two\nline number 3");
}

TEST(MessageText, ManyVehiclesStayUnderTheTextLimit) {
    Template line = parse(default_vehicle_line);
    MessageFields f = agus_two();
    f.vehicle_lines.clear();
    for (int i = 0; i < 200; i++) {
        f.vehicle_lines.push_back(
            vehicle_line(line,
                         vehicle("N " + std::to_string(1000 + i) + " AB", "Honda Vario 125 CBS ISS",
                                 Date{2026, 11, 25})));
    }
    std::string text = message_text(parse(default_group_template), f);
    EXPECT_LE(count_chars(text), kTextMessageMaxChars);
    // The rest of the text is 133 chars; each line 49 + a newline: 78 lines
    // and the count of the other 122 fit in the 3963 left.
    EXPECT_NE(text.find("- N 1077 AB (Honda Vario 125 CBS ISS): 25-11-2026\ndan 122 kendaraan "
                        "lainnya\nDaftarkan"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("N 1078 AB"), std::string::npos);
    std::vector<std::string> p = cloud_parameters(parse("{vehicles}"), f);
    EXPECT_LE(count_chars(p[0]), kCloudParameterMaxChars);
    EXPECT_NE(p[0].find("kendaraan lainnya"), std::string::npos);
}

// The list's budget counts the line breaks around it that multi_line would
// drop around an empty list: the text after the list stays whole.
TEST(MessageText, TheLineBreaksAroundTheListCountInItsBudget) {
    MessageFields f = agus_two();
    f.service_phone = "087740659525";
    f.vehicle_lines.clear();
    for (int i = 0; i < 400; i++) {
        f.vehicle_lines.push_back(std::string(8, 'a' + i % 26) + std::to_string(1000 + i));
    }
    for (const char* tpl : {"{vehicles}\nHubungi {service_phone}", "X:\n{vehicles}"}) {
        Template t = parse(tpl);
        // Lines of 12 + a break: the budget is just under a multiple, so a
        // budget one short would have let the text run over by a character.
        for (size_t keep = 300; keep < 320; keep++) {
            MessageFields g = f;
            g.vehicle_lines.resize(keep);
            std::string text = message_text(t, g);
            EXPECT_LE(count_chars(text), kTextMessageMaxChars) << tpl << " " << keep;
            if (std::string(tpl).rfind("{vehicles}", 0) == 0) {
                EXPECT_EQ("Hubungi 087740659525", text.substr(text.size() - 20)) << keep;
            } else {
                // The last line is a whole vehicle line or the count of the rest.
                std::string last = text.substr(text.rfind('\n') + 1);
                EXPECT_TRUE(last.size() == 12
                            || last.find("kendaraan lainnya") != std::string::npos)
                    << keep << ": " << last;
            }
        }
    }
}

TEST(GroupLinesThatFit, WhatTheTextOrTheParameterNamesInFull) {
    Template tpl = parse(default_group_template);
    MessageFields f = agus_two();
    std::vector<std::string> lines(200, std::string(49, 'v'));
    // 133 chars of the rest leave 3963: 79 lines of 49 and 78 breaks = 3949.
    size_t budget = vehicle_list_budget(tpl, f);
    EXPECT_EQ(3963u, budget);
    EXPECT_EQ(79u, group_lines_that_fit(tpl, f, lines, false));
    // Meta's 1024 per parameter, "; " between: 20 x 49 + 19 x 2 = 1018.
    EXPECT_EQ(20u, group_lines_that_fit(parse("{vehicles}"), f, lines, true));
    std::vector<std::string> few(3, "- B 1 AB (Vario): 24-11-2026");
    EXPECT_EQ(3u, group_lines_that_fit(tpl, f, few, false));
    EXPECT_EQ(3u, group_lines_that_fit(tpl, f, few, true));
    // One line too long for any room still goes (cut, as alone it would be).
    EXPECT_EQ(1u, group_lines_that_fit(tpl, f, {std::string(5000, 'v'), "b"}, false));
    EXPECT_EQ(0u, group_lines_that_fit(tpl, f, {}, false));
}

DueRow due(std::string id, std::string visit) {
    DueRow r;
    r.vehicle_id = std::move(id);
    r.customer_id = "c1";
    r.model = "Vario";
    r.nopol = "N " + r.vehicle_id;
    r.next_visit_date = std::move(visit);
    r.customer_name = "Agus";
    r.customer_phone = "081234567890";
    return r;
}

TEST(PlanGroup, ClassifiesEachVehicleAndPassesTaken) {
    DueRow reminded = due("v3", "2026-11-26");
    reminded.reminded_for = "2026-11-26";
    std::vector<DueRow> rows = {due("v1", "2026-11-25"), due("v2", "2026-11-27"), reminded,
                                due("v4", "2026-11-25")};
    std::vector<DueDecision> d = plan_group(rows, false, {"v4"}, Date{2026, 11, 25}, 3,
                                            RemindMode::once, Date{2026, 11, 25});
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].action, DueDecision::Action::send);
    EXPECT_EQ(d[1].action, DueDecision::Action::send);
    EXPECT_EQ(d[1].cycle, "2026-11-27");
    EXPECT_EQ(d[2].action, DueDecision::Action::skip);
    EXPECT_EQ(d[2].code, "already_reminded");
    EXPECT_EQ(d[3].action, DueDecision::Action::pass);
}

TEST(PlanGroup, TheCustomersSuppressionAppliesToEveryVehicle) {
    std::vector<DueDecision> d =
        plan_group({due("v1", "2026-11-25"), due("v2", "2026-11-26")}, true, {}, Date{2026, 11, 25},
                   3, RemindMode::once, Date{2026, 11, 25});
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].code, "opted_out");
    EXPECT_EQ(d[1].code, "opted_out");
}

TEST(PlanGroup, AtMostTheCapSend) {
    std::vector<DueRow> rows;
    for (size_t i = 0; i < kGroupMaxVehicles + 2; i++) {
        rows.push_back(due("v" + std::to_string(100 + i), "2026-11-25"));
    }
    std::vector<DueDecision> d =
        plan_group(rows, false, {}, Date{2026, 11, 25}, 3, RemindMode::once, Date{2026, 11, 25});
    size_t sends = 0;
    for (const DueDecision& x : d) {
        sends += x.action == DueDecision::Action::send ? 1 : 0;
    }
    EXPECT_EQ(sends, kGroupMaxVehicles);
    EXPECT_EQ(d.back().action, DueDecision::Action::pass);
}

}  // namespace
}  // namespace wa

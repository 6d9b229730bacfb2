#include <gtest/gtest.h>

#include "core/reminder.hpp"

namespace wa {
namespace {

std::string parse_error(std::string_view text) {
    std::string error;
    auto tpl = Template::parse(text, &error);
    EXPECT_FALSE(tpl.has_value()) << text;
    return error;
}

std::string render(std::string_view text, const MessageFields& f) {
    std::string error;
    auto tpl = Template::parse(text, &error);
    EXPECT_TRUE(tpl.has_value()) << error;
    return tpl ? tpl->render(f) : std::string();
}

MessageFields agus() {
    MessageFields f;
    f.customer_name = "Agus Nugroho";
    f.vehicle_nopol = "N 1212 RW";
    f.vehicle_model = "Honda Vario 125";
    f.service_phone = "087740659525";
    f.next_visit = Date{2026, 11, 25};
    return f;
}

TEST(DaysBetween, CountsCalendarDays) {
    EXPECT_EQ(days_between(Date{2026, 11, 24}, Date{2026, 11, 25}), 1);
    EXPECT_EQ(days_between(Date{2026, 11, 25}, Date{2026, 11, 24}), -1);
    EXPECT_EQ(days_between(Date{2026, 11, 24}, Date{2026, 11, 24}), 0);
    EXPECT_EQ(days_between(Date{2026, 12, 31}, Date{2027, 1, 1}), 1);
    EXPECT_EQ(days_between(Date{2028, 2, 28}, Date{2028, 3, 1}), 2);  // leap year
    EXPECT_EQ(days_between(Date{2026, 2, 28}, Date{2026, 3, 1}), 1);
    EXPECT_EQ(days_between(Date{2026, 1, 1}, Date{2027, 1, 1}), 365);
    EXPECT_EQ(days_between(Date{2028, 1, 1}, Date{2029, 1, 1}), 366);
}

TEST(Template, DefaultRendersTheOldSystemsMessage) {
    std::string error;
    auto tpl = Template::parse(default_template, &error);
    ASSERT_TRUE(tpl) << error;
    EXPECT_EQ(tpl->render(agus()),
              "Bapak Agus Nugroho untuk nomor kendaraan N 1212 RW sebentar lagi tiba saat "
              "pemeliharaan rutin pada tanggal 25-11-2026, daftarkan segera melalui nomor "
              "pelayanan kami 087740659525");

    MessageFields sri = agus();
    sri.customer_name = "Sri Lestari";
    sri.vehicle_nopol = "D 5537 WW";
    sri.next_visit = Date{2026, 11, 24};
    EXPECT_EQ(tpl->render(sri),
              "Bapak Sri Lestari untuk nomor kendaraan D 5537 WW sebentar lagi tiba saat "
              "pemeliharaan rutin pada tanggal 24-11-2026, daftarkan segera melalui nomor "
              "pelayanan kami 087740659525");
}

TEST(Template, DefaultTextIsTheOldOne) {
    EXPECT_STREQ(default_template,
                 "Bapak {customer_name} untuk nomor kendaraan {vehicle_nopol} sebentar lagi tiba "
                 "saat pemeliharaan rutin pada tanggal {next_visit_date}, daftarkan segera melalui "
                 "nomor pelayanan kami {service_phone}");
}

TEST(Template, EveryPlaceholder) {
    EXPECT_EQ(render("{customer_name}|{vehicle_nopol}|{vehicle_model}|{next_visit_date}|"
                     "{service_phone}",
                     agus()),
              "Agus Nugroho|N 1212 RW|Honda Vario 125|25-11-2026|087740659525");
}

TEST(Template, DatesArePadded) {
    MessageFields f = agus();
    f.next_visit = Date{2027, 1, 5};
    EXPECT_EQ(render("{next_visit_date}", f), "05-01-2027");
}

TEST(Template, EscapedBraces) {
    EXPECT_EQ(render("{{customer_name}} is {customer_name}", agus()),
              "{customer_name} is Agus Nugroho");
    EXPECT_EQ(render("a {{ b }} c", agus()), "a { b } c");
    EXPECT_EQ(render("{{{customer_name}}}", agus()), "{Agus Nugroho}");
    EXPECT_EQ(render("}}{{", agus()), "}{");
}

TEST(Template, ValuesAreNotRescanned) {
    MessageFields f = agus();
    f.customer_name = "{vehicle_nopol} }} {";
    EXPECT_EQ(render("Hi {customer_name}", f), "Hi {vehicle_nopol} }} {");
}

TEST(Template, Utf8AndNoPlaceholders) {
    EXPECT_EQ(render("Halo 👋 — tanpa isian", agus()), "Halo 👋 — tanpa isian");
    MessageFields f = agus();
    f.customer_name = "Ñoño Gómez";
    EXPECT_EQ(render("Yth. {customer_name}", f), "Yth. Ñoño Gómez");
}

TEST(Template, UnknownPlaceholder) {
    std::string e = parse_error("Halo {nama}, servis {next_visit_date}");
    EXPECT_NE(e.find("unknown placeholder \"{nama}\""), std::string::npos) << e;
    EXPECT_NE(e.find("position 5"), std::string::npos) << e;

    e = parse_error("{}");
    EXPECT_NE(e.find("unknown placeholder \"{}\""), std::string::npos) << e;

    e = parse_error("{ customer_name }");
    EXPECT_NE(e.find("unknown placeholder \"{ customer_name }\""), std::string::npos) << e;

    e = parse_error("{Customer_Name}");
    EXPECT_NE(e.find("unknown placeholder \"{Customer_Name}\""), std::string::npos) << e;

    e = parse_error("{" + std::string(100, 'x') + "}");
    EXPECT_NE(e.find("unknown placeholder \"{" + std::string(40, 'x') + "...}\""),
              std::string::npos)
        << e;
}

TEST(Template, UnclosedBrace) {
    std::string e = parse_error("Halo {customer_name");
    EXPECT_NE(e.find("unclosed \"{\" at position 5"), std::string::npos) << e;

    e = parse_error("Halo {");
    EXPECT_NE(e.find("unclosed \"{\""), std::string::npos) << e;

    e = parse_error("{customer_name {vehicle_nopol}");
    EXPECT_NE(e.find("unclosed \"{\" at position 0"), std::string::npos) << e;
}

TEST(Template, LoneClosingBrace) {
    std::string e = parse_error("Halo customer_name}");
    EXPECT_NE(e.find("lone \"}\" at position 18"), std::string::npos) << e;

    e = parse_error("{customer_name}}");
    EXPECT_NE(e.find("lone \"}\" at position 15"), std::string::npos) << e;
}

TEST(Template, EmptyIsAnError) { EXPECT_EQ(parse_error(""), "the template is empty"); }

TEST(Template, NullErrorPointerIsAllowed) {
    EXPECT_FALSE(Template::parse("{nama}", nullptr));
    EXPECT_TRUE(Template::parse("ok", nullptr));
}

TEST(Template, Uses) {
    auto tpl = Template::parse("Halo {customer_name}, {{service_phone}}", nullptr);
    ASSERT_TRUE(tpl);
    EXPECT_TRUE(tpl->uses("customer_name"));
    EXPECT_TRUE(tpl->uses("{customer_name}"));
    EXPECT_FALSE(tpl->uses("service_phone"));  // escaped, not a placeholder
    EXPECT_FALSE(tpl->uses("vehicle_nopol"));
    EXPECT_FALSE(tpl->uses("nama"));
    EXPECT_FALSE(tpl->uses(""));
}

TEST(Template, ParametersInOrderOfAppearance) {
    auto tpl = Template::parse(
        "{vehicle_nopol} {next_visit_date} {customer_name} {vehicle_nopol} {{vehicle_model}}",
        nullptr);
    ASSERT_TRUE(tpl);
    std::vector<std::string> expected = {"N 1212 RW", "25-11-2026", "Agus Nugroho", "N 1212 RW"};
    EXPECT_EQ(template_parameters(*tpl, agus()), expected);

    auto def = Template::parse(default_template, nullptr);
    ASSERT_TRUE(def);
    expected = {"Agus Nugroho", "N 1212 RW", "25-11-2026", "087740659525"};
    EXPECT_EQ(template_parameters(*def, agus()), expected);

    auto none = Template::parse("Tanpa isian", nullptr);
    ASSERT_TRUE(none);
    EXPECT_TRUE(template_parameters(*none, agus()).empty());
}

// The example: a customer name with a newline, a tab or more than 4
// spaces in a row, which Meta refuses as a template parameter (132018).
TEST(CloudParameters, OneLineEach) {
    auto def = Template::parse(default_template, nullptr);
    ASSERT_TRUE(def);
    MessageFields f = agus();
    for (const char* name : {"Agus\nNugroho", "Agus\tNugroho", "Agus     Nugroho",
                             " \r\nAgus \t\n Nugroho\n", "Agus\x07 Nugroho"}) {
        f.customer_name = name;
        std::vector<std::string> expected = {"Agus Nugroho", "N 1212 RW", "25-11-2026",
                                             "087740659525"};
        EXPECT_EQ(cloud_parameters(*def, f), expected) << name;
    }
    f = agus();
    f.vehicle_nopol = "N  1212\n\nRW";
    f.service_phone = "0877 4065\t9525";
    std::vector<std::string> expected = {"Agus Nugroho", "N 1212 RW", "25-11-2026",
                                         "0877 4065 9525"};
    EXPECT_EQ(cloud_parameters(*def, f), expected);
}

TEST(CloudParameters, EmptyBecomesADashAndLongIsCut) {
    auto tpl = Template::parse("{vehicle_model} {customer_name} {service_phone}", nullptr);
    ASSERT_TRUE(tpl);
    MessageFields f = agus();
    f.vehicle_model = "";
    f.service_phone = " \n ";
    f.customer_name = std::string(1023, 'x') + "\xc3\xa9" + "yz";
    std::vector<std::string> params = cloud_parameters(*tpl, f);
    ASSERT_EQ(params.size(), 3u);
    EXPECT_EQ(params[0], "-");
    EXPECT_EQ(params[1], std::string(1023, 'x') + "\xc3\xa9") << "1024 characters, not bytes";
    EXPECT_EQ(params[2], "-");

    f.customer_name = std::string(1023, 'x') + " yz";
    EXPECT_EQ(cloud_parameters(*tpl, f)[1], std::string(1023, 'x')) << "no trailing space";
}

TEST(MessageText, ValuesOnOneLineTemplateLinesKept) {
    auto tpl = Template::parse(
        "Halo {customer_name},\r\n\tservis {vehicle_nopol} ({vehicle_model})"
        "\x07 tanggal {next_visit_date}.\n",
        nullptr);
    ASSERT_TRUE(tpl);
    MessageFields f = agus();
    f.customer_name = "Agus\n\nNugroho\t";
    f.vehicle_nopol = "N     1212 RW";
    f.vehicle_model = "Vario\x1b[2J";
    EXPECT_EQ(message_text(*tpl, f),
              "Halo Agus Nugroho,\n servis N 1212 RW (Vario[2J) tanggal 25-11-2026.");

    auto def = Template::parse(default_template, nullptr);
    ASSERT_TRUE(def);
    EXPECT_EQ(message_text(*def, agus()), def->render(agus())) << "ordinary data is unchanged";
}

TEST(MessageText, CutAtWhatsAppsTextLimit) {
    auto tpl = Template::parse("{customer_name}", nullptr);
    ASSERT_TRUE(tpl);
    MessageFields f = agus();
    f.customer_name = std::string(4095, 'x') + " \xc3\xa9\xc3\xa9";
    EXPECT_EQ(message_text(*tpl, f), std::string(4095, 'x')) << "cut, then trimmed";
    f.customer_name = std::string(4095, 'x') + "\xc3\xa9\xc3\xa9";
    EXPECT_EQ(message_text(*tpl, f), std::string(4095, 'x') + "\xc3\xa9");
}

}  // namespace
}  // namespace wa

#include <gtest/gtest.h>

#include "core/prometheus.hpp"

namespace wa::prom {
namespace {

TEST(PrometheusText, LabelValuesEscapeBackslashQuoteAndLineFeedOnly) {
    EXPECT_EQ(R"(a\\b\"c\nd)", escape_label_value("a\\b\"c\nd"));
    EXPECT_EQ("tab\there \xC3\xA9", escape_label_value("tab\there \xC3\xA9"));
    EXPECT_EQ("", escape_label_value(""));
}

TEST(PrometheusText, HelpEscapesBackslashAndLineFeedButNotQuotes) {
    EXPECT_EQ(R"(say "hi" \\ \n)", escape_help("say \"hi\" \\ \n"));
}

TEST(PrometheusText, ValuesAreTheShortestTextThatReadsBack) {
    EXPECT_EQ("0", format_value(0.0));
    EXPECT_EQ("1", format_value(1.0));
    EXPECT_EQ("0.005", format_value(0.005));
    EXPECT_EQ("2.5", format_value(2.5));
    EXPECT_EQ("0.123456", format_value(0.123456));
    EXPECT_EQ("1e+21", format_value(1e21));
    EXPECT_EQ("-3.25", format_value(-3.25));
    EXPECT_EQ("+Inf", format_value(1.0 / 0.0));
    EXPECT_EQ("-Inf", format_value(-1.0 / 0.0));
    EXPECT_EQ("NaN", format_value(0.0 / 0.0));
}

TEST(PrometheusText, FamilyAndSamples) {
    Writer w;
    w.family("x_total", "counter", "Things\nthat \\ happened.");
    w.sample("x_total", {}, uint64_t{18446744073709551615u});
    w.sample("x_total", {{"route", "list"}, {"code", "2xx"}}, uint64_t{3});
    w.sample("x_total", {{"path", "a\"b\\c\nd"}}, int64_t{-2});
    w.sample("y", {}, 0.25);
    EXPECT_EQ(
        "# HELP x_total Things\\nthat \\\\ happened.\n"
        "# TYPE x_total counter\n"
        "x_total 18446744073709551615\n"
        "x_total{route=\"list\",code=\"2xx\"} 3\n"
        "x_total{path=\"a\\\"b\\\\c\\nd\"} -2\n"
        "y 0.25\n",
        w.text());
}

TEST(PrometheusText, HistogramBucketsAreCumulativeWithInfSumAndCount) {
    const double bounds[] = {0.005, 0.5, 1};
    const uint64_t counts[] = {2, 0, 1, 4};  // 4 above the last bound
    Writer w;
    w.histogram("d_seconds", {{"route", "list"}}, bounds, 3, counts, 12.0625);
    EXPECT_EQ(
        "d_seconds_bucket{route=\"list\",le=\"0.005\"} 2\n"
        "d_seconds_bucket{route=\"list\",le=\"0.5\"} 2\n"
        "d_seconds_bucket{route=\"list\",le=\"1\"} 3\n"
        "d_seconds_bucket{route=\"list\",le=\"+Inf\"} 7\n"
        "d_seconds_sum{route=\"list\"} 12.0625\n"
        "d_seconds_count{route=\"list\"} 7\n",
        w.text());
}

TEST(PrometheusText, HistogramWithoutLabels) {
    const double bounds[] = {1};
    const uint64_t counts[] = {0, 0};
    Writer w;
    w.histogram("r_seconds", {}, bounds, 1, counts, 0);
    EXPECT_EQ(
        "r_seconds_bucket{le=\"1\"} 0\n"
        "r_seconds_bucket{le=\"+Inf\"} 0\n"
        "r_seconds_sum 0\n"
        "r_seconds_count 0\n",
        w.text());
}

}  // namespace
}  // namespace wa::prom

#include <gtest/gtest.h>

#include <limits>

#include "core/json.hpp"

namespace wa {
namespace {

std::string json_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

std::string python_float(double v) {
    std::string out;
    append_python_float(out, v);
    return out;
}

TEST(AppendJsonString, QuotesPlainText) {
    EXPECT_EQ(json_string(""), R"("")");
    EXPECT_EQ(json_string("B 1234 CD"), R"("B 1234 CD")");
}

TEST(AppendJsonString, EscapesQuotesBackslashesAndControls) {
    EXPECT_EQ(json_string("a\"b\\c/d"), R"("a\"b\\c/d")");
    EXPECT_EQ(json_string("\n\r\t\b\f"), R"("\n\r\t\b\f")");
    EXPECT_EQ(json_string(std::string("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
    EXPECT_EQ(json_string("\x7f"), "\"\x7f\"");
}

TEST(AppendJsonString, PassesUtf8Through) {
    EXPECT_EQ(json_string("Caf\xc3\xa9"), "\"Caf\xc3\xa9\"");
    EXPECT_EQ(json_string("\xe2\x82\xac 5"), "\"\xe2\x82\xac 5\"");
    EXPECT_EQ(json_string("\xf0\x9f\x9a\x97"), "\"\xf0\x9f\x9a\x97\"");
    EXPECT_EQ(json_string("\xe2\x80\xa8"), "\"\xe2\x80\xa8\"");
    EXPECT_EQ(json_string("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");
}

TEST(AppendJsonString, ReplacesIllFormedUtf8) {
    EXPECT_EQ(json_string("a\xff"
                          "b"),
              R"("a\ufffdb")");
    EXPECT_EQ(json_string("\x80"), R"("\ufffd")");
    EXPECT_EQ(json_string("\xc0\xaf"), R"("\ufffd\ufffd")");                      // overlong
    EXPECT_EQ(json_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");            // surrogate
    EXPECT_EQ(json_string("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
    EXPECT_EQ(json_string("\xe2\x82"
                          "x"),
              R"("\ufffdx")");                              // truncated, one replacement
    EXPECT_EQ(json_string("\xf0\x9f\x9a"), R"("\ufffd")");  // truncated at the end
    EXPECT_EQ(json_string("\xe2\x82\""), R"("\ufffd\"")");
}

TEST(AppendPythonFloat, MatchesPythonRepr) {
    struct Case {
        double value;
        const char* repr;
    };
    // Produced by Python 3.11: (v.hex(), repr(v)).
    const Case cases[] = {
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {0x1.0000000000000p+0, "1.0"},
        {0x1.0000000000000p+2, "4.0"},
        {-0x1.0000000000000p+2, "-4.0"},
        {0x1.999999999999ap-4, "0.1"},
        {0x1.5555555555555p-2, "0.3333333333333333"},
        {0x1.5555555555555p-1, "0.6666666666666666"},
        {0x1.1dac3d4d6eca7p+2, "4.463637662523218"},
        {0x1.02d82d82d82d8p+2, "4.044444444444444"},
        {0x1.1c37937e08000p+53, "1e+16"},
        {0x1.c6bf526340000p+49, "1000000000000000.0"},
        {0x1.1c37937e07fffp+53, "9999999999999998.0"},
        {0x1.b69b4ba630f35p+56, "1.2345678901234568e+17"},
        {0x1.4f8b588e368f1p-17, "1e-05"},
        {0x1.a36e2eb1c432dp-14, "0.0001"},
        {0x1.02e4b6ce5dc68p-13, "0.00012345"},
        {0x1.0f0cf064dd592p+73, "1e+22"},
        {0x0.0000000000001p-1022, "5e-324"},
        {0x1.fffffffffffffp+1023, "1.7976931348623157e+308"},
        {0x1.0000000000000p+53, "9007199254740992.0"},
        {0x1.0000000000001p+53, "9007199254740994.0"},
        {0x1.3333333333334p-2, "0.30000000000000004"},
        {0x1.aa535d3d0c000p+53, "1.5e+16"},
        {-0x1.421f5f40d8376p-23, "-1.5e-07"},
        {0x1.9000000000000p+6, "100.0"},
        {0x1.81cd6c8b43958p+13, "12345.678"},
        {0x1.249ad2594c37dp+332, "1e+100"},
        {0x0.0000000000003p-1022, "1.5e-323"},
        {0x1.a36e2eb1c432cp-14, "9.999999999999999e-05"},
        {0x1.0000000000000p-1, "0.5"},
        {0x1.5d964755e6000p+53, "1.23e+16"},
        {-0x1.74de452e6b438p+811, "-1.989032661366619e+244"},
        {0x1.c7fd0a6a3a450p-826, "3.980498358697587e-249"},
        {0x1.675cc81e74ef5p-144, "6.294675241195386e-44"},
        {0x1.c172411e20b8fp-38, "6.387016158513563e-12"},
        {-0x1.60af593bd04cfp-673, "-3.51527970626667e-203"},
        {0x1.8d190f9ebdaccp-118, "4.6678633181812096e-36"},
        {-0x1.877186d76b07ep+112, "-7.939416668807721e+33"},
        {-0x1.6dbf3f4c54698p+16, "-93631.24725844932"},
        {0x1.22b7b5d383238p+17, "148847.42051734193"},
        {0x1.89b203e7262e0p+15, "50393.00762290298"},
        {-0x1.58e73239bda80p+14, "-22073.799048388842"},
        {0x1.488beda2eb478p+18, "336431.71306879027"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(python_float(c.value), c.repr);
    }
}

TEST(AppendPythonFloat, WritesNullForNonFiniteValues) {
    EXPECT_EQ(python_float(std::numeric_limits<double>::infinity()), "null");
    EXPECT_EQ(python_float(-std::numeric_limits<double>::infinity()), "null");
    EXPECT_EQ(python_float(std::numeric_limits<double>::quiet_NaN()), "null");
}

TEST(AppendInt, WritesDecimal) {
    std::string out;
    append_int(out, 0);
    out.push_back(' ');
    append_int(out, -42);
    out.push_back(' ');
    append_int(out, std::numeric_limits<int64_t>::min());
    out.push_back(' ');
    append_int(out, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(out, "0 -42 -9223372036854775808 9223372036854775807");
}

TEST(DetailError, MatchesFastApi) {
    EXPECT_EQ(detail_error("Report tidak ditemukan"), R"({"detail":"Report tidak ditemukan"})");
    EXPECT_EQ(detail_error("Method Not Allowed"), R"({"detail":"Method Not Allowed"})");
    EXPECT_EQ(detail_error("say \"hi\""), R"({"detail":"say \"hi\""})");
}

TEST(ValidationErrors, MatchesTheCapturedBodies) {
    EXPECT_EQ(
        validation_errors({uuid_error("path", "id_customer")}),
        R"({"detail":[{"loc":["path","id_customer"],"msg":"value is not a valid uuid","type":"type_error.uuid"}]})");
    EXPECT_EQ(
        validation_errors({uuid_error("query", "id_customer")}),
        R"({"detail":[{"loc":["query","id_customer"],"msg":"value is not a valid uuid","type":"type_error.uuid"}]})");
    EXPECT_EQ(
        validation_errors({int_error("query", "hour")}),
        R"({"detail":[{"loc":["query","hour"],"msg":"value is not a valid integer","type":"type_error.integer"}]})");
}

TEST(ValidationErrors, ListsSeveralErrorsAndBodyLevelOnes) {
    FieldError body;
    body.where = "body";
    body.msg = "field required";
    body.type = "value_error.missing";

    FieldError field = body;
    field.field = "name";

    EXPECT_EQ(validation_errors({body, field}),
              R"({"detail":[{"loc":["body"],"msg":"field required","type":"value_error.missing"},)"
              R"({"loc":["body","name"],"msg":"field required","type":"value_error.missing"}]})");
    EXPECT_EQ(validation_errors({}), R"({"detail":[]})");
}

TEST(FieldErrors, CarryPydanticWording) {
    FieldError u = uuid_error("path", "report_id");
    EXPECT_EQ(u.where, "path");
    EXPECT_EQ(u.field, "report_id");
    EXPECT_EQ(u.msg, "value is not a valid uuid");
    EXPECT_EQ(u.type, "type_error.uuid");

    FieldError i = int_error("query", "minute");
    EXPECT_EQ(i.field, "minute");
    EXPECT_EQ(i.msg, "value is not a valid integer");
    EXPECT_EQ(i.type, "type_error.integer");
}

}  // namespace
}  // namespace wa

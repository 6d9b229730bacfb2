#include <gtest/gtest.h>

#include "core/phone.hpp"

namespace wa {
namespace {

TEST(NormalizePhone, AcceptsCommonIndonesianForms)
{
    EXPECT_EQ(normalize_phone("0812-3456-7890"), "6281234567890");
    EXPECT_EQ(normalize_phone("+62 812 3456 7890"), "6281234567890");
    EXPECT_EQ(normalize_phone("6281234567890"), "6281234567890");
    EXPECT_EQ(normalize_phone("081234567890"), "6281234567890");
    EXPECT_EQ(normalize_phone("81234567890"), "6281234567890");
    EXPECT_EQ(normalize_phone("0062 812 3456 7890"), "6281234567890");
    EXPECT_EQ(normalize_phone("(0812) 3456.7890"), "6281234567890");
    EXPECT_EQ(normalize_phone("+62-812-3456-7890"), "6281234567890");
}

TEST(NormalizePhone, AcceptsTheOldSystemsData)
{
    EXPECT_EQ(normalize_phone("087525534192"), "6287525534192");
    EXPECT_EQ(normalize_phone("080737416724"), "6280737416724");
}

TEST(NormalizePhone, AcceptsLandlines)
{
    EXPECT_EQ(normalize_phone("(021) 555-1234"), "62215551234");
}

TEST(NormalizePhone, EnforcesTheLengthBounds)
{
    EXPECT_EQ(normalize_phone("0812345678"), "62812345678");     // 11 digits
    EXPECT_EQ(normalize_phone("08123456"), std::nullopt);         // 9 digits
    EXPECT_EQ(normalize_phone("6281234567"), "6281234567");       // 10 digits
    EXPECT_EQ(normalize_phone("628123456"), std::nullopt);        // 9 digits
    EXPECT_EQ(normalize_phone("628123456789012"), "628123456789012");  // 15 digits
    EXPECT_EQ(normalize_phone("6281234567890123"), std::nullopt);      // 16 digits
}

TEST(NormalizePhone, AcceptsOtherCountriesOnlyWithPlus)
{
    EXPECT_EQ(normalize_phone("+6591234567"), "6591234567");
    EXPECT_EQ(normalize_phone("+1 (415) 555-0123"), "14155550123");
    EXPECT_EQ(normalize_phone("6591234567"), std::nullopt);
    EXPECT_EQ(normalize_phone("14155550123"), std::nullopt);
    EXPECT_EQ(normalize_phone("+659123456"), std::nullopt);   // 9 digits
    EXPECT_EQ(normalize_phone("+0812345678901"), std::nullopt);
}

TEST(NormalizePhone, RejectsImplausibleInput)
{
    const char* bad[] = {
        "",
        "12345",
        "+",
        "++6281234567890",
        "62+81234567890",
        "6208123456789",      // 62 then 0
        "+62 0812 3456 7890",
        "0065 9123 4567",     // another country through 00
        "0812345678a",
        "0812/3456/7890",
        "0812_3456_7890",
        "phone",
        "---",
        "０８１２３４５６７８９０",
    };
    for (const char* s : bad) {
        EXPECT_EQ(normalize_phone(s), std::nullopt) << s;
    }
}

TEST(WhatsappReachable, IndonesianMobilesOnly)
{
    EXPECT_TRUE(whatsapp_reachable("6281234567890"));
    EXPECT_TRUE(whatsapp_reachable(*normalize_phone("0812-3456-7890")));
    EXPECT_FALSE(whatsapp_reachable(*normalize_phone("021-5551234")));   // Jakarta
    EXPECT_FALSE(whatsapp_reachable(*normalize_phone("(0274) 512345")));  // Yogyakarta
    EXPECT_TRUE(whatsapp_reachable(*normalize_phone("+44 20 7946 0958")));
    EXPECT_TRUE(whatsapp_reachable(*normalize_phone("+65 6123 4567")));
}

}  // namespace
}  // namespace wa

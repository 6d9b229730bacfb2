#include <gtest/gtest.h>

#include "core/phone.hpp"

namespace wa {
namespace {

TEST(NormalizePhone, AcceptsCommonIndonesianForms) {
    EXPECT_EQ(normalize_phone("0812-3456-7890"), "6281234567890");
    EXPECT_EQ(normalize_phone("+62 812 3456 7890"), "6281234567890");
    EXPECT_EQ(normalize_phone("6281234567890"), "6281234567890");
    EXPECT_EQ(normalize_phone("081234567890"), "6281234567890");
    EXPECT_EQ(normalize_phone("81234567890"), "6281234567890");
    EXPECT_EQ(normalize_phone("0062 812 3456 7890"), "6281234567890");
    EXPECT_EQ(normalize_phone("(0812) 3456.7890"), "6281234567890");
    EXPECT_EQ(normalize_phone("+62-812-3456-7890"), "6281234567890");
}

TEST(NormalizePhone, AcceptsTheOldSystemsData) {
    EXPECT_EQ(normalize_phone("087525534192"), "6287525534192");
    EXPECT_EQ(normalize_phone("080737416724"), "6280737416724");
}

TEST(NormalizePhone, AcceptsLandlines) {
    EXPECT_EQ(normalize_phone("(021) 555-1234"), "62215551234");
}

TEST(NormalizePhone, EnforcesTheLengthBounds) {
    EXPECT_EQ(normalize_phone("0812345678"), "62812345678");           // 11 digits
    EXPECT_EQ(normalize_phone("08123456"), std::nullopt);              // 9 digits
    EXPECT_EQ(normalize_phone("6281234567"), "6281234567");            // 10 digits
    EXPECT_EQ(normalize_phone("628123456"), std::nullopt);             // 9 digits
    EXPECT_EQ(normalize_phone("628123456789012"), "628123456789012");  // 15 digits
    EXPECT_EQ(normalize_phone("6281234567890123"), std::nullopt);      // 16 digits
}

TEST(NormalizePhone, AcceptsOtherCountriesOnlyWithPlus) {
    EXPECT_EQ(normalize_phone("+6591234567"), "6591234567");
    EXPECT_EQ(normalize_phone("+1 (415) 555-0123"), "14155550123");
    EXPECT_EQ(normalize_phone("6591234567"), std::nullopt);
    EXPECT_EQ(normalize_phone("14155550123"), std::nullopt);
    EXPECT_EQ(normalize_phone("+659123456"), std::nullopt);  // 9 digits
    EXPECT_EQ(normalize_phone("+0812345678901"), std::nullopt);
}

TEST(NormalizePhone, RejectsImplausibleInput) {
    const char* bad[] = {
        "",
        "12345",
        "+",
        "++6281234567890",
        "62+81234567890",
        "6208123456789",  // 62 then 0
        "+62 0812 3456 7890",
        "0065 9123 4567",  // another country through 00
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

TEST(WhatsappReachable, IndonesianMobilesOnly) {
    EXPECT_TRUE(whatsapp_reachable("6281234567890"));
    EXPECT_TRUE(whatsapp_reachable(*normalize_phone("0812-3456-7890")));
    EXPECT_FALSE(whatsapp_reachable(*normalize_phone("021-5551234")));    // Jakarta
    EXPECT_FALSE(whatsapp_reachable(*normalize_phone("(0274) 512345")));  // Yogyakarta
    EXPECT_TRUE(whatsapp_reachable(*normalize_phone("+44 20 7946 0958")));
    EXPECT_TRUE(whatsapp_reachable(*normalize_phone("+65 6123 4567")));
}

TEST(MaskPhone, KeepsTheFirstFourAndTheLastThreeDigits) {
    EXPECT_EQ(mask_phone("628123456890"), "6281*****890");
    EXPECT_EQ(mask_phone("6281234567890"), "6281******890");
    EXPECT_EQ(mask_phone("6281234567"), "6281***567");  // the shortest phone
    EXPECT_EQ(mask_phone("628123456789012"), "6281********012");
}

TEST(MaskPhone, KeepsSeparatorsAndMasksOnlyDigits) {
    EXPECT_EQ(mask_phone("0812-3456-7890"), "0812-****-*890");
    EXPECT_EQ(mask_phone("+62 812 3456 7890"), "+62 81* **** *890");
}

TEST(MaskPhone, ShortValuesShowNoDigit) {
    EXPECT_EQ(mask_phone(""), "");
    EXPECT_EQ(mask_phone("12345"), "*****");
    EXPECT_EQ(mask_phone("081234567"), "*********");
    EXPECT_EQ(mask_phone("abc"), "abc");
}

TEST(MaskPhones, MasksNumbersAGatewayEchoes) {
    EXPECT_EQ(mask_phones("Nomor 6281234567890 tidak terdaftar"),
              "Nomor 6281******890 tidak terdaftar");
    EXPECT_EQ(mask_phones("to=+6281234567890, from 0812-3456-7890."),
              "to=+6281******890, from 0812-****-*890.");
    EXPECT_EQ(mask_phones("\"6281234567890\""), "\"6281******890\"");
    EXPECT_EQ(mask_phones("6281234567890"), "6281******890");
    EXPECT_EQ(mask_phones("a 6281234567890 b 6287525534192"), "a 6281******890 b 6287******192");
}

TEST(MaskPhones, LeavesOtherNumbersAlone) {
    const char* kept[] = {
        "",
        "HTTP 429: Too Many Requests; the gateway asked to wait 86400 s",
        "code 131026: Message undeliverable",
        "run 123e4567-e89b-12d3-a456-426614174000 belum selesai",
        "run 00000000-0000-4000-8000-000000000001",
        "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ5",
        "gateway unreachable: Failed to connect to 192.168.100.200 port 443",
        "sudah diingatkan untuk kunjungan 2026-11-30",
        "2026-11-30T10:00:00+07:00",
        "B 1234 XY",
        "081234567",        // 9 digits
        "0812--3456-7890",  // not one number
        "-6281234567890x",
        "6281234567890abc",
        "6281234567890123",  // 16 digits
    };
    for (const char* s : kept) {
        EXPECT_EQ(mask_phones(s), s) << s;
    }
}

}  // namespace
}  // namespace wa

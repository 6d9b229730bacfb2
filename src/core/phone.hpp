#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wa {

// Indonesian numbers in the forms people type ("0812-3456-7890",
// "+62 812 3456 7890", "812...", "0062...") become the digits-only
// international form "62812..." that WhatsApp gateways expect. Other
// countries are accepted only when written with a leading "+".
std::optional<std::string> normalize_phone(std::string_view raw);

// Whether WhatsApp can reach a number in normalize_phone's form. Indonesian
// numbers are reachable only as mobiles ("628..."); a landline ("6221...",
// Jakarta's 021) is a valid number a workshop may keep on file, but no
// WhatsApp account lives on it. Other countries' numbers are taken as given.
bool whatsapp_reachable(std::string_view normalized);

// Fewest digits a value must have for mask_phone() to leave any of them
// visible, and for mask_phones() to take a number in a text for a phone
// (normalize_phone() accepts nothing shorter).
constexpr size_t kMaskMinDigits = 10;

// A phone number as a log line may show it: the first 4 and the last 3
// digits stay, every other digit becomes '*', other characters stay
// ("6281234567890" -> "6281******890", "0812-3456-7890" -> "0812-****-*890").
// A value with fewer than kMaskMinDigits digits has every digit masked.
std::string mask_phone(std::string_view phone);

// `text` (a gateway's answer, an error reply) with every number in it that
// could be a phone masked by mask_phone(): a word made of digits, optionally
// with a leading '+' and single '-' between groups, with kMaskMinDigits to 15
// digits (E.164's longest). A word is delimited by anything but ASCII letters,
// digits, '+' and '-', so ids that mix letters and digits (UUIDs, message
// ids) and dotted addresses (192.168.100.200) stay as they are; a bare
// 10-digit number such as a Unix time is masked like a phone.
std::string mask_phones(std::string_view text);

}  // namespace wa

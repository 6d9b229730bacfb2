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

}  // namespace wa

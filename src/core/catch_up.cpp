#include "catch_up.hpp"

namespace wa {

std::vector<Date> catch_up_days(Date as_of, int days) {
    std::vector<Date> out;
    int64_t today = days_from_civil(as_of);
    for (int back = days; back >= 1; back--) {
        out.push_back(civil_from_days(today - back));
    }
    return out;
}

Date window_first(Date as_of, int days, std::optional<Date> covered) {
    if (!covered) {
        return as_of;
    }
    int64_t after = days_from_civil(*covered) + 1;
    for (Date d : catch_up_days(as_of, days)) {
        if (days_from_civil(d) >= after) {
            return d;
        }
    }
    return as_of;
}

}  // namespace wa

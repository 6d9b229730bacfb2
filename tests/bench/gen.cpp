// Writes a data set as Redis protocol for `redis-cli --pipe`: N vehicles of
// N/2 customers (two each), and unless told otherwise one report per
// vehicle, with the indexes and statistics exactly as the Lua scripts would
// have left them. Ids follow the index (see id()), so the wrk script can pick
// real ones.
// Usage: gen N [prefix] [next_visit_date] [reports: 1|0]

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace {

void cmd(const std::vector<std::string>& argv) {
    std::printf("*%zu\r\n", argv.size());
    for (const auto& a : argv) {
        std::printf("$%zu\r\n", a.size());
        std::fwrite(a.data(), 1, a.size(), stdout);
        std::fputs("\r\n", stdout);
    }
}

std::string id(const char* group, uint64_t n) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-%s-%012" PRIx64, group, n);
    return buf;
}

// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
long days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: gen N [prefix]\n");
        return 2;
    }
    uint64_t n = std::strtoull(argv[1], nullptr, 10);
    std::string t = std::string("{") + (argc > 2 ? argv[2] : "wa") + "}";
    std::string next = argc > 3 ? argv[3] : "2026-05-13";
    bool reports = argc > 4 ? std::string(argv[4]) != "0" : true;
    int y = 0, mo = 0, da = 0;
    if (std::sscanf(next.c_str(), "%d-%d-%d", &y, &mo, &da) != 3) {
        std::fprintf(stderr, "bad date %s\n", next.c_str());
        return 2;
    }
    std::string day =
        std::to_string(days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(da)));
    const std::string created = "2026-01-13T08:10:00";
    const std::string sent = "2026-02-01T13:03:00";
    std::map<int64_t, int64_t> by_frequency;
    int64_t messages = 0;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t c = i / 2;
        std::string cid = id("8000", c), vid = id("8001", i), rid = id("8002", i);
        if (i % 2 == 0) {
            cmd({"HSET", t + ":customer:" + cid, "id", cid, "name", "Customer " + std::to_string(c),
                 "phone", "0812" + std::to_string(10000000 + c % 90000000), "address",
                 "Jl. Bench " + std::to_string(c), "created_at", created, "updated_at", created});
        }
        cmd({"HSET",
             t + ":vehicle:" + vid,
             "id",
             vid,
             "customer_id",
             cid,
             "model",
             "Avanza",
             "nopol",
             "B " + std::to_string(1000 + i % 9000) + " CD",
             "last_visit_date",
             "2026-01-13",
             "next_visit_date",
             next,
             "next_visit_day",
             day,
             "created_at",
             created,
             "updated_at",
             created});
        cmd({"SADD", t + ":customer:" + cid + ":vehicles", vid});
        cmd({"ZADD", t + ":due:" + day, "0", vid});
        if (!reports) {
            continue;
        }
        int64_t f = static_cast<int64_t>(i % 8) + 1;
        std::string seq = std::to_string(i + 1);
        cmd({"HSET", t + ":report:" + cid + ":" + vid, "id", rid, "id_customer", cid, "id_vehicle",
             vid, "last_message_date", sent, "frequency", std::to_string(f), "created_at", created,
             "updated_at", sent, "seq", seq});
        cmd({"ZADD", t + ":reports", seq, cid + ":" + vid});
        cmd({"ZADD", t + ":customer:" + cid + ":reports", seq, vid});
        cmd({"HSET", t + ":report-ids", rid, cid + ":" + vid});
        by_frequency[f]++;
        messages += f;
    }
    uint64_t nreports = reports ? n : 0;
    cmd({"SET", t + ":seq", std::to_string(nreports)});
    cmd({"HSET", t + ":stats", "reports", std::to_string(nreports), "messages",
         std::to_string(messages), "customers", std::to_string((n + 1) / 2), "vehicles",
         std::to_string(n)});
    for (const auto& [f, count] : by_frequency) {
        cmd({"HSET", t + ":stats:freq", std::to_string(f), std::to_string(count)});
    }
    return 0;
}

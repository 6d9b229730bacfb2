// Writes a data set of N reports as Redis protocol for `redis-cli --pipe`:
// N/2 customers with two vehicles each, one report per vehicle, and the
// indexes and statistics exactly as the Lua scripts would have left them.
// Ids follow the index (see ids()), so the wrk script can pick real ones.

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

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: gen N [prefix]\n");
        return 2;
    }
    uint64_t n = std::strtoull(argv[1], nullptr, 10);
    std::string t = std::string("{") + (argc > 2 ? argv[2] : "wa") + "}";
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
        cmd({"HSET", t + ":vehicle:" + vid, "id", vid, "customer_id", cid, "model", "Avanza",
             "nopol", "B " + std::to_string(1000 + i % 9000) + " CD", "last_visit_date",
             "2026-01-13", "next_visit_date", "2026-05-13", "created_at", created, "updated_at",
             created});
        cmd({"SADD", t + ":customer:" + cid + ":vehicles", vid});
        cmd({"ZADD", t + ":due", "20586", vid});
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
    cmd({"SET", t + ":seq", std::to_string(n)});
    cmd({"HSET", t + ":stats", "reports", std::to_string(n), "messages", std::to_string(messages)});
    for (const auto& [f, count] : by_frequency) {
        cmd({"HSET", t + ":stats:freq", std::to_string(f), std::to_string(count)});
    }
    return 0;
}

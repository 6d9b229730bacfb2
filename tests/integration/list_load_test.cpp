// Long lists and the requests around them (issue 6, item 10): a list is read
// from Redis in calls of at most wa_report_page_size reports whatever its
// `limit`, a worker serves at most wa_report_max_streams lists and imports at
// once (the rest get a fast 503 with Retry-After), so concurrent big lists no
// longer starve /statistics and single reports into 503s.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

const std::string kBusy = "Too many lists and imports in progress";

std::string seq_id(const char* group, int n) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-%s-%012x", group, n);
    return buf;
}

std::string customer_id(int c) { return seq_id("8000", c); }
std::string vehicle_id(int v) { return seq_id("8001", v); }

// `reports` reports written straight into Redis in the layout the scripts
// keep (as tests/bench/gen.cpp does), `per_customer` vehicles per customer:
// thousands of reports in well under a second, where the data API would take
// minutes. Frequencies cycle 1..8.
::testing::AssertionResult SeedReports(RedisClient& redis, int reports, int per_customer) {
    const std::string t = "{wa}";
    const std::string created = "2026-01-13T08:10:00";
    const std::string sent = "2026-02-01T13:03:00";
    std::vector<std::vector<std::string>> cmds;
    std::map<int, int> by_frequency;
    long messages = 0;
    for (int i = 0; i < reports; ++i) {
        int c = i / per_customer;
        std::string cid = customer_id(c), vid = vehicle_id(i), rid = seq_id("8002", i);
        if (i % per_customer == 0) {
            cmds.push_back({"HSET", t + ":customer:" + cid, "id", cid, "name",
                            "Customer " + std::to_string(c), "phone",
                            "0812" + std::to_string(10000000 + c), "address", "Jl. Load",
                            "created_at", created, "updated_at", created});
        }
        cmds.push_back({"HSET",
                        t + ":vehicle:" + vid,
                        "id",
                        vid,
                        "customer_id",
                        cid,
                        "model",
                        "Avanza",
                        "nopol",
                        "B " + std::to_string(1000 + i) + " CD",
                        "last_visit_date",
                        "2026-01-13",
                        "next_visit_date",
                        "2026-05-13",
                        "next_visit_day",
                        "20586",
                        "created_at",
                        created,
                        "updated_at",
                        created});
        cmds.push_back({"SADD", t + ":customer:" + cid + ":vehicles", vid});
        cmds.push_back({"ZADD", t + ":due:20586", "0", vid});
        int f = i % 8 + 1;
        std::string seq = std::to_string(i + 1);
        cmds.push_back({"HSET", t + ":report:" + cid + ":" + vid, "id", rid, "id_customer", cid,
                        "id_vehicle", vid, "last_message_date", sent, "frequency",
                        std::to_string(f), "created_at", created, "updated_at", sent, "seq", seq});
        cmds.push_back({"ZADD", t + ":reports", seq, cid + ":" + vid});
        cmds.push_back({"ZADD", t + ":customer:" + cid + ":reports", seq, vid});
        cmds.push_back({"HSET", t + ":report-ids", rid, cid + ":" + vid});
        by_frequency[f]++;
        messages += f;
    }
    int customers = (reports + per_customer - 1) / per_customer;
    cmds.push_back({"SET", t + ":seq", std::to_string(reports)});
    cmds.push_back({"HSET", t + ":stats", "reports", std::to_string(reports), "messages",
                    std::to_string(messages), "customers", std::to_string(customers), "vehicles",
                    std::to_string(reports)});
    for (const auto& [f, count] : by_frequency) {
        cmds.push_back({"HSET", t + ":stats:freq", std::to_string(f), std::to_string(count)});
    }
    if (!redis.pipeline(cmds))
        return ::testing::AssertionFailure() << "seeding failed";
    return ::testing::AssertionSuccess();
}

std::vector<std::string> array_items(const std::string& text) {
    std::vector<std::string> items;
    JsonPtr root = parse_json(text);
    size_t index;
    json_t* item;
    json_array_foreach(root.get(), index, item) items.push_back(dump_json(item));
    return items;
}

std::string join_array(std::vector<std::string>::const_iterator from,
                       std::vector<std::string>::const_iterator to) {
    std::string out = "[";
    for (auto it = from; it != to; ++it)
        out += (it == from ? "" : ",") + *it;
    return out + "]";
}

long long evalsha_calls(RedisClient& redis) {
    RedisReply info = redis.command({"INFO", "commandstats"});
    size_t at = info.str.find("cmdstat_evalsha:calls=");
    if (at == std::string::npos)
        return 0;
    return std::stoll(info.str.substr(at + std::strlen("cmdstat_evalsha:calls=")));
}

::testing::AssertionResult IsBusy(const HttpResponse& response) {
    ::testing::AssertionResult body = IsDetail(response, 503, kBusy);
    if (!body)
        return body;
    if (response.header("Retry-After") != "1") {
        return ::testing::AssertionFailure()
            << "Retry-After is \"" << response.header("Retry-After") << "\"\n"
            << describe(response);
    }
    return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------- steps

class ListStepsTest : public StackTest<ListStepsTest> {
public:
    static StackOptions stack_options() {
        StackOptions options;
        options.nginx.report_directives += "wa_report_page_size 3;\n";
        // No reminder ticks: the test counts the module's script calls.
        options.nginx.http_extra += "wa_report_reminder off;\n";
        return options;
    }
};

TEST_F(ListStepsTest, PagesLongerThanAStepAreReadInStepsAndKeepTheirBounds) {
    ASSERT_TRUE(SeedReports(redis(), 10, 5));
    const std::string customer = kBase + "/customer/" + customer_id(0);
    for (const std::string& list : {kBase + "/", kBase + "/detail", customer}) {
        SCOPED_TRACE(list);
        HttpResponse whole = http().get(list);
        ASSERT_TRUE(IsJson(whole, 200));
        const std::vector<std::string> all = array_items(whole.body);
        ASSERT_EQ(list == customer ? 5u : 10u, all.size());

        // limit 4 over steps of 3: two calls per page; the cursor is the page's
        // last report, and the last page says no more follow.
        std::vector<std::string> paged;
        std::string target = list + "?limit=4";
        std::vector<size_t> sizes;
        for (int pages = 0; pages < 5; ++pages) {
            HttpResponse page = http().get(target);
            ASSERT_TRUE(IsJson(page, 200));
            std::vector<std::string> items = array_items(page.body);
            sizes.push_back(items.size());
            paged.insert(paged.end(), items.begin(), items.end());
            if (!page.has_header("X-Next-Cursor"))
                break;
            target = list + "?limit=4&cursor=" + url_encode(page.header("X-Next-Cursor"));
        }
        EXPECT_EQ(all, paged);
        const std::vector<size_t> expected_sizes =
            list == customer ? std::vector<size_t>{4, 1} : std::vector<size_t>{4, 4, 2};
        EXPECT_EQ(expected_sizes, sizes);

        // A page that ends exactly with the list, or asks for more than is left.
        for (const std::string limit : {"5", "10", "11"}) {
            HttpResponse page = http().get(list + "?limit=" + limit);
            size_t n = std::min<size_t>(std::stoul(limit), all.size());
            EXPECT_TRUE(IsJsonBody(page, 200, join_array(all.begin(), all.begin() + n))) << limit;
            EXPECT_EQ(n < all.size(), page.has_header("X-Next-Cursor")) << limit;
        }
        HttpResponse first = http().get(list + "?limit=5");
        ASSERT_EQ(list != customer, first.has_header("X-Next-Cursor"));
        if (list != customer) {
            HttpResponse rest =
                http().get(list + "?limit=5&cursor=" + url_encode(first.header("X-Next-Cursor")));
            EXPECT_TRUE(IsJsonBody(rest, 200, join_array(all.begin() + 5, all.end())));
            EXPECT_FALSE(rest.has_header("X-Next-Cursor"));
        }
        // Past the end: an empty page.
        EXPECT_TRUE(IsJsonBody(http().get(list + "?limit=4&cursor=10"), 200, "[]"));
    }

    // However large the page, one script call reads at most a step.
    const long long before = evalsha_calls(redis());
    HttpResponse page = http().get(kBase + "/detail?limit=10");
    ASSERT_TRUE(IsJson(page, 200));
    EXPECT_EQ(10u, array_items(page.body).size());
    EXPECT_EQ(4, evalsha_calls(redis()) - before) << "10 reports in steps of 3";
}

// ---------------------------------------------------------------- slots

// A client on a raw socket: for a request whose body comes later, or whose
// answer it is slow to read.
class RawClient {
public:
    // receive_buffer: SO_RCVBUF before connecting (0: the system's).
    explicit RawClient(int port, int receive_buffer = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (receive_buffer > 0) {
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        }
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~RawClient() { ::close(fd_); }

    bool send(const std::string& data) {
        return connected_
            && ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL)
            == static_cast<ssize_t>(data.size());
    }

    // Everything until the server closes or goes quiet for a second.
    std::string receive() {
        std::string out;
        for (;;) {
            pollfd pfd{fd_, POLLIN, 0};
            if (::poll(&pfd, 1, 1000) <= 0)
                break;
            char chunk[4096];
            ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0)
                break;
            out.append(chunk, static_cast<size_t>(n));
        }
        return out;
    }

private:
    int fd_ = -1;
    bool connected_ = false;
};

// The body of a whole chunked response; "" when it is not one.
std::string dechunk(const std::string& response) {
    size_t at = response.find("\r\n\r\n");
    if (at == std::string::npos)
        return "";
    at += 4;
    std::string body;
    for (;;) {
        size_t eol = response.find("\r\n", at);
        if (eol == std::string::npos)
            return "";
        size_t size = std::stoul(response.substr(at, eol - at), nullptr, 16);
        if (size == 0)
            return body;
        body += response.substr(eol + 2, size);
        at = eol + 2 + size + 2;
    }
}

class StreamSlotsTest : public StackTest<StreamSlotsTest> {
public:
    static StackOptions stack_options() {
        StackOptions options;
        options.nginx.http_extra += "wa_report_max_streams 2;\n";
        options.nginx.report_directives += "wa_report_page_size 3;\n";
        // A list whose client reads nothing waits for it once a few KB are out
        // (the kernel would otherwise take megabytes on loopback).
        options.nginx.listen_options = "sndbuf=4k";
        return options;
    }

protected:
    static constexpr int kReports = 1000;

    static std::string import_line(const Customer& c) {
        return "{\"kind\":\"customer\",\"id\":\"" + c.id + "\",\"name\":\"" + c.name
            + "\",\"phone\":\"" + c.phone + "\"}\n";
    }

    // The request is in and its handler has run once nginx has read all the
    // listening port's bytes.
    static ::testing::AssertionResult RequestRead() {
        if (poll_until(
                Millis(5000), [] { return tcp_receive_queue(stack().port()) == 0; }, Millis(5))) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure() << "nginx did not read the request";
    }
};

TEST_F(StreamSlotsTest, ListsAndImportsBeyondTheLimitGetAFast503) {
    ASSERT_TRUE(SeedReports(redis(), kReports, 2));
    HttpResponse whole = http().get(kBase + "/detail");
    ASSERT_TRUE(IsJson(whole, 200));
    const std::vector<std::string> all = array_items(whole.body);
    ASSERT_EQ(static_cast<size_t>(kReports), all.size());
    HttpResponse small_list = http().get(kBase + "/customer/" + customer_id(0));
    ASSERT_TRUE(IsJson(small_list, 200));
    const std::string digest = redis().digest();

    // Two long lists take the two slots: their clients read nothing, so each
    // waits for its client after the first few KB.
    std::vector<std::unique_ptr<RawClient>> holders;
    for (int i = 0; i < 2; ++i) {
        holders.push_back(std::make_unique<RawClient>(stack().port(), 4096));
        ASSERT_TRUE(holders.back()->send("GET " + kBase
                                         + "/detail?limit=" + std::to_string(kReports)
                                         + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        ASSERT_TRUE(RequestRead());
    }

    // Lists that take more than one step, and imports, are refused at once.
    EXPECT_TRUE(IsBusy(http().get(kBase + "/detail")));
    EXPECT_TRUE(IsBusy(http().get(kBase + "/?limit=4")));
    Customer refused = make_customer(77);
    EXPECT_TRUE(IsBusy(http().request("POST", kBase + "/data/import", import_line(refused),
                                      {{"Content-Type", "application/x-ndjson"}})));
    // The refused import's body was read and thrown away, not taken for a
    // request: the connection still serves.
    EXPECT_TRUE(IsBusy(http().get(kBase + "/detail?limit=10")));
    // One step's worth is served like any short request.
    EXPECT_TRUE(
        IsJsonBody(http().get(kBase + "/customer/" + customer_id(0)), 200, small_list.body));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/detail?limit=3"), 200,
                           join_array(all.begin(), all.begin() + 3)));
    EXPECT_EQ(digest, redis().digest()) << "the refused import wrote something";
    // A reset of every report goes chunk by chunk as long as a whole list:
    // refused before its first chunk, nothing changed.
    EXPECT_TRUE(IsBusy(http().request("POST", kBase + "/reset-frequency")));
    EXPECT_EQ(digest, redis().digest()) << "the refused reset wrote something";

    // The holders read their lists, whole.
    for (auto& holder : holders) {
        std::string answer = holder->receive();
        EXPECT_EQ(0u, answer.rfind("HTTP/1.1 200 OK", 0)) << answer.substr(0, 300);
        EXPECT_EQ(whole.body, dechunk(answer)) << answer.substr(0, 300);
    }
    holders.clear();

    // The slots are free again.
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/detail"), 200, whole.body));
    EXPECT_EQ(404, http().get(refused.path()).status);
    EXPECT_TRUE(IsJsonBody(http().request("POST", kBase + "/data/import", import_line(refused),
                                          {{"Content-Type", "application/x-ndjson"}}),
                           200, "{\"imported\":1,\"errors\":[]}"));
    EXPECT_TRUE(IsJsonBody(http().request("POST", kBase + "/reset-frequency"), 200,
                           "{\"message\":\"Frequency untuk 1000 report berhasil direset\","
                           "\"count\":1000}"));
}

// A slot bounds the Redis work an import queues, and an import whose body is
// still arriving queues none: clients that send the headers of an import and
// then its body slowly, or never, hold no slot, and everyone's lists go on.
TEST_F(StreamSlotsTest, ImportsWhoseBodiesAreStillArrivingHoldNoSlot) {
    ASSERT_TRUE(SeedReports(redis(), 10, 2));
    HttpResponse whole = http().get(kBase + "/detail");
    ASSERT_TRUE(IsJson(whole, 200));
    const std::vector<std::string> all = array_items(whole.body);
    HttpResponse list = http().get(kBase + "/");
    ASSERT_TRUE(IsJson(list, 200));
    const std::vector<std::string> reports = array_items(list.body);
    ASSERT_EQ(10u, reports.size());

    std::vector<Customer> waiting = {make_customer(70), make_customer(71), make_customer(72)};
    std::vector<std::unique_ptr<RawClient>> slow;
    for (const Customer& c : waiting) {
        slow.push_back(std::make_unique<RawClient>(stack().port()));
        ASSERT_TRUE(slow.back()->send("POST " + kBase
                                      + "/data/import HTTP/1.1\r\nHost: x\r\n"
                                        "Content-Length: "
                                      + std::to_string(import_line(c).size())
                                      + "\r\nConnection: close\r\n\r\n{"));
        ASSERT_TRUE(RequestRead());
    }

    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/detail"), 200, whole.body));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/?limit=4"), 200,
                           join_array(reports.begin(), reports.begin() + 4)));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/detail?limit=5"), 200,
                           join_array(all.begin(), all.begin() + 5)));

    // Their bodies arrive: each is imported.
    for (size_t i = 0; i < slow.size(); ++i) {
        ASSERT_TRUE(slow[i]->send(import_line(waiting[i]).substr(1)));
        std::string answer = slow[i]->receive();
        EXPECT_EQ(0u, answer.rfind("HTTP/1.1 200 OK", 0)) << "import " << i << "\n" << answer;
        EXPECT_NE(std::string::npos, answer.find("{\"imported\":1,\"errors\":[]}")) << answer;
    }
    for (const Customer& c : waiting)
        EXPECT_EQ(200, http().get(c.path()).status) << c.id;
}

// A list's slot goes back when its last page is out, not when nginx frees
// the request: after a "Connection: close" answer nginx lingers on a
// connection its client keeps open (up to lingering_time if the client keeps
// sending), and such clients would otherwise hold every slot.
TEST_F(StreamSlotsTest, FinishedListsHoldNoSlotWhileTheirConnectionsLinger) {
    ASSERT_TRUE(SeedReports(redis(), 10, 2));
    HttpResponse page = http().get(kBase + "/?limit=4");
    ASSERT_TRUE(IsJson(page, 200));
    std::vector<std::unique_ptr<RawClient>> lingering;
    for (int i = 0; i < 3; ++i) {
        lingering.push_back(std::make_unique<RawClient>(stack().port()));
        // A byte after the request: nginx lingers to read what follows.
        ASSERT_TRUE(lingering.back()->send("GET " + kBase
                                           + "/?limit=4 HTTP/1.1\r\nHost: x\r\n"
                                             "Connection: close\r\n\r\nx"));
        std::string answer = lingering.back()->receive();
        EXPECT_EQ(0u, answer.rfind("HTTP/1.1 200 OK", 0)) << "list " << i << "\n" << answer;
        EXPECT_EQ(page.body, dechunk(answer)) << answer;
    }
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/?limit=4"), 200, page.body));
}

// ---------------------------------------------------------------- load

class ListLoadTest : public StackTest<ListLoadTest> {
public:
    static StackOptions stack_options() {
        StackOptions options;
        // Well above what any one bounded call takes, well below what the
        // pipelined queue of whole-page scripts took before.
        options.nginx.http_extra += "wa_report_redis_timeout 1s;\n";
        return options;
    }
};

TEST_F(ListLoadTest, ConcurrentBigListsLeaveStatisticsAndSingleReportsServed) {
    constexpr int kReports = 8000;
    constexpr int kLists = 24;
    ASSERT_TRUE(SeedReports(redis(), kReports, 2));
    const std::string stats_path = kBase + "/statistics";
    const std::string report_path =
        kBase + "/customer/" + customer_id(1234) + "/vehicle/" + vehicle_id(2469);
    const std::string stats =
        "{\"total_customers_with_vehicles\":8000,\"total_messages_sent\":36000,"
        "\"average_messages_per_customer\":4.5,\"customers_by_frequency\":{\"1\":1000,\"2\":1000,"
        "\"3\":1000,\"4\":1000,\"5\":1000,\"6\":1000,\"7\":1000,\"8\":1000}}";
    ASSERT_TRUE(IsJsonBody(http().get(stats_path), 200, stats));
    HttpResponse report = http().get(report_path);
    ASSERT_TRUE(IsJson(report, 200));
    HttpResponse whole = http().get(kBase + "/detail");
    ASSERT_TRUE(IsJson(whole, 200));
    ASSERT_EQ(static_cast<size_t>(kReports), array_items(whole.body).size());

    std::atomic<int> running{kLists};
    std::vector<HttpResponse> lists(kLists);
    std::vector<std::thread> threads;
    for (int i = 0; i < kLists; ++i) {
        threads.emplace_back([&, i] {
            HttpClient client(stack().port());
            client.set_timeout(Millis(60000));
            lists[i] = client.get(kBase + "/detail?limit=10000");
            running--;
        });
    }
    std::vector<HttpResponse> probes;
    while (running > 0 || probes.size() < 40) {
        probes.push_back(http().get(probes.size() % 2 == 0 ? stats_path : report_path));
    }
    for (auto& t : threads)
        t.join();

    for (size_t i = 0; i < probes.size(); ++i) {
        SCOPED_TRACE("probe " + std::to_string(i));
        EXPECT_TRUE(IsJsonBody(probes[i], 200, i % 2 == 0 ? stats : report.body));
    }
    int served = 0;
    for (int i = 0; i < kLists; ++i) {
        SCOPED_TRACE("list " + std::to_string(i));
        if (lists[i].status == 200) {
            served++;
            EXPECT_TRUE(IsJsonBody(lists[i], 200, whole.body));
        } else {
            EXPECT_TRUE(IsBusy(lists[i]));
        }
    }
    EXPECT_GE(served, 1);
    const std::string log = stack().nginx().error_log();
    EXPECT_EQ(std::string::npos, log.find("redis unavailable")) << log;
}

// ---------------------------------------------------------------- silence

// The command timeout counts Redis's silence: a big reply that Redis sends
// slowly, 64 KB per turn of its event loop while another client's scripts
// keep it busy in between, keeps the connection alive as long as bytes
// arrive, even when the whole reply takes longer than the timeout.
class SlowReplyTest : public StackTest<SlowReplyTest> {
public:
    static StackOptions stack_options() {
        StackOptions options;
        options.nginx.report_directives += "wa_report_page_size 10000;\n";
        options.nginx.http_extra += "wa_report_redis_timeout 1s;\n";
        options.nginx.http_extra += "wa_report_reminder off;\n";
        return options;
    }
};

TEST_F(SlowReplyTest, ARepliesBytesKeepTheConnectionAlive) {
    ASSERT_TRUE(SeedReports(redis(), 10000, 2));
    HttpResponse quiet = http().get(kBase + "/detail?limit=10000");
    ASSERT_TRUE(IsJson(quiet, 200));
    ASSERT_GT(quiet.body.size(), 2500000u);

    // Four other clients keep Redis busy, 50 ms per script: each turn of its
    // event loop runs their scripts and then writes the module 64 KB, so the
    // 2.9 MB reply takes about 45 turns, several seconds, while its bytes
    // never stop for long.
    std::atomic<bool> stop{false};
    std::atomic<int> scripts{0};
    const int redis_port = stack().redis_port();
    std::vector<std::thread> busy;
    for (int i = 0; i < 4; ++i) {
        busy.emplace_back([&] {
            RedisClient client;
            std::string ignored;
            if (!client.connect(redis_port, &ignored))
                return;
            const std::string spin =
                "local t0 = redis.call('TIME') "
                "repeat local t = redis.call('TIME') "
                "until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 50000 "
                "return 1";
            while (!stop) {
                client.command({"EVAL", spin, "0"});
                scripts++;
            }
        });
    }
    poll_until(
        Millis(2000), [&] { return scripts > 4; }, Millis(1));
    const int before = scripts;
    HttpResponse slow = http().get(kBase + "/detail?limit=10000");
    const int during = scripts - before;
    stop = true;
    for (auto& t : busy)
        t.join();

    EXPECT_TRUE(IsJsonBody(slow, 200, quiet.body));
    // The scenario held: Redis spent more than the timeout on other clients'
    // scripts while this one reply went out.
    EXPECT_GE(during * 50, 1500) << "Redis was not kept busy while the reply went out";
    const std::string log = stack().nginx().error_log();
    EXPECT_EQ(std::string::npos, log.find("command timed out")) << log;
}

}  // namespace
}  // namespace wa::itest

// A StarSender- and Cloud API-compatible gateway for `make bench`: accepts
// every message at once and counts them (StarSender ids "ss-<n>", Cloud API
// ids "wamid.bench-<n>"). GET /count answers the number accepted so far.
// Usage: bench_gateway PORT

#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_gateway PORT\n");
        return 2;
    }
    int port = std::atoi(argv[1]);
    std::atomic<long> accepted{0};
    httplib::Server server;
    // One thread per kept-alive connection of the module's curl pool.
    server.new_task_queue = [] { return new httplib::ThreadPool(128); };
    server.set_keep_alive_max_count(1000000);
    server.set_tcp_nodelay(true);
    server.Post("/api/send", [&](const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("Authorization").empty()) {
            res.status = 401;
            res.set_content(R"({"success":false,"message":"no key"})", "application/json");
            return;
        }
        long n = ++accepted;
        res.set_content("{\"success\":true,\"data\":{\"id\":\"ss-" + std::to_string(n)
                            + "\"},\"message\":\"Pesan berhasil dikirim\"}",
                        "application/json");
    });
    server.Post(R"(/v20.0/\d+/messages)", [&](const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("Authorization").rfind("Bearer ", 0) != 0) {
            res.status = 401;
            res.set_content(R"({"error":{"message":"no token","code":190}})", "application/json");
            return;
        }
        long n = ++accepted;
        res.set_content("{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.bench-"
                            + std::to_string(n) + "\"}]}",
                        "application/json");
    });
    server.Get("/count", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::to_string(accepted.load()), "text/plain");
    });
    return server.listen("127.0.0.1", port) ? 0 : 1;
}

// The fault suite's measuring kit: a steady reader of report GETs running
// beside a fault, the figures one scenario yields, and the row it adds to the
// table of RELIABILITY.md (tools/faults.sh).
//
// Environment: FAULTS_SHORT=1 runs each scenario for a few seconds (make
// test); WA_FAULTS_OUT names a file each scenario appends its row to (one
// tab-separated line: scenario, load, requests, failures, max latency,
// recovery, lost, doubled, crashes).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../integration/reminder_support.hpp"

namespace wa::itest::faults {

// FAULTS_SHORT=1 in the environment.
bool short_mode();
// `full` normally, `brief` under FAULTS_SHORT.
Millis scaled(Millis full, Millis brief);
int scaled(int full, int brief);

// One request of the load. Times are seconds since the load started.
struct Sample {
    double sent = 0;
    double seconds = 0;  // until the whole answer, or the client gave up
    int status = 0;      // 0: no answer (refused, reset, timeout)
};

// `connections` threads, each with its own keep-alive client, GETting the
// targets in turn with `pause` between requests, until stop(). A client
// waits at most 10 s for an answer.
class ReadLoad {
public:
    ReadLoad(int port, std::vector<std::string> targets, int connections = 10,
             Millis pause = Millis(20));
    ~ReadLoad();
    ReadLoad(const ReadLoad&) = delete;
    ReadLoad& operator=(const ReadLoad&) = delete;

    void start();
    void stop();
    double now() const;  // seconds since start()
    std::vector<Sample> samples() const;
    std::string describe() const;  // "10 connections GET report, 20 ms pause"

private:
    void read_loop(int index);

    int port_;
    std::vector<std::string> targets_;
    int connections_;
    Millis pause_;
    std::chrono::steady_clock::time_point epoch_;
    std::atomic<bool> stopping_{false};
    std::vector<std::thread> threads_;
    mutable std::mutex mutex_;
    std::vector<Sample> samples_;
};

struct Figures {
    std::string scenario;
    std::string load;
    size_t requests = 0;
    std::map<int, size_t> failures;  // status (0: no answer) -> requests
    double max_latency = 0;          // seconds, of requests sent during the fault
    double recovery = -1;            // seconds from the fault's end to the first 200; -1: none
    int lost = 0;
    int doubled = 0;
    int crashes = 0;

    std::string failures_text() const;  // "503 x12, no answer x3" or "none"
    std::string row() const;            // the tab-separated line
};

// Requests, failures, the worst latency of a request sent in [fault_start,
// fault_end] and the first success sent at or after fault_end, from the load's
// samples (times in the load's seconds).
void measure(const std::vector<Sample>& samples, double fault_start, double fault_end,
             Figures* figures);

// Prints the row and appends it to $WA_FAULTS_OUT when that is set.
void publish(const Figures& figures);

// Statuses other than 200 and `allowed`, and requests answered `allowed`
// slower than `fast`: "" when every failure was a fast `allowed` answer.
std::string unexpected_failures(const std::vector<Sample>& samples, int allowed, double fast);

// Report GET paths of `count` vehicles that have a report and are not due
// (customer n from `first`), created through the data API and POST /record.
::testing::AssertionResult SeedReadTargets(HttpClient& http, int first, int count,
                                           std::vector<std::string>* paths);

// Recipients the gateway accepted twice or more.
int doubled_sends(const TestGateway& gateway);

// Recipients among `due` the gateway accepted whose report was not counted
// and whose vehicle the last run does not list as unknown.
int lost_sends(HttpClient& http, RedisClient& redis, const TestGateway& gateway,
               const std::vector<Seeded>& due);

// The [alert]/[crit]/[emerg] lines in `problems`, but for the exit of
// `killed` by SIGKILL (the fault itself), one per line.
std::string crash_lines(const std::string& problems, pid_t killed = -1);
int line_count(const std::string& text);

// The [alert], [crit] and [emerg] lines of an error log text.
std::string problem_lines(const std::string& log);

}  // namespace wa::itest::faults

namespace wa::itest::faults {

// The stack every scenario runs on: two workers, the StarSender provider on
// the test gateway at `rate` messages a second, short Redis timeouts (500 ms)
// so that a fault is answered fast, a 2 s run lease.
StackOptions fault_stack(int rate = 20);

// Lets the load run for a fixed time: the scenarios' figures are per time.
void keep_load_for(Millis duration);

}  // namespace wa::itest::faults

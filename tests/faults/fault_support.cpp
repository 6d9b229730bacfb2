#include "fault_support.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>

namespace wa::itest::faults {

bool short_mode() {
    const char* value = std::getenv("FAULTS_SHORT");
    return value != nullptr && std::string(value) == "1";
}

Millis scaled(Millis full, Millis brief) { return short_mode() ? brief : full; }

int scaled(int full, int brief) { return short_mode() ? brief : full; }

// ---------------------------------------------------------------- load

ReadLoad::ReadLoad(int port, std::vector<std::string> targets, int connections, Millis pause)
    : port_(port), targets_(std::move(targets)), connections_(connections), pause_(pause) {}

ReadLoad::~ReadLoad() { stop(); }

void ReadLoad::start() {
    epoch_ = std::chrono::steady_clock::now();
    stopping_ = false;
    for (int i = 0; i < connections_; ++i)
        threads_.emplace_back([this, i] { read_loop(i); });
}

void ReadLoad::stop() {
    stopping_ = true;
    for (std::thread& thread : threads_) {
        if (thread.joinable())
            thread.join();
    }
    threads_.clear();
}

double ReadLoad::now() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
}

std::vector<Sample> ReadLoad::samples() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return samples_;
}

std::string ReadLoad::describe() const {
    return std::to_string(connections_) + " connections GET report, "
        + std::to_string(pause_.count()) + " ms pause";
}

void ReadLoad::read_loop(int index) {
    HttpClient http(port_);
    http.set_timeout(Millis(10000));
    size_t next = static_cast<size_t>(index);
    while (!stopping_) {
        Sample sample;
        sample.sent = now();
        HttpResponse response = http.get(targets_[next % targets_.size()]);
        sample.seconds = now() - sample.sent;
        sample.status = response.status;
        if (response.status == 0)
            http.close();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            samples_.push_back(sample);
        }
        ++next;
        // A refused connection answers at once: the pause keeps the loop bounded.
        std::this_thread::sleep_for(pause_);
    }
}

// ---------------------------------------------------------------- figures

std::string Figures::failures_text() const {
    std::string text;
    for (const auto& [status, count] : failures) {
        if (!text.empty())
            text += ", ";
        text += (status == 0 ? std::string("no answer") : std::to_string(status)) + " x"
            + std::to_string(count);
    }
    return text.empty() ? "none" : text;
}

namespace {

std::string seconds_text(double seconds) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.3f s", seconds);
    return buffer;
}

}  // namespace

std::string Figures::row() const {
    return scenario + "\t" + load + "\t" + std::to_string(requests) + "\t" + failures_text() + "\t"
        + seconds_text(max_latency) + "\t"
        + (recovery < 0 ? std::string("not recovered") : seconds_text(recovery)) + "\t"
        + std::to_string(lost) + "\t" + std::to_string(doubled) + "\t" + std::to_string(crashes);
}

void measure(const std::vector<Sample>& samples, double fault_start, double fault_end,
             Figures* figures) {
    figures->requests = samples.size();
    figures->failures.clear();
    figures->max_latency = 0;
    double first_success = -1;
    for (const Sample& s : samples) {
        if (s.status != 200)
            ++figures->failures[s.status];
        if (s.sent >= fault_start && s.sent <= fault_end)
            figures->max_latency = std::max(figures->max_latency, s.seconds);
        const double answered = s.sent + s.seconds;
        if (s.status == 200 && s.sent >= fault_end
            && (first_success < 0 || answered < first_success))
            first_success = answered;
    }
    figures->recovery = first_success < 0 ? -1 : first_success - fault_end;
}

void publish(const Figures& figures) {
    std::cout << "[ FIGURES  ] " << figures.row() << std::endl;
    const char* out = std::getenv("WA_FAULTS_OUT");
    if (out == nullptr || *out == '\0')
        return;
    std::ofstream file(out, std::ios::app);
    file << figures.row() << "\n";
}

std::string unexpected_failures(const std::vector<Sample>& samples, int allowed, double fast) {
    std::ostringstream text;
    for (const Sample& s : samples) {
        if (s.status == 200)
            continue;
        if (s.status == allowed && s.seconds <= fast)
            continue;
        text << "at " << s.sent << " s: status " << s.status << " after " << s.seconds << " s\n";
    }
    return text.str();
}

// ---------------------------------------------------------------- data

::testing::AssertionResult SeedReadTargets(HttpClient& http, int first, int count,
                                           std::vector<std::string>* paths) {
    std::vector<Seeded> seeded;
    auto ok = SeedVehicles(http, first, count, jakarta_today(60), &seeded);
    if (!ok)
        return ok;
    for (const Seeded& s : seeded) {
        auto recorded = Record(http, s.customer.id, s.vehicle.id, new_uuid());
        if (!recorded)
            return recorded;
        paths->push_back(kBase + "/customer/" + s.customer.id + "/vehicle/" + s.vehicle.id);
    }
    return ::testing::AssertionSuccess();
}

int doubled_sends(const TestGateway& gateway) {
    int doubled = 0;
    for (const auto& [to, accepted] : gateway.accepted_per_recipient()) {
        if (accepted > 1)
            ++doubled;
    }
    return doubled;
}

int lost_sends(HttpClient& http, RedisClient& redis, const TestGateway& gateway,
               const std::vector<Seeded>& due) {
    std::vector<JsonPtr> details = last_run_details(redis);
    int lost = 0;
    for (const Seeded& s : due) {
        if (gateway.accepted_for(s.to) == 0 || report_frequency(http, s) > 0)
            continue;
        bool unknown = false;
        for (const JsonPtr& item : details) {
            std::string text = dump_json(item.get());
            if (json_member(text, "no_pol") == s.vehicle.nopol
                && json_member(text, "status") == "unknown")
                unknown = true;
        }
        if (!unknown)
            ++lost;
    }
    return lost;
}

std::string crash_lines(const std::string& problems, pid_t killed) {
    const std::string expected = "worker process " + std::to_string(killed) + " exited on signal 9";
    std::istringstream in(problems);
    std::string line;
    std::string crashes;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        if (killed > 0 && line.find(expected) != std::string::npos)
            continue;
        crashes += line + "\n";
    }
    return crashes;
}

int line_count(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace wa::itest::faults

namespace wa::itest::faults {

StackOptions fault_stack(int rate) {
    ReminderSettings s;
    s.worker_processes = 2;
    s.rate = rate;
    s.concurrency = 4;
    s.timeout = "1s";
    s.tick = "200ms";
    s.lease = "2s";
    s.extra_http =
        "wa_report_redis_timeout 500ms;\n"
        "wa_report_redis_connect_timeout 500ms;\n";
    return reminder_stack(s);
}

void keep_load_for(Millis duration) { std::this_thread::sleep_for(duration); }

}  // namespace wa::itest::faults

namespace wa::itest::faults {

std::string problem_lines(const std::string& log) {
    std::istringstream in(log);
    std::string line;
    std::string problems;
    while (std::getline(in, line)) {
        for (const char* level : {"[alert]", "[crit]", "[emerg]"}) {
            if (line.find(level) != std::string::npos) {
                problems += line + "\n";
                break;
            }
        }
    }
    return problems;
}

}  // namespace wa::itest::faults

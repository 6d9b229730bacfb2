// Everything a worker owns, from init_process to exit_process, and what
// every room asks of it (ids, the local time).
#pragma once

#include "ngx_http_wa_report_conf.hpp"

#include "core/log_lines.hpp"

#include <memory>
#include <random>
#include <string>

namespace wa {

class Redis;
class Reminder;
class Store;

// Everything a worker owns, from init_process to exit_process.
struct Worker {
    Worker(const Config& c, ngx_log_t* log);
    ~Worker();

    // Starts both connections (each reconnects by itself from then on).
    void connect();

    const Config& config;

private:
    std::unique_ptr<Redis> redis_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Redis> engine_redis_;
    std::unique_ptr<Store> engine_store_;

public:
    Redis& redis;  // the requests' connection
    Store& store;  // the requests' calls, on `redis`
    // The reminder engine's calls, on a connection of their own: a run's
    // batch scripts never queue in front of the requests' commands.
    Store& engine_store;
    std::mt19937_64 rng{std::random_device{}()};
    std::unique_ptr<Reminder> reminder;
    size_t streams = 0;  // lists and imports holding a slot
    // Lines that requests write while a cause lasts (a Redis error every
    // request meets, every list slot taken): each cause once a minute.
    LogThrottle request_log;
};

// nullptr outside worker processes or when no location uses wa_report.
Worker* worker();

std::string new_uuid();

// Now in wa_report_timezone, "YYYY-MM-DDTHH:MM:SS" (what Redis records).
std::string now_local();

// init_process and exit_process: the worker's state, its connections and
// its reminder engine, for a worker of a configuration that uses the module.
ngx_int_t start_worker(ngx_cycle_t* cycle, const Config& config);
void stop_worker();

}  // namespace wa

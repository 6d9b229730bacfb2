// Configuration and worker state shared by the module's files.
#pragma once

#include "ngx_wa.hpp"
#include "ngx_http_wa_report_redis.hpp"

#include "core/dates.hpp"
#include "core/keys.hpp"

#include <memory>
#include <random>

extern "C" {
extern ngx_module_t ngx_http_wa_report_module;
}

namespace wa {

// What the C++ side needs from http{}: built once per configuration cycle.
struct Config {
    RedisSettings redis;
    Keys keys{"wa"};
    Zone zone;
    int visit_interval_months = 4;
    int64_t message_id_ttl = 0;
};

}  // namespace wa

struct ngx_http_wa_report_main_conf_t {
    ngx_str_t redis;
    ngx_int_t redis_db;
    ngx_str_t redis_user;
    ngx_str_t redis_password_file;
    ngx_msec_t redis_connect_timeout;
    ngx_msec_t redis_timeout;
    ngx_str_t key_prefix;
    ngx_str_t timezone;
    ngx_int_t visit_interval;
    time_t message_id_ttl;
    ngx_flag_t used;
    wa::Config* config;
};

struct ngx_http_wa_report_loc_conf_t {
    ngx_flag_t enable;
    size_t max_body_size;
    size_t import_max_body_size;
    ngx_uint_t page_size;
    ngx_str_t base;
};

namespace wa {

// Everything a worker owns, from init_process to exit_process.
struct Worker {
    Worker(const Config& c, ngx_log_t* log) : config(c), redis(c.redis, log) {}

    const Config& config;
    Redis redis;
    std::mt19937_64 rng{std::random_device{}()};
};

// nullptr outside worker processes or when no location uses wa_report.
Worker* worker();

std::string new_uuid();

}  // namespace wa

ngx_int_t ngx_http_wa_report_handler(ngx_http_request_t* r);

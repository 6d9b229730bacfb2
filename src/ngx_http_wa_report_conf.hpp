// The module's configuration: nginx's C conf structs as the directives fill
// them, the C++ Config the workers run on, and the directive handlers that
// check each value where it is read (so nginx -t names its file and line).
#pragma once

#include "ngx_wa.hpp"

#include "core/dates.hpp"
#include "core/gateway.hpp"
#include "core/keys.hpp"
#include "core/provider.hpp"
#include "core/reminder.hpp"
#include "core/sentinel.hpp"
#include "core/send_window.hpp"

#include <optional>
#include <string>
#include <vector>

extern "C" {
extern ngx_module_t ngx_http_wa_report_module;
}

namespace wa {

struct RedisSettings {
    std::string host;  // an IP address, resolved at config time
    int port = 6379;
    std::string unix_path;  // used instead of host:port when set
    int db = 0;
    std::string user;
    std::string password;
    ngx_msec_t connect_timeout = 1000;
    ngx_msec_t command_timeout = 2000;

    // wa_report_redis_sentinel: the primary of `master_name` is asked of
    // these sentinels in turn, instead of host/port being fixed.
    std::string master_name;
    std::vector<HostPort> sentinels;
    std::string sentinel_password;
    // wa_report_redis_wait: a counted send is confirmed on this many
    // replicas (WAIT) before the run moves on; 0: not waited for.
    int wait_replicas = 0;
    ngx_msec_t wait_timeout = 500;

    bool sentinel() const { return !master_name.empty(); }

    // "unix:/path", or "host:port" ("[host]:port" for IPv6): how an admin
    // wrote it, for the lines that say what could not be reached.
    std::string address() const;
};

struct ReminderConfig {
    bool enabled = true;       // this instance's workers take part in runs
    bool schedule_on = false;  // initial schedule, used when Redis has none
    int schedule_hour = 7;
    int schedule_minute = 0;
    ngx_msec_t tick = 30000;
    ngx_msec_t lease = 30000;
    ngx_msec_t run_now_timeout = 600000;  // run-now answers 202 past it
    int lead_days = 3;
    int catch_up = 7;    // wa_report_catch_up: days a scheduled run may catch up; 0 off
    bool daily = false;  // the old behaviour: remind on each day of the window
    std::optional<Template> message;
    std::string service_phone;
    Provider provider = Provider::log;
    // wa_report_gateway's request builder and answer parser, chosen once here.
    const GatewayProvider* gateway = &gateway_provider(Provider::log);
    std::string url;
    std::string key;  // API key or token, from a file
    CloudTemplate cloud;
    ngx_msec_t timeout = 10000;
    size_t concurrency = 16;
    size_t rate = 20;  // messages per second, 0: unlimited
    int retries = 3;
    ngx_msec_t retry_after_max = 30000;  // the longest wait an answer may ask for
    bool log_messages = false;           // dry runs log the whole number and text
    // wa_report_send_window: sends only inside it (none: at any hour).
    std::optional<SendWindow> window;
    // wa_report_recipient_interval: the least time between two messages to
    // one number.
    ngx_msec_t recipient_interval = 6000;
    bool recipient_interval_set = false;  // the directive was read (a duplicate is refused)
    // wa_report_group_by customer: one message per customer listing their
    // due vehicles (core/group.hpp); false: one per vehicle.
    bool group_by_customer = false;
    // wa_report_vehicle_line_template: each vehicle's line of {vehicles}.
    std::optional<Template> vehicle_line;
};

// What the C++ side needs from http{}: built once per configuration cycle.
struct Config {
    RedisSettings redis;
    Keys keys{"wa"};
    Zone zone;
    int visit_interval_months = 4;
    int64_t message_id_ttl = 0;
    size_t max_streams = 4;  // lists and imports in progress per worker
    ReminderConfig reminder;
    // Made anew for each configuration load (start, reload) and shared by
    // its workers: the first of them to start applies wa_report_schedule.
    std::string load_id;
};

}  // namespace wa

/* Where a directive was read: checks that need the whole block (a provider
 * that needs its URL) report the line that asked for it. */
struct ngx_http_wa_report_where_t {
    ngx_str_t file;
    ngx_uint_t line;
};

// An API location's prefix in its server, for errors nginx answers before it
// has chosen a location (the request's URI is all there is then).
struct ngx_http_wa_report_api_prefix_t {
    ngx_http_core_srv_conf_t* server;
    ngx_str_t name;
    ngx_flag_t exact;
};

struct ngx_http_wa_report_main_conf_t {
    ngx_str_t redis;
    ngx_int_t redis_db;
    ngx_str_t redis_user;
    ngx_str_t redis_password_file;
    ngx_str_t redis_sentinel_password_file;
    ngx_http_wa_report_where_t redis_sentinel_where;
    ngx_int_t redis_wait;
    ngx_msec_t redis_wait_timeout;
    ngx_http_wa_report_where_t redis_wait_where;
    ngx_msec_t redis_connect_timeout;
    ngx_msec_t redis_timeout;
    ngx_str_t key_prefix;
    ngx_str_t timezone;
    ngx_int_t visit_interval;
    time_t message_id_ttl;
    ngx_int_t max_streams;
    ngx_flag_t used;
    ngx_array_t* api_prefixes;  // of ngx_http_wa_report_api_prefix_t
    wa::Config* config;

    ngx_flag_t reminder;
    ngx_int_t schedule_hour; /* -1 until wa_report_schedule */
    ngx_int_t schedule_minute;
    ngx_flag_t schedule_on;
    ngx_msec_t tick;
    ngx_msec_t run_lease;
    ngx_msec_t run_now_timeout;
    ngx_int_t lead_days;
    ngx_int_t catch_up;
    ngx_uint_t remind;
    ngx_str_t message_template;
    ngx_str_t service_phone;
    ngx_uint_t gateway;
    ngx_http_wa_report_where_t gateway_where;
    // wa_report_template's and wa_report_group_by's lines, for the checks of
    // one against the other.
    ngx_http_wa_report_where_t template_where;
    ngx_http_wa_report_where_t group_by_where;
    ngx_str_t gateway_url;
    ngx_str_t gateway_key_file;
    ngx_str_t gateway_template;
    ngx_str_t gateway_template_language;
    ngx_msec_t gateway_timeout;
    ngx_int_t gateway_concurrency;
    ngx_int_t gateway_rate;
    ngx_int_t gateway_retries;
    ngx_msec_t gateway_retry_after_max;
    ngx_flag_t log_messages;
    ngx_shm_zone_t* metrics_zone;  // the counters of every worker (metrics)
};

struct ngx_http_wa_report_loc_conf_t {
    ngx_flag_t enable;
    ngx_flag_t scheduler;
    ngx_http_wa_report_where_t scheduler_where;
    ngx_str_t jwt_secret_file;
    ngx_str_t jwt_secret;
    time_t jwt_max_lifetime; /* seconds */
    size_t max_body_size;
    size_t import_max_body_size;
    ngx_uint_t page_size;
    ngx_str_t base;
    // This level's error_page list as nginx's merge left it, and as the
    // module left it (an API location does not take the server's).
    ngx_array_t* core_error_pages;
    ngx_array_t* api_error_pages;
    // Access control (wa_report_auth_*): wa::AuthMode values; the lines that
    // chose them, for a mode that lacks its secret or keys file.
    ngx_uint_t auth_read;
    ngx_uint_t auth_write;
    ngx_http_wa_report_where_t auth_read_where;
    ngx_http_wa_report_where_t auth_write_where;
    ngx_str_t auth_jwt_secret_file;
    ngx_str_t auth_jwt_secret;
    ngx_str_t auth_keys_file;
    ngx_array_t* auth_keys;  // of wa::ApiKeyDigest
    ngx_flag_t metrics;      // wa_report_metrics
    // The webhook ingress (wa_report_webhook): 0, or 1 + wa::WebhookProvider;
    // the line that chose it, for the secrets it needs.
    ngx_uint_t webhook;
    ngx_http_wa_report_where_t webhook_where;
    ngx_str_t webhook_verify_token_file;
    ngx_str_t webhook_verify_token;
    ngx_str_t webhook_secret_file;
    ngx_str_t webhook_secret;
    size_t webhook_max_body;
    // wa_report_stop_words, wa_report_start_words: folded (core/optout's
    // fold_word), for inbound_opt_change; never null after the merge.
    const std::vector<std::string>* stop_words;
    const std::vector<std::string>* start_words;
};

// Directive handlers and post handlers (ngx_http_wa_report_conf.cpp); the
// command table in ngx_http_wa_report_module.cpp names them.
char* ngx_http_wa_report_schedule(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_gateway_template(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_redis(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_redis_password_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_redis_sentinel(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_redis_sentinel_password_file(ngx_conf_t* cf, ngx_command_t* cmd,
                                                          void* conf);
char* ngx_http_wa_report_set_redis_wait(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_key_prefix(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_timezone(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_jwt_secret_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_template(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_service_phone(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_gateway(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_gateway_url(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_gateway_key_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_auth(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_auth_jwt_secret_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_auth_keys_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_webhook(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_webhook_verify_token_file(ngx_conf_t* cf, ngx_command_t* cmd,
                                                       void* conf);
char* ngx_http_wa_report_set_webhook_secret_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_set_opt_words(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
char* ngx_http_wa_report_check_msec_min(ngx_conf_t* cf, void* post, void* data);
char* ngx_http_wa_report_check_sec_min(ngx_conf_t* cf, void* post, void* data);

/* The range of a time directive (max 0: none), checked where it is read. */
struct ngx_http_wa_report_time_min_t {
    ngx_conf_post_handler_pt post_handler;
    ngx_msec_t min;
    const char* text;
    ngx_msec_t max;
    const char* max_text;
};

namespace wa {

// Checks and defaults that need the whole http{} block, for init_main_conf.
char* parse_redis_address(ngx_conf_t* cf, const ngx_str_t& addr, RedisSettings& rs);
char* init_reminder_conf(ngx_conf_t* cf, ngx_http_wa_report_main_conf_t* mcf, ReminderConfig& rc);
// wa_report_group_by's part of it (ngx_http_wa_report_group_conf.cpp): the
// templates' defaults for the grouping and their checks against it.
char* init_group_conf(ngx_conf_t* cf, ngx_http_wa_report_main_conf_t* mcf, ReminderConfig& rc);
void remember_where(ngx_conf_t* cf, ngx_http_wa_report_where_t& where);
// An [emerg] at the line of the directive that asked for what is missing
// (nginx's own "in file:line" form).
char* emerg_at(ngx_conf_t* cf, const ngx_http_wa_report_where_t& where, const std::string& what);
// For the merge of a wa_report location: an [emerg] at the line of the
// wa_report_auth_read or _write that chose a mode whose secret or keys file
// the location lacks.
char* check_auth_conf(ngx_conf_t* cf, const ngx_http_wa_report_loc_conf_t* conf);
// For the merge of any location, before anything is inherited: a webhook
// location that also has another of the module's handlers, or lacks the
// secrets its provider needs, is an [emerg]; the webhook's own settings are
// inherited.
char* merge_webhook_conf(ngx_conf_t* cf, const ngx_http_wa_report_loc_conf_t* prev,
                         ngx_http_wa_report_loc_conf_t* conf);
// A secret file named by a directive (relative to the prefix), read while
// the directive is read: [emerg] when it cannot be read or is empty, [warn]
// when group or others may access it; trailing CR and LF are not part of it.
char* load_secret(ngx_conf_t* cf, ngx_str_t& file, const char* what, std::string& out);
// For the merge of every location (ngx_http_wa_report_conf_optout.cpp): the
// stop and start words inherited or the defaults; [emerg] for a word in both.
char* merge_opt_words(ngx_conf_t* cf, ngx_http_wa_report_loc_conf_t* conf,
                      const ngx_http_wa_report_loc_conf_t* prev);
// A pool cleanup handler that destroys a Config made in place.
void destroy_config(void* data);

}  // namespace wa

// ngx_http_wa_report_module: directives, configuration and worker lifetime.

#include "ngx_http_wa_report_access.hpp"
#include "ngx_http_wa_report_conf.hpp"
#include "ngx_http_wa_report_worker.hpp"

#include "ngx_http_wa_report_filters.hpp"
#include "ngx_http_wa_report_group_conf.hpp"
#include "ngx_http_wa_report_handler.hpp"
#include "ngx_http_wa_report_metrics.hpp"
#include "ngx_http_wa_report_pace_conf.hpp"
#include "ngx_http_wa_report_scheduler.hpp"

#include "core/catch_up.hpp"
#include "core/uuid.hpp"

#include <new>
#include <random>

static ngx_int_t ngx_http_wa_report_postconfiguration(ngx_conf_t* cf);
static void* ngx_http_wa_report_create_main_conf(ngx_conf_t* cf);
static char* ngx_http_wa_report_init_main_conf(ngx_conf_t* cf, void* conf);
static void* ngx_http_wa_report_create_loc_conf(ngx_conf_t* cf);
static char* ngx_http_wa_report_merge_loc_conf(ngx_conf_t* cf, void* parent, void* child);
static char* ngx_http_wa_report(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
static char* ngx_http_wa_report_scheduler(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
static char* ngx_http_wa_report_metrics(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
static char* ngx_http_wa_report_set_base(ngx_conf_t* cf, ngx_http_wa_report_loc_conf_t* lcf,
                                         ngx_http_handler_pt handler);
static ngx_int_t ngx_http_wa_report_init_process(ngx_cycle_t* cycle);
static void ngx_http_wa_report_exit_process(ngx_cycle_t* cycle);

// clang-format off: nginx's own layout for its tables (STYLE.md).

static ngx_conf_num_bounds_t ngx_http_wa_report_db_bounds = {ngx_conf_check_num_bounds, 0, 15};

static ngx_conf_num_bounds_t ngx_http_wa_report_interval_bounds = {ngx_conf_check_num_bounds, 1,
                                                                   120};

static ngx_conf_num_bounds_t ngx_http_wa_report_streams_bounds = {ngx_conf_check_num_bounds, 1,
                                                                  100000};

static ngx_conf_num_bounds_t ngx_http_wa_report_lead_bounds = {ngx_conf_check_num_bounds, 1, 60};

static ngx_conf_num_bounds_t ngx_http_wa_report_catch_up_bounds = {ngx_conf_check_num_bounds, 0,
                                                                   wa::kMaxCatchUpDays};

static ngx_conf_num_bounds_t ngx_http_wa_report_concurrency_bounds = {ngx_conf_check_num_bounds, 1,
                                                                      1024};

static ngx_conf_num_bounds_t ngx_http_wa_report_rate_bounds = {ngx_conf_check_num_bounds, 0,
                                                               100000};

static ngx_conf_num_bounds_t ngx_http_wa_report_retries_bounds = {ngx_conf_check_num_bounds, 0, 20};

static ngx_conf_num_bounds_t ngx_http_wa_report_page_size_bounds = {ngx_conf_check_num_bounds, 1,
                                                                    10000};

static ngx_conf_enum_t ngx_http_wa_report_auth_modes[] = {
    {ngx_string("off"), static_cast<ngx_uint_t>(wa::AuthMode::off)},
    {ngx_string("jwt"), static_cast<ngx_uint_t>(wa::AuthMode::jwt)},
    {ngx_string("key"), static_cast<ngx_uint_t>(wa::AuthMode::key)},
    {ngx_null_string, 0}};

static ngx_http_wa_report_time_min_t ngx_http_wa_report_min_1ms = {
    ngx_http_wa_report_check_msec_min, 1, "1ms", 0, nullptr};

static ngx_http_wa_report_time_min_t ngx_http_wa_report_min_10ms = {
    ngx_http_wa_report_check_msec_min, 10, "10ms", 0, nullptr};

static ngx_http_wa_report_time_min_t ngx_http_wa_report_min_1sec = {
    ngx_http_wa_report_check_sec_min, 1, "1s", 0, nullptr};

/* The scripts take at most 12 digits for a lease in milliseconds and a
 * message-id mark in seconds; longer ones would make every run or count fail. */
static ngx_http_wa_report_time_min_t ngx_http_wa_report_lease_bounds = {
    ngx_http_wa_report_check_msec_min, 1000, "1s", ngx_msec_t{365} * 86400 * 1000, "365d"};

/* A run waits this long at most for one answer's Retry-After; a day is
 * already more than a daily run can afford. */
static ngx_http_wa_report_time_min_t ngx_http_wa_report_retry_after_bounds = {
    ngx_http_wa_report_check_msec_min, 0, "0", 86400000, "1d"};

/* run-now's wait; past a day an answer no client still waits for. */
static ngx_http_wa_report_time_min_t ngx_http_wa_report_run_now_bounds = {
    ngx_http_wa_report_check_msec_min, 1000, "1s", 86400000, "1d"};

static ngx_http_wa_report_time_min_t ngx_http_wa_report_mark_ttl_bounds = {
    ngx_http_wa_report_check_sec_min, 1, "1s", ngx_msec_t{100} * 365 * 86400, "100y"};

static ngx_conf_enum_t ngx_http_wa_report_gateways[] = {
    {ngx_string("log"), static_cast<ngx_uint_t>(wa::Provider::log)},
    {ngx_string("starsender"), static_cast<ngx_uint_t>(wa::Provider::starsender)},
    {ngx_string("cloud_api"), static_cast<ngx_uint_t>(wa::Provider::cloud_api)},
    {ngx_string("fonnte"), static_cast<ngx_uint_t>(wa::Provider::fonnte)},
    {ngx_null_string, 0}};

static ngx_conf_enum_t ngx_http_wa_report_remind_modes[] = {
    {ngx_string("once"), 0}, {ngx_string("daily"), 1}, {ngx_null_string, 0}};

static ngx_command_t ngx_http_wa_report_commands[] = {

    {ngx_string("wa_report"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, ngx_http_wa_report,
     NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_redis"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_redis, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, redis), NULL},

    {ngx_string("wa_report_redis_sentinel"), NGX_HTTP_MAIN_CONF | NGX_CONF_2MORE,
     ngx_http_wa_report_set_redis_sentinel, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_redis_sentinel_password_file"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_redis_sentinel_password_file, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, redis_sentinel_password_file), NULL},

    {ngx_string("wa_report_redis_wait"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE12,
     ngx_http_wa_report_set_redis_wait, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_redis_db"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_num_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_wa_report_main_conf_t, redis_db),
     &ngx_http_wa_report_db_bounds},

    {ngx_string("wa_report_redis_user"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_str_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_wa_report_main_conf_t, redis_user), NULL},

    {ngx_string("wa_report_redis_password_file"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_redis_password_file, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, redis_password_file), NULL},

    {ngx_string("wa_report_redis_connect_timeout"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, redis_connect_timeout), &ngx_http_wa_report_min_1ms},

    {ngx_string("wa_report_redis_timeout"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, redis_timeout), &ngx_http_wa_report_min_1ms},

    {ngx_string("wa_report_key_prefix"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_key_prefix, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, key_prefix), NULL},

    {ngx_string("wa_report_timezone"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_timezone, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, timezone), NULL},

    {ngx_string("wa_report_visit_interval"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, visit_interval), &ngx_http_wa_report_interval_bounds},

    {ngx_string("wa_report_message_id_ttl"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_sec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, message_id_ttl), &ngx_http_wa_report_mark_ttl_bounds},

    {ngx_string("wa_report_max_streams"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, max_streams), &ngx_http_wa_report_streams_bounds},

    {ngx_string("wa_report_max_body_size"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_size_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, max_body_size), NULL},

    {ngx_string("wa_report_import_max_body_size"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_size_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, import_max_body_size), NULL},

    {ngx_string("wa_report_page_size"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, page_size), &ngx_http_wa_report_page_size_bounds},

    {ngx_string("wa_report_scheduler"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS,
     ngx_http_wa_report_scheduler, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_metrics"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS,
     ngx_http_wa_report_metrics, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_jwt_secret_file"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_jwt_secret_file, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, jwt_secret_file), NULL},

    {ngx_string("wa_report_jwt_max_lifetime"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_sec_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, jwt_max_lifetime), &ngx_http_wa_report_min_1sec},

    {ngx_string("wa_report_auth_read"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_auth, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, auth_read), &ngx_http_wa_report_auth_modes},

    {ngx_string("wa_report_auth_write"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_auth, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, auth_write), &ngx_http_wa_report_auth_modes},

    {ngx_string("wa_report_auth_jwt_secret_file"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_auth_jwt_secret_file, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, auth_jwt_secret_file), NULL},

    {ngx_string("wa_report_auth_keys_file"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_auth_keys_file, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, auth_keys_file), NULL},

    {ngx_string("wa_report_webhook"), NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_webhook, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_webhook_verify_token_file"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_webhook_verify_token_file, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, webhook_verify_token_file), NULL},

    {ngx_string("wa_report_webhook_secret_file"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_webhook_secret_file, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, webhook_secret_file), NULL},

    {ngx_string("wa_report_webhook_max_body"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_size_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, webhook_max_body), NULL},
    {ngx_string("wa_report_stop_words"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_1MORE,
     ngx_http_wa_report_set_opt_words, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, stop_words), NULL},

    {ngx_string("wa_report_start_words"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_1MORE,
     ngx_http_wa_report_set_opt_words, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_wa_report_loc_conf_t, start_words), NULL},

    {ngx_string("wa_report_reminder"), NGX_HTTP_MAIN_CONF | NGX_CONF_FLAG, ngx_conf_set_flag_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_wa_report_main_conf_t, reminder), NULL},

    {ngx_string("wa_report_schedule"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE12,
     ngx_http_wa_report_schedule, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_tick"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_msec_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_wa_report_main_conf_t, tick),
     &ngx_http_wa_report_min_10ms},

    {ngx_string("wa_report_run_lease"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_msec_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_wa_report_main_conf_t, run_lease),
     &ngx_http_wa_report_lease_bounds},

    {ngx_string("wa_report_run_now_timeout"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, run_now_timeout), &ngx_http_wa_report_run_now_bounds},

    {ngx_string("wa_report_lead_days"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_num_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_wa_report_main_conf_t, lead_days),
     &ngx_http_wa_report_lead_bounds},

    {ngx_string("wa_report_catch_up"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_num_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_wa_report_main_conf_t, catch_up),
     &ngx_http_wa_report_catch_up_bounds},

    {ngx_string("wa_report_remind"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_enum_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_wa_report_main_conf_t, remind),
     &ngx_http_wa_report_remind_modes},

    {ngx_string("wa_report_template"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_template, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, message_template), NULL},

    {ngx_string("wa_report_service_phone"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_service_phone, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, service_phone), NULL},

    {ngx_string("wa_report_gateway"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_gateway, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, gateway), &ngx_http_wa_report_gateways},

    {ngx_string("wa_report_gateway_url"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_gateway_url, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, gateway_url), NULL},

    {ngx_string("wa_report_gateway_key_file"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_gateway_key_file, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, gateway_key_file), NULL},

    {ngx_string("wa_report_gateway_template"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE12,
     ngx_http_wa_report_gateway_template, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_gateway_timeout"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, gateway_timeout), &ngx_http_wa_report_min_1ms},

    {ngx_string("wa_report_gateway_concurrency"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, gateway_concurrency),
     &ngx_http_wa_report_concurrency_bounds},

    {ngx_string("wa_report_gateway_rate"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, gateway_rate), &ngx_http_wa_report_rate_bounds},

    {ngx_string("wa_report_gateway_retries"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, gateway_retries), &ngx_http_wa_report_retries_bounds},

    {ngx_string("wa_report_gateway_retry_after_max"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, gateway_retry_after_max),
     &ngx_http_wa_report_retry_after_bounds},

    {ngx_string("wa_report_log_messages"), NGX_HTTP_MAIN_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_wa_report_main_conf_t, log_messages), NULL},

    {ngx_string("wa_report_send_window"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_send_window, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_recipient_interval"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_recipient_interval, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_group_by"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_group_by, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},

    {ngx_string("wa_report_vehicle_line_template"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_wa_report_set_vehicle_line, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},

    ngx_null_command};

static ngx_http_module_t ngx_http_wa_report_module_ctx = {
    NULL,                                 /* preconfiguration */
    ngx_http_wa_report_postconfiguration, /* postconfiguration */

    ngx_http_wa_report_create_main_conf, /* create main configuration */
    ngx_http_wa_report_init_main_conf,   /* init main configuration */

    NULL, /* create server configuration */
    NULL, /* merge server configuration */

    ngx_http_wa_report_create_loc_conf, /* create location configuration */
    ngx_http_wa_report_merge_loc_conf   /* merge location configuration */
};

extern "C" {

ngx_module_t ngx_http_wa_report_module = {NGX_MODULE_V1,
                                          &ngx_http_wa_report_module_ctx,  /* module context */
                                          ngx_http_wa_report_commands,     /* module directives */
                                          NGX_HTTP_MODULE,                 /* module type */
                                          NULL,                            /* init master */
                                          NULL,                            /* init module */
                                          ngx_http_wa_report_init_process, /* init process */
                                          NULL,                            /* init thread */
                                          NULL,                            /* exit thread */
                                          ngx_http_wa_report_exit_process, /* exit process */
                                          NULL,                            /* exit master */
                                          NGX_MODULE_V1_PADDING};
}

// clang-format on

// The filters serve only configurations that use the module.
static ngx_int_t ngx_http_wa_report_postconfiguration(ngx_conf_t* cf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_wa_report_module));
    if (!mcf->used) {
        return NGX_OK;
    }
    if (wa::metrics::install(cf, mcf) != NGX_OK) {
        return NGX_ERROR;
    }
    return wa::install_filters();
}

static void* ngx_http_wa_report_create_main_conf(ngx_conf_t* cf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(
        ngx_pcalloc(cf->pool, sizeof(ngx_http_wa_report_main_conf_t)));
    if (mcf == nullptr) {
        return nullptr;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     mcf->redis = { 0, NULL };
     *     mcf->redis_user = { 0, NULL };
     *     mcf->redis_password_file = { 0, NULL };
     *     mcf->redis_sentinel_password_file = { 0, NULL };
     *     mcf->redis_sentinel_where = { { 0, NULL }, 0 };
     *     mcf->redis_wait_where = { { 0, NULL }, 0 };
     *     mcf->key_prefix = { 0, NULL };
     *     mcf->timezone = { 0, NULL };
     *     mcf->used = 0;
     *     mcf->gateway_where = { { 0, NULL }, 0 };
     *     mcf->api_prefixes = NULL;
     *     mcf->message_template = { 0, NULL };
     *     mcf->service_phone = { 0, NULL };
     *     mcf->gateway_url = { 0, NULL };
     *     mcf->gateway_key_file = { 0, NULL };
     *     mcf->gateway_template = { 0, NULL };
     *     mcf->gateway_template_language = { 0, NULL };
     *     mcf->metrics_zone = NULL;
     */

    mcf->redis_db = NGX_CONF_UNSET;
    mcf->redis_wait = NGX_CONF_UNSET;
    mcf->redis_wait_timeout = NGX_CONF_UNSET_MSEC;
    mcf->redis_connect_timeout = NGX_CONF_UNSET_MSEC;
    mcf->redis_timeout = NGX_CONF_UNSET_MSEC;
    mcf->visit_interval = NGX_CONF_UNSET;
    mcf->message_id_ttl = NGX_CONF_UNSET;
    mcf->max_streams = NGX_CONF_UNSET;
    mcf->reminder = NGX_CONF_UNSET;
    mcf->schedule_hour = NGX_CONF_UNSET;
    mcf->schedule_minute = NGX_CONF_UNSET;
    mcf->schedule_on = NGX_CONF_UNSET;
    mcf->tick = NGX_CONF_UNSET_MSEC;
    mcf->run_lease = NGX_CONF_UNSET_MSEC;
    mcf->run_now_timeout = NGX_CONF_UNSET_MSEC;
    mcf->lead_days = NGX_CONF_UNSET;
    mcf->catch_up = NGX_CONF_UNSET;
    mcf->remind = NGX_CONF_UNSET_UINT;
    mcf->gateway = NGX_CONF_UNSET_UINT;
    mcf->gateway_timeout = NGX_CONF_UNSET_MSEC;
    mcf->gateway_concurrency = NGX_CONF_UNSET;
    mcf->gateway_rate = NGX_CONF_UNSET;
    mcf->gateway_retries = NGX_CONF_UNSET;
    mcf->gateway_retry_after_max = NGX_CONF_UNSET_MSEC;
    mcf->log_messages = NGX_CONF_UNSET;

    // The C++ side of the configuration, filled by the directives as they
    // are read and destroyed with the cycle's pool.
    ngx_pool_cleanup_t* cln = ngx_pool_cleanup_add(cf->pool, sizeof(wa::Config));
    if (cln == nullptr) {
        return nullptr;
    }
    try {
        mcf->config = new (cln->data) wa::Config();
        cln->handler = wa::destroy_config;
    } catch (const std::exception& e) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: %s", e.what());
        return nullptr;
    }
    return mcf;
}

static char* ngx_http_wa_report_init_main_conf(ngx_conf_t* cf, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    wa::Config* config = mcf->config;

    ngx_conf_init_value(mcf->redis_db, 0);
    ngx_conf_init_msec_value(mcf->redis_connect_timeout, 1000);
    ngx_conf_init_msec_value(mcf->redis_timeout, 2000);
    ngx_conf_init_value(mcf->visit_interval, 4);
    ngx_conf_init_value(mcf->message_id_ttl, 30 * 86400);
    ngx_conf_init_value(mcf->max_streams, 4);

    // Values the directives did not set; every value a directive sets was
    // checked where it was read, so that nginx -t names its file and line.
    try {
        if (config->redis.sentinel() && mcf->redis.data != nullptr) {
            return wa::emerg_at(cf, mcf->redis_sentinel_where,
                                "wa_report: \"wa_report_redis_sentinel\" and \"wa_report_redis\" "
                                "exclude each other");
        }
        // With Sentinel there are replicas to fail over to: a counted send
        // waits for one of them by default, so a failover cannot lose it.
        ngx_conf_init_value(mcf->redis_wait, config->redis.sentinel() ? 1 : 0);
        // WAIT holds Redis's answer up to its timeout, which the command
        // timeout would take for a stuck connection.
        ngx_conf_init_msec_value(mcf->redis_wait_timeout,
                                 ngx_min(static_cast<ngx_msec_t>(500), mcf->redis_timeout / 2));
        if (mcf->redis_wait_timeout >= mcf->redis_timeout) {
            return wa::emerg_at(cf, mcf->redis_wait_where,
                                "wa_report: the wait timeout must be shorter than "
                                "wa_report_redis_timeout");
        }
        config->redis.wait_replicas = static_cast<int>(mcf->redis_wait);
        config->redis.wait_timeout = mcf->redis_wait_timeout;
        if (mcf->redis.data == nullptr && !config->redis.sentinel()) {
            ngx_str_set(&mcf->redis, "127.0.0.1:6379");
            if (wa::parse_redis_address(cf, mcf->redis, config->redis) != NGX_CONF_OK) {
                return static_cast<char*>(NGX_CONF_ERROR);
            }
        }
        if (mcf->timezone.data == nullptr) {
            ngx_str_set(&mcf->timezone, "Asia/Jakarta");
            if (!config->zone.load(wa::str(mcf->timezone))) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "wa_report: unknown time zone \"%V\" (is tzdata installed?)",
                                   &mcf->timezone);
                return static_cast<char*>(NGX_CONF_ERROR);
            }
        }
        config->visit_interval_months = static_cast<int>(mcf->visit_interval);
        config->message_id_ttl = mcf->message_id_ttl;
        config->max_streams = static_cast<size_t>(mcf->max_streams);

        wa::RedisSettings& rs = config->redis;
        rs.db = static_cast<int>(mcf->redis_db);
        rs.user = wa::str(mcf->redis_user);
        rs.connect_timeout = mcf->redis_connect_timeout;
        rs.command_timeout = mcf->redis_timeout;
        std::random_device random;
        config->load_id = wa::format_uuid_v4(static_cast<uint64_t>(random()) << 32 | random(),
                                             static_cast<uint64_t>(random()) << 32 | random());
        return wa::init_reminder_conf(cf, mcf, config->reminder);
    } catch (const std::exception& e) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: %s", e.what());
        return static_cast<char*>(NGX_CONF_ERROR);
    }
}

static void* ngx_http_wa_report_create_loc_conf(ngx_conf_t* cf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(
        ngx_pcalloc(cf->pool, sizeof(ngx_http_wa_report_loc_conf_t)));
    if (lcf == nullptr) {
        return nullptr;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     lcf->base = { 0, NULL };
     *     lcf->jwt_secret_file = { 0, NULL };
     *     lcf->jwt_secret = { 0, NULL };
     *     lcf->scheduler_where = { { 0, NULL }, 0 };
     *     lcf->core_error_pages = NULL;
     *     lcf->api_error_pages = NULL;
     *     lcf->auth_read_where = { { 0, NULL }, 0 };
     *     lcf->auth_write_where = { { 0, NULL }, 0 };
     *     lcf->auth_jwt_secret_file = { 0, NULL };
     *     lcf->auth_jwt_secret = { 0, NULL };
     *     lcf->auth_keys_file = { 0, NULL };
     *     lcf->auth_keys = NULL;
     *     lcf->webhook = 0;
     *     lcf->webhook_where = { { 0, NULL }, 0 };
     *     lcf->webhook_verify_token_file = { 0, NULL };
     *     lcf->webhook_verify_token = { 0, NULL };
     *     lcf->webhook_secret_file = { 0, NULL };
     *     lcf->webhook_secret = { 0, NULL };
     *     lcf->stop_words = NULL;
     *     lcf->start_words = NULL;
     */

    lcf->enable = NGX_CONF_UNSET;
    lcf->scheduler = NGX_CONF_UNSET;
    lcf->jwt_max_lifetime = NGX_CONF_UNSET;
    lcf->max_body_size = NGX_CONF_UNSET_SIZE;
    lcf->import_max_body_size = NGX_CONF_UNSET_SIZE;
    lcf->page_size = NGX_CONF_UNSET_UINT;
    lcf->auth_read = NGX_CONF_UNSET_UINT;
    lcf->auth_write = NGX_CONF_UNSET_UINT;
    lcf->metrics = NGX_CONF_UNSET;
    lcf->webhook_max_body = NGX_CONF_UNSET_SIZE;
    return lcf;
}

static char* ngx_http_wa_report_merge_loc_conf(ngx_conf_t* cf, void* parent, void* child) {
    auto* prev = static_cast<ngx_http_wa_report_loc_conf_t*>(parent);
    auto* conf = static_cast<ngx_http_wa_report_loc_conf_t*>(child);

    if (wa::merge_webhook_conf(cf, prev, conf) != NGX_CONF_OK) {
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->scheduler, prev->scheduler, 0);
    ngx_conf_merge_sec_value(conf->jwt_max_lifetime, prev->jwt_max_lifetime, 86400);
    ngx_conf_merge_size_value(conf->max_body_size, prev->max_body_size, 64 * 1024);
    ngx_conf_merge_size_value(conf->import_max_body_size, prev->import_max_body_size,
                              64 * 1024 * 1024);
    ngx_conf_merge_uint_value(conf->page_size, prev->page_size, 500);
    ngx_conf_merge_value(conf->metrics, prev->metrics, 0);

    ngx_conf_merge_str_value(conf->jwt_secret, prev->jwt_secret, "");

    // The line that chose an inherited mode is the enclosing level's.
    if (conf->auth_read == NGX_CONF_UNSET_UINT) {
        conf->auth_read_where = prev->auth_read_where;
    }
    if (conf->auth_write == NGX_CONF_UNSET_UINT) {
        conf->auth_write_where = prev->auth_write_where;
    }
    ngx_conf_merge_uint_value(conf->auth_read, prev->auth_read,
                              static_cast<ngx_uint_t>(wa::AuthMode::off));
    ngx_conf_merge_uint_value(conf->auth_write, prev->auth_write,
                              static_cast<ngx_uint_t>(wa::AuthMode::off));
    ngx_conf_merge_str_value(conf->auth_jwt_secret, prev->auth_jwt_secret, "");
    if (conf->auth_keys == nullptr) {
        conf->auth_keys = prev->auth_keys;
    }

    // nginx's merge (the core module merges first) gave this location the
    // enclosing level's error_page list when it has none of its own. A
    // server's pages are HTML for a web site; the API answers its errors as
    // JSON (filters), so an API location keeps only error_page lines written
    // in it (or in an API location around it).
    auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(
        ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    conf->core_error_pages = clcf->error_pages;
    if ((conf->enable == 1 || conf->scheduler == 1) && clcf->error_pages != nullptr
        && clcf->error_pages == prev->core_error_pages) {
        bool api_parent = prev->enable == 1 || prev->scheduler == 1;
        clcf->error_pages = api_parent ? prev->api_error_pages : nullptr;
    }
    conf->api_error_pages = clcf->error_pages;

    if (wa::merge_opt_words(cf, conf, prev) != NGX_CONF_OK) {
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    if (conf->enable == 1 && wa::check_auth_conf(cf, conf) != NGX_CONF_OK) {
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    if (conf->scheduler && conf->jwt_secret.len == 0) {
        return wa::emerg_at(
            cf, conf->scheduler_where,
            "wa_report: \"wa_report_scheduler\" needs \"wa_report_jwt_secret_file\"");
    }
    return NGX_CONF_OK;
}

static char* ngx_http_wa_report(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    if (lcf->enable != NGX_CONF_UNSET) {
        return const_cast<char*>("is duplicate");
    }
    if (lcf->scheduler == 1) {
        return const_cast<char*>("conflicts with \"wa_report_scheduler\"");
    }
    if (lcf->metrics == 1) {
        return const_cast<char*>("conflicts with \"wa_report_metrics\"");
    }
    lcf->enable = 1;
    return ngx_http_wa_report_set_base(cf, lcf, ngx_http_wa_report_handler);
}

// The location's routes hang off its prefix, as with wa_report.
static char* ngx_http_wa_report_set_base(ngx_conf_t* cf, ngx_http_wa_report_loc_conf_t* lcf,
                                         ngx_http_handler_pt handler) {
    auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(
        ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    clcf->handler = handler;
    lcf->base = clcf->name;
    while (lcf->base.len > 0 && lcf->base.data[lcf->base.len - 1] == '/') {
        lcf->base.len--;
    }
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_wa_report_module));
    mcf->used = 1;

#if (NGX_PCRE)
    if (clcf->regex != nullptr) {
        return NGX_CONF_OK;  // no prefix to recognise its URIs by
    }
#endif
    if (clcf->named) {
        return NGX_CONF_OK;
    }
    if (mcf->api_prefixes == nullptr) {
        mcf->api_prefixes = ngx_array_create(cf->pool, 4, sizeof(ngx_http_wa_report_api_prefix_t));
        if (mcf->api_prefixes == nullptr) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }
    }
    auto* p = static_cast<ngx_http_wa_report_api_prefix_t*>(ngx_array_push(mcf->api_prefixes));
    if (p == nullptr) {
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    p->server = static_cast<ngx_http_core_srv_conf_t*>(
        ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module));
    p->name = clcf->name;
    p->exact = clcf->exact_match;
    return NGX_CONF_OK;
}

static char* ngx_http_wa_report_scheduler(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    if (lcf->scheduler != NGX_CONF_UNSET) {
        return const_cast<char*>("is duplicate");
    }
    if (lcf->enable == 1) {
        return const_cast<char*>("conflicts with \"wa_report\"");
    }
    if (lcf->metrics == 1) {
        return const_cast<char*>("conflicts with \"wa_report_metrics\"");
    }
    lcf->scheduler = 1;
    wa::remember_where(cf, lcf->scheduler_where);
    return ngx_http_wa_report_set_base(cf, lcf, ngx_http_wa_report_scheduler_handler);
}

static ngx_int_t ngx_http_wa_report_init_process(ngx_cycle_t* cycle) {
    if (ngx_process != NGX_PROCESS_WORKER && ngx_process != NGX_PROCESS_SINGLE) {
        return NGX_OK;
    }
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(
        ngx_http_cycle_get_module_main_conf(cycle, ngx_http_wa_report_module));
    if (mcf == nullptr || !mcf->used) {
        return NGX_OK;
    }
    wa::metrics::attach(mcf->metrics_zone);
    return wa::start_worker(cycle, *mcf->config);
}

static void ngx_http_wa_report_exit_process(ngx_cycle_t* cycle) {
    wa::stop_worker();
    wa::metrics::detach();
}

// The scrape needs no prefix of routes and no JSON error pages: a plain
// handler, and the zone and its counting come with any use of the module.
static char* ngx_http_wa_report_metrics(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    if (lcf->metrics != NGX_CONF_UNSET) {
        return const_cast<char*>("is duplicate");
    }
    if (lcf->enable == 1) {
        return const_cast<char*>("conflicts with \"wa_report\"");
    }
    if (lcf->scheduler == 1) {
        return const_cast<char*>("conflicts with \"wa_report_scheduler\"");
    }
    lcf->metrics = 1;
    auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(
        ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    clcf->handler = ngx_http_wa_report_metrics_handler;
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_wa_report_module));
    mcf->used = 1;
    return NGX_CONF_OK;
}

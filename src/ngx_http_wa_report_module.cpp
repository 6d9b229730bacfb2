// ngx_http_wa_report_module: directives, configuration and worker lifetime.

#include "ngx_http_wa_report_module.hpp"

#include "ngx_http_wa_report_handler.hpp"
#include "ngx_http_wa_report_reminder.hpp"

#include "core/uuid.hpp"

#include <fstream>
#include <new>
#include <sstream>

static ngx_int_t ngx_http_wa_report_postconfiguration(ngx_conf_t* cf);
static void* ngx_http_wa_report_create_main_conf(ngx_conf_t* cf);
static char* ngx_http_wa_report_init_main_conf(ngx_conf_t* cf, void* conf);
static void* ngx_http_wa_report_create_loc_conf(ngx_conf_t* cf);
static char* ngx_http_wa_report_merge_loc_conf(ngx_conf_t* cf, void* parent, void* child);
static char* ngx_http_wa_report(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
static char* ngx_http_wa_report_scheduler(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
static char* ngx_http_wa_report_schedule(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
static char* ngx_http_wa_report_gateway_template(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
static char* ngx_http_wa_report_set_base(ngx_conf_t* cf, ngx_http_wa_report_loc_conf_t* lcf,
                                         ngx_http_handler_pt handler);
static ngx_int_t ngx_http_wa_report_init_process(ngx_cycle_t* cycle);
static void ngx_http_wa_report_exit_process(ngx_cycle_t* cycle);

static ngx_conf_num_bounds_t ngx_http_wa_report_db_bounds = {
    ngx_conf_check_num_bounds, 0, 15
};

static ngx_conf_num_bounds_t ngx_http_wa_report_interval_bounds = {
    ngx_conf_check_num_bounds, 1, 120
};

static ngx_conf_num_bounds_t ngx_http_wa_report_streams_bounds = {
    ngx_conf_check_num_bounds, 1, 100000
};

static ngx_conf_num_bounds_t ngx_http_wa_report_lead_bounds = {
    ngx_conf_check_num_bounds, 1, 60
};

static ngx_conf_num_bounds_t ngx_http_wa_report_concurrency_bounds = {
    ngx_conf_check_num_bounds, 1, 1024
};

static ngx_conf_num_bounds_t ngx_http_wa_report_rate_bounds = {
    ngx_conf_check_num_bounds, 0, 100000
};

static ngx_conf_num_bounds_t ngx_http_wa_report_retries_bounds = {
    ngx_conf_check_num_bounds, 0, 20
};

static ngx_conf_enum_t ngx_http_wa_report_gateways[] = {
    { ngx_string("log"), static_cast<ngx_uint_t>(wa::Provider::log) },
    { ngx_string("starsender"), static_cast<ngx_uint_t>(wa::Provider::starsender) },
    { ngx_string("cloud_api"), static_cast<ngx_uint_t>(wa::Provider::cloud_api) },
    { ngx_null_string, 0 }
};

static ngx_conf_enum_t ngx_http_wa_report_remind_modes[] = {
    { ngx_string("once"), 0 },
    { ngx_string("daily"), 1 },
    { ngx_null_string, 0 }
};

static ngx_command_t ngx_http_wa_report_commands[] = {

    { ngx_string("wa_report"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_wa_report,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("wa_report_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, redis),
      NULL },

    { ngx_string("wa_report_redis_db"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, redis_db),
      &ngx_http_wa_report_db_bounds },

    { ngx_string("wa_report_redis_user"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, redis_user),
      NULL },

    { ngx_string("wa_report_redis_password_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, redis_password_file),
      NULL },

    { ngx_string("wa_report_redis_connect_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, redis_connect_timeout),
      NULL },

    { ngx_string("wa_report_redis_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, redis_timeout),
      NULL },

    { ngx_string("wa_report_key_prefix"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, key_prefix),
      NULL },

    { ngx_string("wa_report_timezone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, timezone),
      NULL },

    { ngx_string("wa_report_visit_interval"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, visit_interval),
      &ngx_http_wa_report_interval_bounds },

    { ngx_string("wa_report_message_id_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, message_id_ttl),
      NULL },

    { ngx_string("wa_report_max_streams"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, max_streams),
      &ngx_http_wa_report_streams_bounds },

    { ngx_string("wa_report_max_body_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wa_report_loc_conf_t, max_body_size),
      NULL },

    { ngx_string("wa_report_import_max_body_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wa_report_loc_conf_t, import_max_body_size),
      NULL },

    { ngx_string("wa_report_page_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wa_report_loc_conf_t, page_size),
      NULL },

    { ngx_string("wa_report_scheduler"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_wa_report_scheduler,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("wa_report_jwt_secret_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_wa_report_loc_conf_t, jwt_secret_file),
      NULL },

    { ngx_string("wa_report_reminder"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, reminder),
      NULL },

    { ngx_string("wa_report_schedule"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_wa_report_schedule,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("wa_report_tick"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, tick),
      NULL },

    { ngx_string("wa_report_run_lease"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, run_lease),
      NULL },

    { ngx_string("wa_report_lead_days"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, lead_days),
      &ngx_http_wa_report_lead_bounds },

    { ngx_string("wa_report_remind"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, remind),
      &ngx_http_wa_report_remind_modes },

    { ngx_string("wa_report_template"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, message_template),
      NULL },

    { ngx_string("wa_report_service_phone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, service_phone),
      NULL },

    { ngx_string("wa_report_gateway"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, gateway),
      &ngx_http_wa_report_gateways },

    { ngx_string("wa_report_gateway_url"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, gateway_url),
      NULL },

    { ngx_string("wa_report_gateway_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, gateway_key_file),
      NULL },

    { ngx_string("wa_report_gateway_template"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_wa_report_gateway_template,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("wa_report_gateway_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, gateway_timeout),
      NULL },

    { ngx_string("wa_report_gateway_concurrency"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, gateway_concurrency),
      &ngx_http_wa_report_concurrency_bounds },

    { ngx_string("wa_report_gateway_rate"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, gateway_rate),
      &ngx_http_wa_report_rate_bounds },

    { ngx_string("wa_report_gateway_retries"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_wa_report_main_conf_t, gateway_retries),
      &ngx_http_wa_report_retries_bounds },

      ngx_null_command
};

static ngx_http_module_t ngx_http_wa_report_module_ctx = {
    NULL,                                   /* preconfiguration */
    ngx_http_wa_report_postconfiguration,   /* postconfiguration */

    ngx_http_wa_report_create_main_conf,    /* create main configuration */
    ngx_http_wa_report_init_main_conf,      /* init main configuration */

    NULL,                                   /* create server configuration */
    NULL,                                   /* merge server configuration */

    ngx_http_wa_report_create_loc_conf,     /* create location configuration */
    ngx_http_wa_report_merge_loc_conf       /* merge location configuration */
};

extern "C" {

ngx_module_t ngx_http_wa_report_module = {
    NGX_MODULE_V1,
    &ngx_http_wa_report_module_ctx,         /* module context */
    ngx_http_wa_report_commands,            /* module directives */
    NGX_HTTP_MODULE,                        /* module type */
    NULL,                                   /* init master */
    NULL,                                   /* init module */
    ngx_http_wa_report_init_process,        /* init process */
    NULL,                                   /* init thread */
    NULL,                                   /* exit thread */
    ngx_http_wa_report_exit_process,        /* exit process */
    NULL,                                   /* exit master */
    NGX_MODULE_V1_PADDING
};

}

namespace wa {

namespace {

// The module is unloaded on reload, so worker state is a plain pointer set in
// init_process and cleared in exit_process, never a static object.
Worker* the_worker = nullptr;

void destroy_config(void* data) {
    static_cast<Config*>(data)->~Config();
}

bool read_secret(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
        out.pop_back();
    }
    return true;
}

// "unix:/path", "host:port" or "host" (port 6379). A host name is resolved
// here, at config time: redisAsyncConnect would resolve it synchronously in
// the worker.
char* parse_redis_address(ngx_conf_t* cf, const ngx_str_t& addr, RedisSettings& rs) {
    if (addr.len > 5 && ngx_strncmp(addr.data, "unix:", 5) == 0) {
        rs.unix_path.assign(reinterpret_cast<const char*>(addr.data) + 5, addr.len - 5);
        return NGX_CONF_OK;
    }
    ngx_url_t u;
    ngx_memzero(&u, sizeof(ngx_url_t));
    u.url = addr;
    u.default_port = 6379;
    if (ngx_parse_url(cf->pool, &u) != NGX_OK || u.naddrs == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: invalid redis address \"%V\"%s%s",
                           &addr, u.err ? ": " : "", u.err ? u.err : "");
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    u_char text[NGX_SOCKADDR_STRLEN];
    size_t len = ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen, text,
                               NGX_SOCKADDR_STRLEN, 0);
    rs.host.assign(reinterpret_cast<const char*>(text), len);
    rs.port = u.port;
    return NGX_CONF_OK;
}


// Reads a secret named by a directive, relative to the prefix; nginx -t
// fails when it cannot be read. The value itself is never logged.
char* load_secret(ngx_conf_t* cf, ngx_str_t& file, const char* directive, std::string& out) {
    if (ngx_conf_full_name(cf->cycle, &file, 1) != NGX_OK) {
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    if (!read_secret(str(file), out) || out.empty()) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "wa_report: cannot read %s \"%V\"",
                           directive, &file);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    return NGX_CONF_OK;
}

char* init_reminder_conf(ngx_conf_t* cf, ngx_http_wa_report_main_conf_t* mcf,
                         ReminderConfig& rc) {
    ngx_conf_init_value(mcf->reminder, 1);
    ngx_conf_init_value(mcf->schedule_hour, 7);
    ngx_conf_init_value(mcf->schedule_minute, 0);
    ngx_conf_init_value(mcf->schedule_on, 0);
    ngx_conf_init_msec_value(mcf->tick, 30000);
    ngx_conf_init_msec_value(mcf->run_lease, 30000);
    ngx_conf_init_value(mcf->lead_days, 3);
    ngx_conf_init_uint_value(mcf->remind, 0);
    ngx_conf_init_uint_value(mcf->gateway, static_cast<ngx_uint_t>(Provider::log));
    ngx_conf_init_msec_value(mcf->gateway_timeout, 10000);
    ngx_conf_init_value(mcf->gateway_concurrency, 16);
    ngx_conf_init_value(mcf->gateway_rate, 20);
    ngx_conf_init_value(mcf->gateway_retries, 3);

    if (mcf->tick < 10 || mcf->run_lease < 1000 || mcf->gateway_timeout == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: \"wa_report_tick\" must be at least 10ms, "
                           "\"wa_report_run_lease\" at least 1s, "
                           "\"wa_report_gateway_timeout\" more than 0");
        return static_cast<char*>(NGX_CONF_ERROR);
    }

    rc.enabled = mcf->reminder;
    rc.schedule_on = mcf->schedule_on;
    rc.schedule_hour = static_cast<int>(mcf->schedule_hour);
    rc.schedule_minute = static_cast<int>(mcf->schedule_minute);
    rc.tick = mcf->tick;
    rc.lease = mcf->run_lease;
    rc.lead_days = static_cast<int>(mcf->lead_days);
    rc.daily = mcf->remind == 1;
    rc.service_phone = str(mcf->service_phone);
    rc.provider = static_cast<Provider>(mcf->gateway);
    rc.timeout = mcf->gateway_timeout;
    rc.concurrency = static_cast<size_t>(mcf->gateway_concurrency);
    rc.rate = static_cast<size_t>(mcf->gateway_rate);
    rc.retries = static_cast<int>(mcf->gateway_retries);

    std::string error;
    std::string text = mcf->message_template.data ? str(mcf->message_template) : default_template;
    rc.message = Template::parse(text, &error);
    if (!rc.message) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: invalid wa_report_template: %s",
                           error.c_str());
        return static_cast<char*>(NGX_CONF_ERROR);
    }

    rc.url = str(mcf->gateway_url);
    rc.cloud.name = str(mcf->gateway_template);
    if (mcf->gateway_template_language.len > 0) {
        rc.cloud.language = str(mcf->gateway_template_language);
    }
    if (rc.provider == Provider::log) {
        return NGX_CONF_OK;
    }
    if (rc.provider == Provider::starsender && rc.url.empty()) {
        rc.url = "https://api.starsender.online/api/send";
    }
    if (rc.url.empty()) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: \"wa_report_gateway cloud_api\" needs \"wa_report_gateway_url\"");
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    if (rc.provider == Provider::cloud_api && rc.cloud.name.empty()) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: \"wa_report_gateway cloud_api\" needs \"wa_report_gateway_template\"");
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    if (mcf->gateway_key_file.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: \"wa_report_gateway %s\" needs \"wa_report_gateway_key_file\"",
                           provider_name(rc.provider));
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    return load_secret(cf, mcf->gateway_key_file, "gateway key file", rc.key);
}

}  // namespace

const char* provider_name(Provider p) {
    switch (p) {
    case Provider::starsender: return "starsender";
    case Provider::cloud_api: return "cloud_api";
    default: return "log";
    }
}

Worker::Worker(const Config& c, ngx_log_t* log) : config(c), redis(c.redis, log) {}

Worker::~Worker() = default;

Worker* worker() {
    return the_worker;
}

std::string new_uuid() {
    auto& rng = the_worker->rng;
    uint64_t hi = rng();
    uint64_t lo = rng();
    return format_uuid_v4(hi, lo);
}

}  // namespace wa

// The filters serve only configurations that use the module.
static ngx_int_t ngx_http_wa_report_postconfiguration(ngx_conf_t* cf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_wa_report_module));
    if (!mcf->used) {
        return NGX_OK;
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
     *     mcf->key_prefix = { 0, NULL };
     *     mcf->timezone = { 0, NULL };
     *     mcf->used = 0;
     *     mcf->api_prefixes = NULL;
     *     mcf->config = NULL;
     *     mcf->message_template = { 0, NULL };
     *     mcf->service_phone = { 0, NULL };
     *     mcf->gateway_url = { 0, NULL };
     *     mcf->gateway_key_file = { 0, NULL };
     *     mcf->gateway_template = { 0, NULL };
     *     mcf->gateway_template_language = { 0, NULL };
     */

    mcf->redis_db = NGX_CONF_UNSET;
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
    mcf->lead_days = NGX_CONF_UNSET;
    mcf->remind = NGX_CONF_UNSET_UINT;
    mcf->gateway = NGX_CONF_UNSET_UINT;
    mcf->gateway_timeout = NGX_CONF_UNSET_MSEC;
    mcf->gateway_concurrency = NGX_CONF_UNSET;
    mcf->gateway_rate = NGX_CONF_UNSET;
    mcf->gateway_retries = NGX_CONF_UNSET;
    return mcf;
}

static char* ngx_http_wa_report_init_main_conf(ngx_conf_t* cf, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);

    ngx_conf_init_value(mcf->redis_db, 0);
    ngx_conf_init_msec_value(mcf->redis_connect_timeout, 1000);
    ngx_conf_init_msec_value(mcf->redis_timeout, 2000);
    ngx_conf_init_value(mcf->visit_interval, 4);
    ngx_conf_init_value(mcf->message_id_ttl, 30 * 86400);
    ngx_conf_init_value(mcf->max_streams, 4);
    if (mcf->redis.data == nullptr) {
        ngx_str_set(&mcf->redis, "127.0.0.1:6379");
    }
    if (mcf->key_prefix.data == nullptr) {
        ngx_str_set(&mcf->key_prefix, "wa");
    }
    if (mcf->timezone.data == nullptr) {
        ngx_str_set(&mcf->timezone, "Asia/Jakarta");
    }

    if (mcf->message_id_ttl < 1 || mcf->redis_timeout == 0 || mcf->redis_connect_timeout == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: \"wa_report_message_id_ttl\", \"wa_report_redis_timeout\" "
                           "and \"wa_report_redis_connect_timeout\" must be more than 0");
        return static_cast<char*>(NGX_CONF_ERROR);
    }

    ngx_pool_cleanup_t* cln = ngx_pool_cleanup_add(cf->pool, sizeof(wa::Config));
    if (cln == nullptr) {
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    try {
        auto* config = new (cln->data) wa::Config();
        cln->handler = wa::destroy_config;
        mcf->config = config;

        if (!wa::valid_key_prefix(wa::sv(mcf->key_prefix))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: invalid key prefix \"%V\"",
                               &mcf->key_prefix);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        config->keys = wa::Keys(wa::str(mcf->key_prefix));

        if (!config->zone.load(wa::str(mcf->timezone))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: unknown time zone \"%V\"",
                               &mcf->timezone);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        config->visit_interval_months = static_cast<int>(mcf->visit_interval);
        config->message_id_ttl = mcf->message_id_ttl;
        config->max_streams = static_cast<size_t>(mcf->max_streams);

        wa::RedisSettings& rs = config->redis;
        if (wa::parse_redis_address(cf, mcf->redis, rs) != NGX_CONF_OK) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        rs.db = static_cast<int>(mcf->redis_db);
        rs.user = wa::str(mcf->redis_user);
        rs.connect_timeout = mcf->redis_connect_timeout;
        rs.command_timeout = mcf->redis_timeout;
        if (wa::init_reminder_conf(cf, mcf, config->reminder) != NGX_CONF_OK) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }

        if (mcf->redis_password_file.len > 0
            && wa::load_secret(cf, mcf->redis_password_file, "redis password file", rs.password)
                   != NGX_CONF_OK) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }
    } catch (const std::exception& e) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: %s", e.what());
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    return NGX_CONF_OK;
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
     *     lcf->core_error_pages = NULL;
     *     lcf->api_error_pages = NULL;
     */

    lcf->enable = NGX_CONF_UNSET;
    lcf->scheduler = NGX_CONF_UNSET;
    lcf->max_body_size = NGX_CONF_UNSET_SIZE;
    lcf->import_max_body_size = NGX_CONF_UNSET_SIZE;
    lcf->page_size = NGX_CONF_UNSET_UINT;
    return lcf;
}

static char* ngx_http_wa_report_merge_loc_conf(ngx_conf_t* cf, void* parent, void* child) {
    auto* prev = static_cast<ngx_http_wa_report_loc_conf_t*>(parent);
    auto* conf = static_cast<ngx_http_wa_report_loc_conf_t*>(child);

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->scheduler, prev->scheduler, 0);
    ngx_conf_merge_str_value(conf->jwt_secret_file, prev->jwt_secret_file, "");
    ngx_conf_merge_size_value(conf->max_body_size, prev->max_body_size, 64 * 1024);
    ngx_conf_merge_size_value(conf->import_max_body_size, prev->import_max_body_size,
                              64 * 1024 * 1024);
    ngx_conf_merge_uint_value(conf->page_size, prev->page_size, 500);

    if (conf->scheduler && conf->jwt_secret.data == nullptr) {
        if (conf->jwt_secret_file.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "wa_report: \"wa_report_scheduler\" needs \"wa_report_jwt_secret_file\"");
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        std::string secret;
        if (wa::load_secret(cf, conf->jwt_secret_file, "JWT secret file", secret) != NGX_CONF_OK) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        conf->jwt_secret.len = secret.size();
        conf->jwt_secret.data = static_cast<u_char*>(ngx_pnalloc(cf->pool, secret.size()));
        if (conf->jwt_secret.data == nullptr) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        ngx_memcpy(conf->jwt_secret.data, secret.data(), secret.size());
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

    if (conf->page_size < 1 || conf->page_size > 10000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: \"wa_report_page_size\" must be between 1 and 10000");
        return static_cast<char*>(NGX_CONF_ERROR);
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
    lcf->scheduler = 1;
    return ngx_http_wa_report_set_base(cf, lcf, ngx_http_wa_report_scheduler_handler);
}

// wa_report_schedule HH:MM [on|off];
static char* ngx_http_wa_report_schedule(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    if (mcf->schedule_hour != NGX_CONF_UNSET) {
        return const_cast<char*>("is duplicate");
    }
    auto* value = static_cast<ngx_str_t*>(cf->args->elts);
    std::string_view t = wa::sv(value[1]);
    int hour = -1, minute = -1;
    if (t.size() == 5 && t[2] == ':') {
        ngx_int_t h = ngx_atoi(value[1].data, 2);
        ngx_int_t m = ngx_atoi(value[1].data + 3, 2);
        if (h != NGX_ERROR && m != NGX_ERROR) {
            hour = static_cast<int>(h);
            minute = static_cast<int>(m);
        }
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: invalid schedule time \"%V\", want HH:MM",
                           &value[1]);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    mcf->schedule_hour = hour;
    mcf->schedule_minute = minute;
    mcf->schedule_on = 0;
    if (cf->args->nelts == 3) {
        if (ngx_strcmp(value[2].data, "on") == 0) {
            mcf->schedule_on = 1;
        } else if (ngx_strcmp(value[2].data, "off") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: invalid value \"%V\", want on or off",
                               &value[2]);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
    }
    return NGX_CONF_OK;
}

// wa_report_gateway_template name [language];
static char* ngx_http_wa_report_gateway_template(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    if (mcf->gateway_template.data != nullptr) {
        return const_cast<char*>("is duplicate");
    }
    auto* value = static_cast<ngx_str_t*>(cf->args->elts);
    mcf->gateway_template = value[1];
    if (cf->args->nelts == 3) {
        mcf->gateway_template_language = value[2];
    }
    return NGX_CONF_OK;
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
    try {
        wa::the_worker = new wa::Worker(*mcf->config, cycle->log);
        wa::the_worker->redis.start();
        wa::the_worker->reminder = std::make_unique<wa::Reminder>(*wa::the_worker, cycle->log);
        wa::the_worker->reminder->start();
    } catch (const std::exception& e) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0, "wa_report: worker init failed: %s",
                      e.what());
        return NGX_ERROR;
    }
    return NGX_OK;
}

static void ngx_http_wa_report_exit_process(ngx_cycle_t* cycle) {
    // Cleared first: callbacks that run while the worker is torn down must
    // see that it is gone.
    wa::Worker* w = wa::the_worker;
    wa::the_worker = nullptr;
    if (w != nullptr) {
        w->reminder.reset();
    }
    delete w;
}

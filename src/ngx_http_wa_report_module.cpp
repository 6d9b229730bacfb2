// ngx_http_wa_report_module: directives, configuration and worker lifetime.

#include "ngx_http_wa_report_module.hpp"

#include "core/uuid.hpp"

#include <fstream>
#include <new>
#include <sstream>

static void* ngx_http_wa_report_create_main_conf(ngx_conf_t* cf);
static char* ngx_http_wa_report_init_main_conf(ngx_conf_t* cf, void* conf);
static void* ngx_http_wa_report_create_loc_conf(ngx_conf_t* cf);
static char* ngx_http_wa_report_merge_loc_conf(ngx_conf_t* cf, void* parent, void* child);
static char* ngx_http_wa_report(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
static ngx_int_t ngx_http_wa_report_init_process(ngx_cycle_t* cycle);
static void ngx_http_wa_report_exit_process(ngx_cycle_t* cycle);

static ngx_conf_num_bounds_t ngx_http_wa_report_db_bounds = {
    ngx_conf_check_num_bounds, 0, 15
};

static ngx_conf_num_bounds_t ngx_http_wa_report_interval_bounds = {
    ngx_conf_check_num_bounds, 1, 120
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

      ngx_null_command
};

static ngx_http_module_t ngx_http_wa_report_module_ctx = {
    NULL,                                   /* preconfiguration */
    NULL,                                   /* postconfiguration */

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

}  // namespace

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
     *     mcf->config = NULL;
     */

    mcf->redis_db = NGX_CONF_UNSET;
    mcf->redis_connect_timeout = NGX_CONF_UNSET_MSEC;
    mcf->redis_timeout = NGX_CONF_UNSET_MSEC;
    mcf->visit_interval = NGX_CONF_UNSET;
    mcf->message_id_ttl = NGX_CONF_UNSET;
    return mcf;
}

static char* ngx_http_wa_report_init_main_conf(ngx_conf_t* cf, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);

    ngx_conf_init_value(mcf->redis_db, 0);
    ngx_conf_init_msec_value(mcf->redis_connect_timeout, 1000);
    ngx_conf_init_msec_value(mcf->redis_timeout, 2000);
    ngx_conf_init_value(mcf->visit_interval, 4);
    ngx_conf_init_value(mcf->message_id_ttl, 30 * 86400);
    if (mcf->redis.data == nullptr) {
        ngx_str_set(&mcf->redis, "127.0.0.1:6379");
    }
    if (mcf->key_prefix.data == nullptr) {
        ngx_str_set(&mcf->key_prefix, "wa");
    }
    if (mcf->timezone.data == nullptr) {
        ngx_str_set(&mcf->timezone, "Asia/Jakarta");
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

        wa::RedisSettings& rs = config->redis;
        if (wa::parse_redis_address(cf, mcf->redis, rs) != NGX_CONF_OK) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        rs.db = static_cast<int>(mcf->redis_db);
        rs.user = wa::str(mcf->redis_user);
        rs.connect_timeout = mcf->redis_connect_timeout;
        rs.command_timeout = mcf->redis_timeout;
        if (mcf->redis_password_file.len > 0) {
            if (ngx_conf_full_name(cf->cycle, &mcf->redis_password_file, 1) != NGX_OK) {
                return static_cast<char*>(NGX_CONF_ERROR);
            }
            if (!wa::read_secret(wa::str(mcf->redis_password_file), rs.password)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                                   "wa_report: cannot read redis password file \"%V\"",
                                   &mcf->redis_password_file);
                return static_cast<char*>(NGX_CONF_ERROR);
            }
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
     */

    lcf->enable = NGX_CONF_UNSET;
    lcf->max_body_size = NGX_CONF_UNSET_SIZE;
    lcf->import_max_body_size = NGX_CONF_UNSET_SIZE;
    lcf->page_size = NGX_CONF_UNSET_UINT;
    return lcf;
}

static char* ngx_http_wa_report_merge_loc_conf(ngx_conf_t* cf, void* parent, void* child) {
    auto* prev = static_cast<ngx_http_wa_report_loc_conf_t*>(parent);
    auto* conf = static_cast<ngx_http_wa_report_loc_conf_t*>(child);

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_size_value(conf->max_body_size, prev->max_body_size, 64 * 1024);
    ngx_conf_merge_size_value(conf->import_max_body_size, prev->import_max_body_size,
                              64 * 1024 * 1024);
    ngx_conf_merge_uint_value(conf->page_size, prev->page_size, 500);

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
    lcf->enable = 1;

    auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(
        ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    clcf->handler = ngx_http_wa_report_handler;

    // Routes are matched on the part of the URI after the location's prefix.
    lcf->base = clcf->name;
    while (lcf->base.len > 0 && lcf->base.data[lcf->base.len - 1] == '/') {
        lcf->base.len--;
    }

    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_wa_report_module));
    mcf->used = 1;
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
    } catch (const std::exception& e) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0, "wa_report: worker init failed: %s",
                      e.what());
        return NGX_ERROR;
    }
    return NGX_OK;
}

static void ngx_http_wa_report_exit_process(ngx_cycle_t* cycle) {
    delete wa::the_worker;
    wa::the_worker = nullptr;
}

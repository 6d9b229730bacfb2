// Reading and checking the configuration: every directive's value is
// checked where it is read, so nginx -t reports a mistake at the
// directive's own file and line; the checks that need the whole http{}
// block name the line of the directive that needs them.

#include "ngx_http_wa_report_conf.hpp"

#include "ngx_http_wa_report_http.hpp"
#include "ngx_http_wa_report_webhook.hpp"

#include "core/access.hpp"
#include "core/phone.hpp"
#include "core/webhook.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <new>
#include <sstream>

namespace wa {

namespace {

// A secret file holds the secret's bytes, any bytes, followed by optional
// line ends: trailing CR and LF are not part of it (editors add them), every
// other byte is, NULs and inner newlines included. tools/jwt.sh reads a JWT
// secret by the same rule.
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

}  // namespace

void destroy_config(void* data) { static_cast<Config*>(data)->~Config(); }

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
    size_t len =
        ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen, text, NGX_SOCKADDR_STRLEN, 0);
    rs.host.assign(reinterpret_cast<const char*>(text), len);
    rs.port = u.port;
    return NGX_CONF_OK;
}

// Reads a secret named by a directive, relative to the prefix, while the
// directive is read: nginx -t fails at its line when it cannot be read, and
// warns when others than its owner may read it (the master reads it before
// dropping privileges, so 0600 is enough). The value itself is never logged.
char* load_secret(ngx_conf_t* cf, ngx_str_t& file, const char* what, std::string& out) {
    if (ngx_conf_full_name(cf->cycle, &file, 1) != NGX_OK) {
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    if (!read_secret(str(file), out)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "wa_report: cannot read %s \"%V\"", what,
                           &file);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    if (out.empty()) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: %s \"%V\" is empty", what, &file);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    struct stat st;
    if (stat(str(file).c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof(mode), "%03o", static_cast<unsigned>(st.st_mode & 0777));
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "wa_report: %s \"%V\" is accessible by group or others "
                           "(mode %s); chmod 600 it",
                           what, &file, mode);
    }
    return NGX_CONF_OK;
}

void remember_where(ngx_conf_t* cf, ngx_http_wa_report_where_t& where) {
    where.file = cf->conf_file->file.name;
    where.line = cf->conf_file->line;
}

// An [emerg] for a check made once the block is read, at the line of the
// directive that asked for what is missing (nginx's own "in file:line" form).
char* emerg_at(ngx_conf_t* cf, const ngx_http_wa_report_where_t& where, const std::string& what) {
    if (where.file.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", what.c_str());
    } else {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s in %V:%ui", what.c_str(), &where.file,
                      where.line);
    }
    return static_cast<char*>(NGX_CONF_ERROR);
}

char* init_reminder_conf(ngx_conf_t* cf, ngx_http_wa_report_main_conf_t* mcf, ReminderConfig& rc) {
    ngx_conf_init_value(mcf->reminder, 1);
    ngx_conf_init_value(mcf->schedule_hour, 7);
    ngx_conf_init_value(mcf->schedule_minute, 0);
    ngx_conf_init_value(mcf->schedule_on, 0);
    ngx_conf_init_msec_value(mcf->tick, 30000);
    ngx_conf_init_msec_value(mcf->run_lease, 30000);
    ngx_conf_init_msec_value(mcf->run_now_timeout, 600000);
    ngx_conf_init_value(mcf->lead_days, 3);
    ngx_conf_init_value(mcf->catch_up, 7);
    ngx_conf_init_uint_value(mcf->remind, 0);
    ngx_conf_init_uint_value(mcf->gateway, static_cast<ngx_uint_t>(Provider::log));
    ngx_conf_init_msec_value(mcf->gateway_timeout, 10000);
    ngx_conf_init_value(mcf->gateway_concurrency, 16);
    ngx_conf_init_value(mcf->gateway_rate, 20);
    ngx_conf_init_value(mcf->gateway_retries, 3);
    ngx_conf_init_msec_value(mcf->gateway_retry_after_max, 30000);
    ngx_conf_init_value(mcf->log_messages, 0);

    rc.enabled = mcf->reminder;
    rc.schedule_on = mcf->schedule_on;
    rc.schedule_hour = static_cast<int>(mcf->schedule_hour);
    rc.schedule_minute = static_cast<int>(mcf->schedule_minute);
    rc.tick = mcf->tick;
    rc.lease = mcf->run_lease;
    rc.run_now_timeout = mcf->run_now_timeout;
    rc.lead_days = static_cast<int>(mcf->lead_days);
    rc.catch_up = static_cast<int>(mcf->catch_up);
    rc.daily = mcf->remind == 1;
    rc.service_phone = str(mcf->service_phone);
    rc.provider = static_cast<Provider>(mcf->gateway);
    rc.gateway = &gateway_provider(rc.provider);
    rc.timeout = mcf->gateway_timeout;
    rc.concurrency = static_cast<size_t>(mcf->gateway_concurrency);
    rc.rate = static_cast<size_t>(mcf->gateway_rate);
    rc.retries = static_cast<int>(mcf->gateway_retries);
    rc.retry_after_max = mcf->gateway_retry_after_max;
    rc.log_messages = mcf->log_messages;

    if (char* rv = init_group_conf(cf, mcf, rc); rv != NGX_CONF_OK) {
        return rv;
    }
    if (!rc.message) {
        rc.message = Template::parse(default_template, nullptr);
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
    if (rc.provider == Provider::fonnte && rc.url.empty()) {
        rc.url = "https://api.fonnte.com/send";
    }
    std::string needs =
        std::string("wa_report: \"wa_report_gateway ") + provider_name(rc.provider) + "\" needs ";
    if (rc.url.empty()) {
        return emerg_at(cf, mcf->gateway_where, needs + "\"wa_report_gateway_url\"");
    }
    if (rc.provider == Provider::cloud_api && rc.cloud.name.empty()) {
        return emerg_at(cf, mcf->gateway_where, needs + "\"wa_report_gateway_template\"");
    }
    if (mcf->gateway_key_file.len == 0) {
        return emerg_at(cf, mcf->gateway_where, needs + "\"wa_report_gateway_key_file\"");
    }
    return NGX_CONF_OK;
}

}  // namespace wa

// wa_report_schedule HH:MM [on|off];
char* ngx_http_wa_report_schedule(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
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
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: invalid schedule time \"%V\", want HH:MM", &value[1]);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    mcf->schedule_hour = hour;
    mcf->schedule_minute = minute;
    mcf->schedule_on = 0;
    if (cf->args->nelts == 3) {
        if (ngx_strcmp(value[2].data, "on") == 0) {
            mcf->schedule_on = 1;
        } else if (ngx_strcmp(value[2].data, "off") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "wa_report: invalid value \"%V\", want on or off", &value[2]);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
    }
    return NGX_CONF_OK;
}

// wa_report_gateway_template name [language];
char* ngx_http_wa_report_gateway_template(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
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

// ---- directives checked where they are read ------------------------------
// Each setter stores the value with nginx's own slot, then checks it at once,
// so that nginx -t reports the directive's own file and line.

template <class F>
static char* ngx_http_wa_report_conf_try(ngx_conf_t* cf, F&& f) noexcept {
    try {
        return f();
    } catch (const std::exception& e) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: %s", e.what());
    } catch (...) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: unknown exception");
    }
    return static_cast<char*>(NGX_CONF_ERROR);
}

// nginx's own slot stores the string (and refuses a duplicate), then
// `check` looks at it, exceptions caught, while the directive's line is the
// one nginx -t reports.
template <class Check>
static char* ngx_http_wa_report_set_str_checked(ngx_conf_t* cf, ngx_command_t* cmd, void* conf,
                                                Check&& check) noexcept {
    char* rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    return ngx_http_wa_report_conf_try(cf, check);
}

char* ngx_http_wa_report_set_redis(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(
        cf, cmd, conf, [&] { return wa::parse_redis_address(cf, mcf->redis, mcf->config->redis); });
}

char* ngx_http_wa_report_set_redis_password_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        return wa::load_secret(cf, mcf->redis_password_file, "redis password file",
                               mcf->config->redis.password);
    });
}

// wa_report_redis_sentinel <master-name> host:port [host:port ...]
char* ngx_http_wa_report_set_redis_sentinel(ngx_conf_t* cf, ngx_command_t*, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    wa::RedisSettings& rs = mcf->config->redis;
    if (!rs.master_name.empty()) {
        return const_cast<char*>("is duplicate");
    }
    auto* args = static_cast<ngx_str_t*>(cf->args->elts);
    return ngx_http_wa_report_conf_try(cf, [&] {
        std::string name = wa::str(args[1]);
        // A master name travels in SENTINEL commands and Pub/Sub payloads
        // split on spaces.
        bool ok = !name.empty() && name.size() <= 64;
        for (char c : name) {
            ok = ok && c > ' ' && c < 0x7f;
        }
        if (!ok) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "wa_report: invalid sentinel master name \"%V\", want 1 to 64 "
                               "printable ASCII characters without spaces",
                               &args[1]);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        for (ngx_uint_t i = 2; i < cf->args->nelts; i++) {
            wa::RedisSettings one;
            if (wa::parse_redis_address(cf, args[i], one) != NGX_CONF_OK) {
                return static_cast<char*>(NGX_CONF_ERROR);
            }
            if (!one.unix_path.empty()) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "wa_report: a sentinel is host:port, not \"%V\"", &args[i]);
                return static_cast<char*>(NGX_CONF_ERROR);
            }
            rs.sentinels.push_back({one.host, one.port});
        }
        rs.master_name = name;
        wa::remember_where(cf, mcf->redis_sentinel_where);
        return static_cast<char*>(NGX_CONF_OK);
    });
}

char* ngx_http_wa_report_set_redis_sentinel_password_file(ngx_conf_t* cf, ngx_command_t* cmd,
                                                          void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        return wa::load_secret(cf, mcf->redis_sentinel_password_file,
                               "redis sentinel password file",
                               mcf->config->redis.sentinel_password);
    });
}

// wa_report_redis_wait <replicas> [timeout]
char* ngx_http_wa_report_set_redis_wait(ngx_conf_t* cf, ngx_command_t*, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    if (mcf->redis_wait != NGX_CONF_UNSET) {
        return const_cast<char*>("is duplicate");
    }
    auto* args = static_cast<ngx_str_t*>(cf->args->elts);
    ngx_int_t n = ngx_atoi(args[1].data, args[1].len);
    if (n == NGX_ERROR || n > 16) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: invalid number of replicas \"%V\", want 0 to 16", &args[1]);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    mcf->redis_wait = n;
    if (cf->args->nelts == 3) {
        ngx_msec_t t = ngx_parse_time(&args[2], 0);
        if (t == static_cast<ngx_msec_t>(NGX_ERROR) || t == 0 || t > 60000) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "wa_report: invalid wait timeout \"%V\", want 1ms to 60s", &args[2]);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        mcf->redis_wait_timeout = t;
    }
    wa::remember_where(cf, mcf->redis_wait_where);
    return NGX_CONF_OK;
}

char* ngx_http_wa_report_set_key_prefix(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        if (!wa::valid_key_prefix(wa::sv(mcf->key_prefix))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "wa_report: invalid key prefix \"%V\", want 1 to 64 of "
                               "A-Z a-z 0-9 _ . : -",
                               &mcf->key_prefix);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        mcf->config->keys = wa::Keys(wa::str(mcf->key_prefix));
        return static_cast<char*>(NGX_CONF_OK);
    });
}

char* ngx_http_wa_report_set_timezone(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        if (!mcf->config->zone.load(wa::str(mcf->timezone))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: unknown time zone \"%V\"",
                               &mcf->timezone);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        return static_cast<char*>(NGX_CONF_OK);
    });
}

// A secret file's bytes in the configuration's pool, for a loc conf.
static char* ngx_http_wa_report_load_secret_str(ngx_conf_t* cf, ngx_str_t& file, const char* what,
                                                ngx_str_t& out) {
    std::string secret;
    if (wa::load_secret(cf, file, what, secret) != NGX_CONF_OK) {
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    out.data = static_cast<u_char*>(ngx_pnalloc(cf->pool, secret.size()));
    if (out.data == nullptr) {
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    out.len = secret.size();
    ngx_memcpy(out.data, secret.data(), secret.size());
    return static_cast<char*>(NGX_CONF_OK);
}

char* ngx_http_wa_report_set_jwt_secret_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        return ngx_http_wa_report_load_secret_str(cf, lcf->jwt_secret_file, "JWT secret file",
                                                  lcf->jwt_secret);
    });
}

char* ngx_http_wa_report_set_template(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        std::string error;
        wa::remember_where(cf, mcf->template_where);
        mcf->config->reminder.message = wa::Template::parse(wa::sv(mcf->message_template), &error);
        if (!mcf->config->reminder.message) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: invalid template: %s",
                               error.c_str());
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        return static_cast<char*>(NGX_CONF_OK);
    });
}

char* ngx_http_wa_report_set_service_phone(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        if (!wa::normalize_phone(wa::sv(mcf->service_phone))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "wa_report: invalid service phone \"%V\", want a number such as "
                               "0812-3456-7890 or +62 812 3456 7890",
                               &mcf->service_phone);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        return static_cast<char*>(NGX_CONF_OK);
    });
}

char* ngx_http_wa_report_set_gateway(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    char* rv = ngx_conf_set_enum_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    wa::remember_where(cf, mcf->gateway_where);
    return NGX_CONF_OK;
}

char* ngx_http_wa_report_set_gateway_url(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        std::string why;
        if (!wa::gateway_url_ok(wa::str(mcf->gateway_url), &why)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: invalid gateway url \"%V\": %s",
                               &mcf->gateway_url, why.c_str());
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        return static_cast<char*>(NGX_CONF_OK);
    });
}

char* ngx_http_wa_report_set_gateway_key_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        std::string& key = mcf->config->reminder.key;
        char* loaded = wa::load_secret(cf, mcf->gateway_key_file, "gateway key file", key);
        if (loaded != NGX_CONF_OK) {
            return loaded;
        }
        if (!wa::gateway_key_ok(key)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "wa_report: gateway key file \"%V\" holds a line break or another "
                               "control character; the key is sent in an HTTP header",
                               &mcf->gateway_key_file);
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        return static_cast<char*>(NGX_CONF_OK);
    });
}

static char* ngx_http_wa_report_check_time(ngx_conf_t* cf, const ngx_http_wa_report_time_min_t* b,
                                           ngx_msec_t value) {
    auto* args = static_cast<ngx_str_t*>(cf->args->elts);
    if (value < b->min) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: \"%V\" must be at least %s", &args[0],
                           b->text);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    if (b->max != 0 && value > b->max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: \"%V\" must be at most %s", &args[0],
                           b->max_text);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    return NGX_CONF_OK;
}

char* ngx_http_wa_report_check_msec_min(ngx_conf_t* cf, void* post, void* data) {
    return ngx_http_wa_report_check_time(cf, static_cast<ngx_http_wa_report_time_min_t*>(post),
                                         *static_cast<ngx_msec_t*>(data));
}

char* ngx_http_wa_report_check_sec_min(ngx_conf_t* cf, void* post, void* data) {
    return ngx_http_wa_report_check_time(cf, static_cast<ngx_http_wa_report_time_min_t*>(post),
                                         static_cast<ngx_msec_t>(*static_cast<time_t*>(data)));
}

// ---- access control (wa_report_auth_*) ------------------------------------

char* ngx_http_wa_report_set_auth(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    char* rv = ngx_conf_set_enum_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    bool read = cmd->offset == offsetof(ngx_http_wa_report_loc_conf_t, auth_read);
    wa::remember_where(cf, read ? lcf->auth_read_where : lcf->auth_write_where);
    return NGX_CONF_OK;
}

char* ngx_http_wa_report_set_auth_jwt_secret_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        return ngx_http_wa_report_load_secret_str(cf, lcf->auth_jwt_secret_file,
                                                  "auth JWT secret file", lcf->auth_jwt_secret);
    });
}

// Read as a secret file (the permission warning, the master reads it); a bad
// line is named by the file's path and line number, never by its text.
char* ngx_http_wa_report_set_auth_keys_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        std::string text;
        if (wa::load_secret(cf, lcf->auth_keys_file, "API keys file", text) != NGX_CONF_OK) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        wa::ApiKeyFile parsed = wa::parse_api_keys(text);
        if (!parsed.error.empty()) {
            if (parsed.error_line > 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "wa_report: invalid API key at \"%V:%uz\": %s",
                                   &lcf->auth_keys_file, parsed.error_line, parsed.error.c_str());
            } else {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: API keys file \"%V\" %s",
                                   &lcf->auth_keys_file, parsed.error.c_str());
            }
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        lcf->auth_keys = ngx_array_create(cf->pool, parsed.keys.size(), sizeof(wa::ApiKeyDigest));
        if (lcf->auth_keys == nullptr) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        for (const wa::ApiKeyDigest& key : parsed.keys) {
            auto* slot = static_cast<wa::ApiKeyDigest*>(ngx_array_push(lcf->auth_keys));
            if (slot == nullptr) {
                return static_cast<char*>(NGX_CONF_ERROR);
            }
            ngx_memcpy(slot, &key, sizeof(key));
        }
        return static_cast<char*>(NGX_CONF_OK);
    });
}

namespace wa {

namespace {

// The directive's own text, as written: "wa_report_auth_write key".
char* check_auth_mode(ngx_conf_t* cf, const ngx_http_wa_report_loc_conf_t* conf, ngx_uint_t mode,
                      const char* directive, const ngx_http_wa_report_where_t& where) {
    if (static_cast<AuthMode>(mode) == AuthMode::jwt && conf->auth_jwt_secret.len == 0) {
        return emerg_at(cf, where,
                        std::string("wa_report: \"") + directive
                            + " jwt\" needs \"wa_report_auth_jwt_secret_file\"");
    }
    if (static_cast<AuthMode>(mode) == AuthMode::key
        && (conf->auth_keys == nullptr || conf->auth_keys->nelts == 0)) {
        return emerg_at(
            cf, where,
            std::string("wa_report: \"") + directive + " key\" needs \"wa_report_auth_keys_file\"");
    }
    return NGX_CONF_OK;
}

}  // namespace

char* check_auth_conf(ngx_conf_t* cf, const ngx_http_wa_report_loc_conf_t* conf) {
    char* rv =
        check_auth_mode(cf, conf, conf->auth_read, "wa_report_auth_read", conf->auth_read_where);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    return check_auth_mode(cf, conf, conf->auth_write, "wa_report_auth_write",
                           conf->auth_write_where);
}

}  // namespace wa

// ---- the webhook ingress (wa_report_webhook*) -------------------------------

// wa_report_webhook cloud_api | fonnte;
char* ngx_http_wa_report_set_webhook(ngx_conf_t* cf, ngx_command_t*, void* conf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    if (lcf->webhook != 0) {
        return const_cast<char*>("is duplicate");
    }
    if (lcf->enable == 1) {
        return const_cast<char*>("conflicts with \"wa_report\"");
    }
    if (lcf->scheduler == 1) {
        return const_cast<char*>("conflicts with \"wa_report_scheduler\"");
    }
    if (lcf->metrics == 1) {
        return const_cast<char*>("conflicts with \"wa_report_metrics\"");
    }
    auto* value = static_cast<ngx_str_t*>(cf->args->elts);
    std::string_view name = wa::sv(value[1]);
    if (name == "cloud_api") {
        lcf->webhook = 1 + static_cast<ngx_uint_t>(wa::WebhookProvider::cloud_api);
    } else if (name == "fonnte") {
        lcf->webhook = 1 + static_cast<ngx_uint_t>(wa::WebhookProvider::fonnte);
    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: invalid webhook provider \"%V\", want cloud_api or fonnte",
                           &value[1]);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    wa::remember_where(cf, lcf->webhook_where);
    auto* clcf = static_cast<ngx_http_core_loc_conf_t*>(
        ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    clcf->handler = ngx_http_wa_report_webhook_handler;
    auto* mcf = static_cast<ngx_http_wa_report_main_conf_t*>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_wa_report_module));
    mcf->used = 1;
    return NGX_CONF_OK;
}

char* ngx_http_wa_report_set_webhook_verify_token_file(ngx_conf_t* cf, ngx_command_t* cmd,
                                                       void* conf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        return ngx_http_wa_report_load_secret_str(cf, lcf->webhook_verify_token_file,
                                                  "webhook verify token file",
                                                  lcf->webhook_verify_token);
    });
}

char* ngx_http_wa_report_set_webhook_secret_file(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
    return ngx_http_wa_report_set_str_checked(cf, cmd, conf, [&] {
        return ngx_http_wa_report_load_secret_str(cf, lcf->webhook_secret_file,
                                                  "webhook secret file", lcf->webhook_secret);
    });
}

namespace wa {

char* merge_webhook_conf(ngx_conf_t* cf, const ngx_http_wa_report_loc_conf_t* prev,
                         ngx_http_wa_report_loc_conf_t* conf) {
    // Before the merge these are this level's own: a wa_report written after
    // wa_report_webhook in the same location.
    if (conf->webhook != 0 && (conf->enable == 1 || conf->scheduler == 1 || conf->metrics == 1)) {
        return emerg_at(cf, conf->webhook_where,
                        "wa_report: \"wa_report_webhook\" conflicts with the location's other "
                        "wa_report handler");
    }
    ngx_conf_merge_str_value(conf->webhook_verify_token, prev->webhook_verify_token, "");
    ngx_conf_merge_str_value(conf->webhook_secret, prev->webhook_secret, "");
    // Meta batches up to 1,000 statuses in one request: about 400 KB.
    ngx_conf_merge_size_value(conf->webhook_max_body, prev->webhook_max_body, 1024 * 1024);
    if (conf->webhook == 0) {
        return NGX_CONF_OK;
    }
    auto provider = static_cast<WebhookProvider>(conf->webhook - 1);
    std::string needs = std::string("wa_report: \"wa_report_webhook ")
        + webhook_provider_name(provider) + "\" needs ";
    if (provider == WebhookProvider::cloud_api && conf->webhook_verify_token.len == 0) {
        return emerg_at(cf, conf->webhook_where, needs + "\"wa_report_webhook_verify_token_file\"");
    }
    if (conf->webhook_secret.len == 0) {
        return emerg_at(cf, conf->webhook_where, needs + "\"wa_report_webhook_secret_file\"");
    }
    return NGX_CONF_OK;
}

}  // namespace wa

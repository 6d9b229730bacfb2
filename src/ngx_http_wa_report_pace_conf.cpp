#include "ngx_http_wa_report_pace_conf.hpp"

#include "ngx_http_wa_report_conf.hpp"

#include "core/send_window.hpp"

#include <string>

namespace {

wa::ReminderConfig& reminder(void* conf) {
    return static_cast<ngx_http_wa_report_main_conf_t*>(conf)->config->reminder;
}

}  // namespace

char* ngx_http_wa_report_set_send_window(ngx_conf_t* cf, ngx_command_t*, void* conf) {
    wa::ReminderConfig& rc = reminder(conf);
    if (rc.window) {
        return const_cast<char*>("is duplicate");
    }
    auto* value = static_cast<ngx_str_t*>(cf->args->elts);
    std::string error;
    std::optional<wa::SendWindow> window = wa::SendWindow::parse(wa::sv(value[1]), &error);
    if (!window) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: invalid send window \"%V\": %s, such as 07:00-20:00",
                           &value[1], error.c_str());
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    rc.window = window;
    return NGX_CONF_OK;
}

char* ngx_http_wa_report_set_recipient_interval(ngx_conf_t* cf, ngx_command_t*, void* conf) {
    wa::ReminderConfig& rc = reminder(conf);
    if (rc.recipient_interval_set) {
        return const_cast<char*>("is duplicate");
    }
    auto* value = static_cast<ngx_str_t*>(cf->args->elts);
    ngx_msec_int_t ms = ngx_parse_time(&value[1], 0);
    // A day: longer would hold a number's second reminder past the run.
    if (ms == NGX_ERROR || ms > 86400000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: invalid recipient interval \"%V\", want a time from 0 to "
                           "1d such as 6s",
                           &value[1]);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    rc.recipient_interval = static_cast<ngx_msec_t>(ms);
    rc.recipient_interval_set = true;
    return NGX_CONF_OK;
}

#include "ngx_http_wa_report_group_conf.hpp"

#include "ngx_http_wa_report_conf.hpp"

#include "core/group.hpp"

#include <string>

namespace {

ngx_http_wa_report_main_conf_t* main_conf(void* conf) {
    return static_cast<ngx_http_wa_report_main_conf_t*>(conf);
}

}  // namespace

char* ngx_http_wa_report_set_group_by(ngx_conf_t* cf, ngx_command_t*, void* conf) {
    ngx_http_wa_report_main_conf_t* mcf = main_conf(conf);
    if (mcf->group_by_where.file.len > 0) {
        return const_cast<char*>("is duplicate");
    }
    auto* value = static_cast<ngx_str_t*>(cf->args->elts);
    std::string_view by = wa::sv(value[1]);
    if (by != "vehicle" && by != "customer") {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "wa_report: invalid value \"%V\", want vehicle or customer", &value[1]);
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    mcf->config->reminder.group_by_customer = by == "customer";
    wa::remember_where(cf, mcf->group_by_where);
    return NGX_CONF_OK;
}

char* ngx_http_wa_report_set_vehicle_line(ngx_conf_t* cf, ngx_command_t*, void* conf) {
    wa::ReminderConfig& rc = main_conf(conf)->config->reminder;
    if (rc.vehicle_line) {
        return const_cast<char*>("is duplicate");
    }
    auto* value = static_cast<ngx_str_t*>(cf->args->elts);
    std::string error;
    std::optional<wa::Template> line = wa::Template::parse(wa::sv(value[1]), &error);
    if (line) {
        error = wa::vehicle_line_error(*line);
    }
    if (!error.empty()) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: invalid vehicle line template: %s",
                           error.c_str());
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    rc.vehicle_line = std::move(line);
    return NGX_CONF_OK;
}

namespace wa {

char* init_group_conf(ngx_conf_t* cf, ngx_http_wa_report_main_conf_t* mcf, ReminderConfig& rc) {
    if (!rc.vehicle_line) {
        rc.vehicle_line = Template::parse(default_vehicle_line, nullptr);
    }
    if (!rc.message) {
        // The default names one vehicle: grouping gets its own.
        if (rc.group_by_customer) {
            rc.message = Template::parse(default_group_template, nullptr);
        }
        return NGX_CONF_OK;
    }
    std::string error = group_template_error(*rc.message, rc.group_by_customer);
    if (!error.empty()) {
        return emerg_at(cf, mcf->template_where, "wa_report: invalid template: " + error);
    }
    return NGX_CONF_OK;
}

}  // namespace wa

// The directives of grouped reminders: wa_report_group_by and
// wa_report_vehicle_line_template. They fill the C++ Config's
// ReminderConfig; init_group_conf (ngx_http_wa_report_conf.hpp) checks the
// templates against the grouping once the block is read.
#pragma once

#include "ngx_wa.hpp"

// wa_report_group_by vehicle | customer;
char* ngx_http_wa_report_set_group_by(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
// wa_report_vehicle_line_template text;
char* ngx_http_wa_report_set_vehicle_line(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);

// The directives of when and how fast reminders go out to people:
// wa_report_send_window and wa_report_recipient_interval. They fill the C++
// Config's ReminderConfig directly, checked where they are read.
#pragma once

#include "ngx_wa.hpp"

// wa_report_send_window HH:MM-HH:MM;
char* ngx_http_wa_report_set_send_window(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);
// wa_report_recipient_interval time;
char* ngx_http_wa_report_set_recipient_interval(ngx_conf_t* cf, ngx_command_t* cmd, void* conf);

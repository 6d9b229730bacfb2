// What Redis Sentinel tells a client, parsed without hiredis
// (https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/,
// "Sentinel API" and "Pub/Sub messages").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wa {

struct HostPort {
    std::string host;  // an IPv4 or IPv6 literal
    int port = 0;      // 1..65535
};

// The address in `SENTINEL get-master-addr-by-name`'s answer (two strings:
// ip, port). nullopt unless host is an IP literal (a name would need a
// blocking DNS lookup in the worker; Sentinel announces IPs unless told to
// resolve hostnames) and port is 1..65535.
std::optional<HostPort> sentinel_address(std::string_view host, std::string_view port);

// A `+switch-master` message's payload, "<master-name> <old-ip> <old-port>
// <new-ip> <new-port>": the new address when it is about master `name`,
// nullopt for another master or a payload of another shape.
std::optional<HostPort> switch_master_address(std::string_view payload, std::string_view name);

}  // namespace wa

#include "core/sentinel.hpp"

#include <arpa/inet.h>

#include <vector>

namespace wa {

namespace {

bool ip_literal(const std::string& host) {
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host.c_str(), buf) == 1
        || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::optional<int> port_number(std::string_view text) {
    if (text.empty() || text.size() > 5) {
        return std::nullopt;
    }
    int port = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) {
        return std::nullopt;
    }
    return port;
}

}  // namespace

std::optional<HostPort> sentinel_address(std::string_view host, std::string_view port) {
    std::string h(host);
    std::optional<int> p = port_number(port);
    if (!p || h.empty() || h.find('\0') != std::string::npos || !ip_literal(h)) {
        return std::nullopt;
    }
    return HostPort{h, *p};
}

std::optional<HostPort> switch_master_address(std::string_view payload, std::string_view name) {
    std::vector<std::string_view> words;
    size_t at = 0;
    while (at < payload.size()) {
        size_t end = payload.find(' ', at);
        if (end == std::string_view::npos) {
            end = payload.size();
        }
        if (end > at) {
            words.push_back(payload.substr(at, end - at));
        }
        at = end + 1;
    }
    if (words.size() != 5 || words[0] != name) {
        return std::nullopt;
    }
    return sentinel_address(words[3], words[4]);
}

}  // namespace wa

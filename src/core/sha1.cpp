#include "sha1.hpp"

#include <openssl/evp.h>

namespace wa {

std::string sha1_hex(std::string_view data) {
    static const char hex[] = "0123456789abcdef";

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr) != 1) {
        return std::string();
    }

    std::string out;
    out.reserve(size_t{len} * 2);
    for (unsigned int i = 0; i < len; i++) {
        out.push_back(hex[md[i] >> 4]);
        out.push_back(hex[md[i] & 0xf]);
    }
    return out;
}

}  // namespace wa

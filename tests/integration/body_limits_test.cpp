// Request body limits whatever the framing and the read boundaries (issue 6,
// item 8): wa_report_import_max_body_size and wa_report_max_body_size hold for
// a chunked body and for one that arrives a few bytes at a time as they do
// for one with a Content-Length, and an NDJSON line over the line limit is
// reported however the body's pieces fall around it. Nothing is written by a
// refused body or line.
#include <string>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

const std::string kTooLarge = "{\"detail\":\"Request body is larger than 1024 bytes\"}";
// A second API location whose imports may be large, with the same 1k line limit.
const std::string kBigBase = "/big-import";

std::string customer_line(const Customer& c) {
    return "{\"kind\":\"customer\",\"id\":\"" + c.id + "\",\"name\":" + json_quote(c.name)
        + ",\"phone\":\"" + c.phone + "\",\"address\":" + json_quote(c.address) + "}\n";
}

std::string customers_ndjson(int first, int count, std::vector<Customer>* customers) {
    std::string out;
    for (int n = first; n < first + count; ++n) {
        customers->push_back(make_customer(n));
        out += customer_line(customers->back());
    }
    return out;
}

struct Framing {
    std::string name;
    RequestOptions options;
};

// The same body with a Content-Length and chunked, each in one write and a
// few bytes at a time (every piece read by nginx before the next is sent).
std::vector<Framing> framings() {
    std::vector<Framing> out;
    out.push_back({"content-length", {}});
    RequestOptions pieces;
    pieces.write_piece = 7;
    out.push_back({"content-length in 7-byte pieces", pieces});
    RequestOptions chunked;
    chunked.chunked_body = true;
    out.push_back({"chunked", chunked});
    RequestOptions small_chunks = chunked;
    small_chunks.chunk_size = 50;
    small_chunks.write_piece = 7;
    out.push_back({"50-byte chunks in 7-byte pieces", small_chunks});
    return out;
}

class BodyLimitsTest : public StackTest<BodyLimitsTest> {
public:
    static StackOptions stack_options() {
        StackOptions options;
        options.nginx.report_directives =
            "wa_report;\n"
            "wa_report_max_body_size 1k;\n"
            "wa_report_import_max_body_size 1k;\n";
        options.nginx.server_extra =
        "location " + kBigBase + "/ {\n"
        "    wa_report;\n"
        "    wa_report_max_body_size 1k;\n"
        "    wa_report_import_max_body_size 256k;\n"
        "}\n";
        return options;
    }

protected:
    static HttpResponse import(const std::string& base, const std::string& ndjson,
                               const RequestOptions& options) {
        HttpClient client(stack().port());
        return client.request("POST", base + "/data/import", ndjson,
                              {{"Content-Type", "application/x-ndjson"}}, options);
    }

    static bool exists(const Customer& c) { return http().get(c.path()).status == 200; }
};

TEST_F(BodyLimitsTest, ImportOverItsLimitIs413WhateverTheFraming) {
    // The example: 6.5 KB of valid lines under a 1 KB import limit.
    std::vector<Customer> refused;
    const std::string ndjson = customers_ndjson(100, 50, &refused);
    ASSERT_GT(ndjson.size(), 6000u);
    const std::string before = redis().digest();
    for (const Framing& f : framings()) {
        SCOPED_TRACE(f.name);
        EXPECT_TRUE(IsJsonBody(import(kBase, ndjson, f.options), 413, kTooLarge));
        EXPECT_EQ(before, redis().digest()) << "a refused import wrote something";
    }
    EXPECT_FALSE(exists(refused.front()));
    EXPECT_FALSE(exists(refused.back()));

    // Under the limit, any framing imports.
    std::vector<Customer> taken;
    const std::string small = customers_ndjson(200, 6, &taken);
    ASSERT_LT(small.size(), 1024u);
    for (const Framing& f : framings()) {
        SCOPED_TRACE(f.name);
        EXPECT_TRUE(
            IsJsonBody(import(kBase, small, f.options), 200, "{\"imported\":6,\"errors\":[]}"));
    }
    EXPECT_TRUE(exists(taken.front()));
    EXPECT_TRUE(exists(taken.back()));
}

TEST_F(BodyLimitsTest, JsonBodiesOverTheirLimitAre413WhateverTheFraming) {
    Customer customer = make_customer(300);
    customer.address = std::string(1500, 'a');
    Vehicle vehicle = make_vehicle(customer.id, 300);
    vehicle.model = std::string(1500, 'm');
    const std::string record = record_body(customer.id, vehicle.id, std::string(1500, 'r'));
    const std::string before = redis().digest();
    for (const Framing& f : framings()) {
        SCOPED_TRACE(f.name);
        HttpClient client(stack().port());
        const Headers json = {{"Content-Type", "application/json"}};
        EXPECT_TRUE(
            IsJsonBody(client.request("PUT", customer.path(), customer.body(), json, f.options),
                       413, kTooLarge));
        EXPECT_TRUE(
            IsJsonBody(client.request("PUT", vehicle.path(), vehicle.body(), json, f.options), 413,
                       kTooLarge));
        EXPECT_TRUE(IsJsonBody(client.request("POST", kBase + "/record", record, json, f.options),
                               413, kTooLarge));
        EXPECT_EQ(before, redis().digest());
    }
}

TEST_F(BodyLimitsTest, ImportLineOverTheLineLimitIsReportedWhateverTheReads) {
    Customer first = make_customer(400);
    Customer overlong = make_customer(401);
    Customer last = make_customer(402);
    // A valid customer on a line of 1100 bytes: over the 1 KB line limit.
    overlong.address = "";
    overlong.address = std::string(1101 - customer_line(overlong).size(), 'x');
    const std::string line = customer_line(overlong);
    ASSERT_EQ(1101u, line.size());

    const std::string ndjson = customer_line(first) + line + customer_line(last);
    const std::string expected =
        "{\"imported\":2,\"errors\":[{\"line\":2,\"detail\":\"line is longer than 1024 bytes\"}]}";
    std::vector<Framing> cases = framings();
    RequestOptions split_in_line;  // chunks that end inside the long line
    split_in_line.chunked_body = true;
    split_in_line.chunk_size = 700;
    split_in_line.write_piece = 300;
    cases.push_back({"700-byte chunks in 300-byte pieces", split_in_line});
    for (const Framing& f : cases) {
        SCOPED_TRACE(f.name);
        EXPECT_TRUE(IsJsonBody(import(kBigBase, ndjson, f.options), 200, expected));
        EXPECT_FALSE(exists(overlong)) << "the overlong line was imported";
    }
    EXPECT_TRUE(exists(first));
    EXPECT_TRUE(exists(last));

    // A body nginx keeps in a temporary file, read back 64 KB at a time: the
    // long line straddles the first 64 KB boundary.
    std::string prefix;
    int lines_before = 0;
    for (Customer c = make_customer(1000); prefix.size() + customer_line(c).size() < 65536 - 500;
         c = make_customer(1000 + lines_before)) {
        prefix += customer_line(c);
        lines_before++;
    }
    const std::string big = prefix + line + customer_line(last);
    ASSERT_LT(prefix.size(), 65536u);
    ASSERT_GT(prefix.size() + line.size(), 65536u);
    const std::string big_expected = "{\"imported\":" + std::to_string(lines_before + 1)
        + ",\"errors\":[{\"line\":" + std::to_string(lines_before + 1)
        + ",\"detail\":\"line is longer than 1024 bytes\"}]}";
    EXPECT_TRUE(IsJsonBody(import(kBigBase, big, {}), 200, big_expected));
    RequestOptions chunked;
    chunked.chunked_body = true;
    chunked.chunk_size = 4096;
    EXPECT_TRUE(IsJsonBody(import(kBigBase, big, chunked), 200, big_expected));
    EXPECT_FALSE(exists(overlong));
}

}  // namespace
}  // namespace wa::itest

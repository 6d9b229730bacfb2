// The README's Redis key table is the map an operator reads redis-cli with:
// after a workload that touches every part of the module (data API, import,
// record, reset, delete, the scheduler API, reminder runs with sends that
// are accepted and refused), every key in Redis matches a row of the table,
// every field of a hash and every field of a stream entry is named in its
// row, and the key's type is the row's.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

struct Row {
    std::string pattern;  // `{wa}:customer:<id>`
    std::regex key;
    std::string type;
    std::set<std::string> fields;  // empty: the fields are data (ids, frequencies)
};

std::string readme_path() { return env_or("WA_README", "README.md"); }

// "`{wa}:report:<customer>:<vehicle>`" -> ^\{wa\}:report:[^:]+:[^:]+$; a
// message id may hold ':' of its own.
std::regex key_regex(const std::string& pattern) {
    std::string re = "^";
    for (size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '<') {
            size_t end = pattern.find('>', i);
            std::string name = pattern.substr(i + 1, end - i - 1);
            re += name == "message_id" ? ".+" : "[^:]+";
            i = end;
        } else if (std::string("{}[]().*+?^$|\\").find(c) != std::string::npos) {
            re += std::string("\\") + c;
        } else {
            re += c;
        }
    }
    return std::regex(re + "$");
}

// The table's rows: | `key` | type | content |. Field names are the
// backticked lower-case words of the content; "the same fields" takes the
// row above's.
std::vector<Row> readme_rows() {
    std::ifstream in(readme_path());
    std::string line;
    bool in_section = false;
    std::vector<Row> rows;
    const std::regex field("`([a-z_]+)`");
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0)
            in_section = line == "## Redis key layout";
        if (!in_section || line.rfind("| `", 0) != 0)
            continue;
        std::vector<std::string> cells;
        std::stringstream ss(line.substr(1));
        std::string cell;
        while (std::getline(ss, cell, '|'))
            cells.push_back(cell);
        if (cells.size() < 3)
            continue;
        Row row;
        size_t a = cells[0].find('`'), b = cells[0].rfind('`');
        row.pattern = cells[0].substr(a + 1, b - a - 1);
        row.key = key_regex(row.pattern);
        row.type = cells[1].substr(cells[1].find_first_not_of(' '));
        row.type = row.type.substr(0, row.type.find(' '));
        const std::string& content = cells[2];
        for (auto it = std::sregex_iterator(content.begin(), content.end(), field);
             it != std::sregex_iterator(); ++it) {
            row.fields.insert((*it)[1]);
        }
        if (content.find("the same fields") != std::string::npos && !rows.empty()) {
            row.fields.insert(rows.back().fields.begin(), rows.back().fields.end());
        }
        rows.push_back(row);
    }
    return rows;
}

class ReadmeKeysTest : public ReminderTest<ReadmeKeysTest> {
public:
    static StackOptions stack_options() { return reminder_stack(ReminderSettings{}); }
};

TEST_F(ReadmeKeysTest, EveryKeyAndFieldInRedisIsInTheTable) {
    std::vector<Row> rows = readme_rows();
    ASSERT_GE(rows.size(), 20u) << "the key table of " << readme_path();

    // Data API, import, record, reset, delete.
    std::vector<Seeded> seeded(4);
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(SeedVehicle(http(), i + 1, jakarta_today(), &seeded[i]));
    std::string report;
    ASSERT_TRUE(Record(http(), seeded[0].customer.id, seeded[0].vehicle.id, "m-1", &report));
    ASSERT_TRUE(Record(http(), seeded[1].customer.id, seeded[1].vehicle.id, "m-2"));
    ASSERT_TRUE(Record(http(), seeded[3].customer.id, seeded[3].vehicle.id, "m-3", &report));
    HttpResponse r =
        http().request("POST", kBase + "/data/import",
                       "{\"kind\":\"customer\",\"id\":\"00000000-0000-4000-8000-0000000000aa\","
                       "\"name\":\"Impor\",\"phone\":\"081299990000\",\"address\":\"Jl. A\"}\n");
    ASSERT_EQ(200, r.status) << describe(r);
    r = http().request("POST", kBase + "/reset-frequency?id_customer=" + seeded[1].customer.id);
    ASSERT_EQ(200, r.status) << describe(r);
    r = http().del(kBase + "/" + json_member(report, "id"));
    ASSERT_EQ(200, r.status) << describe(r);

    // The scheduler API, and a run in which one send is refused.
    ASSERT_EQ(200, sched(http(), "POST", "/start?hour=7&minute=0").status);
    gateway().script_recipient(seeded[0].to, {"refuse"});
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    ASSERT_EQ(200, sched(http(), "POST", "/stop").status);

    std::vector<std::string> keys = redis().keys("*");
    ASSERT_GE(keys.size(), 20u);
    std::set<std::string> matched;
    for (const std::string& key : keys) {
        const Row* row = nullptr;
        for (const Row& candidate : rows) {
            if (std::regex_match(key, candidate.key)) {
                row = &candidate;
                break;
            }
        }
        if (row == nullptr) {
            ADD_FAILURE() << "key " << key << " has no row in the README's key table";
            continue;
        }
        matched.insert(row->pattern);
        std::string type = redis().command({"TYPE", key}).str;
        EXPECT_EQ(row->type, type) << key << " (" << row->pattern << ")";
        std::set<std::string> fields;
        if (type == "hash") {
            RedisReply names = redis().command({"HKEYS", key});
            for (const auto& e : names.elements)
                fields.insert(e.str);
        } else if (type == "stream") {
            RedisReply entries = redis().command({"XRANGE", key, "-", "+"});
            for (const auto& entry : entries.elements) {
                const auto& kv = entry.elements[1].elements;
                for (size_t i = 0; i < kv.size(); i += 2)
                    fields.insert(kv[i].str);
            }
        }
        if (row->fields.empty())
            continue;  // data, not names
        for (const std::string& f : fields) {
            EXPECT_TRUE(row->fields.count(f))
                << "field " << f << " of " << key << " is not named in the row " << row->pattern;
        }
    }
    // The workload reached the parts the table describes.
    for (const char* p :
         {"{wa}:customer:<id>", "{wa}:vehicle:<id>", "{wa}:report:<customer>:<vehicle>",
          "{wa}:stats", "{wa}:schedule", "{wa}:run:last", "{wa}:deliveries",
          "{wa}:run:<id>:details", "{wa}:msg:<message_id>"}) {
        EXPECT_TRUE(matched.count(p)) << "no key of " << p << " after the workload";
    }
}

}  // namespace
}  // namespace wa::itest

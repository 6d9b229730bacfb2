// wa_report_stop_words and wa_report_start_words at `nginx -t`: a word that
// cannot be matched as one word, or one in both lists, is refused with its
// line.
#include <string>
#include <vector>

#include "harness.hpp"

namespace wa::itest {
namespace {

// The line under test is line 2 of words.conf, included at http level; a
// location may add its own line.
NginxConfig with_words(const std::string& http_line, const std::string& loc_line = "") {
    NginxConfig config;
    config.wa_http = "include {prefix}/words.conf;\n";
    config.report_directives = "wa_report;\n" + loc_line + "\n";
    config.files["words.conf"] = "# the line under test is the next one\n" + http_line + "\n";
    return config;
}

std::string emerg_line(const std::string& output) {
    size_t at = output.find("[emerg]");
    if (at == std::string::npos)
        return "";
    return output.substr(at, output.find('\n', at) - at);
}

TEST(OptOutConfigTest, WordsThatCannotBeOneWordAreRefusedAtTheirLine) {
    struct Case {
        std::string line, says;
    };
    const std::vector<Case> cases = {
        {"wa_report_stop_words STOP \"\";", "\"wa_report_stop_words\" refuses an empty word \"\""},
        {"wa_report_stop_words \"stop please\";",
         "\"wa_report_stop_words\" refuses a word with spaces, control characters or invalid "
         "UTF-8 \"stop please\""},
        {"wa_report_start_words \"MU LAI\";",
         "\"wa_report_start_words\" refuses a word with spaces, control characters or invalid "
         "UTF-8 \"MU LAI\""},
        {"wa_report_stop_words STOP;\nwa_report_start_words START stop;",
         "\"STOP\" is in both \"wa_report_stop_words\" and \"wa_report_start_words\""},
        {"wa_report_start_words START;\nwa_report_stop_words Start;",
         "\"START\" is in both \"wa_report_stop_words\" and \"wa_report_start_words\""},
        {"wa_report_stop_words STOP;\nwa_report_stop_words BERHENTI;", "is duplicate"},
    };
    for (const Case& c : cases) {
        ConfigCheck check = nginx_check_config(with_words(c.line));
        EXPECT_FALSE(check.ok) << c.line << ": nginx -t accepted it\n" << check.output;
        std::string line = emerg_line(check.output);
        EXPECT_NE(std::string::npos, line.find(c.says)) << c.line << "\n" << check.output;
        EXPECT_NE(std::string::npos, line.find("/words.conf:")) << c.line << "\n" << check.output;
    }
}

TEST(OptOutConfigTest, AStartWordThatIsAnInheritedStopWordIsRefused) {
    // The default stop words hold STOP: a location's start word STOP clashes.
    ConfigCheck check = nginx_check_config(with_words("", "wa_report_start_words stop;"));
    EXPECT_FALSE(check.ok) << check.output;
    EXPECT_NE(
        std::string::npos,
        emerg_line(check.output)
            .find("\"STOP\" is in both \"wa_report_stop_words\" and \"wa_report_start_words\""))
        << check.output;
}

TEST(OptOutConfigTest, OwnListsPass) {
    ConfigCheck check =
        nginx_check_config(with_words("wa_report_stop_words STOP BERHENTI UNSUBSCRIBE STOPP;",
                                      "wa_report_start_words START MULAI LANJUT;"));
    EXPECT_TRUE(check.ok) << check.output;
}

}  // namespace
}  // namespace wa::itest

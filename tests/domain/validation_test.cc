// Text fields: valid UTF-8 only, no control characters; free text may break lines.
#include <catch2/catch.hpp>

#include <string>

#include "domain/validation.h"

namespace closedloop::domain {
namespace {

std::string ErrorOf(const std::string& value, bool multiline = false) {
  return std::string(CheckCharacters("comment.text", value, multiline).message());
}

TEST_CASE("Given valid UTF-8 text, then it is accepted, in every script and plane", "[validation]") {
  for (const std::string& ok : {std::string(""), std::string("plain ASCII"), std::string("Grüße, Łódź"),
                                std::string("日本語のテキスト"), std::string("emoji \xF0\x9F\x98\x80"),
                                std::string("U+FFFD \xEF\xBF\xBD"), std::string("max \xF4\x8F\xBF\xBF")}) {
    INFO(ok);
    CHECK(CheckCharacters("f", ok, false).ok());
  }
  CHECK(CheckCharacters("f", "two\nlines\r\n\tindented", /*multiline=*/true).ok());
}

TEST_CASE("Given invalid UTF-8, then it is rejected with the field and byte named", "[validation]") {
  struct Case {
    std::string bytes;
    size_t at;
  };
  for (const Case& c : {Case{"\x80", 0}, Case{"ok \xC3", 3}, Case{"\xC0\xAF", 0},  // overlong '/'
                        Case{"\xE0\x80\xAF", 0}, Case{"a\xED\xA0\x80", 1},        // overlong, surrogate
                        Case{"\xF4\x90\x80\x80", 0}, Case{"\xF5\x80\x80\x80", 0},  // past U+10FFFF
                        Case{"\xFF", 0}, Case{"\xE6\x97", 0}, Case{"ab\xC3\x28", 2}}) {
    INFO(c.bytes);
    CHECK(ErrorOf(c.bytes) == "comment.text: not valid UTF-8 at byte " + std::to_string(c.at));
  }
}

TEST_CASE("Given control characters, then they are rejected, except line breaks in free text", "[validation]") {
  CHECK(ErrorOf(std::string("nul\0here", 8)) == "comment.text: control character U+0000 at byte 3");
  CHECK(ErrorOf("bell\a") == "comment.text: control character U+0007 at byte 4");
  CHECK(ErrorOf("esc\x1B[2J") == "comment.text: control character U+001B at byte 3");
  CHECK(ErrorOf("del\x7F") == "comment.text: control character U+007F at byte 3");
  CHECK(ErrorOf("c1 \xC2\x85") == "comment.text: control character U+0085 at byte 3");
  CHECK(ErrorOf("one\nline") == "comment.text: control character U+000A at byte 3");
  CHECK(ErrorOf("bell\a", /*multiline=*/true) == "comment.text: control character U+0007 at byte 4");
  CHECK(ErrorOf("tab\t", /*multiline=*/true).empty());
}

TEST_CASE("Given the field checks, then names are one line and free text may break lines", "[validation]") {
  CHECK(RequireName("author", "anna\nberg").message() == "author: control character U+000A at byte 4");
  CHECK(LimitText("market", "D\tE", kMaxNameBytes).message() == "market: control character U+0009 at byte 1");
  CHECK(RequireText("text", "Line one.\nLine two.").ok());
  CHECK(RequireText("text", "bad \xC3").message() == "text: not valid UTF-8 at byte 4");
  CHECK(RequireText("text", std::string(kMaxTextBytes + 1, 'x')).message() ==
        "text: longer than 16384 bytes (16385)");
}

}  // namespace
}  // namespace closedloop::domain

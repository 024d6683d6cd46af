// Text fields: valid UTF-8 only, no control characters; free text may break lines.
#include <catch2/catch.hpp>

#include <string>

#include "domain/problem.h"
#include "domain/validation.h"
#include "tests/domain/complaint_test_util.h"

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

TEST_CASE("Given an assigned id, then only prefix and a plain positive number is accepted", "[validation]") {
  for (const char* ok : {"CL-1", "CL-42", "CL-999999999999999999"}) {
    INFO(ok);
    CHECK(RequireAssignedId("complaint_id", ok, "CL-").ok());
  }
  CHECK(RequireAssignedId("task_id", "T12", "T").ok());
  CHECK(RequireAssignedId("complaint_id", "", "CL-").message() == "complaint_id: required");
  // Wrong prefix or case, no number, zero, leading zeros, signs, spaces, more than 18 digits
  // (19 could overflow), non-ASCII digits (Arabic-Indic one, fullwidth one), bytes that are
  // not text.
  for (const std::string& bad :
       {std::string("cl-1"), std::string("CL-"), std::string("CL-0"), std::string("CL-01"),
        std::string("CL-+1"), std::string("CL--1"), std::string("CL-1 "), std::string(" CL-1"),
        std::string("CL-1x"), std::string("CL-99999999999999999999999"), std::string("CL-1000000000000000000"),
        std::string("CL-\xD9\xA1"), std::string("CL-\xEF\xBC\x91"), std::string("PR-1"),
        std::string("CL-1\0", 5), std::string("CL-\x1B[2J")}) {
    INFO(bad);
    const absl::Status status = RequireAssignedId("complaint_id", bad, "CL-");
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(status.message()).rfind("complaint_id: expected CL-<number>, got '", 0) == 0);
  }
  // What the caller sent is quoted escaped and cut short, never echoed raw.
  CHECK(RequireAssignedId("task_id", "T\x1B[2J", "T").message() == "task_id: expected T<number>, got 'T\\x1b[2J'");
  CHECK(RequireAssignedId("task_id", std::string(1000, '7'), "T").message() ==
        "task_id: expected T<number>, got '" + std::string(64, '7') + "...'");
}

TEST_CASE("Given a malformed field on a case in the wrong state, then the field is named, not the state", "[validation]") {
  using testing::History;
  History unfiled;
  AddComment bell{v1::VISIBILITY_PUBLIC, "anna", "ring\a"};
  testing::RequireError(unfiled.When(bell), absl::StatusCode::kInvalidArgument, "text: control character U+0007");
  History open;
  open.Run(testing::Filing());
  // Reopening an open case is FAILED_PRECONDITION, but not before the reason is checked.
  testing::RequireError(open.When(ReopenComplaint{"why\x7F"}), absl::StatusCode::kInvalidArgument, "reason: control character U+007F");
  testing::RequireError(open.When(RecordSurvey{11, 5, ""}), absl::StatusCode::kInvalidArgument, "nps");
  testing::RequireError(open.When(RespondToTask{"T01", "ok"}), absl::StatusCode::kInvalidArgument, "task_id: expected T<number>");
  testing::RequireError(open.When(CompleteTask{"t1", "done"}), absl::StatusCode::kInvalidArgument, "task_id");
  testing::RequireError(open.When(RespondToTask{"T9", "ok"}), absl::StatusCode::kNotFound, "task_id: no task 'T9'");
  ResolveComplaint negative = testing::Resolution();
  negative.remedy.set_type(v1::REMEDY_TYPE_REFUND);
  negative.remedy.mutable_amount()->set_amount_minor(-500);
  negative.remedy.mutable_amount()->set_currency("EUR");
  testing::RequireError(open.When(negative), absl::StatusCode::kInvalidArgument, "remedy.amount.amount_minor");
}

TEST_CASE("Given a recommendation resolved with an amount but no remedy type, then it is refused", "[validation]") {
  testing::History h;
  h.Run(testing::Filing(v1::CHANNEL_WEB, v1::ITEM_KIND_RECOMMENDATION));
  ResolveComplaint c;
  c.resolution = "thanks, noted";
  c.remedy.mutable_amount()->set_amount_minor(-1);
  testing::RequireError(h.When(c), absl::StatusCode::kInvalidArgument, "remedy.type: required with an amount");
  c.remedy.clear_amount();
  CHECK(h.When(c).ok());
}

TEST_CASE("Given an action item id of the wrong shape, then it is INVALID_ARGUMENT, not NOT_FOUND", "[validation]") {
  ProblemState state;
  state.exists = true;
  state.problem_id = "PR-1";
  for (const char* bad : {"a1", "A01", "A", "A-1", "A1 "}) {
    INFO(bad);
    const auto result = DecideProblem(CompleteActionItem{bad, "done"}, state, testing::T0());
    CHECK(result.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(result.status().message()).rfind("item_id: expected A<number>", 0) == 0);
  }
  CHECK(DecideProblem(CompleteActionItem{"A7", "done"}, state, testing::T0()).status().code() ==
        absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace closedloop::domain

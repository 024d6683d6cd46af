// Working-time arithmetic on business calendars: weekends, holidays, boundaries, DST.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/business_calendar.h"

namespace closedloop::domain {
namespace {

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  REQUIRE(absl::LoadTimeZone(name, &zone));
  return zone;
}

absl::Time Berlin(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), Zone("Europe/Berlin"));
}

// Local wall clock with its offset, so a failure shows both the wall clock and the instant.
std::string InBerlin(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M %Ez", time, Zone("Europe/Berlin"));
}

// Open on the ISO `weekdays` from `open` to `close` (minutes after midnight) in `zone`.
v1::BusinessCalendar Calendar(std::vector<int> weekdays, int open, int close,
                              const std::string& zone = "Europe/Berlin") {
  v1::BusinessCalendar calendar;
  calendar.set_time_zone(zone);
  for (int weekday : weekdays) {
    v1::BusinessDay* day = calendar.add_days();
    day->set_weekday(weekday);
    day->set_open_minute(open);
    day->set_close_minute(close);
  }
  return calendar;
}

v1::BusinessCalendar OfficeHours() { return Calendar({1, 2, 3, 4, 5}, 9 * 60, 18 * 60); }
v1::BusinessCalendar EveryDay(int open, int close) {
  return Calendar({1, 2, 3, 4, 5, 6, 7}, open, close);
}

// AddWorkingTime on the calendar, formatted in Berlin; the error message when it fails.
std::string Add(absl::Time start, absl::Duration duration, const v1::BusinessCalendar& calendar) {
  auto result = AddWorkingTime(start, duration, &calendar);
  if (!result.ok()) return std::string(result.status().ToString());
  return InBerlin(*result);
}

TEST_CASE("Given office hours, when 2 h are added on Friday at 17:00, then it is due Monday 10:00",
          "[calendar]") {
  // 2026-01-09 is a Friday: one hour left on Friday, one more on Monday morning.
  CHECK(Add(Berlin(2026, 1, 9, 17, 0), absl::Hours(2), OfficeHours()) == "2026-01-12 10:00 +01:00");
}

TEST_CASE(
    "Given a holiday on Friday, when time is added on Thursday evening, then the holiday "
    "and the weekend are skipped",
    "[calendar]") {
  v1::BusinessCalendar calendar = OfficeHours();
  calendar.add_holidays("2026-05-01");  // Friday
  CHECK(Add(Berlin(2026, 4, 30, 17, 0), absl::Hours(2), calendar) == "2026-05-04 10:00 +02:00");
  // The holiday is the only difference: without it, Friday 10:00.
  CHECK(Add(Berlin(2026, 4, 30, 17, 0), absl::Hours(2), OfficeHours()) ==
        "2026-05-01 10:00 +02:00");
}

TEST_CASE(
    "Given a start before opening or after closing, then counting starts at the next "
    "opening",
    "[calendar]") {
  // 2026-01-12 is a Monday.
  CHECK(Add(Berlin(2026, 1, 12, 7, 0), absl::Hours(1), OfficeHours()) == "2026-01-12 10:00 +01:00");
  CHECK(Add(Berlin(2026, 1, 12, 19, 0), absl::Hours(1), OfficeHours()) ==
        "2026-01-13 10:00 +01:00");
  CHECK(Add(Berlin(2026, 1, 10, 12, 0), absl::Hours(1), OfficeHours()) ==
        "2026-01-12 10:00 +01:00");  // Saturday
}

TEST_CASE("Given exact boundaries, then work ends at closing and zero waits for the opening",
          "[calendar]") {
  const v1::BusinessCalendar office = OfficeHours();
  // A full day fits exactly: it ends at 18:00 the same day, not at 09:00 the next.
  CHECK(Add(Berlin(2026, 1, 12, 9, 0), absl::Hours(9), office) == "2026-01-12 18:00 +01:00");
  CHECK(Add(Berlin(2026, 1, 12, 17, 0), absl::Hours(1), office) == "2026-01-12 18:00 +01:00");
  CHECK(Add(Berlin(2026, 1, 12, 17, 0), absl::Minutes(61), office) == "2026-01-13 09:01 +01:00");
  // Zero: the start itself while open (opening is inclusive), else the next opening (closing
  // is exclusive).
  CHECK(Add(Berlin(2026, 1, 12, 9, 0), absl::ZeroDuration(), office) == "2026-01-12 09:00 +01:00");
  CHECK(Add(Berlin(2026, 1, 12, 12, 34), absl::ZeroDuration(), office) ==
        "2026-01-12 12:34 +01:00");
  CHECK(Add(Berlin(2026, 1, 12, 18, 0), absl::ZeroDuration(), office) == "2026-01-13 09:00 +01:00");
  CHECK(Add(Berlin(2026, 1, 9, 18, 0), absl::ZeroDuration(), office) == "2026-01-12 09:00 +01:00");
}

TEST_CASE(
    "Given a week of office hours, when 45 h or 46 h are added on Monday morning, then "
    "Friday evening or the next Monday",
    "[calendar]") {
  CHECK(Add(Berlin(2026, 1, 12, 9, 0), absl::Hours(45), OfficeHours()) ==
        "2026-01-16 18:00 +01:00");
  CHECK(Add(Berlin(2026, 1, 12, 9, 0), absl::Hours(46), OfficeHours()) ==
        "2026-01-19 10:00 +01:00");
}

TEST_CASE(
    "Given a calendar open around the clock, when 24 h span the spring DST change, then "
    "the wall clock moves 25 h",
    "[calendar]") {
  // Berlin, 2026-03-29: 02:00 CET (+01:00) jumps to 03:00 CEST (+02:00).
  // Saturday 12:00 CET = 11:00 UTC; + 24 h = Sunday 11:00 UTC = 13:00 CEST.
  // Counting 24 wall-clock hours instead would give Sunday 12:00.
  CHECK(Add(Berlin(2026, 3, 28, 12, 0), absl::Hours(24), EveryDay(0, 24 * 60)) ==
        "2026-03-29 13:00 +02:00");
}

TEST_CASE(
    "Given office hours every day, when 2 h span the spring DST change, then the next "
    "opening is in summer time",
    "[calendar]") {
  // Saturday 17:00 CET = 16:00 UTC: one hour to 18:00 CET (17:00 UTC). Sunday opens 09:00 CEST
  // = 07:00 UTC; one more hour: 10:00 CEST = 08:00 UTC. Elapsed 16:00 -> 08:00 UTC = 16 h.
  // Keeping Saturday's +01:00 (DST ignored) would give 10:00 CET = 09:00 UTC, 17 h elapsed.
  const absl::Time start = Berlin(2026, 3, 28, 17, 0);
  const v1::BusinessCalendar calendar = Calendar({6, 7, 1}, 9 * 60, 18 * 60);
  auto due = AddWorkingTime(start, absl::Hours(2), &calendar);
  REQUIRE(due.ok());
  CHECK(InBerlin(*due) == "2026-03-29 10:00 +02:00");
  CHECK(*due - start == absl::Hours(16));
}

TEST_CASE(
    "Given a night shift 00:00-06:00, when the clocks go forward, then that night holds "
    "only 5 h of work",
    "[calendar]") {
  const v1::BusinessCalendar night = EveryDay(0, 6 * 60);
  // Sunday 00:00 CET = Saturday 23:00 UTC; 06:00 CEST = 04:00 UTC: 5 h, not 6.
  CHECK(Add(Berlin(2026, 3, 29, 0, 0), absl::Hours(5), night) == "2026-03-29 06:00 +02:00");
  // Half an hour more spills into Monday's shift; ignoring DST it would end Sunday 05:30.
  CHECK(Add(Berlin(2026, 3, 29, 0, 0), absl::Minutes(330), night) == "2026-03-30 00:30 +02:00");
}

TEST_CASE(
    "Given a night shift 00:00-06:00, when the clocks go back, then that night holds 7 h "
    "of work",
    "[calendar]") {
  const v1::BusinessCalendar night = EveryDay(0, 6 * 60);
  // Berlin, 2026-10-25: 03:00 CEST goes back to 02:00 CET. Sunday 00:00 CEST = Saturday
  // 22:00 UTC; + 6 h = 04:00 UTC = 05:00 CET (ignoring DST: 06:00, the shift's end).
  CHECK(Add(Berlin(2026, 10, 25, 0, 0), absl::Hours(6), night) == "2026-10-25 05:00 +01:00");
  // 06:00 CET = 05:00 UTC: the full shift is 7 h.
  CHECK(Add(Berlin(2026, 10, 25, 0, 0), absl::Hours(7), night) == "2026-10-25 06:00 +01:00");
  CHECK(Add(Berlin(2026, 10, 25, 0, 0), absl::Minutes(450), night) == "2026-10-26 00:30 +01:00");
}

TEST_CASE(
    "Given a calendar open around the clock, when 24 h span the autumn DST change, then "
    "the wall clock moves 23 h",
    "[calendar]") {
  // Saturday 12:00 CEST = 10:00 UTC; + 24 h = Sunday 10:00 UTC = 11:00 CET.
  CHECK(Add(Berlin(2026, 10, 24, 12, 0), absl::Hours(24), EveryDay(0, 24 * 60)) ==
        "2026-10-25 11:00 +01:00");
}

TEST_CASE("Given a calendar in New York, then days are New York's, not UTC's", "[calendar]") {
  // Monday 2026-01-12 23:00 UTC is 18:00 EST, closed: the next opening is Tuesday 09:00 EST =
  // 14:00 UTC, one hour later 15:00 UTC.
  const v1::BusinessCalendar calendar =
      Calendar({1, 2, 3, 4, 5}, 9 * 60, 18 * 60, "America/New_York");
  const absl::Time start =
      absl::FromCivil(absl::CivilMinute(2026, 1, 12, 23, 0), absl::UTCTimeZone());
  auto due = AddWorkingTime(start, absl::Hours(1), &calendar);
  REQUIRE(due.ok());
  CHECK(absl::FormatTime("%Y-%m-%d %H:%M", *due, absl::UTCTimeZone()) == "2026-01-13 15:00");
}

TEST_CASE("Given no calendar, then working time is calendar time", "[calendar]") {
  const absl::Time friday = Berlin(2026, 1, 9, 17, 0);
  auto due = AddWorkingTime(friday, absl::Hours(2), nullptr);
  REQUIRE(due.ok());
  CHECK(*due == friday + absl::Hours(2));
  auto now = AddWorkingTime(friday, absl::ZeroDuration(), nullptr);
  REQUIRE(now.ok());
  CHECK(*now == friday);
}

TEST_CASE("Given an already loaded zone, then the result is the same as loading it", "[calendar]") {
  const v1::BusinessCalendar office = OfficeHours();
  auto loaded = LoadCalendarZone(office);
  REQUIRE(loaded.ok());
  auto with_zone = AddWorkingTime(Berlin(2026, 1, 9, 17, 0), absl::Hours(2), office, *loaded);
  auto by_name = AddWorkingTime(Berlin(2026, 1, 9, 17, 0), absl::Hours(2), &office);
  REQUIRE(with_zone.ok());
  REQUIRE(by_name.ok());
  CHECK(*with_zone == *by_name);
}

TEST_CASE("Given a calendar without opening hours, then adding time fails instead of looping",
          "[calendar]") {
  v1::BusinessCalendar closed;
  closed.set_time_zone("Europe/Berlin");
  auto result = AddWorkingTime(Berlin(2026, 1, 9, 17, 0), absl::Hours(1), &closed);
  REQUIRE(result.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(result.status().message() == "calendar has no opening hours");

  // Open only on Mondays, and every Monday for four years is a holiday.
  v1::BusinessCalendar mondays = Calendar({1}, 9 * 60, 18 * 60);
  for (absl::CivilDay day(2026, 1, 12); day < absl::CivilDay(2030, 1, 1); day += 7) {
    mondays.add_holidays(absl::FormatCivilTime(day));
  }
  auto never = AddWorkingTime(Berlin(2026, 1, 9, 17, 0), absl::Hours(1), &mondays);
  CHECK(never.status().code() == absl::StatusCode::kFailedPrecondition);

  // A duration longer than the search bound also ends.
  const v1::BusinessCalendar office = OfficeHours();
  auto too_long = AddWorkingTime(Berlin(2026, 1, 9, 17, 0), absl::Hours(9 * 5 * 52 * 4), &office);
  CHECK(too_long.status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Given bad arguments, then adding time is INVALID_ARGUMENT", "[calendar]") {
  const v1::BusinessCalendar office = OfficeHours();
  const absl::Time start = Berlin(2026, 1, 9, 17, 0);
  CHECK(AddWorkingTime(start, -absl::Hours(1), &office).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(AddWorkingTime(start, -absl::Hours(1), nullptr).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(AddWorkingTime(start, absl::InfiniteDuration(), &office).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(AddWorkingTime(absl::InfiniteFuture(), absl::Hours(1), &office).status().code() ==
        absl::StatusCode::kInvalidArgument);
  v1::BusinessCalendar mars = office;
  mars.set_time_zone("Mars/Olympus_Mons");
  CHECK(AddWorkingTime(start, absl::Hours(1), &mars).status().message() ==
        "time_zone: unknown time zone 'Mars/Olympus_Mons'");
  v1::BusinessCalendar inverted = office;
  inverted.mutable_days(0)->set_close_minute(8 * 60);
  CHECK(AddWorkingTime(start, absl::Hours(1), &inverted).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Given an invalid calendar, then validation names the field", "[calendar]") {
  using Mutation = std::function<void(v1::BusinessCalendar&)>;
  const std::vector<std::pair<Mutation, std::string>> cases = {
      {[](auto& c) { c.clear_time_zone(); }, "time_zone: required"},
      {[](auto& c) { c.set_time_zone("Europe/Atlantis"); },
       "time_zone: unknown time zone 'Europe/Atlantis'"},
      {[](auto& c) { c.set_time_zone("../../../etc/passwd"); },
       "time_zone: unknown time zone '../../../etc/passwd'"},
      {[](auto& c) { c.clear_days(); }, "days: required"},
      {[](auto& c) { c.mutable_days(1)->set_weekday(0); }, "days[1].weekday: must be between 1"},
      {[](auto& c) { c.mutable_days(1)->set_weekday(8); }, "days[1].weekday: must be between 1"},
      {[](auto& c) { c.mutable_days(2)->set_weekday(1); }, "days[2].weekday: duplicate weekday 1"},
      {[](auto& c) { c.mutable_days(0)->set_open_minute(-1); }, "days[0].open_minute: must be"},
      {[](auto& c) { c.mutable_days(0)->set_close_minute(1441); },
       "days[0].close_minute: must be between 0 and 1440"},
      {[](auto& c) { c.mutable_days(2)->set_close_minute(9 * 60); },
       "days[2].close_minute: must be after open_minute"},
      {[](auto& c) { c.add_holidays("2026-02-30"); }, "holidays[1]: must be a date YYYY-MM-DD"},
      {[](auto& c) { c.add_holidays("2026-5-1"); }, "holidays[1]: must be a date YYYY-MM-DD"},
      {[](auto& c) { c.add_holidays("next friday"); }, "holidays[1]: must be a date YYYY-MM-DD"},
  };
  v1::BusinessCalendar valid = OfficeHours();
  valid.add_holidays("2026-12-25");
  REQUIRE(ValidateCalendar(valid).ok());
  CHECK(ValidateCalendar(EveryDay(0, 24 * 60)).ok());
  for (const auto& [mutate, expected] : cases) {
    v1::BusinessCalendar calendar = valid;
    mutate(calendar);
    const absl::Status status = ValidateCalendar(calendar);
    CAPTURE(expected, status.ToString());
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(status.message()), Catch::Matchers::StartsWith(expected));
  }
}

}  // namespace
}  // namespace closedloop::domain

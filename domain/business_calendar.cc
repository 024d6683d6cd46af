#include "domain/business_calendar.h"

#include <algorithm>
#include <array>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/validation.h"

namespace closedloop::domain {
namespace {

constexpr int kMinutesPerDay = 24 * 60;

// The calendar checked and indexed for the day-by-day walk: opening hours by ISO weekday
// (index 1..7, 0 unused; nullptr = closed) and the holidays as civil days.
struct Schedule {
  std::array<const v1::BusinessDay*, 8> days{};
  absl::flat_hash_set<absl::CivilDay> holidays;

  bool HasOpenDay() const {
    return std::any_of(days.begin(), days.end(), [](const auto* day) { return day != nullptr; });
  }
};

int IsoWeekday(absl::CivilDay day) {
  // absl::Weekday runs monday = 0 ... sunday = 6.
  return static_cast<int>(absl::GetWeekday(day)) + 1;
}

// IANA names only: letters, digits and "/_-+", no leading "/" and no "..", so a configured name
// can only ever select a file inside the system's tzdata.
bool LooksLikeZoneName(absl::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != absl::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '_' || c == '-' || c == '+';
  });
}

absl::Status CheckDay(const v1::BusinessDay& day, const std::string& field) {
  if (absl::Status s = RequireRange(absl::StrCat(field, ".weekday"), day.weekday(), 1, 7);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          RequireRange(absl::StrCat(field, ".open_minute"), day.open_minute(), 0, kMinutesPerDay);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          RequireRange(absl::StrCat(field, ".close_minute"), day.close_minute(), 0, kMinutesPerDay);
      !s.ok()) {
    return s;
  }
  if (day.close_minute() <= day.open_minute()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".close_minute: must be after open_minute (", day.open_minute(),
                     "), got ", day.close_minute()));
  }
  return absl::OkStatus();
}

// Checks everything but the time zone. The result points into `calendar`.
absl::StatusOr<Schedule> CompileSchedule(const v1::BusinessCalendar& calendar) {
  Schedule schedule;
  for (int i = 0; i < calendar.days_size(); ++i) {
    const v1::BusinessDay& day = calendar.days(i);
    const std::string field = absl::StrCat("days[", i, "]");
    if (absl::Status s = CheckDay(day, field); !s.ok()) return s;
    // One opening interval per weekday keeps the intervals disjoint and ordered.
    if (schedule.days[day.weekday()] != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".weekday: duplicate weekday ", day.weekday()));
    }
    schedule.days[day.weekday()] = &day;
  }
  for (int i = 0; i < calendar.holidays_size(); ++i) {
    const std::string& text = calendar.holidays(i);
    absl::CivilDay date;
    // Only the canonical spelling, so "2026-5-1" or " 2026-05-01" cannot slip through.
    if (!absl::ParseCivilTime(text, &date) || absl::FormatCivilTime(date) != text) {
      return absl::InvalidArgumentError(
          absl::StrCat("holidays[", i, "]: must be a date YYYY-MM-DD, got '", text, "'"));
    }
    schedule.holidays.insert(date);
  }
  return schedule;
}

absl::Status CheckArguments(absl::Time start, absl::Duration duration) {
  if (start == absl::InfiniteFuture() || start == absl::InfinitePast()) {
    return absl::InvalidArgumentError("start: must be finite");
  }
  if (duration < absl::ZeroDuration() || duration == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "duration: must be finite and not negative, got ", absl::FormatDuration(duration)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<absl::TimeZone> LoadCalendarZone(const v1::BusinessCalendar& calendar) {
  if (absl::Status s = RequireName("time_zone", calendar.time_zone()); !s.ok()) return s;
  absl::TimeZone zone;
  if (!LooksLikeZoneName(calendar.time_zone()) ||
      !absl::LoadTimeZone(calendar.time_zone(), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time_zone: unknown time zone '", calendar.time_zone(), "'"));
  }
  return zone;
}

absl::Status ValidateCalendar(const v1::BusinessCalendar& calendar) {
  if (auto zone = LoadCalendarZone(calendar); !zone.ok()) return zone.status();
  if (calendar.days_size() == 0) {
    // Legal for AddWorkingTime (it fails), but as configuration it is surely a mistake: every
    // deadline in the market would fail to schedule.
    return absl::InvalidArgumentError("days: required (at least one open weekday)");
  }
  return CompileSchedule(calendar).status();
}

absl::StatusOr<absl::Time> AddWorkingTime(absl::Time start, absl::Duration duration,
                                          const v1::BusinessCalendar* calendar) {
  if (absl::Status s = CheckArguments(start, duration); !s.ok()) return s;
  if (calendar == nullptr) return start + duration;
  auto zone = LoadCalendarZone(*calendar);
  if (!zone.ok()) return zone.status();
  return AddWorkingTime(start, duration, *calendar, *zone);
}

absl::StatusOr<absl::Time> AddWorkingTime(absl::Time start, absl::Duration duration,
                                          const v1::BusinessCalendar& calendar,
                                          absl::TimeZone zone) {
  if (absl::Status s = CheckArguments(start, duration); !s.ok()) return s;
  absl::StatusOr<Schedule> schedule = CompileSchedule(calendar);
  if (!schedule.ok()) return schedule.status();
  if (!schedule->HasOpenDay()) {
    return absl::FailedPreconditionError("calendar has no opening hours");
  }

  // Walk local days from the one `start` falls on. Opening hours are wall-clock minutes;
  // converting each boundary to an absolute time with the zone makes a DST day's interval an
  // hour shorter or longer, which is exactly the working time it holds. (A boundary inside a
  // skipped hour can land after the other one; such an interval counts as empty.)
  absl::Duration remaining = duration;
  bool saw_open_day = false;
  const absl::CivilDay first_day = absl::ToCivilDay(start, zone);
  for (int i = 0; i < kMaxCalendarSearchDays; ++i) {
    const absl::CivilDay day = first_day + i;
    const v1::BusinessDay* hours = schedule->days[IsoWeekday(day)];
    if (hours == nullptr || schedule->holidays.contains(day)) continue;
    saw_open_day = true;
    const absl::CivilMinute midnight(day);
    const absl::Time open = absl::FromCivil(midnight + hours->open_minute(), zone);
    const absl::Time close = absl::FromCivil(midnight + hours->close_minute(), zone);
    const absl::Time from = std::max(open, start);
    if (from >= close) continue;
    // `<=`: work that fits exactly ends at closing time, not at the next opening.
    if (remaining <= close - from) return from + remaining;
    remaining -= close - from;
  }
  if (!saw_open_day) {
    return absl::FailedPreconditionError(
        absl::StrCat("calendar has no opening hours within ", kMaxCalendarSearchDays,
                     " days after ", absl::FormatCivilTime(first_day), " (all holidays?)"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "working time ", absl::FormatDuration(duration), " does not fit into ",
      kMaxCalendarSearchDays, " days of the calendar after ", absl::FormatCivilTime(first_day)));
}

}  // namespace closedloop::domain

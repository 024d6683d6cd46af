// Business calendars: a market's opening hours in its local time zone, and arithmetic on
// working time ("2 working hours after Friday 17:00" is Monday 10:00).
//
// Pure functions of their arguments. The one outside input is tzdata: a time zone is
// configuration data that absl::LoadTimeZone reads from the system. Callers on a hot path load
// the zone once (LoadCalendarZone) and pass it to the AddWorkingTime overload that takes it.
#ifndef CLOSEDLOOP_DOMAIN_BUSINESS_CALENDAR_H_
#define CLOSEDLOOP_DOMAIN_BUSINESS_CALENDAR_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/policy.pb.h"

namespace closedloop::domain {

// How many local days AddWorkingTime walks before it gives up: a calendar whose every open day
// is a holiday would otherwise never end the search.
inline constexpr int kMaxCalendarSearchDays = 3 * 366;

// OK, or INVALID_ARGUMENT naming the first bad field ("time_zone: unknown time zone 'X'",
// "days[2].close_minute: must be after open_minute", "holidays[0]: ..."). Loads the time zone.
absl::Status ValidateCalendar(const v1::BusinessCalendar& calendar);

// The calendar's time zone, or INVALID_ARGUMENT "time_zone: ..." when it is empty or unknown.
absl::StatusOr<absl::TimeZone> LoadCalendarZone(const v1::BusinessCalendar& calendar);

// The moment `duration` of working time after `start`.
//
// `calendar == nullptr` means calendar hours: start + duration. Otherwise only time inside the
// opening hours of open, non-holiday days counts, in the calendar's local time (so a day with a
// DST change is an hour shorter or longer). A start outside opening hours counts from the next
// opening; a zero duration returns that opening (or `start` itself while open). Opening hours
// are half-open: work that ends exactly at closing time ends then, not at the next opening.
//
// Errors: INVALID_ARGUMENT for a negative or infinite duration, an infinite start, or an invalid
// calendar; FAILED_PRECONDITION when the calendar has no opening hours at all, or when the
// result lies more than kMaxCalendarSearchDays local days after `start`.
absl::StatusOr<absl::Time> AddWorkingTime(absl::Time start, absl::Duration duration,
                                          const v1::BusinessCalendar* calendar);

// The same with the calendar's zone already loaded (its time_zone field is not looked at).
absl::StatusOr<absl::Time> AddWorkingTime(absl::Time start, absl::Duration duration,
                                          const v1::BusinessCalendar& calendar,
                                          absl::TimeZone zone);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_BUSINESS_CALENDAR_H_

// Field checks shared by the deciders. Each returns OK or INVALID_ARGUMENT naming the field.
#ifndef CLOSEDLOOP_DOMAIN_VALIDATION_H_
#define CLOSEDLOOP_DOMAIN_VALIDATION_H_

#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace closedloop::domain {

inline constexpr size_t kMaxTextBytes = 16 * 1024;  // free text: complaint, comment, summary
inline constexpr size_t kMaxNameBytes = 200;        // names, ids, references, codes

// Every text check below also requires valid UTF-8 and no control characters (C0, DEL, C1),
// except that free text (a limit above kMaxNameBytes) may hold tabs and line breaks; a field
// limited to a name's length is one line.

// Non-empty and at most `max_bytes`.
absl::Status RequireText(absl::string_view field, const std::string& value,
                         size_t max_bytes = kMaxTextBytes);
// May be empty; at most `max_bytes`.
absl::Status LimitText(absl::string_view field, const std::string& value,
                       size_t max_bytes = kMaxTextBytes);
// Valid UTF-8 without control characters (`multiline`: tab, CR and LF allowed); the error
// names the field, the byte offset and the character.
absl::Status CheckCharacters(absl::string_view field, absl::string_view value, bool multiline);
// Non-empty name of at most kMaxNameBytes.
absl::Status RequireName(absl::string_view field, const std::string& value);
// An id the system assigned: `prefix` then a positive decimal number of at most 18 ASCII
// digits without a leading zero ("CL-42", "T3", "A1"). Any other shape never names anything,
// so it is INVALID_ARGUMENT rather than NOT_FOUND.
absl::Status RequireAssignedId(absl::string_view field, absl::string_view id,
                               absl::string_view prefix);
// `value` cut to `max_bytes` with every byte outside printable ASCII escaped, for quoting what
// a caller sent in an error message without echoing control sequences or huge strings.
std::string Quote(absl::string_view value, size_t max_bytes = 64);
// A proto enum value that is set (not 0 = UNSPECIFIED) and known to `is_valid`.
absl::Status RequireEnum(absl::string_view field, int value, bool (*is_valid)(int));
// An integer in [low, high].
absl::Status RequireRange(absl::string_view field, int value, int low, int high);
// The first failing check, in the order given (so the first bad field is the one named).
absl::Status FirstError(std::initializer_list<absl::Status> checks);
// A time strictly after `now`.
absl::Status RequireAfter(absl::string_view field, absl::Time value, absl::Time now);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_VALIDATION_H_

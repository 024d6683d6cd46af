#include "services/projections/state_archive.h"

#include "absl/strings/str_cat.h"

namespace closedloop::services {
namespace {
// The mark before an absl::Time: a finite time (seconds and nanos follow), or an infinite one.
constexpr uint64_t kFinite = 0, kFuture = 1, kPast = 2;
}  // namespace

void StateWriter::PutVarint(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void StateWriter::PutBytes(absl::string_view bytes) {
  PutVarint(bytes.size());
  out_.append(bytes.data(), bytes.size());
}

void StateWriter::PutTime(absl::Time time) {
  if (time == absl::InfiniteFuture()) return PutVarint(kFuture);
  if (time == absl::InfinitePast()) return PutVarint(kPast);
  PutVarint(kFinite);
  const int64_t seconds = absl::ToUnixSeconds(time);  // rounds down
  Put(seconds);
  Put(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds)));
}

bool StateReader::GetVarint(uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in_.empty()) {
      Fail("a truncated number");
      return false;
    }
    const auto byte = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    ++read_;
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  Fail("a number longer than 64 bits");
  return false;
}

bool StateReader::GetBytes(absl::string_view& bytes) {
  uint64_t size = 0;
  if (!GetVarint(size)) return false;
  if (size > in_.size()) {
    Fail("a length past the end");
    return false;
  }
  bytes = in_.substr(0, size);
  in_.remove_prefix(size);
  read_ += size;
  return true;
}

bool StateReader::GetCount(size_t& count) {
  uint64_t value = 0;
  if (!GetVarint(value)) return false;
  if (value > in_.size()) {
    Fail("a count past the end");
    return false;
  }
  count = static_cast<size_t>(value);
  return true;
}

void StateReader::GetTime(absl::Time& time) {
  uint64_t mark = 0;
  if (!GetVarint(mark)) return;
  if (mark == kFuture) {
    time = absl::InfiniteFuture();
  } else if (mark == kPast) {
    time = absl::InfinitePast();
  } else if (mark == kFinite) {
    int64_t seconds = 0, nanos = 0;
    Get(seconds);
    Get(nanos);
    time = absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
  } else {
    Fail("an unknown time mark");
  }
}

void StateReader::Fail(absl::string_view what) {
  if (!status_.ok()) return;
  status_ = absl::DataLossError(absl::StrCat("saved state: ", what, " at byte ", read_));
}

}  // namespace closedloop::services

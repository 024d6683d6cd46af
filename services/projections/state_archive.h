// StateWriter / StateReader: the read models' aggregates (rows, tallies) as bytes, so that a
// clean stop can save them beside the views and the next start read them back instead of
// counting every case ever filed again (ProjectionState::Saved, view_restore.h).
//
// A class takes part by listing its fields once, for both directions:
//
//   template <typename Archive> void Fields(Archive& archive) { archive(a_, b_, c_); }
//
// A class may also say what is wrong with fields read back, should they hold what none of its
// own changes makes (a row naming a string never numbered, a bucket past the last):
//
//   const char* Fault() const;  // nullptr when nothing is
//
// The reader then stops with DATA_LOSS, so that a saved state that decodes but does not hold
// together is refused at start, rather than crashing a later query or change.
//
// The writer and the reader walk the same list, so a field added to a class must be added to
// its list, and ProjectionState::kSavedFormat raised (as for any change in how a class counts):
// the saved-state tests compare a state read back with one that counted every case afresh,
// through lists, rows, metrics, catalog, boards and load, and fail on a field left out.
//
// Encoding: integers as varints (signed ones zigzagged), strings and messages length-prefixed,
// containers as their size then their elements in iteration order, times as seconds and nanos
// (or a mark for an infinite one). The reader checks every length against the bytes left and
// stops at the first fault; it never reads out of bounds, whatever the bytes.
//
// Thread safety: none (one archive per thread).
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_STATE_ARCHIVE_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_STATE_ARCHIVE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/message_lite.h"

namespace closedloop::services {

namespace archive_detail {
template <typename T>
concept Message = std::is_base_of_v<google::protobuf::MessageLite, T>;
template <typename T>
concept MapLike = requires { typename T::key_type; typename T::mapped_type; };
template <typename T>
concept SetLike = !MapLike<T> && requires { typename T::key_type; };
template <typename T>
concept Sequence = !MapLike<T> && !SetLike<T> && !std::is_same_v<T, std::string> &&
                   requires(T& t, typename T::value_type v) { t.push_back(std::move(v)); };
}  // namespace archive_detail

class StateWriter {
 public:
  template <typename... T>
  void operator()(const T&... values) {
    (Put(values), ...);
  }
  std::string Take() { return std::move(out_); }
  size_t size() const { return out_.size(); }

 private:
  void PutVarint(uint64_t value);
  void PutBytes(absl::string_view bytes);

  template <typename T>
  void Put(const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      PutVarint(value ? 1 : 0);
    } else if constexpr (std::is_enum_v<T>) {
      Put(static_cast<int64_t>(value));
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const auto v = static_cast<int64_t>(value);
      PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
    } else if constexpr (std::is_integral_v<T>) {
      PutVarint(static_cast<uint64_t>(value));
    } else if constexpr (std::is_same_v<T, std::string>) {
      PutBytes(value);
    } else if constexpr (std::is_same_v<T, absl::Time>) {
      PutTime(value);
    } else if constexpr (std::is_same_v<T, absl::CivilDay> || std::is_same_v<T, absl::CivilMonth>) {
      Put(static_cast<int64_t>(value - T(1970)));
    } else if constexpr (archive_detail::Message<T>) {
      PutBytes(value.SerializeAsString());
    } else if constexpr (std::is_array_v<T>) {
      for (const auto& element : value) Put(element);
    } else if constexpr (requires(const T& t) { t.first; t.second; }) {
      Put(value.first);
      Put(value.second);
    } else if constexpr (requires(const T& t) { t.get(); typename T::element_type; }) {  // owning pointer
      Put(value != nullptr);
      if (value != nullptr) Put(*value);
    } else if constexpr (archive_detail::MapLike<T> || archive_detail::SetLike<T> ||
                         archive_detail::Sequence<T>) {
      PutVarint(value.size());
      for (const auto& element : value) Put(element);
    } else {
      // A class listing its fields: the list is written as it stands (Fields does not change
      // what it lists; it is not const only because the reader fills the same list).
      const_cast<T&>(value).Fields(*this);
    }
  }
  void PutTime(absl::Time time);

  std::string out_;
};

class StateReader {
 public:
  explicit StateReader(absl::string_view bytes) : in_(bytes) {}
  template <typename... T>
  void operator()(T&... values) {
    (Get(values), ...);
  }
  // OK while every read fitted; DATA_LOSS naming the offset of the first one that did not.
  absl::Status status() const { return status_; }
  bool at_end() const { return in_.empty(); }

 private:
  bool GetVarint(uint64_t& value);
  bool GetBytes(absl::string_view& bytes);
  void Fail(absl::string_view what);
  // A container's element count: at most one element per byte left.
  bool GetCount(size_t& count);

  template <typename T>
  void Get(T& value) {
    if (!status_.ok()) return;
    if constexpr (std::is_same_v<T, bool>) {
      uint64_t v = 0;
      if (GetVarint(v)) value = v != 0;
    } else if constexpr (std::is_enum_v<T>) {
      int64_t v = 0;
      Get(v);
      value = static_cast<T>(v);
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      uint64_t v = 0;
      if (GetVarint(v)) value = static_cast<T>(static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)));
    } else if constexpr (std::is_integral_v<T>) {
      uint64_t v = 0;
      if (GetVarint(v)) value = static_cast<T>(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      absl::string_view bytes;
      if (GetBytes(bytes)) value.assign(bytes.data(), bytes.size());
    } else if constexpr (std::is_same_v<T, absl::Time>) {
      GetTime(value);
    } else if constexpr (std::is_same_v<T, absl::CivilDay> || std::is_same_v<T, absl::CivilMonth>) {
      int64_t since = 0;
      Get(since);
      value = T(1970) + since;
    } else if constexpr (archive_detail::Message<T>) {
      absl::string_view bytes;
      if (GetBytes(bytes) && !value.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        Fail("an unreadable message");
      }
    } else if constexpr (std::is_array_v<T>) {
      for (auto& element : value) Get(element);
    } else if constexpr (requires(const T& t) { t.first; t.second; }) {
      Get(value.first);
      Get(value.second);
    } else if constexpr (requires(const T& t) { t.get(); typename T::element_type; }) {  // owning pointer
      bool present = false;
      Get(present);
      if (!present) {
        value.reset();
        return;
      }
      if constexpr (requires { value.use_count(); }) {
        value = std::make_shared<typename T::element_type>();
      } else {
        value = std::make_unique<typename T::element_type>();
      }
      Get(*value);
    } else if constexpr (archive_detail::MapLike<T>) {
      GetElements(value, [&] {
        typename T::key_type key{};
        typename T::mapped_type mapped{};
        Get(key);
        Get(mapped);
        value.emplace_hint(value.end(), std::move(key), std::move(mapped));
      });
    } else if constexpr (archive_detail::SetLike<T>) {
      GetElements(value, [&] {
        typename T::value_type element{};
        Get(element);
        value.insert(value.end(), std::move(element));
      });
    } else if constexpr (archive_detail::Sequence<T>) {
      GetElements(value, [&] {
        typename T::value_type element{};
        Get(element);
        value.push_back(std::move(element));
      });
    } else {
      value.Fields(*this);
      // A class that can tell fields no change of its own makes says so (Fault()).
      if constexpr (requires(const T& t) { t.Fault(); }) {
        if (status_.ok()) {
          if (const char* fault = value.Fault()) Fail(fault);
        }
      }
    }
  }
  void GetTime(absl::Time& time);
  // A container: its count, then `get_one()` that many times, until a fault.
  template <typename T, typename GetOne>
  void GetElements(T& value, GetOne get_one) {
    size_t count = 0;
    if (!GetCount(count)) return;
    value.clear();
    for (size_t i = 0; i < count && status_.ok(); ++i) get_one();
  }

  absl::string_view in_;
  size_t read_ = 0;  // bytes consumed, for the error's offset
  absl::Status status_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_STATE_ARCHIVE_H_

// The RocksDB key layout of the event log. Keys are ordered bytewise; integers are fixed
// 8-byte big-endian so that numeric order is key order.
//
//   events family  := event_key*
//   default family := (stream_key | receipt_key)*
//   event_key   := 'e' position:u64be                       -> RecordedEvent (protobuf)
//   stream_key  := 's' stream '\0' revision:u64be           -> position:u64be
//   receipt_key := 'r' request_id                           -> AppendReceipt (protobuf)
//   side_key    := 'x' key                                  -> value (AppendRequest::index_changes)
//
// Stream names never contain '\0' (validated), so "s<stream>\0" is a prefix of exactly one
// stream's index entries. All three kinds are written in the same WriteBatch per commit (the
// column families are described in storage/log_database.h).
#ifndef CLOSEDLOOP_STORAGE_KEY_LAYOUT_H_
#define CLOSEDLOOP_STORAGE_KEY_LAYOUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace closedloop::storage::keys {

inline constexpr char kEventPrefix = 'e';
inline constexpr char kStreamPrefix = 's';
inline constexpr char kReceiptPrefix = 'r';
inline constexpr char kSidePrefix = 'x';

std::string EncodeU64(uint64_t value);
// Decodes exactly 8 big-endian bytes; nullopt for any other length.
std::optional<uint64_t> DecodeU64(std::string_view bytes);

std::string EventKey(uint64_t position);
// The position of an event key; nullopt if `key` is not one.
std::optional<uint64_t> PositionOfEventKey(std::string_view key);

std::string StreamKey(std::string_view stream, uint64_t revision);
std::string StreamKeyPrefix(std::string_view stream);
// The revision of a stream key with the given prefix; nullopt if malformed.
std::optional<uint64_t> RevisionOfStreamKey(std::string_view key, std::string_view prefix);

std::string ReceiptKey(std::string_view request_id);

std::string SideKey(std::string_view key);

}  // namespace closedloop::storage::keys

#endif  // CLOSEDLOOP_STORAGE_KEY_LAYOUT_H_

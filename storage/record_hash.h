// The hash chain. Each record stores
//
//   hash = SHA-256(previous_hash || canonical(record))
//
// where previous_hash is the hash of the record at position - 1 (32 zero bytes at position 1)
// and canonical(record) is this grammar, independent of protobuf's serializer:
//
//   canonical   := u64(position) str(stream) u64(revision) str(type) str(payload)
//                  str(actor.principal) str(actor.role)
//                  i64(recorded_at.seconds) i32(recorded_at.nanos) str(request_id)
//   str(s)      := u32(len(s)) bytes(s)
//   u64/i64/u32/i32 := fixed-width big-endian
//
// Changing this grammar changes every hash: it is part of the storage format.
#ifndef CLOSEDLOOP_STORAGE_RECORD_HASH_H_
#define CLOSEDLOOP_STORAGE_RECORD_HASH_H_

#include <string>
#include <string_view>

#include "closedloop/v1/event.pb.h"

namespace closedloop::storage {

inline constexpr size_t kHashBytes = 32;

// 32 zero bytes: the previous hash of the record at position 1.
const std::string& GenesisHash();

std::string Sha256(std::string_view bytes);

std::string CanonicalBytes(const v1::RecordedEvent& record);

// SHA-256(previous_hash || canonical(record)); ignores record.hash and record.previous_hash.
std::string ChainHash(std::string_view previous_hash, const v1::RecordedEvent& record);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_RECORD_HASH_H_

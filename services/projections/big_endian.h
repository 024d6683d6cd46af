// Big-endian numbers in store keys: RocksDB orders keys bytewise, so a number written most
// significant byte first sorts as the number does.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_BIG_ENDIAN_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_BIG_ENDIAN_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace closedloop::services {

// Appends `value`'s low `bytes` bytes, most significant first.
inline void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

// The number `bytes` (at most 8 of them) spell, most significant first.
inline uint64_t ReadBigEndian(absl::string_view bytes) {
  uint64_t value = 0;
  for (unsigned char byte : bytes) value = value << 8 | byte;
  return value;
}

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_BIG_ENDIAN_H_

#include "storage/key_layout.h"

namespace closedloop::storage::keys {

std::string EncodeU64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::optional<uint64_t> DecodeU64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (unsigned char c : bytes) value = (value << 8) | c;
  return value;
}

std::string EventKey(uint64_t position) { return std::string(1, kEventPrefix) + EncodeU64(position); }

std::optional<uint64_t> PositionOfEventKey(std::string_view key) {
  if (key.size() != 9 || key[0] != kEventPrefix) return std::nullopt;
  return DecodeU64(key.substr(1));
}

std::string StreamKeyPrefix(std::string_view stream) {
  std::string out(1, kStreamPrefix);
  out.append(stream);
  out.push_back('\0');
  return out;
}

std::string StreamKey(std::string_view stream, uint64_t revision) {
  return StreamKeyPrefix(stream) + EncodeU64(revision);
}

std::optional<uint64_t> RevisionOfStreamKey(std::string_view key, std::string_view prefix) {
  if (key.size() != prefix.size() + 8 || key.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  return DecodeU64(key.substr(prefix.size()));
}

std::string ReceiptKey(std::string_view request_id) {
  std::string out(1, kReceiptPrefix);
  out.append(request_id);
  return out;
}

std::string SideKey(std::string_view key) {
  std::string out(1, kSidePrefix);
  out.append(key);
  return out;
}

}  // namespace closedloop::storage::keys

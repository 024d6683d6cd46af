#include "storage/record_hash.h"

#include <openssl/evp.h>

#include <cstdint>
#include <cstdlib>

namespace closedloop::storage {
namespace {

void AppendFixed(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void AppendString(std::string& out, std::string_view s) {
  AppendFixed(out, s.size(), 4);
  out.append(s);
}

}  // namespace

const std::string& GenesisHash() {
  static const std::string* const kGenesis = new std::string(kHashBytes, '\0');
  return *kGenesis;
}

std::string Sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest fails only when OpenSSL cannot allocate; a log that cannot hash must not go
  // on writing records, so this is fatal.
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string CanonicalBytes(const v1::RecordedEvent& record) {
  std::string out;
  out.reserve(64 + record.stream().size() + record.type().size() + record.payload().size() +
              record.actor().principal().size() + record.actor().role().size() +
              record.request_id().size());
  AppendFixed(out, record.position(), 8);
  AppendString(out, record.stream());
  AppendFixed(out, record.revision(), 8);
  AppendString(out, record.type());
  AppendString(out, record.payload());
  AppendString(out, record.actor().principal());
  AppendString(out, record.actor().role());
  AppendFixed(out, static_cast<uint64_t>(record.recorded_at().seconds()), 8);
  AppendFixed(out, static_cast<uint32_t>(record.recorded_at().nanos()), 4);
  AppendString(out, record.request_id());
  return out;
}

std::string ChainHash(std::string_view previous_hash, const v1::RecordedEvent& record) {
  std::string input(previous_hash);
  input += CanonicalBytes(record);
  return Sha256(input);
}

}  // namespace closedloop::storage

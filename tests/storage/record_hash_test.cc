#include "storage/record_hash.h"

#include <catch2/catch.hpp>

#include <functional>

#include "absl/strings/escaping.h"

namespace closedloop::storage {
namespace {

v1::RecordedEvent Sample() {
  v1::RecordedEvent e;
  e.set_position(7);
  e.set_stream("complaint-CL-7");
  e.set_revision(2);
  e.set_type("complaint.triaged");
  e.set_payload("payload");
  e.mutable_actor()->set_principal("user:anna");
  e.mutable_actor()->set_role("superhero");
  e.mutable_recorded_at()->set_seconds(1700000000);
  e.mutable_recorded_at()->set_nanos(5);
  e.set_request_id("req-1");
  return e;
}

TEST_CASE("SHA-256 matches the standard test vector") {
  CHECK(absl::BytesToHexString(Sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("the chain hash changes when any covered field changes") {
  const std::string previous(32, 'p');
  const std::string base = ChainHash(previous, Sample());
  const std::vector<std::function<void(v1::RecordedEvent&)>> changes = {
      [](auto& e) { e.set_position(8); },
      [](auto& e) { e.set_stream("complaint-CL-8"); },
      [](auto& e) { e.set_revision(3); },
      [](auto& e) { e.set_type("complaint.resolved"); },
      [](auto& e) { e.set_payload("payload!"); },
      [](auto& e) { e.mutable_actor()->set_principal("user:bob"); },
      [](auto& e) { e.mutable_actor()->set_role("auditor"); },
      [](auto& e) { e.mutable_recorded_at()->set_seconds(1700000001); },
      [](auto& e) { e.mutable_recorded_at()->set_nanos(6); },
      [](auto& e) { e.set_request_id("req-2"); },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    v1::RecordedEvent changed = Sample();
    changes[i](changed);
    INFO("change " << i);
    CHECK(ChainHash(previous, changed) != base);
  }
  CHECK(ChainHash(std::string(32, 'q'), Sample()) != base);
}

TEST_CASE("the chain hash ignores the stored hashes and does not depend on protobuf's encoding") {
  v1::RecordedEvent with_hashes = Sample();
  with_hashes.set_previous_hash("anything");
  with_hashes.set_hash("anything else");
  CHECK(ChainHash(GenesisHash(), with_hashes) == ChainHash(GenesisHash(), Sample()));
}

TEST_CASE("canonical bytes keep field boundaries: moving bytes between fields changes them") {
  v1::RecordedEvent a = Sample();
  a.set_stream("ab");
  a.set_type("c");
  v1::RecordedEvent b = Sample();
  b.set_stream("a");
  b.set_type("bc");
  CHECK(CanonicalBytes(a) != CanonicalBytes(b));
}

TEST_CASE("the genesis hash is 32 zero bytes") {
  CHECK(GenesisHash() == std::string(32, '\0'));
}

}  // namespace
}  // namespace closedloop::storage

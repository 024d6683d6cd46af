#include "storage/key_layout.h"

#include <catch2/catch.hpp>

namespace closedloop::storage::keys {
namespace {

TEST_CASE("event keys sort in position order across byte boundaries") {
  CHECK(EventKey(1) < EventKey(2));
  CHECK(EventKey(255) < EventKey(256));
  CHECK(EventKey(65535) < EventKey(65536));
  CHECK(EventKey(UINT64_MAX - 1) < EventKey(UINT64_MAX));
}

TEST_CASE("an event key decodes back to its position and other keys do not decode") {
  CHECK(PositionOfEventKey(EventKey(123456789)) == 123456789u);
  CHECK_FALSE(PositionOfEventKey(StreamKey("complaint-1", 1)).has_value());
  CHECK_FALSE(PositionOfEventKey("e123").has_value());
}

TEST_CASE("a stream's index keys share a prefix no other stream's keys start with") {
  const std::string a = StreamKeyPrefix("complaint-1");
  const std::string longer = StreamKey("complaint-10", 1);
  CHECK(longer.compare(0, a.size(), a) != 0);
  CHECK(RevisionOfStreamKey(StreamKey("complaint-1", 7), a) == 7u);
  CHECK_FALSE(RevisionOfStreamKey(longer, a).has_value());
  CHECK(StreamKey("complaint-1", 9) < StreamKey("complaint-1", 10));
}

TEST_CASE("fixed-width integers round-trip and refuse other lengths") {
  CHECK(DecodeU64(EncodeU64(0)) == 0u);
  CHECK(DecodeU64(EncodeU64(UINT64_MAX)) == UINT64_MAX);
  CHECK_FALSE(DecodeU64("1234567").has_value());
}

TEST_CASE("receipt keys carry the request id after their prefix") {
  CHECK(ReceiptKey("req-1") == "rreq-1");
}

}  // namespace
}  // namespace closedloop::storage::keys

// Contact keys: phone numbers in E.164 as libphonenumber reads them in a market, e-mail
// addresses trimmed and lower-cased, anything else trimmed; unreadable numbers refused.
#include <catch2/catch.hpp>

#include <string>

#include "absl/strings/match.h"
#include "services/projections/contact_key.h"

namespace closedloop::services {
namespace {

std::string Key(const std::string& contact, const std::string& market) {
  absl::StatusOr<std::string> key = SearchContactKey("customer_contact", contact, market);
  INFO(key.status().message());
  REQUIRE(key.ok());
  CHECK(*key == CaseContactKey(contact, market));  // a case and a search agree
  return *key;
}

TEST_CASE("a phone number in any usual writing is one E.164 key", "[contact]") {
  CHECK(Key("+49 30 1234567", "") == "+49301234567");
  CHECK(Key("+49 30 1234567", "AT") == "+49301234567");  // international form: any market
  CHECK(Key("030 1234567", "DE") == "+49301234567");
  CHECK(Key(" (030) 123-45-67 ", "DE") == "+49301234567");
  CHECK(Key("030/1234567", "de") == "+49301234567");
  CHECK(Key("0049 30 1234567", "DE") == "+49301234567");
  CHECK(Key("+49 (0)30 1234567", "") == "+49301234567");
  CHECK(Key("01 2345678", "AT") == "+4312345678");
  CHECK(Key("+1 (650) 253-0000", "DE") == "+16502530000");
}

TEST_CASE("an e-mail address is trimmed and lower-cased, other text only trimmed", "[contact]") {
  CHECK(Key("  Mia.Weber@Example.COM\t", "DE") == "mia.weber@example.com");
  CHECK(Key("ask for Mia", "DE") == "ask for Mia");
  CHECK(Key(" Mia, after 6 pm ", "") == "Mia, after 6 pm");
}

TEST_CASE("a phone number that cannot be read is refused in a search, naming the field, and is no key of a case",
          "[contact]") {
  for (const auto& [contact, market] : {std::pair<std::string, std::string>{"030 1234567", ""},
                                        {"030 1234567", "Germany"},
                                        {"12", "DE"},
                                        {"+999 123456", ""},
                                        {"1234567890123456789", "DE"}}) {
    INFO(contact << " in " << market);
    const absl::StatusOr<std::string> key = SearchContactKey("customer_contact", contact, market);
    CHECK(key.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StartsWith(key.status().message(), "customer_contact: "));
    CHECK(CaseContactKey(contact, market).empty());
  }
}

TEST_CASE("a blank contact is refused in a search and is no key of a case", "[contact]") {
  CHECK(SearchContactKey("customer_contact", "  ", "DE").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(CaseContactKey("", "DE").empty());
  CHECK(CaseContactKey(" \t", "DE").empty());
}

}  // namespace
}  // namespace closedloop::services

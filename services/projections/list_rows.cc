#include "services/projections/list_rows.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "domain/proto_time.h"

namespace closedloop::services {
namespace {

void Bump(std::vector<int64_t>& counts, uint32_t value, int sign) {
  if (counts.size() <= value) counts.resize(value + 1, 0);
  counts[value] += sign;
}

int64_t CountAt(const std::vector<int64_t>& counts, uint32_t value) {
  return value < counts.size() ? counts[value] : 0;
}

bool IsOpenState(int32_t state) {
  return state == v1::COMPLAINT_STATE_OPEN || state == v1::COMPLAINT_STATE_IN_PROGRESS;
}

// The count slot of an enum value. Values outside [0, 255] (a proto enum may hold any number)
// share slot 255: a count is only read for a filter naming a known value, which 255 is not.
uint32_t EnumSlot(int32_t value) {
  return value < 0 || value > 255 ? 255 : static_cast<uint32_t>(value);
}

}  // namespace

std::optional<uint64_t> CaseNumberOf(absl::string_view complaint_id) {
  if (!absl::ConsumePrefix(&complaint_id, "CL-")) return std::nullopt;
  // Digits only, and no leading zero: "CL-07" would share 7 with "CL-7".
  if (complaint_id.empty() || complaint_id.front() == '0') return std::nullopt;
  for (char c : complaint_id) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  uint64_t n = 0;
  if (!absl::SimpleAtoi(complaint_id, &n)) return std::nullopt;
  return n;
}

std::string CaseIdOf(uint64_t number) { return absl::StrCat("CL-", number); }

uint32_t ListRows::Intern(const std::string& value) {
  auto [it, inserted] = interned_.try_emplace(value, static_cast<uint32_t>(interned_.size()));
  return it->second;
}

std::optional<uint32_t> ListRows::Find(const std::string& value) const {
  auto found = interned_.find(value);
  if (found == interned_.end()) return std::nullopt;
  return found->second;
}

ListRows::Chunk& ListRows::Writable(std::shared_ptr<Chunk>& chunk) {
  if (chunk.use_count() > 1) chunk = std::make_shared<Chunk>(*chunk);
  return *chunk;
}

void ListRows::ShareEqualChunks(const ListRows& from) {
  for (auto& [index, chunk] : chunks_) {
    auto theirs = from.chunks_.find(index);
    if (theirs != from.chunks_.end() && theirs->second != chunk && *theirs->second == *chunk) {
      chunk = theirs->second;
    }
  }
}

size_t ListRows::ChunksSharedWith(const ListRows& other) const {
  size_t shared = 0;
  for (const auto& [index, chunk] : chunks_) {
    auto theirs = other.chunks_.find(index);
    if (theirs != other.chunks_.end() && theirs->second == chunk) ++shared;
  }
  return shared;
}

void ListRows::Add(const v1::ComplaintView& view) {
  const std::optional<uint64_t> number = CaseNumberOf(view.complaint_id());
  if (!number) return;
  Row row;
  row.present = true;
  row.filed = domain::FromProto(view.filing().filed_at());
  row.owner = Intern(view.owner());
  row.team = Intern(view.team());
  row.department = Intern(view.department());
  row.market = Intern(view.filing().market());
  row.state = view.state();
  row.channel = view.filing().channel();
  row.kind = view.kind();
  row.severity = view.severity();
  row.breached = view.breach_count() > 0;
  row.hanging = view.hanging();
  std::shared_ptr<Chunk>& shared = chunks_[*number / kChunkRows];
  if (shared == nullptr) shared = std::make_shared<Chunk>();
  Chunk& chunk = Writable(shared);
  Row& slot = chunk.rows[*number % kChunkRows];
  if (slot.present) {
    Count(*number, slot, -1);
  } else {
    ++chunk.present;
    ++size_;
  }
  chunk.first_filed = std::min(chunk.first_filed, row.filed);
  chunk.last_filed = std::max(chunk.last_filed, row.filed);
  slot = row;
  Count(*number, row, 1);
  Readable(view, *number, 1);
}

void ListRows::Remove(const v1::ComplaintView& view) {
  const std::optional<uint64_t> number = CaseNumberOf(view.complaint_id());
  if (!number) return;
  auto found = chunks_.find(*number / kChunkRows);
  if (found == chunks_.end() || !found->second->rows[*number % kChunkRows].present) return;
  Chunk& chunk = Writable(found->second);
  Row& slot = chunk.rows[*number % kChunkRows];
  Count(*number, slot, -1);
  Readable(view, *number, -1);
  slot = Row();
  --chunk.present;
  --size_;
}

void ListRows::Count(uint64_t number, const Row& row, int sign) {
  Bump(by_state_, EnumSlot(row.state), sign);
  Bump(by_owner_, row.owner, sign);
  Bump(by_team_, row.team, sign);
  Bump(by_department_, row.department, sign);
  Bump(by_market_, row.market, sign);
  Bump(by_channel_, EnumSlot(row.channel), sign);
  Bump(by_kind_, EnumSlot(row.kind), sign);
  Bump(by_severity_, EnumSlot(row.severity), sign);
  const bool open = IsOpenState(row.state);
  for (auto [flagged, numbers] : {std::pair{row.breached, &breached_}, {row.hanging, &hanging_},
                                  {open, &open_}, {open, &open_by_owner_[row.owner]}}) {
    if (!flagged) continue;
    if (sign > 0) {
      numbers->insert(number);
    } else {
      numbers->erase(number);
    }
  }
}

const absl::btree_set<uint64_t>& ListRows::OpenOf(uint32_t owner) const {
  static const absl::btree_set<uint64_t>* const kNone = new absl::btree_set<uint64_t>();
  auto found = open_by_owner_.find(owner);
  return found == open_by_owner_.end() ? *kNone : found->second;
}

bool ListRows::OnlyOpen(const Filter& f) {
  constexpr uint32_t kOpen =
      (1u << v1::COMPLAINT_STATE_OPEN) | (1u << v1::COMPLAINT_STATE_IN_PROGRESS);
  return f.states != 0 && (f.states & ~kOpen) == 0;
}

void ListRows::Readable(const v1::ComplaintView& view, uint64_t number, int sign) {
  absl::InlinedVector<const std::string*, 4> departments = {&view.department()};
  for (const v1::TaskView& task : view.tasks()) departments.push_back(&task.department());
  // Taken out whatever the view's state, so that no open number outlives its row.
  const bool open = IsOpenState(view.state()) || sign < 0;
  for (const std::string* department : departments) {
    const uint32_t value = Intern(*department);
    for (auto* by : {&readable_by_, open ? &open_readable_by_ : nullptr}) {
      if (by == nullptr) continue;
      // A department named twice (the case's and a task's) holds the number once.
      bool changed = false;
      if (sign > 0) {
        changed = (*by)[value].insert(number).second;
      } else if (auto found = by->find(value); found != by->end()) {
        changed = found->second.erase(number) > 0;
        if (found->second.empty()) by->erase(found);
      }
      if (changed && by == &readable_by_) CountReadable(value, number, sign);
    }
  }
}

void ListRows::CountReadable(uint32_t department, uint64_t number, int sign) {
  auto& counts = readable_per_chunk_[department];
  const uint64_t index = number / kChunkRows;
  if ((counts[index] += sign) == 0) counts.erase(index);
  if (counts.empty()) readable_per_chunk_.erase(department);
}

namespace {

const absl::btree_set<uint64_t>& NumbersOf(
    const absl::flat_hash_map<uint32_t, absl::btree_set<uint64_t>>& by,
    std::optional<uint32_t> value) {
  static const absl::btree_set<uint64_t>* const kNone = new absl::btree_set<uint64_t>();
  auto found = value ? by.find(*value) : by.end();
  return found == by.end() ? *kNone : found->second;
}

}  // namespace

const absl::btree_set<uint64_t>& ListRows::ReadableBy(const std::string& department) const {
  return NumbersOf(readable_by_, Find(department));
}

const absl::btree_set<uint64_t>& ListRows::OpenReadableBy(const std::string& department) const {
  return NumbersOf(open_readable_by_, Find(department));
}

std::pair<uint64_t, uint64_t> ListRows::NumbersFiledWithin(const Filter& f) const {
  if (!f.filed_after && !f.filed_before) return {0, UINT64_MAX};
  const absl::Time after = f.filed_after.value_or(absl::InfinitePast());
  std::pair<uint64_t, uint64_t> numbers{1, 0};  // none
  for (const auto& [index, chunk] : chunks_) {
    if (chunk->last_filed < after || (f.filed_before && chunk->first_filed >= *f.filed_before)) {
      continue;
    }
    if (numbers.first > numbers.second) numbers.first = index * kChunkRows;
    numbers.second = index * kChunkRows + (kChunkRows - 1);  // index <= UINT64_MAX / kChunkRows
  }
  return numbers;
}

const char* ListRows::Fault() const {
  const size_t strings = interned_.size();
  std::vector<bool> numbered(strings, false);
  for (const auto& [value, n] : interned_) {
    if (n >= strings || numbered[n]) return "the list rows' strings are not numbered 0..n-1";
    numbered[n] = true;
  }
  size_t rows = 0;
  for (const auto& [index, chunk] : chunks_) {
    if (chunk == nullptr || index > UINT64_MAX / kChunkRows) return "a list rows' chunk is missing";
    int64_t present = 0;
    for (const Row& row : chunk->rows) {
      if (!row.present) continue;
      ++present;
      if (std::max({row.owner, row.team, row.department, row.market}) >= strings) {
        return "a list row names a string never numbered";
      }
      if (row.filed < chunk->first_filed || row.filed > chunk->last_filed) {
        return "a list row is filed outside its chunk's span";
      }
    }
    if (present != chunk->present) return "a list rows' chunk miscounts its rows";
    rows += static_cast<size_t>(present);
  }
  if (rows != size_) return "the list rows miscount their rows";
  // Each set's numbers, in order, looking a chunk up once per run of its numbers.
  auto all_rows = [&](const absl::btree_set<uint64_t>& numbers, bool open) {
    const Chunk* chunk = nullptr;
    uint64_t index = 0;
    for (uint64_t n : numbers) {
      if (chunk == nullptr || n / kChunkRows != index) {
        index = n / kChunkRows;
        auto found = chunks_.find(index);
        if (found == chunks_.end()) return false;
        chunk = found->second.get();
      }
      const Row& row = chunk->rows[n % kChunkRows];
      if (!row.present || (open && !IsOpenState(row.state))) return false;
    }
    return true;
  };
  for (const auto* numbers : {&breached_, &hanging_, &open_}) {
    if (!all_rows(*numbers, false)) return "a list rows' set names a number without a row";
  }
  for (const auto* by : {&open_by_owner_, &readable_by_, &open_readable_by_}) {
    for (const auto& [value, numbers] : *by) {
      if (value >= strings) return "a list rows' set is keyed by a string never numbered";
      if (!all_rows(numbers, by == &open_readable_by_)) {
        return "a list rows' set names a number without a row";
      }
    }
  }
  for (const auto& [value, numbers] : open_readable_by_) {
    auto readable = readable_by_.find(value);
    if (readable == readable_by_.end() ||
        !std::includes(readable->second.begin(), readable->second.end(), numbers.begin(),
                       numbers.end())) {
      return "a department's open numbers are not all readable by it";
    }
  }
  // Each department's readable numbers per chunk, counted again.
  size_t counted = 0;
  for (const auto& [value, numbers] : readable_by_) {
    auto counts = readable_per_chunk_.find(value);
    if (counts == readable_per_chunk_.end()) return "a department's readable numbers are not counted";
    absl::flat_hash_map<uint64_t, int64_t> recount;
    for (uint64_t n : numbers) ++recount[n / kChunkRows];
    if (recount != counts->second) return "a department's readable numbers are miscounted";
    ++counted;
  }
  if (counted != readable_per_chunk_.size()) return "a department's readable numbers are miscounted";
  return nullptr;
}

bool ListRows::Contains(uint64_t number) const {
  auto found = chunks_.find(number / kChunkRows);
  return found != chunks_.end() && found->second->rows[number % kChunkRows].present;
}


ListRows::Filter ListRows::FilterOf(const v1::ListComplaintsRequest& r) const {
  Filter f;
  if (r.states_size() > 0) {
    for (int state : r.states()) {
      // CheckListRequest lets only known states through; any other can match no case.
      if (state > 0 && state < 32) f.states |= 1u << state;
    }
    f.possible = f.states != 0;
    ++f.filters;
  }
  auto text = [&](const std::string& value, std::optional<uint32_t>& field) {
    if (value.empty()) return;
    field = Find(value);
    if (!field) f.possible = false;
    ++f.filters;
  };
  text(r.owner(), f.owner);
  text(r.team(), f.team);
  text(r.department(), f.department);
  text(r.market(), f.market);
  auto number = [&](int value, int& field) {
    if (value == 0) return;
    field = value;
    ++f.filters;
  };
  number(r.channel(), f.channel);
  number(r.kind(), f.kind);
  number(r.severity(), f.severity);
  f.breached_only = r.breached_only();
  f.hanging_only = r.hanging_only();
  f.filters += static_cast<int>(f.breached_only) + static_cast<int>(f.hanging_only);
  if (r.has_filed_after()) f.filed_after = domain::FromProto(r.filed_after());
  if (r.has_filed_before()) f.filed_before = domain::FromProto(r.filed_before());
  f.filters += static_cast<int>(r.has_filed_after()) + static_cast<int>(r.has_filed_before());
  return f;
}

bool ListRows::Matches(const Filter& f, const Row& row) {
  if (f.states != 0 && (row.state < 0 || row.state >= 32 || (f.states & (1u << row.state)) == 0)) return false;
  if (f.owner && row.owner != *f.owner) return false;
  if (f.team && row.team != *f.team) return false;
  if (f.department && row.department != *f.department) return false;
  if (f.market && row.market != *f.market) return false;
  if (f.channel != 0 && row.channel != f.channel) return false;
  if (f.kind != 0 && row.kind != f.kind) return false;
  if (f.severity != 0 && row.severity != f.severity) return false;
  if (f.breached_only && !row.breached) return false;
  if (f.hanging_only && !row.hanging) return false;
  if (f.filed_after && row.filed < *f.filed_after) return false;
  if (f.filed_before && row.filed >= *f.filed_before) return false;
  return true;
}

std::optional<int64_t> ListRows::CountOf(const Filter& f) const {
  if (!f.possible) return 0;
  if (f.filters == 0) return static_cast<int64_t>(size_);
  if (f.filters > 1 || f.filed_after || f.filed_before) return std::nullopt;
  if (f.states != 0) {
    int64_t sum = 0;
    for (uint32_t state = 0; state < 32; ++state) {
      if (f.states & (1u << state)) sum += CountAt(by_state_, state);
    }
    return sum;
  }
  if (f.owner) return CountAt(by_owner_, *f.owner);
  if (f.team) return CountAt(by_team_, *f.team);
  if (f.department) return CountAt(by_department_, *f.department);
  if (f.market) return CountAt(by_market_, *f.market);
  if (f.channel != 0) return CountAt(by_channel_, EnumSlot(f.channel));
  if (f.kind != 0) return CountAt(by_kind_, EnumSlot(f.kind));
  if (f.severity != 0) return CountAt(by_severity_, EnumSlot(f.severity));
  if (f.breached_only) return static_cast<int64_t>(breached_.size());
  return static_cast<int64_t>(hanging_.size());
}

}  // namespace closedloop::services

// ListRows: one small row per complaint, keyed by its case number (the n of "CL-n", so in
// filing order), holding exactly what ListComplaints' filters test: state, owner, team,
// department, channel, kind, severity, market, breached, hanging and when it was filed. A
// filtered list then passes over these rows, which sit close together in memory, instead of
// over every case's view; and a list filtered by one thing alone (one owner, the open states,
// one channel...) takes its total from counts kept per value and reads only up to its page.
//
// Strings (owners, teams, departments, markets) are stored as small numbers, each handed out
// the first time the string is seen; the strings are never forgotten (there are few of them).
//
// Copies share their chunks of rows until one of them changes a chunk, and share equal chunks
// again when asked (ShareEqualChunks): the two states of Projections' left-right pair keep one
// set of rows but for the cases of their last batch.
//
// Thread safety: none for writes; copies are made, written and destroyed on one thread (they
// share chunks); const methods may run concurrently with each other.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_LIST_ROWS_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_LIST_ROWS_H_

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "closedloop/v1/query_service.pb.h"
#include "closedloop/v1/views.pb.h"

namespace closedloop::services {

// The n of a complaint id "CL-n"; nullopt for any other id (the log holds none: complaint ids
// come from the "CL-" sequence, and requests' ids are checked to have that form).
std::optional<uint64_t> CaseNumberOf(absl::string_view complaint_id);
// The complaint id of case number n: "CL-n".
std::string CaseIdOf(uint64_t number);

class ListRows {
 public:
  // What a request's filters test, in the rows' terms. `possible` is false when a filter names
  // a string no case ever had: nothing can match.
  struct Filter {
    bool possible = true;
    uint32_t states = 0;  // a bit per ComplaintState; 0 = any
    std::optional<uint32_t> owner, team, department, market;
    int channel = 0, kind = 0, severity = 0;  // 0 = any
    bool breached_only = false, hanging_only = false;
    std::optional<absl::Time> filed_after, filed_before;
    // How many of the filters above are set (the states count as one).
    int filters = 0;
  };

  struct Row {
    absl::Time filed;
    uint32_t owner = 0, team = 0, department = 0, market = 0;
    int32_t state = 0, channel = 0, kind = 0, severity = 0;  // enum values, as the view has them
    bool breached = false, hanging = false;
    bool present = false;  // false: no case has this number
    bool operator==(const Row&) const = default;
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(filed, owner, team, department, market, state, channel, kind, severity, breached,
              hanging, present);
    }
  };

  // Puts `view`'s row in, or takes it out again (with the view it was put in with: a change
  // takes the old row out before it puts the new one in). Views whose id has no case number get none. Rows hold no view: a page reads the
  // views of the numbers it lists (ProjectionState::Complaint).
  void Add(const v1::ComplaintView& view);
  void Remove(const v1::ComplaintView& view);

  // The request's filters (of those above; the references and the customer are not rows').
  Filter FilterOf(const v1::ListComplaintsRequest& request) const;
  static bool Matches(const Filter& filter, const Row& row);

  // How many rows match `filter` when that is cheap to say (no filter, or one filter that is
  // not a time range: counts are kept per value); nullopt otherwise.
  std::optional<int64_t> CountOf(const Filter& filter) const;

  // Calls visit(number, row) for each row numbered below `before`, newest (highest number)
  // first, until visit returns false.
  template <typename Visit>
  void ForEachBelow(uint64_t before, Visit visit) const;

  // The rows that match `filter`, counted; and take(number) called for those numbered below
  // `before`, newest first, until it returns false. Reads every row, except that it skips a
  // chunk whose filings all fall outside the filter's filing times, and counts whole, without
  // reading its rows, a chunk whose filings all fall inside them when the filter tests nothing
  // else and no row is taken from it. Filing times follow case numbers closely, so a range of
  // days reads about its days' chunks.
  template <typename Take>
  int64_t CountAndTake(const Filter& filter, uint64_t before, Take take) const;

  // The numbers of the rows flagged breached, or hanging: few, so they start the lists that
  // filter by either (ForEachOf).
  const absl::btree_set<uint64_t>& Breached() const { return breached_; }
  const absl::btree_set<uint64_t>& Hanging() const { return hanging_; }
  // Whether a case has this number.
  bool Contains(uint64_t number) const;
  // The numbers of the cases `department` may read: attributed to it, or holding a task for it
  // (as domain::MayRead says for a department). Empty for a department no case ever named.
  const absl::btree_set<uint64_t>& ReadableBy(const std::string& department) const;
  // Those of them in an open state (OPEN, IN_PROGRESS): a department's open cases.
  const absl::btree_set<uint64_t>& OpenReadableBy(const std::string& department) const;
  // The numbers of the open rows (OPEN, IN_PROGRESS), all or of one owner: they start a list
  // asking only for open states with other filters, as an owner's open cases.
  const absl::btree_set<uint64_t>& Open() const { return open_; }
  const absl::btree_set<uint64_t>& OpenOf(uint32_t owner) const;
  // Whether `filter` asks for open states only.
  static bool OnlyOpen(const Filter& filter);
  // The numbers [first, last] that may hold a row filed within `filter`'s filing times: those
  // of the chunks whose filings overlap them (every number without such a filter; first > last
  // when none may). Costs a pass over the chunks.
  std::pair<uint64_t, uint64_t> NumbersFiledWithin(const Filter& filter) const;
  // Calls visit(number, row) for each of `numbers` in [first, last], highest first, with its row
  // (each must be in a chunk, as every number in the sets above is; one without a row is
  // skipped), until visit returns false. Looks a chunk up once for each run of numbers in it.
  template <typename Visit>
  void ForEachOf(const absl::btree_set<uint64_t>& numbers, uint64_t first, uint64_t last,
                 Visit visit) const;

  // For a department's list filtered by filing times alone: the numbers it may read that
  // match `filter`, counted; and take(number) called for those below `before`, newest first,
  // until it returns false. A chunk whose filings all fall inside the times is counted whole,
  // by the department's count for it, unless a number is taken from it; one whose filings all
  // fall outside is skipped; others are read for the department's numbers in them.
  template <typename Take>
  int64_t CountAndTakeReadable(const std::string& department, const Filter& filter,
                               uint64_t before, Take take) const;

  size_t size() const { return size_; }

  // Takes `from`'s chunks where they hold the same rows as this one's own: after this copy of
  // the rows caught up with `from` (the left-right pair's hidden state, once it took over the
  // other's changed views), so that the chunks either changed since they last shared, and the
  // chunks both made for new cases, are held once again. Costs a pass over the chunks and a
  // comparison of those not shared.
  void ShareEqualChunks(const ListRows& from);
  // How many chunks this copy of the rows shares with `other` (for tests and measurements).
  size_t ChunksSharedWith(const ListRows& other) const;

  // The fields a saved state keeps (services/projections/state_archive.h).
  template <typename Archive>
  void Fields(Archive& archive) {
    archive(chunks_, size_, interned_, by_state_, by_owner_, by_team_, by_department_, by_market_,
            by_channel_, by_kind_, by_severity_, breached_, hanging_, open_, open_by_owner_,
            readable_by_, open_readable_by_, readable_per_chunk_);
  }
  // Fields read back that Add and Remove never make (state_archive.h): a missing chunk, counts
  // of rows that do not add up, a row filed outside its chunk's span or naming a string never
  // numbered, a set naming a number without a row or keyed by a string never numbered, an open
  // number a department may read that is not open or not readable by it, a department's
  // readable numbers miscounted per chunk.
  const char* Fault() const;

 private:
  uint32_t Intern(const std::string& value);
  std::optional<uint32_t> Find(const std::string& value) const;
  void Count(uint64_t number, const Row& row, int sign);
  // Adds the case to (+1), or takes it from (-1), the readable numbers of its departments.
  void Readable(const v1::ComplaintView& view, uint64_t number, int sign);
  // Counts a number entering (+1) or leaving (-1) a department's readable ones.
  void CountReadable(uint32_t department, uint64_t number, int sign);
  // The walk both CountAndTakes share, over the chunks the filing times touch, newest first:
  // whole_count(index, chunk) says how many of a chunk inside the times match without reading
  // it (nullopt: read it), and for_each_row(base, chunk, visit) calls visit(number, row) for
  // the chunk's candidate numbers, highest first.
  template <typename WholeCount, typename ForEachRow, typename Take>
  int64_t CountAndTakeByChunk(const Filter& filter, uint64_t before, WholeCount whole_count,
                              ForEachRow for_each_row, Take take) const;

  // Rows sit in chunks of consecutive numbers, so that a walk reads memory in order; case
  // numbers come from one sequence and have few gaps, and a chunk is made only when a number
  // in it first gets a row, so a stray large number costs one chunk. Chunks are kept when they
  // empty: a case changing leaves and enters its row again.
  static constexpr uint64_t kChunkRows = 1024;
  struct Chunk {
    Row rows[kChunkRows];
    int64_t present = 0;
    // The earliest and latest filing of any row the chunk ever held (never narrowed).
    absl::Time first_filed = absl::InfiniteFuture(), last_filed = absl::InfinitePast();
    bool operator==(const Chunk&) const = default;
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(rows, present, first_filed, last_filed);
    }
  };
  // The chunks by number / kChunkRows. A copy of the rows shares them with the original (the
  // two states of Projections' left-right pair differ in few chunks: those of the cases that
  // changed lately); whichever first changes a shared chunk copies it (Writable). So copies
  // must be made, written and destroyed on one thread, as the pair's are by its follower.
  absl::btree_map<uint64_t, std::shared_ptr<Chunk>> chunks_;
  // The chunk, to be changed: copied first if another copy of the rows shares it.
  static Chunk& Writable(std::shared_ptr<Chunk>& chunk);
  size_t size_ = 0;
  absl::flat_hash_map<std::string, uint32_t> interned_;
  // Rows per value of each filter, indexed by the value (interned or enum number).
  std::vector<int64_t> by_state_, by_owner_, by_team_, by_department_, by_market_, by_channel_,
      by_kind_, by_severity_;
  absl::btree_set<uint64_t> breached_, hanging_, open_;
  absl::flat_hash_map<uint32_t, absl::btree_set<uint64_t>> open_by_owner_;
  absl::flat_hash_map<uint32_t, absl::btree_set<uint64_t>> readable_by_;
  absl::flat_hash_map<uint32_t, absl::btree_set<uint64_t>> open_readable_by_;
  // Per department, how many of its readable numbers each chunk (by index) holds; no zeros.
  absl::flat_hash_map<uint32_t, absl::flat_hash_map<uint64_t, int64_t>> readable_per_chunk_;
};

template <typename Visit>
void ListRows::ForEachBelow(uint64_t before, Visit visit) const {
  if (before == 0) return;
  const uint64_t last = before - 1;
  for (auto it = std::make_reverse_iterator(chunks_.upper_bound(last / kChunkRows));
       it != chunks_.rend(); ++it) {
    const uint64_t base = it->first * kChunkRows;
    const Chunk& chunk = *it->second;
    for (uint64_t i = std::min(kChunkRows, last - base + 1); i-- > 0;) {
      if (chunk.rows[i].present && !visit(base + i, chunk.rows[i])) return;
    }
  }
}

template <typename Visit>
void ListRows::ForEachOf(const absl::btree_set<uint64_t>& numbers, uint64_t first, uint64_t last,
                         Visit visit) const {
  if (first > last) return;
  const Chunk* chunk = nullptr;
  uint64_t index = 0;
  for (auto it = std::make_reverse_iterator(numbers.upper_bound(last));
       it != numbers.rend() && *it >= first; ++it) {
    if (chunk == nullptr || *it / kChunkRows != index) {
      index = *it / kChunkRows;
      chunk = chunks_.at(index).get();
    }
    const Row& row = chunk->rows[*it % kChunkRows];
    if (row.present && !visit(*it, row)) return;
  }
}

template <typename WholeCount, typename ForEachRow, typename Take>
int64_t ListRows::CountAndTakeByChunk(const Filter& f, uint64_t before, WholeCount whole_count,
                                      ForEachRow for_each_row, Take take) const {
  const absl::Time after = f.filed_after.value_or(absl::InfinitePast());
  const std::optional<absl::Time> until = f.filed_before;  // exclusive
  int64_t total = 0;
  bool taking = before > 0;
  for (auto it = chunks_.rbegin(); it != chunks_.rend(); ++it) {
    const uint64_t base = it->first * kChunkRows;
    const Chunk& chunk = *it->second;
    if (chunk.last_filed < after || (until && chunk.first_filed >= *until)) continue;
    const bool inside = chunk.first_filed >= after && (!until || chunk.last_filed < *until);
    if (inside && (!taking || base >= before)) {
      if (const std::optional<int64_t> whole = whole_count(it->first, chunk)) {
        total += *whole;
        continue;
      }
    }
    for_each_row(base, chunk, [&](uint64_t number, const Row& row) {
      if (!row.present || !Matches(f, row)) return;
      ++total;
      if (taking && number < before) taking = take(number);
    });
  }
  return total;
}

template <typename Take>
int64_t ListRows::CountAndTake(const Filter& f, uint64_t before, Take take) const {
  const bool only_time = f.filters == static_cast<int>(f.filed_after.has_value()) +
                                      static_cast<int>(f.filed_before.has_value());
  return CountAndTakeByChunk(
      f, before,
      [&](uint64_t, const Chunk& chunk) {
        return only_time ? std::optional<int64_t>(chunk.present) : std::nullopt;
      },
      [](uint64_t base, const Chunk& chunk, auto visit) {
        for (uint64_t i = kChunkRows; i-- > 0;) visit(base + i, chunk.rows[i]);
      },
      take);
}

template <typename Take>
int64_t ListRows::CountAndTakeReadable(const std::string& department, const Filter& f,
                                       uint64_t before, Take take) const {
  const std::optional<uint32_t> value = Find(department);
  auto counts = value ? readable_per_chunk_.find(*value) : readable_per_chunk_.end();
  if (counts == readable_per_chunk_.end()) return 0;
  const absl::btree_set<uint64_t>& numbers = readable_by_.at(*value);
  return CountAndTakeByChunk(
      f, before,
      [&](uint64_t index, const Chunk&) {
        auto count = counts->second.find(index);
        return std::optional<int64_t>(count == counts->second.end() ? 0 : count->second);
      },
      [&](uint64_t base, const Chunk& chunk, auto visit) {
        for (auto n = std::make_reverse_iterator(numbers.upper_bound(base + (kChunkRows - 1)));
             n != numbers.rend() && *n >= base; ++n) {
          visit(*n, chunk.rows[*n % kChunkRows]);
        }
      },
      take);
}

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_LIST_ROWS_H_

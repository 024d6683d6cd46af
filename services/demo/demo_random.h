// The demo's random numbers: SplitMix64, so that a seed gives the same month on every machine
// and standard library (the standard's distributions are not specified bit for bit).
#ifndef CLOSEDLOOP_SERVICES_DEMO_DEMO_RANDOM_H_
#define CLOSEDLOOP_SERVICES_DEMO_DEMO_RANDOM_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace closedloop::services::demo {

class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed) : state_(seed) {}
  // A generator for one part of the month (an item, a day), independent of how much the
  // other parts drew, so that changing one part's script leaves the rest as it was.
  static DemoRandom For(uint64_t seed, uint64_t part, uint64_t index) {
    DemoRandom mix(seed ^ (part * 0x9e3779b97f4a7c15ULL));
    for (uint64_t i = 0; i < 2; ++i) mix.Next();
    return DemoRandom(mix.Next() ^ (index * 0xd1b54a32d192ed03ULL));
  }

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  absl::Duration Minutes(int lo, int hi) { return absl::Minutes(Between(lo, hi)); }
  template <typename T>
  const T& Pick(const std::vector<T>& from) {
    return from[Next() % from.size()];
  }

 private:
  uint64_t state_;
};

}  // namespace closedloop::services::demo

#endif  // CLOSEDLOOP_SERVICES_DEMO_DEMO_RANDOM_H_

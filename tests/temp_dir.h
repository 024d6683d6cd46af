// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with everything in it when the
// object goes out of scope. Tests use it for real RocksDB databases.
#ifndef CLOSEDLOOP_TESTS_TEMP_DIR_H_
#define CLOSEDLOOP_TESTS_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace closedloop::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/closedloop-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the directory.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_TEMP_DIR_H_

// Helpers for the server suites: the sample database, an in-process ApiServer on an
// ephemeral 127.0.0.1 port, and raw sockets for requests httplib::Client cannot send.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <httplib.h>

#include "api_server.h"
#include "test_support.h"

namespace polsearch::testing {

// The samples/statements database, built once per test binary.
inline const std::string& sample_db() {
  static TempDir dir;  // removed at exit
  static const std::string path = [] {
    std::string db = (dir.path() / "db").string();
    auto r = run_command(
        {indexer_path(), "--db", db, std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements"});
    if (r.exit_status != 0) throw std::runtime_error("indexing the samples failed: " + r.err);
    return db;
  }();
  return path;
}

// xsputn may call overflow: the lock is recursive.
class ThreadSafeLog : public std::stringbuf {
 public:
  std::string text() {
    std::lock_guard lock(mutex_);
    return str();
  }

 protected:
  int sync() override { return 0; }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(mutex_);
    return std::stringbuf::xsputn(s, n);
  }
  int overflow(int c) override {
    std::lock_guard lock(mutex_);
    return std::stringbuf::overflow(c);
  }

 private:
  std::recursive_mutex mutex_;
};

// An ApiServer serving in a thread of its own; stopped and joined on destruction.
class TestServer {
 public:
  explicit TestServer(serve::ServerOptions options) : log_stream_(&log_) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.db_path.empty()) options.db_path = sample_db();
    server_ = std::make_unique<serve::ApiServer>(options, log_stream_);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->serve(); });
    while (!server_->running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  TestServer() : TestServer(serve::ServerOptions{}) {}
  ~TestServer() {
    server_->stop();
    thread_.join();
  }
  int port() const { return port_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(20, 0);
    return c;
  }
  std::string log() { return log_.text(); }

 private:
  ThreadSafeLog log_;
  std::ostream log_stream_;
  std::unique_ptr<serve::ApiServer> server_;
  int port_ = 0;
  std::thread thread_;
};

// Polls `done` until it holds (true) or a minute passes (a hang guard, false).
template <typename Predicate>
bool eventually(Predicate done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A connected TCP socket to 127.0.0.1:port (-1 on failure), closed on destruction.
class RawSocket {
 public:
  explicit RawSocket(int port, int read_timeout_ms = 10000) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{read_timeout_ms / 1000, (read_timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawSocket() {
    if (fd_ >= 0) close(fd_);
  }
  RawSocket(const RawSocket&) = delete;
  bool ok() const { return fd_ >= 0; }
  bool send_all(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  // One response: its head, then as many bytes as Content-Length says (keep-alive
  // connections stay open after it).
  std::string read_response() {
    std::string out;
    char buf[4096];
    size_t want = std::string::npos;
    while (out.size() < want) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, n);
      size_t head_end = out.find("\r\n\r\n");
      if (head_end == std::string::npos || want != std::string::npos) continue;
      auto length_at = out.find("Content-Length: ");
      want = head_end + 4 +
             (length_at < head_end ? std::stoul(out.substr(length_at + 16)) : size_t{0});
    }
    return out;
  }
  // Everything until the peer closes or the read timeout passes.
  std::string read_all() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, 0)) > 0;) out.append(buf, n);
    return out;
  }

 private:
  int fd_ = -1;
};

}  // namespace polsearch::testing

#include "crash_guard.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace polsearch {

namespace {

// What the handler needs, prepared before it is installed: it may only call
// async-signal-safe functions (write, _exit).
struct CrashExit {
  std::array<char, 4096> message{};
  size_t length = 0;
  int status = 1;
};

CrashExit& crash_exit() {
  static CrashExit state;
  return state;
}

void on_crash(int) {
  const CrashExit& state = crash_exit();
  ssize_t ignored = write(2, state.message.data(), state.length);
  (void)ignored;
  _exit(state.status);
}

// A stack of its own, so a crash by stack overflow can still be reported.
void use_alternate_stack() {
  static std::array<char, 64 * 1024> stack;
  stack_t alternate = {};
  alternate.ss_sp = stack.data();
  alternate.ss_size = stack.size();
  sigaltstack(&alternate, nullptr);
}

}  // namespace

void exit_cleanly_on_crash(const std::string& message, int status) {
  CrashExit& state = crash_exit();
  state.length = std::min(message.size(), state.message.size());
  std::memcpy(state.message.data(), message.data(), state.length);
  state.status = status;
  use_alternate_stack();
  struct sigaction action = {};
  action.sa_handler = on_crash;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int signal_number : {SIGSEGV, SIGBUS, SIGFPE, SIGILL})
    sigaction(signal_number, &action, nullptr);
}

}  // namespace polsearch

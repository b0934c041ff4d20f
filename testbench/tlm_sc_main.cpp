#include <systemc>

// libsystemc wants an sc_main; gtest_main's main() runs the tests, which
// start their simulations themselves (tlm_harness.h: in_child).
int sc_main(int, char **) { return 0; }

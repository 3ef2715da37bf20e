// The one doctest main shared by every test binary (tests/<layer>_tests).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

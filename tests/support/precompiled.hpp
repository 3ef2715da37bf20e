// What nearly every test object includes, compiled once per build into a precompiled header
// (the Makefile's TEST_PCH): doctest and the standard headers most tests use. Parsing them was
// a third of a typical test object's compile time. Each test still includes what it uses, so it
// compiles the same without this file. (No include guard: it is compiled as a file of its own.)

#include <doctest/doctest.h>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

// Strict parsers for command-line values: the whole string must parse and
// lie in range, else false (the caller prints one line naming the argument).
#pragma once

#include <cstdint>
#include <string>

// "8G", "512M", "1T", "4096K", "1073741824": binary suffixes K, M, G, T
// (case-insensitive, optional trailing B/iB); result in bytes.
bool parse_size_bytes(const std::string &text, uint64_t &bytes);
// Decimal unsigned integer (no sign, no suffix) within [lo, hi].
bool parse_uint(const std::string &text, uint64_t lo, uint64_t hi, uint64_t &value);

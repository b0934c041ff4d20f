#include "cli_args.h"

#include <cctype>

bool parse_uint(const std::string &text, uint64_t lo, uint64_t hi, uint64_t &value)
{
    if (text.empty() || text.size() > 19)
        return false;
    uint64_t v = 0;
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v < lo || v > hi)
        return false;
    value = v;
    return true;
}

bool parse_size_bytes(const std::string &text, uint64_t &bytes)
{
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
        i++;
    uint64_t number = 0;
    if (i == 0 || !parse_uint(text.substr(0, i), 0, UINT64_MAX, number))
        return false;
    std::string suffix = text.substr(i);
    for (char &c : suffix)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    unsigned shift;
    if (suffix.empty() || suffix == "B")
        shift = 0;
    else if (suffix == "K" || suffix == "KB" || suffix == "KIB")
        shift = 10;
    else if (suffix == "M" || suffix == "MB" || suffix == "MIB")
        shift = 20;
    else if (suffix == "G" || suffix == "GB" || suffix == "GIB")
        shift = 30;
    else if (suffix == "T" || suffix == "TB" || suffix == "TIB")
        shift = 40;
    else
        return false;
    if (shift && number > (UINT64_MAX >> shift))
        return false;
    bytes = number << shift;
    return true;
}

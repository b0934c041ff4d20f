#include "text_file.h"

#include <fstream>

namespace mmsim {

bool write_text(const std::string &path, const std::string &text)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    return static_cast<bool>(f);
}

} // namespace mmsim

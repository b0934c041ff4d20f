/* Whole-file text output for the run and sweep writers. */
#ifndef MMSIM_MODEL_TEXT_FILE_H
#define MMSIM_MODEL_TEXT_FILE_H

#include <string>

namespace mmsim {

/* Write text to path (created or truncated); false when it could not be written completely. */
bool write_text(const std::string &path, const std::string &text);

} // namespace mmsim

#endif

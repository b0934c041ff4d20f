/*
 * toml++ as the scenario loader builds it (its internal checks off, see
 * scenario.cpp), and the loader's guarded parser for other TOML inputs
 * such as sweep files. Include this instead of <toml++/toml.h>.
 */
#ifndef MMSIM_MODEL_TOML_TEXT_H
#define MMSIM_MODEL_TOML_TEXT_H

#include <string>

#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

namespace mmsim {

/* Parse TOML text (source names it in messages); throws ScenarioError "source:line: malformed TOML: ...". */
toml::table parse_toml_text(const std::string &text, const std::string &source);

} // namespace mmsim

#endif

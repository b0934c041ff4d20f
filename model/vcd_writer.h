/*
 * A VCD writer for sampled values, in the layout SystemC's own VCD writer
 * uses (top scope "SystemC", dotted names split into nested scopes,
 * `$var wire N id name [N-1:0] $end`, timescale 1 ns, binary values), but
 * written only when the sampler asks: SystemC's sc_trace compares every
 * traced variable at every simulation time step, which doubled the wall
 * time of an 8 GiB run whose values change only at samples. The header has
 * no date, so the same run gives the same bytes.
 */
#ifndef MMSIM_MODEL_VCD_WRITER_H
#define MMSIM_MODEL_VCD_WRITER_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace mmsim {

class vcd_writer {
public:
    vcd_writer() = default;
    ~vcd_writer();
    vcd_writer(const vcd_writer &) = delete;
    vcd_writer &operator=(const vcd_writer &) = delete;

    /* Declare a variable (before the first sample); returns its handle. width 1..64. */
    size_t add(const std::string &dotted_name, unsigned width);
    void set(size_t var, uint64_t value) { vars_[var].value = value; }
    /* Open the file and write the header; false when it cannot be written. */
    bool open(const std::string &path);
    /* Write the values that changed since the last sample (all of them at the first), at time_ns. */
    void sample(uint64_t time_ns);
    /* Write the end time (if later than the last change) and close. */
    void close(uint64_t end_ns);
    bool ok() const { return !failed_; }

private:
    struct var {
        std::string name;   /* dotted, below the top scope */
        unsigned width;
        std::string id;
        uint64_t value = 0, written = 0;
    };
    void write_value(const var &v);
    void write_scopes();

    std::vector<var> vars_;
    FILE *file_ = nullptr;
    bool first_ = true, failed_ = false;
    uint64_t last_time_ = 0, pending_end_ = 0;
};

} // namespace mmsim

#endif

#include "vcd_writer.h"

#include <algorithm>
#include <map>
#include <memory>

namespace mmsim {

namespace {
/* Short identifiers of letters only (no '$' or '#' that a reader could take for a keyword or a time). */
std::string make_id(size_t n)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string id;
    do {
        id += digits[n % 52];
        n /= 52;
    } while (n);
    return id;
}

/* The scope tree of the dotted names, children in first-seen order. */
struct scope_node {
    std::string name;
    std::vector<std::unique_ptr<scope_node>> children;
    std::vector<size_t> vars;
    scope_node *child(const std::string &n)
    {
        for (auto &c : children)
            if (c->name == n)
                return c.get();
        children.push_back(std::make_unique<scope_node>());
        children.back()->name = n;
        return children.back().get();
    }
};
} // namespace

vcd_writer::~vcd_writer()
{
    if (file_)
        close(last_time_);
}

size_t vcd_writer::add(const std::string &dotted_name, unsigned width)
{
    var v;
    v.name = dotted_name;
    v.width = std::clamp(width, 1u, 64u);
    v.id = make_id(vars_.size());
    vars_.push_back(v);
    return vars_.size() - 1;
}

void vcd_writer::write_scopes()
{
    scope_node root;
    std::vector<std::string> leaf(vars_.size());
    for (size_t i = 0; i < vars_.size(); i++) {
        scope_node *s = &root;
        const std::string &n = vars_[i].name;
        size_t start = 0, dot;
        while ((dot = n.find('.', start)) != std::string::npos) {
            s = s->child(n.substr(start, dot - start));
            start = dot + 1;
        }
        leaf[i] = n.substr(start);
        s->vars.push_back(i);
    }
    struct walk {
        static void emit(FILE *f, const scope_node &s, const std::vector<var> &vars, const std::vector<std::string> &leaf)
        {
            for (size_t i : s.vars) {
                const var &v = vars[i];
                if (v.width == 1)
                    std::fprintf(f, "$var wire 1 %s %s $end\n", v.id.c_str(), leaf[i].c_str());
                else
                    std::fprintf(f, "$var wire %u %s %s [%u:0] $end\n", v.width, v.id.c_str(), leaf[i].c_str(),
                                 v.width - 1);
            }
            for (const auto &c : s.children) {
                std::fprintf(f, "$scope module %s $end\n", c->name.c_str());
                emit(f, *c, vars, leaf);
                std::fprintf(f, "$upscope $end\n");
            }
        }
    };
    std::fprintf(file_, "$scope module SystemC $end\n");
    walk::emit(file_, root, vars_, leaf);
    std::fprintf(file_, "$upscope $end\n");
}

bool vcd_writer::open(const std::string &path)
{
    file_ = std::fopen(path.c_str(), "w");
    if (!file_)
        return false;
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
    std::fprintf(file_, "$date\n     (date omitted: reproducible output)\n$end\n\n");
    std::fprintf(file_, "$version\n mmsim sampled VCD (SystemC VCD layout)\n$end\n\n");
    std::fprintf(file_, "$timescale\n     1 ns\n$end\n\n");
    write_scopes();
    std::fprintf(file_, "$enddefinitions $end\n\n");
    return !std::ferror(file_);
}

void vcd_writer::write_value(const var &v)
{
    if (v.width == 1) {
        std::fprintf(file_, "%c%s\n", v.value ? '1' : '0', v.id.c_str());
        return;
    }
    char bits[66];
    int n = 0;
    uint64_t x = v.value;
    do {
        bits[n++] = (char)('0' + (x & 1));
        x >>= 1;
    } while (x);
    std::fputc('b', file_);
    while (n)
        std::fputc(bits[--n], file_);
    std::fprintf(file_, " %s\n", v.id.c_str());
}

void vcd_writer::sample(uint64_t time_ns)
{
    if (!file_)
        return;
    if (first_) {
        std::fprintf(file_, "#%llu\n$dumpvars\n", (unsigned long long)time_ns);
        for (var &v : vars_) {
            write_value(v);
            v.written = v.value;
        }
        std::fprintf(file_, "$end\n");
        first_ = false;
        last_time_ = time_ns;
        return;
    }
    bool stamped = false;
    for (var &v : vars_) {
        if (v.value == v.written)
            continue;
        if (!stamped) {
            std::fprintf(file_, "#%llu\n", (unsigned long long)time_ns);
            stamped = true;
        }
        write_value(v);
        v.written = v.value;
    }
    if (stamped)
        last_time_ = time_ns;
    else
        pending_end_ = time_ns; /* a sample without changes: close() still ends the file there */
}

void vcd_writer::close(uint64_t end_ns)
{
    if (!file_)
        return;
    uint64_t end = std::max(end_ns, pending_end_);
    if (!first_ && end > last_time_)
        std::fprintf(file_, "#%llu\n", (unsigned long long)end);
    if (std::ferror(file_))
        failed_ = true;
    if (std::fclose(file_) != 0)
        failed_ = true;
    file_ = nullptr;
}

} // namespace mmsim

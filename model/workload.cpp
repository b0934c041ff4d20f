#include "workload.h"

#include <algorithm>

namespace mmsim {

workload::workload(const Process &p, uint64_t file_size_pages, uint64_t seed)
    : p_(p), file_pages_(file_size_pages), rng_(seed)
{
    auto start = [&](int s, double rate, double per_op_pages) {
        if (rate > 0) {
            st_[s].period = per_op_pages / rate;
            st_[s].due = p.start_s;
        }
    };
    start(S_ANON, p.anon.rate, (double)(1u << p.anon.order));
    start(S_TOUCH, p.touch.rate, 1);
    if (!p.file.name.empty() && file_pages_ > 0) {
        start(S_READ, p.file.read_rate, 1);
        start(S_WRITE, p.file.write_rate, 1);
    }
    start(S_KERNEL, p.kernel.rate, 1);
    start(S_EXACT, p.exact.rate, 1);
    for (double w : p.kernel.order_weights)
        order_weight_sum_ += w;
    if (order_weight_sum_ <= 0)
        st_[S_KERNEL].due = -1;
    uint64_t limit = p.anon.target_rss_pages ? p.anon.target_rss_pages : (uint64_t)(1u << 30) - 1;
    anon_limit_ = (uint32_t)std::min<uint64_t>(limit, (1u << 30) - 1);
}

int workload::earliest() const
{
    int best = -1;
    double best_due = 0;
    for (int s = 0; s < NR_STREAMS; s++) {
        double due = s == S_FREE ? (timed_.empty() ? -1 : timed_.top().due) : st_[s].due;
        if (due >= 0 && (best < 0 || due < best_due)) {
            best = s;
            best_due = due;
        }
    }
    return best;
}

double workload::next_time() const
{
    int s = earliest();
    if (s < 0)
        return -1;
    return s == S_FREE ? timed_.top().due : st_[s].due;
}

void workload::advance(int s, double now_s)
{
    st_[s].due = std::max(st_[s].due + st_[s].period, now_s);
}

uint32_t workload::file_index(prng &r)
{
    switch (p_.file.pattern) {
    case AccessPattern::sequential:
        return (uint32_t)(seq_cursor_++ % file_pages_);
    case AccessPattern::uniform:
        return (uint32_t)r.below(file_pages_);
    case AccessPattern::hot_set: {
        uint64_t hot = std::max<uint64_t>(1, (uint64_t)((double)file_pages_ * p_.file.hot_fraction));
        if (r.unit() < p_.file.hot_share)
            return (uint32_t)r.below(hot);
        return (uint32_t)r.below(file_pages_);
    }
    }
    return 0;
}

bool workload::must_free_first(const FreeSpec &f, uint64_t live_pages) const
{
    return (f.free_pattern == FreePattern::fifo || f.free_pattern == FreePattern::lifo ||
            f.free_pattern == FreePattern::random) &&
           f.target_live_pages > 0 && live_pages >= f.target_live_pages;
}

page_op workload::free_op(bool kernel, const live &l) const
{
    page_op op{kernel ? op_kind::kernel_free : op_kind::exact_free};
    op.pfn = l.pfn;
    op.order = l.order;
    op.size_pages = l.size_pages;
    return op;
}

page_op workload::take_free(bool kernel)
{
    pool &p = kernel ? kernel_live_ : exact_live_;
    const FreeSpec &f = kernel ? p_.kernel.free : p_.exact.free;
    live l;
    if (f.free_pattern == FreePattern::fifo) {
        l = p.v[p.head++];
        if (p.head >= 4096 && p.head * 2 >= p.v.size()) { /* drop the freed prefix */
            p.v.erase(p.v.begin(), p.v.begin() + (long)p.head);
            p.head = 0;
        }
    } else if (f.free_pattern == FreePattern::lifo) {
        l = p.v.back();
        p.v.pop_back();
    } else {
        size_t i = p.head + rng_.below(p.size());
        l = p.v[i];
        p.v[i] = p.v.back();
        p.v.pop_back();
    }
    (kernel ? kernel_live_pages_ : exact_live_pages_) -= kernel ? (1u << l.order) : l.size_pages;
    return free_op(kernel, l);
}

page_op workload::next(double now_s)
{
    int s = earliest();
    page_op op{op_kind::anon_new};
    switch (s) {
    case S_ANON:
        op.kind = op_kind::anon_new;
        op.index = next_vpn_;
        op.order = (unsigned)p_.anon.order;
        next_vpn_ += 1u << p_.anon.order;
        advance(s, now_s);
        if (next_vpn_ >= anon_limit_)
            st_[s].due = -1;
        break;
    case S_TOUCH:
        op.kind = op_kind::anon_touch;
        if (next_vpn_ == 0) {
            op.kind = op_kind::anon_new; /* nothing to re-touch yet: the first page */
            op.index = next_vpn_++;
        } else if (p_.touch.pattern == TouchPattern::uniform) {
            op.index = (uint32_t)rng_.below(next_vpn_);
        } else {
            op.index = touch_cursor_++ % next_vpn_;
        }
        advance(s, now_s);
        break;
    case S_READ:
    case S_WRITE:
        op.kind = s == S_READ ? op_kind::file_read : op_kind::file_write;
        op.index = file_index(rng_);
        advance(s, now_s);
        break;
    case S_KERNEL:
        if (must_free_first(p_.kernel.free, kernel_live_pages_) && !kernel_live_.empty())
            return take_free(true);
        {
            double x = rng_.unit() * order_weight_sum_;
            unsigned o = 0;
            for (; o < (unsigned)kNrOrders - 1; o++) {
                x -= p_.kernel.order_weights[o];
                if (x < 0 && p_.kernel.order_weights[o] > 0)
                    break;
            }
            while (p_.kernel.order_weights[o] <= 0 && o > 0)
                o--;
            op.kind = op_kind::kernel_alloc;
            op.order = o;
        }
        advance(s, now_s);
        break;
    case S_EXACT:
        if (must_free_first(p_.exact.free, exact_live_pages_) && !exact_live_.empty())
            return take_free(false);
        op.kind = op_kind::exact_alloc;
        op.size_pages = p_.exact.size_min_pages +
                        rng_.below(p_.exact.size_max_pages - p_.exact.size_min_pages + 1);
        advance(s, now_s);
        break;
    case S_FREE:
        op = timed_.top().op;
        timed_.pop();
        if (op.kind == op_kind::kernel_free)
            kernel_live_pages_ -= 1u << op.order;
        else
            exact_live_pages_ -= op.size_pages;
        break;
    default:
        break;
    }
    if (s >= 0 && s != S_FREE)
        op.period = st_[s].period;
    return op;
}

void workload::allocated(const page_op &op, uint32_t pfn, double now_s)
{
    if (pfn == ~0u)
        return;
    bool kernel = op.kind == op_kind::kernel_alloc;
    const FreeSpec &f = kernel ? p_.kernel.free : p_.exact.free;
    live l{pfn, (uint16_t)op.order, (uint16_t)op.size_pages}; /* never: kept only to be freed at exit */
    (kernel ? kernel_live_pages_ : exact_live_pages_) += kernel ? (1u << op.order) : op.size_pages;
    if (f.free_pattern == FreePattern::lifetime)
        timed_.push({now_s + rng_.exponential(f.lifetime_s), timed_seq_++, free_op(kernel, l)});
    else
        (kernel ? kernel_live_ : exact_live_).v.push_back(l);
}

std::vector<page_op> workload::live_frees() const
{
    std::vector<page_op> out;
    for (size_t i = kernel_live_.head; i < kernel_live_.v.size(); i++)
        out.push_back(free_op(true, kernel_live_.v[i]));
    for (size_t i = exact_live_.head; i < exact_live_.v.size(); i++)
        out.push_back(free_op(false, exact_live_.v[i]));
    auto copy = timed_;
    while (!copy.empty()) {
        out.push_back(copy.top().op);
        copy.pop();
    }
    return out;
}

} // namespace mmsim

#ifndef RINGPLAN_CPREFETCH_H
#define RINGPLAN_CPREFETCH_H

/// Asks the CPU to start loading the cache line at `address` for a read soon, and goes
/// on without waiting. Swift has no prefetch of its own.
static inline void ringplan_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif

/* Shared helpers for benchmarks: wall clock and peak resident set size. */
#pragma once

#include <stdint.h>

double bench_now_s(void);
/* Peak resident set size of this process in KiB (VmHWM), or -1 if unknown. */
long bench_peak_rss_kb(void);

/* Wall-clock and memory readings for benchmarks (Linux). */
#include "bench_util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

double
bench_now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

long
bench_peak_rss_kb(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL)
    return -1;
  char line[256];
  long kb = -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmHWM:", 6) == 0 && sscanf(line + 6, "%ld", &kb) == 1)
      break;
  fclose(f);
  return kb;
}

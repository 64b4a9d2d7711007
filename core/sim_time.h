/* sim_time: simulated time as signed 64-bit nanoseconds (about +/-292 years), and
 * durations written with units. There is no floating-point clock anywhere in synack:
 * equal inputs give equal outputs on every machine. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "sim_units.h"

G_BEGIN_DECLS

typedef int64_t SimTime;

#define SIM_NS  ((SimTime)1)
#define SIM_US  ((SimTime)1000)
#define SIM_MS  ((SimTime)1000000)
#define SIM_S   ((SimTime)1000000000)
#define SIM_MIN (60 * SIM_S)
#define SIM_H   (60 * SIM_MIN)

#define SIM_TIME_MAX   INT64_MAX
#define SIM_TIME_NEVER INT64_MAX   /* "not armed" / "no deadline" */

#define SIM_TIME_FMT_LEN SIM_UNITS_FMT_LEN

/* Parses a duration such as "1.5ms", "60s", "2min", "250us", "0". Negative values are
 * accepted only when @allow_negative. Errors as sim_units_parse(). */
gboolean sim_time_parse(const char *text, gboolean allow_negative, SimTime *out,
                        GError **error);

/* Writes @t exactly in the largest fitting unit ("1.5ms", "2min"); returns @buf. */
char *sim_time_format(SimTime t, char *buf, size_t len);

static inline double sim_time_to_s(SimTime t) { return (double)t / (double)SIM_S; }

G_END_DECLS

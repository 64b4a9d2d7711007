/* sim_time: durations as integer nanoseconds, parsed and printed with units. */
#include "sim_time.h"

gboolean
sim_time_parse(const char *text, gboolean allow_negative, SimTime *out, GError **error)
{
  return sim_units_parse(&sim_units_duration, text, allow_negative, out, error);
}

char *
sim_time_format(SimTime t, char *buf, size_t len)
{
  if (t == 0) {
    g_strlcpy(buf, "0s", len);
    return buf;
  }
  return sim_units_format(&sim_units_duration, t, buf, len);
}

/* sim_units: exact fixed-point parsing and printing of quantities with units.
 * Arithmetic is done in 128 bits so that "9223372036.854775807s" is exact and
 * anything past INT64_MAX is an overflow error rather than a wrap. */
#include "sim_units.h"
#include "sim_error.h"

#include <string.h>
#include <ctype.h>
#include <stdio.h>

static const SimUnit duration_units[] = {
  { "h", 3600000000000LL }, { "min", 60000000000LL }, { "s", 1000000000LL },
  { "ms", 1000000LL }, { "us", 1000LL }, { "µs", 1000LL }, { "ns", 1LL }, { NULL, 0 },
};
static const SimUnit size_units[] = {
  { "TiB", 1LL << 40 }, { "TB", 1000000000000LL }, { "GiB", 1LL << 30 },
  { "GB", 1000000000LL }, { "MiB", 1LL << 20 }, { "MB", 1000000LL },
  { "KiB", 1LL << 10 }, { "KB", 1000LL }, { "kB", 1000LL }, { "B", 1LL }, { NULL, 0 },
};
static const SimUnit rate_units[] = {
  { "Tbps", 1000000000000LL }, { "Gbps", 1000000000LL }, { "Mbps", 1000000LL },
  { "Kbps", 1000LL }, { "kbps", 1000LL }, { "bps", 1LL }, { NULL, 0 },
};

const SimUnitSet sim_units_duration = { "duration", duration_units, "ns" };
const SimUnitSet sim_units_size = { "size", size_units, "B" };
const SimUnitSet sim_units_rate = { "rate", rate_units, "bps" };

/* Units that are only alternative spellings are not used for printing. */
static gboolean
unit_is_alias(const SimUnit *units, const SimUnit *u)
{
  for (const SimUnit *p = units; p < u; p++)
    if (p->mult == u->mult)
      return TRUE;
  return FALSE;
}

static char *
unit_list(const SimUnitSet *set)
{
  /* smallest first reads more naturally: ns, us, ms, s, min, h */
  GPtrArray *names = g_ptr_array_new();
  for (const SimUnit *u = set->units; u->name; u++)
    if (!unit_is_alias(set->units, u))
      g_ptr_array_insert(names, 0, (gpointer)u->name);
  g_ptr_array_add(names, NULL);
  char *list = g_strjoinv(", ", (char **)names->pdata);
  g_ptr_array_free(names, TRUE);
  return list;
}

gboolean
sim_units_parse(const SimUnitSet *set, const char *text, gboolean allow_negative,
                int64_t *out, GError **error)
{
  g_return_val_if_fail(set != NULL && out != NULL, FALSE);
  if (text == NULL)
    text = "";

  const char *p = text;
  while (isspace((unsigned char)*p))
    p++;
  gboolean negative = FALSE;
  if (*p == '-' || *p == '+') {
    negative = (*p == '-');
    p++;
  }
  /* the largest magnitude: -INT64_MIN for a negative value, so that every int64,
   * INT64_MIN included, parses back from what sim_units_format() prints */
  unsigned __int128 limit = (unsigned __int128)INT64_MAX + (negative ? 1 : 0);
  unsigned __int128 ip = 0, frac = 0, frac_scale = 1;
  int ndigits = 0;
  gboolean too_big = FALSE;
  for (; isdigit((unsigned char)*p); p++, ndigits++) {
    ip = ip * 10 + (unsigned)(*p - '0');
    if (ip > limit)
      too_big = TRUE, ip = limit + 1;
  }
  if (*p == '.') {
    p++;
    for (; isdigit((unsigned char)*p); p++, ndigits++) {
      /* past 24 decimals only zeros can give a whole number of base units
       * (the largest unit is < 10^13 base units); 10^24 * 10^13 fits in 128 bits */
      if (frac_scale < (unsigned __int128)1000000000000ULL * 1000000000000ULL) {
        frac = frac * 10 + (unsigned)(*p - '0');
        frac_scale *= 10;
      } else if (*p != '0') {
        g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE,
                    "'%s' has more decimals than a %s can hold", text, set->what);
        return FALSE;
      }
    }
  }
  if (ndigits == 0) {
    g_autofree char *units = unit_list(set);
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                "'%s' is not a %s: expected a number followed by a unit (%s)", text,
                set->what, units);
    return FALSE;
  }
  const char *unit_start = p;
  while (*p == ' ' || *p == '\t')
    unit_start = ++p;
  const char *unit_end = unit_start;
  while (*unit_end && !isspace((unsigned char)*unit_end))
    unit_end++;
  for (const char *q = unit_end; *q; q++) {
    if (!isspace((unsigned char)*q)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                  "'%s' is not a %s: unexpected text after the unit", text, set->what);
      return FALSE;
    }
  }
  size_t unit_len = (size_t)(unit_end - unit_start);
  const SimUnit *unit = NULL;
  for (const SimUnit *u = set->units; u->name && unit_len > 0; u++) {
    if (strlen(u->name) == unit_len && memcmp(u->name, unit_start, unit_len) == 0) {
      unit = u;
      break;
    }
  }
  if (unit == NULL) {
    if (unit_len == 0 && ip == 0 && frac == 0) {
      *out = 0;   /* a bare zero needs no unit */
      return TRUE;
    }
    g_autofree char *units = unit_list(set);
    if (unit_len == 0)
      g_set_error(error, SIM_ERROR, SIM_ERROR_UNIT,
                  "'%s' has no unit: a %s needs one of %s", text, set->what, units);
    else
      g_set_error(error, SIM_ERROR, SIM_ERROR_UNIT,
                  "'%s' has unknown unit '%.*s': a %s takes one of %s", text,
                  (int)unit_len, unit_start, set->what, units);
    return FALSE;
  }

  unsigned __int128 mult = (unsigned __int128)unit->mult;
  unsigned __int128 whole = ip * mult;
  unsigned __int128 part = frac * mult;
  if (part % frac_scale != 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE,
                "'%s' is not a whole number of %s (the finest a %s can be)", text,
                set->base_name, set->what);
    return FALSE;
  }
  unsigned __int128 total = whole + part / frac_scale;
  if (too_big || total > limit) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE,
                "'%s' is too large: a %s must be at most %" G_GINT64_FORMAT " %s", text,
                set->what, INT64_MAX, set->base_name);
    return FALSE;
  }
  if (negative && total != 0 && !allow_negative) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE, "'%s' is negative: a %s here must be >= 0",
                text, set->what);
    return FALSE;
  }
  /* -(total - 1) - 1 reaches INT64_MIN without overflowing on the way */
  *out = negative && total > 0 ? -(int64_t)(total - 1) - 1 : (int64_t)total;
  return TRUE;
}

char *
sim_units_format(const SimUnitSet *set, int64_t value, char *buf, size_t len)
{
  g_return_val_if_fail(set != NULL && buf != NULL && len > 0, buf);
  /* magnitude as unsigned so that INT64_MIN prints too */
  uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  const char *sign = value < 0 ? "-" : "";
  const SimUnit *base = NULL;
  for (const SimUnit *u = set->units; u->name; u++)
    if (u->mult == 1)
      base = u;
  /* The largest unit in which the value has at most 3 decimals, exactly. */
  for (const SimUnit *u = set->units; u->name; u++) {
    uint64_t m = (uint64_t)u->mult;
    if (unit_is_alias(set->units, u) || m == 1 || mag < m)
      continue;
    uint64_t q = mag / m, r = mag % m;
    if ((r * 1000) % m != 0)   /* r < m <= 2^40, no overflow */
      continue;
    unsigned milli = (unsigned)(r * 1000 / m);
    if (milli == 0)
      g_snprintf(buf, len, "%s%" G_GUINT64_FORMAT "%s", sign, q, u->name);
    else {
      char frac[8];
      g_snprintf(frac, sizeof frac, "%03u", milli);
      for (int i = 2; i > 0 && frac[i] == '0'; i--)
        frac[i] = '\0';
      g_snprintf(buf, len, "%s%" G_GUINT64_FORMAT ".%s%s", sign, q, frac, u->name);
    }
    return buf;
  }
  g_snprintf(buf, len, "%s%" G_GUINT64_FORMAT "%s", sign, mag, base ? base->name : "");
  return buf;
}

gboolean
sim_size_parse(const char *text, int64_t *bytes, GError **error)
{
  return sim_units_parse(&sim_units_size, text, FALSE, bytes, error);
}

gboolean
sim_rate_parse(const char *text, int64_t *bits_per_s, GError **error)
{
  return sim_units_parse(&sim_units_rate, text, FALSE, bits_per_s, error);
}

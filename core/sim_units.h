/* sim_units: exact parsing and printing of integer quantities written with units
 * ("1.5ms", "64KiB", "10Mbps"). Values are fixed-point integers in a base unit
 * (nanoseconds, bytes, bits per second); decimals are accepted only when they give a
 * whole number of base units, so parsing never rounds. */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *name;   /* suffix as written, e.g. "ms" */
  int64_t mult;       /* base units per one of this unit */
} SimUnit;

/* A family of units: what the quantity is called in messages ("duration"), its units
 * ordered from largest to smallest for printing, a NULL-named terminator. */
typedef struct {
  const char *what;
  const SimUnit *units;
  const char *base_name;  /* the base unit, for "not a whole number of ns" */
} SimUnitSet;

extern const SimUnitSet sim_units_duration; /* ns us ms s min h (also µs) */
extern const SimUnitSet sim_units_size;     /* B KB KiB MB MiB GB GiB TB TiB */
extern const SimUnitSet sim_units_rate;     /* bps Kbps kbps Mbps Gbps Tbps */

/* Parses @text (surrounding blanks allowed) as a number with a unit of @set.
 * A bare "0" is accepted without unit. Fails with SIM_ERROR_SYNTAX (not a number),
 * SIM_ERROR_UNIT (missing or unknown unit, listing the known ones) or SIM_ERROR_RANGE
 * (overflow, finer than the base unit, or negative when @allow_negative is FALSE);
 * @out is untouched on failure. */
gboolean sim_units_parse(const SimUnitSet *set, const char *text, gboolean allow_negative,
                         int64_t *out, GError **error);

/* Writes @value in the largest unit of @set that shows it exactly with at most
 * 3 decimals ("1.5ms", "1.5KiB", "2KB"), else in the base unit; the result parses back
 * to @value. Zero prints in the base unit ("0ns").
 * Returns @buf. @len of SIM_UNITS_FMT_LEN always suffices. */
#define SIM_UNITS_FMT_LEN 40
char *sim_units_format(const SimUnitSet *set, int64_t value, char *buf, size_t len);

/* Conveniences over the sets above. */
gboolean sim_size_parse(const char *text, int64_t *bytes, GError **error);
gboolean sim_rate_parse(const char *text, int64_t *bits_per_s, GError **error);

G_END_DECLS

/* exp_sweep: the [sweep] section of an experiment file (and synack run --sweep): which
 * settings vary, the values each takes, which vary together, which combinations are
 * kept, expanded into the grid of points the experiment runs at.
 *
 * Each key of [sweep] names a setting, "section.key" (tcp.time_wait, link.loss,
 * link.access.up.hold, client.interarrival), and its value is one of
 *   v1, v2, ...        a list: each item as the key takes it, trimmed (a comma inside
 *                      parentheses, as in uniform(1ms, 2ms), does not split)
 *   start:stop:step    a range: numbers (integers for an integer key) or durations,
 *                      sizes, rates with units (0s:60s:15s); start, start + step, ... up
 *                      to stop, included when reached (exactly for integers and units,
 *                      within 1e-9 of a step for numbers); a negative step counts down
 *   log(a, b, n)       n >= 2 values from a to b (both > 0), evenly spaced in log, a and
 *                      b exact; integer, duration, size and rate keys get the values
 *                      rounded to whole base units, and two values equal once rounded
 *                      are an error
 * and two keys have a meaning of their own:
 *   zip = a, b; c, d   the keys of each group (swept keys, two or more, as many values
 *                      each) vary together: value i of each at once
 *   where = EXPR       a point is kept when EXPR holds; EXPR has exp_verdict.h's grammar
 *                      with references section.key (link.access.up.hold too) worth the
 *                      key's value at the point: durations in seconds, sizes in bytes,
 *                      rates in bit/s, probabilities and numbers as they are, booleans
 *                      0 or 1 (a key not swept has its value in the file and --set)
 * The grid is the cross product of the axes (a key, or a zip group standing where its
 * first key does) in the order the keys are given, the first varying slowest, filtered
 * by where. Keys of [experiment], [metrics], [verdict], [plot.*], [variant.*] cannot be
 * swept (they describe the whole experiment). */
#pragma once

#include <glib.h>
#include "sim_config.h"

G_BEGIN_DECLS

/* Points of a grid at most, before where: each runs every variant and replication, and
 * each (variant, point) holds a config of its own. */
#define EXP_SWEEP_MAX_POINTS 10000

typedef struct ExpSweep ExpSweep;

/* The values @text gives a key of type @type, as text the key's parser reads: a list's
 * items as written; a range's values formatted ("15s", "0.01", "32", "64KiB"). The
 * values are not checked against the key's spec (exp_sweep_parse does). NULL with
 * SIM_ERROR_INVALID and a message without location ("the range '0:1:0' has a zero
 * step") when @text is none of the three forms for that type. Owned strings. */
GPtrArray *exp_sweep_expand(SimKeyType type, const char *text, GError **error);

/* The sweep of an experiment: the keys of [sweep] in @cfg (the file and --set, read as
 * text, so @cfg need not be valid), in file order, then @cli ("section.key=values", as
 * synack run --sweep gives them: each replaces the key of that name where it stands, or
 * comes after the others). Every value is checked as its key takes it (empirical files
 * as said below). Each problem is appended to @problems as one line, "ORIGIN: [sweep]
 * KEY: what", ORIGIN a file:line or the --sweep item. NULL when nothing is swept or a
 * problem was found. The file's empirical(file) values are looked up from @base_dir,
 * --sweep's from the current folder. */
ExpSweep *exp_sweep_parse(const SimSchema *schema, const SimConfig *cfg,
                          const char *const *cli, const char *base_dir, GString *problems);
void exp_sweep_free(ExpSweep *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExpSweep, exp_sweep_free)

guint exp_sweep_n_keys(const ExpSweep *s);
const char *exp_sweep_key(const ExpSweep *s, guint i);      /* "tcp.time_wait" */
const char *exp_sweep_text(const ExpSweep *s, guint i);     /* its values as given */
const char *exp_sweep_origin(const ExpSweep *s, guint i);   /* "exp.ini:12", "--sweep ..." */
guint exp_sweep_n_values(const ExpSweep *s, guint i);
const char *exp_sweep_value(const ExpSweep *s, guint i, guint j);
/* The index of the swept key "@section.@key", or -1. */
int exp_sweep_find(const ExpSweep *s, const char *section, const char *key);
/* Points of the grid before where. */
guint exp_sweep_grid_size(const ExpSweep *s);
/* Sets @values[i] (pointers into @s, one per key) to the values of grid point @g. */
void exp_sweep_grid_point(const ExpSweep *s, guint g, const char **values);

/* Sets @values (one per key) on @cfg as overrides ("ORIGIN [sweep]"), empirical files
 * found as the key's own were. */
void exp_sweep_apply(const ExpSweep *s, const char *const *values, SimConfig *cfg);

/* The points kept by where, in grid order, each the values of its keys (GPtrArray of
 * NULL-terminated char **, g_strfreev as free function). @cfg holds the file and --set
 * and passed sim_config_validate; each grid point's values are set on it to evaluate
 * where (it is left with the last one's). An empty grid after where is a problem
 * ("... [sweep] where: no point of the 12 of the grid satisfies it"), and the array is
 * then empty. */
GPtrArray *exp_sweep_points(const ExpSweep *s, SimConfig *cfg, GString *problems);

/* Writes the sweep as given into [sweep] of @cfg, as overrides in key order (then zip
 * and where), so that sim_config_to_data() holds it and loads back to the same grid. */
void exp_sweep_write(const ExpSweep *s, SimConfig *cfg);

/* The text of [@section] @key in @cfg (validated) as a run takes it, following the
 * fallbacks ([link.ROLE.DIR] -> [link.ROLE] -> [link]; [tcp.ROLE] -> [tcp] -> the
 * preset) down to the schema's default; NULL when it has none. */
char *exp_sweep_effective_text(const SimConfig *cfg, const SimSchema *schema,
                               const char *section, const char *key);
/* @text as a number for a key of @type: durations in seconds, sizes in bytes, rates in
 * bit/s, booleans 0 or 1, others as they are; FALSE when it is not one. */
gboolean exp_sweep_text_number(SimKeyType type, const char *text, double *out);

G_END_DECLS

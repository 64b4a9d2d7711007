/* experiment: an experiment file loaded, checked as a whole, and expanded into the
 * configs of its variants and the plain list of runs (variant, point, replication) that
 * the runner executes. Nothing runs on an experiment that did not load: every problem of
 * the file, its variants, its overrides, its metric list and its verdict is reported at
 * once, each naming file, line, section and key.
 *
 * Precedence of values, lowest first: the schema's defaults (and the TCP preset), the
 * file, the variant's overrides, the sweep point's values ([sweep], exp_sweep.h, with
 * --sweep merged in), the command line's --set (which may not name a swept key). */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "exp_sweep.h"
#include "exp_verdict.h"
#include "sim_config.h"

G_BEGIN_DECLS

typedef struct {
  char *name;           /* NAME of [variant.NAME], or "base" when the file has none */
  SimConfig *cfg;       /* validated: what runs of this variant use */
} ExpVariant;

/* One point of the sweep grid: the value of each swept key there. */
typedef struct {
  char **values;        /* as written, one per Experiment.sweep_keys entry */
  char *label;          /* "tcp.time_wait=30s link.loss=0.01"; "" without a sweep */
} ExpPoint;

typedef struct {
  guint variant;        /* index into variants */
  uint64_t point;       /* index into points */
  uint64_t replication;
} ExpRunKey;

typedef struct {
  char *path;           /* as given */
  char *name;           /* [experiment] name, or the file's name without ".ini" */
  SimSchema *schema;
  SimConfig *base;      /* the file and --set, validated; variants not applied */
  GPtrArray *variants;  /* ExpVariant *, in file order; cfg: the variant at point 0 */
  char **sweep_keys;    /* "section.key" of each swept key, in column order (NULL-
                         * terminated; empty without [sweep]) */
  GPtrArray *points;    /* ExpPoint *, in enumeration order; one point without values
                         * when nothing is swept */
  GPtrArray *configs;   /* SimConfig *, validated: [variant * points->len + point]; NULL
                         * when nothing is swept (the variants' own are used) */
  ExpSweep *sweep;      /* [sweep] as parsed, --sweep merged in; NULL without */
  GArray *report;       /* guint metric indices (exp_run.h), in table order */
  ExpVerdict *verdict;  /* NULL when the file states none */
  char *expect;         /* its text */
  char **overrides;     /* the --set assignments, as given */
  char **sweeps;        /* the --sweep assignments, as given */
  uint64_t seed;
  guint replications;
} Experiment;

/* Loads @path with @overrides ("section.key=value", may be NULL). Errors: SIM_ERROR_IO
 * when the file cannot be read; otherwise one SIM_ERROR_INVALID (or SYNTAX) with one
 * line per problem. */
Experiment *experiment_load(const char *path, const char *const *overrides, GError **error);
/* The same with @sweeps ("section.key=values", may be NULL), as synack run --sweep gives
 * them: each adds a swept key or replaces the file's (exp_sweep.h). */
Experiment *experiment_load_swept(const char *path, const char *const *overrides,
                                  const char *const *sweeps, GError **error);
void experiment_free(Experiment *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Experiment, experiment_free)

/* Every run, variant-major: for each variant, each point, each replication. */
GArray *experiment_runs(const Experiment *e);

/* The validated config run (@variant, @point, any replication) uses. */
const SimConfig *experiment_config(const Experiment *e, guint variant, guint point);

/* The whole experiment as INI text: every key with its effective value (the TCP keys
 * under the preset included), the variants as given plus any TCP value a variant's
 * preset changes, the sweep with --sweep merged in. Loading it back runs the same
 * experiment: the same points, the same configs. */
char *experiment_resolved(const Experiment *e);

G_END_DECLS

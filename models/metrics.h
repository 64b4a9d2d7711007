/* metrics: the one table of what a run reports. Each metric is named once, with its
 * unit and meaning, for the CSV writer, the docs and the verdicts to read; values come
 * from the counters the models keep in Net (net.h) as things happen. */
#pragma once

#include <glib.h>
#include "net.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;     /* snake_case, unique: a CSV column */
  const char *unit;     /* "count", "bytes", "s" (seconds; connection-seconds for
                         * times summed over connections) */
  const char *doc;      /* one sentence */
} MetricDef;

/* The table, in report order; *n gets its length. */
const MetricDef *metrics_table(guint *n);
/* The index of metric @name, or -1. */
int metrics_find(const char *name);
/* Reads every metric of @net into @out (length: the table's), in table order. */
void metrics_read(const Net *net, double *out);

G_END_DECLS

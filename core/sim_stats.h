/* sim_stats: the statistics synack reports. Running summaries (count, sum, Welford mean
 * and variance, min, max) that merge across threads; time-weighted averages for state
 * occupancy; streaming quantiles (P-squared) and exact quantiles; Student-t confidence
 * intervals for a mean over replications. All O(1) per observation except the exact
 * quantile (O(n log n) over a stored sample). */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <glib.h>
#include "sim_time.h"

G_BEGIN_DECLS

/* Running summary of a sample. Zero-initialised (or sim_summary_init) is empty. */
typedef struct {
  uint64_t n;
  double sum;
  double mean;
  double m2;    /* sum of squared deviations from the mean (Welford) */
  double min;
  double max;
} SimSummary;

void sim_summary_init(SimSummary *s);
void sim_summary_add(SimSummary *s, double x);
/* Adds every observation of @from to @into (Chan et al.), as if added one by one. */
void sim_summary_merge(SimSummary *into, const SimSummary *from);
double sim_summary_mean(const SimSummary *s);      /* NaN when empty */
double sim_summary_variance(const SimSummary *s);  /* sample variance (n-1); NaN if n < 2 */
double sim_summary_stddev(const SimSummary *s);
/* Half-width of the two-sided 95 % Student-t confidence interval of the mean:
 * t(0.975, n-1) * s / sqrt(n). NaN if n < 2. */
double sim_summary_ci95(const SimSummary *s);

/* Quantile @p (0 < p < 1) of Student's t distribution with @df >= 1 degrees of freedom,
 * accurate to 1e-6 relative. */
double sim_student_t_quantile(double p, unsigned df);

/* Time-weighted average of a piecewise-constant quantity (e.g. connections in
 * TIME-WAIT): the value holds from each change until the next. */
typedef struct {
  SimTime start;
  SimTime last;
  double value;
  double area;   /* integral of value over [start, last], in value * ns */
  double max;
} SimTimeAvg;

void sim_time_avg_init(SimTimeAvg *a, SimTime start, double value);
/* The quantity becomes @value at @now (now >= the previous change). */
void sim_time_avg_set(SimTimeAvg *a, SimTime now, double value);
void sim_time_avg_add(SimTimeAvg *a, SimTime now, double delta);
/* Average over [start, now]; the current value if now == start. */
double sim_time_avg_mean(const SimTimeAvg *a, SimTime now);

/* P-squared streaming estimate of one quantile (Jain & Chlamtac 1985): five markers,
 * O(1) memory. Exact for the first five observations. */
typedef struct {
  double p;
  uint64_t n;
  double q[5];        /* marker heights */
  double pos[5];      /* marker positions (1-based) */
  double want[5];     /* desired positions */
  double dwant[5];    /* increments of the desired positions */
} SimP2;

void sim_p2_init(SimP2 *e, double p);
void sim_p2_add(SimP2 *e, double x);
double sim_p2_value(const SimP2 *e);  /* NaN when empty */

/* Exact quantile @p in [0, 1] of @values (sorted in place), linear interpolation
 * between order statistics (Hyndman & Fan type 7, as R and numpy default).
 * NaN when n == 0. */
double sim_quantile_exact(double *values, size_t n, double p);

G_END_DECLS

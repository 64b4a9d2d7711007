/* sim_dist: probability distributions written as text in experiment files:
 *   const(x)  uniform(a,b)  exp(mean)  normal(mu,sigma)  lognormal(mu,sigma)
 *   pareto(scale,shape)  empirical(file)
 * A distribution is either of plain numbers or of durations; for durations every
 * parameter that is a value carries a unit ("exp(10ms)", "uniform(1ms, 5ms)") and samples
 * are in nanoseconds. Sampling draws from a caller-owned SimRng, so the stream (and its
 * determinism) belongs to the component that samples. */
#pragma once

#include <stddef.h>
#include <glib.h>
#include "sim_rng.h"
#include "sim_time.h"

G_BEGIN_DECLS

typedef enum {
  SIM_DIST_NUMBER,    /* plain numbers: "exp(2.5)" */
  SIM_DIST_DURATION,  /* durations with units: "exp(10ms)"; samples in ns */
} SimDistDomain;

typedef enum {
  SIM_DIST_CONST,
  SIM_DIST_UNIFORM,
  SIM_DIST_EXP,
  SIM_DIST_NORMAL,
  SIM_DIST_LOGNORMAL,
  SIM_DIST_PARETO,
  SIM_DIST_EMPIRICAL,
} SimDistKind;

typedef struct SimDist SimDist;

/* Parses @text. For empirical(file), a relative file name is looked up under @base_dir
 * (NULL: the current directory). Errors (SIM_ERROR domain) name the problem: unknown
 * distribution (with the list of known ones), wrong number of parameters, a parameter
 * that is not a number or lacks a unit, an impossible parameter (negative mean,
 * b < a, sigma < 0, shape <= 0), an unreadable or empty empirical file (with its line).
 * Returns an owned SimDist or NULL. */
SimDist *sim_dist_parse(const char *text, SimDistDomain domain, const char *base_dir,
                        GError **error);

void sim_dist_free(SimDist *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimDist, sim_dist_free)

SimDistKind sim_dist_kind(const SimDist *d);
SimDistDomain sim_dist_domain(const SimDist *d);

/* One sample, in the domain's base unit (ns for durations). */
double sim_dist_sample(const SimDist *d, SimRng *r);

/* One sample as a duration: rounded to the nearest ns and clamped to [0, SIM_TIME_MAX]
 * (a normal delay can come out negative; a link cannot deliver before it sends). */
SimTime sim_dist_sample_time(const SimDist *d, SimRng *r);

/* Theoretical mean and variance (INFINITY where they do not exist, e.g. pareto with
 * shape <= 1 or <= 2), in base units. Tests compare sample moments against them. */
double sim_dist_mean(const SimDist *d);
double sim_dist_variance(const SimDist *d);

/* The canonical text of @d, which parses back to an equal distribution
 * ("exp(10ms)", "uniform(1, 2.5)"). Owned by the caller. */
char *sim_dist_to_string(const SimDist *d);

G_END_DECLS

/* sim_stats: running summaries, time-weighted averages, P-squared and exact quantiles,
 * and the Student-t quantile behind every confidence interval synack prints. Nothing
 * here allocates. Per-observation updates are O(1); the exact quantile sorts
 * (O(n log n)); a t quantile costs a few hundred floating-point steps at most. */
#include "sim_stats.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Running summary ---------------------------------------------------------------- */

void
sim_summary_init(SimSummary *s)
{
  g_return_if_fail(s != NULL);
  s->n = 0;
  s->sum = 0.0;
  s->mean = 0.0;
  s->m2 = 0.0;
  s->min = INFINITY;
  s->max = -INFINITY;
}

void
sim_summary_add(SimSummary *s, double x)
{
  g_return_if_fail(s != NULL);
  /* min and max come from the first value rather than from init, so that a summary
   * that was only zero-filled does not report min 0 for a sample of positive values */
  if (s->n == 0) {
    s->min = x;
    s->max = x;
  } else {
    if (x < s->min)
      s->min = x;
    if (x > s->max)
      s->max = x;
  }
  s->n++;
  s->sum += x;
  /* Welford: updating the mean and the squared deviations from it avoids the
   * catastrophic cancellation of sum(x^2) - n*mean^2 when the mean dwarfs the spread */
  double delta = x - s->mean;
  s->mean += delta / (double)s->n;
  s->m2 += delta * (x - s->mean);
}

void
sim_summary_merge(SimSummary *into, const SimSummary *from)
{
  g_return_if_fail(into != NULL && from != NULL);
  if (from->n == 0)
    return;
  if (into->n == 0) {
    *into = *from;
    return;
  }
  /* Chan, Golub & LeVeque's pairwise update: the combined M2 is the two M2s plus the
   * spread between the two means, weighted by how many observations each side holds */
  double na = (double)into->n, nb = (double)from->n, n = na + nb;
  double delta = from->mean - into->mean;
  double m2 = into->m2 + from->m2 + delta * delta * (na * nb / n);
  into->mean += delta * (nb / n);
  into->m2 = m2;
  into->n += from->n;
  into->sum += from->sum;
  if (from->min < into->min)
    into->min = from->min;
  if (from->max > into->max)
    into->max = from->max;
}

double
sim_summary_mean(const SimSummary *s)
{
  g_return_val_if_fail(s != NULL, NAN);
  return s->n == 0 ? NAN : s->mean;
}

double
sim_summary_variance(const SimSummary *s)
{
  g_return_val_if_fail(s != NULL, NAN);
  return s->n < 2 ? NAN : s->m2 / (double)(s->n - 1);
}

double
sim_summary_stddev(const SimSummary *s)
{
  return sqrt(sim_summary_variance(s));
}

double
sim_summary_ci95(const SimSummary *s)
{
  g_return_val_if_fail(s != NULL, NAN);
  if (s->n < 2)
    return NAN;
  /* past 2^32 - 1 degrees of freedom t(0.975) equals the normal quantile to far more
   * digits than any simulation's sampling error, so clamping df loses nothing */
  uint64_t df = s->n - 1;
  unsigned dfu = df > UINT_MAX ? UINT_MAX : (unsigned)df;
  return sim_student_t_quantile(0.975, dfu) * sim_summary_stddev(s) / sqrt((double)s->n);
}

/* ---- Student's t quantile ----------------------------------------------------------- */

/* Regularised incomplete beta I_x(a, b) with y = 1 - x passed separately (the caller
 * can compute it without cancellation). Evaluates the continued fraction of DLMF
 * 8.17.22 by the modified Lentz method on whichever of I_x(a,b) and I_y(b,a) = 1 - I_x(a,b)
 * lies on the fast side of the fraction's convergence boundary, and sets *complement to
 * 1 - I_x(a,b); the directly evaluated one of the pair carries full relative accuracy.
 * For the t distribution's b = 1/2 it stops after at most ~50 terms for df <= 10^4
 * (6 at df = 3). lgamma_r rather than lgamma: the latter writes the global signgam,
 * a data race when replications are summarised on several threads. */
static double
incomplete_beta(double a, double b, double x, double y, double *complement)
{
  if (x <= 0.0) {
    *complement = 1.0;
    return 0.0;
  }
  if (y <= 0.0) {
    *complement = 0.0;
    return 1.0;
  }
  gboolean swapped = x > (a + 1.0) / (a + b + 2.0);
  if (swapped) {
    double t = a;
    a = b;
    b = t;
    t = x;
    x = y;
    y = t;
  }
  /* prefactor x^a y^b / (a B(a, b)), in logs so that large a cannot overflow */
  int sign;
  double log_beta = lgamma_r(a, &sign) + lgamma_r(b, &sign) - lgamma_r(a + b, &sign);
  /* log1p of the small partner keeps log of a value near 1 accurate; at a = 5000 a
   * plain log(x) would put about 5e-13 of error into the exponent through the factor a */
  double log_x = x < 0.5 ? log(x) : log1p(-y);
  double log_y = y < 0.5 ? log(y) : log1p(-x);
  double log_front = a * log_x + b * log_y - log_beta - log(a);
  const double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (fabs(d) < tiny)
    d = tiny;
  d = 1.0 / d;
  double frac = d;
  for (int m = 1; m < 200000; m++) {
    double mm = (double)m;
    /* even step: m (b - m) x / ((a + 2m - 1)(a + 2m)) */
    double num = mm * (b - mm) * x / ((a + 2.0 * mm - 1.0) * (a + 2.0 * mm));
    d = 1.0 + num * d;
    c = 1.0 + num / c;
    if (fabs(d) < tiny)
      d = tiny;
    if (fabs(c) < tiny)
      c = tiny;
    d = 1.0 / d;
    frac *= d * c;
    /* odd step: -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) */
    num = -(a + mm) * (a + b + mm) * x / ((a + 2.0 * mm) * (a + 2.0 * mm + 1.0));
    d = 1.0 + num * d;
    c = 1.0 + num / c;
    if (fabs(d) < tiny)
      d = tiny;
    if (fabs(c) < tiny)
      c = tiny;
    d = 1.0 / d;
    double step = d * c;
    frac *= step;
    if (fabs(step - 1.0) < 1e-15)
      break;
  }
  double direct = exp(log_front) * frac;
  if (swapped) {
    *complement = direct;
    return 1.0 - direct;
  }
  *complement = 1.0 - direct;
  return direct;
}

/* For t >= 0: *upper = P(T > t) and *central = P(|T| < t) = 1 - 2 * upper, each
 * accurate relative to its own size (whichever is small is computed directly). */
static void
student_t_tails(double t, double df, double *upper, double *central)
{
  double t2 = t * t;
  double x = df / (df + t2), y = t2 / (df + t2);
  double c;
  double ix = incomplete_beta(0.5 * df, 0.5, x, y, &c);
  *upper = 0.5 * ix;
  *central = c;
}

static double
student_t_density(double t, double df)
{
  int sign;
  double log_norm = lgamma_r(0.5 * (df + 1.0), &sign) - lgamma_r(0.5 * df, &sign) -
                    0.5 * log(df * G_PI);
  return exp(log_norm - 0.5 * (df + 1.0) * log1p(t * t / df));
}

/* Standard normal quantile for p in [1/2, 1). A rational approximation (Abramowitz &
 * Stegun 26.2.23, |error| < 4.5e-4) is polished by three Newton steps against erfc() or
 * erf(), which libm evaluates to the last bits; as for t below, the residual is taken
 * in whichever of 1 - p and 2p - 1 is small, so it keeps its relative accuracy. */
static double
normal_quantile_upper_half(double p)
{
  double q = 1.0 - p, central_want = 2.0 * p - 1.0;
  double w = sqrt(-2.0 * log(q));
  double z = w - (2.515517 + w * (0.802853 + w * 0.010328)) /
                   (1.0 + w * (1.432788 + w * (0.189269 + w * 0.001308)));
  for (int i = 0; i < 3; i++) {
    double r = q < 0.25 ? 0.5 * erfc(z / G_SQRT2) - q
                        : 0.5 * (central_want - erf(z / G_SQRT2));
    z += r / (exp(-0.5 * z * z) / sqrt(2.0 * G_PI));
  }
  return z;
}

/* Cornish-Fisher expansion of t in powers of 1/df around the normal quantile z
 * (Abramowitz & Stegun 26.7.5). Its error falls as df^-5: about 1e-7 relative at
 * df = 50, 1e-13 at df = 1000 and below double precision past df = 10^4 (checked
 * against a 40-digit reference over p in [0.5, 0.9999]). */
static double
student_t_cornish_fisher(double z, double df)
{
  double z2 = z * z;
  double g1 = z * (z2 + 1.0) / 4.0;
  double g2 = z * ((5.0 * z2 + 16.0) * z2 + 3.0) / 96.0;
  double g3 = z * (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) / 384.0;
  double g4 = z * ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) / 92160.0;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

double
sim_student_t_quantile(double p, unsigned df)
{
  g_return_val_if_fail(p > 0.0 && p < 1.0, NAN);
  g_return_val_if_fail(df >= 1, NAN);
  if (p == 0.5)
    return 0.0;
  if (p < 0.5)
    return -sim_student_t_quantile(1.0 - p, df);

  /* closed forms: t_1 is Cauchy, and t_2 has F(t) = 1/2 + t / (2 sqrt(2 + t^2)) */
  if (df == 1)
    return tan(G_PI * (p - 0.5));
  if (df == 2)
    return (2.0 * p - 1.0) * sqrt(2.0 / (4.0 * p * (1.0 - p)));

  /* Large df: the expansion is exact to double precision, while the CDF below would
   * lose digits to lgamma of a huge argument (at df = 4e9 only six survive). */
  double dfd = (double)df;
  double z = normal_quantile_upper_half(p);
  if (df > 10000)
    return student_t_cornish_fisher(z, dfd);

  /* Safeguarded Newton on the exact CDF. The residual is taken in the upper tail when
   * p is near 1 and in the central probability when p is near 1/2, so that the target
   * (1 - p or 2p - 1, both exact in binary for p in [1/2, 1)) is never swamped by
   * rounding. The tail is convex in t, so from below the iteration climbs monotonically;
   * the bracket [lo, hi] catches steps that overshoot from above. From the expansion's
   * start it takes 1-5 CDF evaluations over p in [0.5, 0.9999], each at most ~50
   * continued-fraction terms. */
  double q = 1.0 - p, central_want = 2.0 * p - 1.0;
  gboolean use_tail = q < 0.25;
  double t = student_t_cornish_fisher(z, dfd);
  double lo = 0.0, hi = INFINITY;
  if (!(t > 0.0) || !isfinite(t))
    t = 1.0;
  for (int iter = 0; iter < 200; iter++) {
    double upper, central;
    student_t_tails(t, dfd, &upper, &central);
    /* r > 0 means t is still below the quantile */
    double r = use_tail ? upper - q : (central_want - central) / 2.0;
    if (r > 0.0)
      lo = t;
    else if (r < 0.0)
      hi = t;
    else
      return t;
    double next = t + r / student_t_density(t, dfd);
    /* the residual is only good to about 1e-12 relative (lgamma of arguments in the
     * thousands carries that much absolute error), so steps below that are noise */
    if (fabs(next - t) <= 1e-12 * t)
      return next;
    if (!(next > lo && next < hi))
      next = isfinite(hi) ? 0.5 * (lo + hi) : 2.0 * t;
    t = next;
  }
  return t;
}

/* ---- Time-weighted average ---------------------------------------------------------- */

void
sim_time_avg_init(SimTimeAvg *a, SimTime start, double value)
{
  g_return_if_fail(a != NULL);
  a->start = start;
  a->last = start;
  a->value = value;
  a->area = 0.0;
  a->max = value;
}

void
sim_time_avg_set(SimTimeAvg *a, SimTime now, double value)
{
  g_return_if_fail(a != NULL);
  g_return_if_fail(now >= a->last);
  a->area += a->value * (double)(now - a->last);
  a->last = now;
  a->value = value;
  if (value > a->max)
    a->max = value;
}

void
sim_time_avg_add(SimTimeAvg *a, SimTime now, double delta)
{
  g_return_if_fail(a != NULL);
  sim_time_avg_set(a, now, a->value + delta);
}

double
sim_time_avg_mean(const SimTimeAvg *a, SimTime now)
{
  g_return_val_if_fail(a != NULL, NAN);
  g_return_val_if_fail(now >= a->last, NAN);
  if (now == a->start)
    return a->value;
  double area = a->area + a->value * (double)(now - a->last);
  return area / (double)(now - a->start);
}

/* ---- Order statistics --------------------------------------------------------------- */

/* Type-7 quantile of an ascending array of n >= 1 values. The interpolation is skipped
 * when h falls on an order statistic, so that infinite neighbours do not give inf - inf. */
static double
sorted_quantile(const double *x, size_t n, double p)
{
  double h = (double)(n - 1) * p;
  double fl = floor(h);
  size_t lo = (size_t)fl;
  if (lo >= n - 1)
    return x[n - 1];
  double frac = h - fl;
  if (frac == 0.0)
    return x[lo];
  return x[lo] + frac * (x[lo + 1] - x[lo]);
}

/* Orders NaN after every number (and equal to another NaN) so that qsort sees a total
 * order: with a plain < comparison a NaN would make the order, and the result,
 * depend on where it happened to sit. */
static int
compare_double(const void *pa, const void *pb)
{
  double a = *(const double *)pa, b = *(const double *)pb;
  if (isnan(a) || isnan(b))
    return isnan(a) - isnan(b);
  return (a > b) - (a < b);
}

double
sim_quantile_exact(double *values, size_t n, double p)
{
  g_return_val_if_fail(values != NULL || n == 0, NAN);
  g_return_val_if_fail(p >= 0.0 && p <= 1.0, NAN);
  if (n == 0)
    return NAN;
  /* O(n log n). NaNs sort last, so a quantile that reaches them is NaN. */
  qsort(values, n, sizeof *values, compare_double);
  return sorted_quantile(values, n, p);
}

/* ---- P-squared ---------------------------------------------------------------------- */

void
sim_p2_init(SimP2 *e, double p)
{
  g_return_if_fail(e != NULL);
  g_return_if_fail(p > 0.0 && p < 1.0);
  memset(e, 0, sizeof *e);
  e->p = p;
}

/* Piecewise-parabolic prediction of marker i's height moved by d (+1 or -1) positions:
 * the parabola through markers i-1, i, i+1 (Jain & Chlamtac, eq. for q_i'). */
static double
p2_parabolic(const SimP2 *e, int i, double d)
{
  const double *q = e->q, *n = e->pos;
  return q[i] + d / (n[i + 1] - n[i - 1]) *
                    ((n[i] - n[i - 1] + d) * (q[i + 1] - q[i]) / (n[i + 1] - n[i]) +
                     (n[i + 1] - n[i] - d) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]));
}

static double
p2_linear(const SimP2 *e, int i, int d)
{
  return e->q[i] + (double)d * (e->q[i + d] - e->q[i]) / (e->pos[i + d] - e->pos[i]);
}

void
sim_p2_add(SimP2 *e, double x)
{
  g_return_if_fail(e != NULL);
  g_return_if_fail(!isnan(x));
  if (e->n < 5) {
    /* the first five observations are kept sorted in the marker heights; they are
     * the exact sample until the markers start to move */
    int i = (int)e->n;
    while (i > 0 && e->q[i - 1] > x) {
      e->q[i] = e->q[i - 1];
      i--;
    }
    e->q[i] = x;
    e->n++;
    if (e->n == 5) {
      double p = e->p;
      for (int k = 0; k < 5; k++)
        e->pos[k] = (double)(k + 1);
      e->want[0] = 1.0;
      e->want[1] = 1.0 + 2.0 * p;
      e->want[2] = 1.0 + 4.0 * p;
      e->want[3] = 3.0 + 2.0 * p;
      e->want[4] = 5.0;
      e->dwant[0] = 0.0;
      e->dwant[1] = p / 2.0;
      e->dwant[2] = p;
      e->dwant[3] = (1.0 + p) / 2.0;
      e->dwant[4] = 1.0;
    }
    return;
  }

  /* find the cell k with q[k] <= x < q[k+1], stretching the extremes if needed */
  int k;
  if (x < e->q[0]) {
    e->q[0] = x;
    k = 0;
  } else if (x >= e->q[4]) {
    e->q[4] = x;
    k = 3;
  } else {
    k = 0;
    while (x >= e->q[k + 1])
      k++;
  }
  for (int i = k + 1; i < 5; i++)
    e->pos[i] += 1.0;
  for (int i = 0; i < 5; i++)
    e->want[i] += e->dwant[i];
  e->n++;

  /* move each middle marker at most one position toward where it should be, as long
   * as that does not make it collide with a neighbour */
  for (int i = 1; i <= 3; i++) {
    double off = e->want[i] - e->pos[i];
    if ((off >= 1.0 && e->pos[i + 1] - e->pos[i] > 1.0) ||
        (off <= -1.0 && e->pos[i - 1] - e->pos[i] < -1.0)) {
      int d = off > 0.0 ? 1 : -1;
      double h = p2_parabolic(e, i, (double)d);
      /* the parabola can overshoot a neighbour when heights are very uneven; the
       * linear prediction keeps the markers ordered */
      if (!(e->q[i - 1] < h && h < e->q[i + 1]))
        h = p2_linear(e, i, d);
      e->q[i] = h;
      e->pos[i] += (double)d;
    }
  }
}

double
sim_p2_value(const SimP2 *e)
{
  g_return_val_if_fail(e != NULL, NAN);
  if (e->n == 0)
    return NAN;
  if (e->n <= 5)
    return sorted_quantile(e->q, (size_t)e->n, e->p);
  return e->q[2];
}

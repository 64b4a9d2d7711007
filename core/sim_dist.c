/* sim_dist: parsing, sampling and printing of the distributions declared in sim_dist.h.
 * A distribution is a kind plus two doubles in base units (ns for durations); an
 * empirical one also holds its table. */
#include "sim_dist.h"
#include "sim_suggest.h"
#include "sim_error.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Parameter rules, the same in both domains:
 *   - location parameters (const x, uniform a and b, normal mu, empirical values) may be
 *     negative: sim_dist_sample() can feed an offset such as jitter, and
 *     sim_dist_sample_time() clamps at 0 anyway;
 *   - scale parameters must be positive (exp mean, lognormal median, pareto scale and
 *     shape) or non-negative (sigma);
 *   - lognormal differs between domains: for plain numbers lognormal(mu, sigma) takes
 *     the log-space mu (the median is e^mu); for durations lognormal(median, sigma)
 *     takes the median e^mu as a duration. sigma is a plain log-space number in both,
 *     and pareto's shape is a plain number in both.
 * Samples of uniform(a, b) lie in [a, b]: a + (b - a) U with U < 1 can still round to b. */

/* An empirical distribution: values with cumulative weights, sampled by bisecting a
 * uniform draw over the cumulative table (O(log n) per sample, O(n) memory). */
typedef struct {
  char *file;        /* as written in the text, so that to_string gives it back */
  size_t n;
  double *values;
  double *cum;       /* cum[i] = w[0] + ... + w[i]; cum[n - 1] is the total weight */
  double mean;
  double variance;
} EmpiricalTable;

struct SimDist {
  SimDistKind kind;
  SimDistDomain domain;
  /* in base units: const (x), uniform (a, b), exp (mean), normal (mu, sigma),
   * lognormal (mu or, for durations, median; sigma), pareto (scale, shape) */
  double a, b;
  EmpiricalTable *table;  /* empirical only */
};

/* Indexed by SimDistKind. A "plain" parameter is a number even among durations. */
static const struct {
  const char *name;
  guint nparams;
  const char *params[2];
  gboolean plain[2];
} kinds[] = {
  [SIM_DIST_CONST] = { "const", 1, { "x", NULL }, { FALSE, FALSE } },
  [SIM_DIST_UNIFORM] = { "uniform", 2, { "a", "b" }, { FALSE, FALSE } },
  [SIM_DIST_EXP] = { "exp", 1, { "mean", NULL }, { FALSE, FALSE } },
  [SIM_DIST_NORMAL] = { "normal", 2, { "mu", "sigma" }, { FALSE, FALSE } },
  [SIM_DIST_LOGNORMAL] = { "lognormal", 2, { "mu", "sigma" }, { FALSE, TRUE } },
  [SIM_DIST_PARETO] = { "pareto", 2, { "scale", "shape" }, { FALSE, TRUE } },
  [SIM_DIST_EMPIRICAL] = { "empirical", 1, { "file", NULL }, { FALSE, FALSE } },
};

static const char *
param_name(SimDistKind kind, SimDistDomain domain, guint i)
{
  if (kind == SIM_DIST_LOGNORMAL && domain == SIM_DIST_DURATION && i == 0)
    return "median";
  return kinds[kind].params[i];
}

/* "exp(mean)", "lognormal(median, sigma)": the form that syntax errors show. */
static char *
kind_usage(SimDistKind kind, SimDistDomain domain)
{
  GString *s = g_string_new(kinds[kind].name);
  g_string_append_c(s, '(');
  for (guint i = 0; i < kinds[kind].nparams; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "", param_name(kind, domain, i));
  g_string_append_c(s, ')');
  return g_string_free(s, FALSE);
}

/* ---- parameters -------------------------------------------------------------------- */

/* A finite plain number making up all of @token. */
static gboolean
parse_number(const char *token, double *out, GError **error)
{
  if (*token == '\0') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "missing value: expected a number");
    return FALSE;
  }
  char *end = NULL;
  double x = g_ascii_strtod(token, &end);
  if (end == token || *end != '\0') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "'%s' is not a number", token);
    return FALSE;
  }
  if (!isfinite(x)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE, "'%s' is not a finite number", token);
    return FALSE;
  }
  *out = x;
  return TRUE;
}

/* A value of @domain (number, or duration in ns). Negative durations are let through:
 * which parameters may be negative is decided per kind, with the parameter's name. */
static gboolean
parse_value(const char *token, SimDistDomain domain, gboolean plain, double *out,
            GError **error)
{
  if (domain == SIM_DIST_NUMBER || plain)
    return parse_number(token, out, error);
  if (*token == '\0') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "missing value: expected a duration");
    return FALSE;
  }
  SimTime t;
  if (!sim_time_parse(token, TRUE, &t, error))
    return FALSE;
  *out = (double)t;
  return TRUE;
}

/* ---- unknown names ---------------------------------------------------------------- */

/* The kind name a misspelt @name was probably meant to be, or NULL. */
static const char *
closest_kind_name(const char *name)
{
  const char *names[G_N_ELEMENTS(kinds)];
  for (guint k = 0; k < G_N_ELEMENTS(kinds); k++)
    names[k] = kinds[k].name;
  return sim_suggest(name, names, G_N_ELEMENTS(kinds));
}

static void
set_unknown_kind_error(const char *text, const char *name, gboolean has_paren,
                       SimDistDomain domain, GError **error)
{
  GString *known = g_string_new(NULL);
  for (guint k = 0; k < G_N_ELEMENTS(kinds); k++)
    g_string_append_printf(known, "%s%s", k ? ", " : "", kinds[k].name);
  const char *guess = closest_kind_name(name);
  g_autofree char *hint = NULL;
  if (guess != NULL) {
    hint = g_strdup_printf("; did you mean '%s'?", guess);
  } else if (!has_paren) {
    /* a bare value ("10ms") is most likely meant as a constant */
    double x;
    if (parse_value(name, domain, FALSE, &x, NULL))
      hint = g_strdup_printf("; a fixed value is written const(%s)", name);
  }
  g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
              "'%s': unknown distribution '%s'%s (known: %s)", text, name,
              hint ? hint : "", known->str);
  g_string_free(known, TRUE);
}

/* ---- empirical tables ------------------------------------------------------------- */

static void
empirical_free(EmpiricalTable *t)
{
  if (t == NULL)
    return;
  g_free(t->file);
  g_free(t->values);
  g_free(t->cum);
  g_free(t);
}

/* One line "value [weight]", comment and surrounding blanks already stripped, not
 * empty. Cuts @line in two in place. */
static gboolean
empirical_parse_line(char *line, SimDistDomain domain, const char *path, guint lineno,
                     double *value, double *weight, GError **error)
{
  const char *what = domain == SIM_DIST_DURATION ? "duration" : "number";
  char *value_end = line;
  while (*value_end && !isspace((unsigned char)*value_end))
    value_end++;
  char *weight_text = value_end;
  while (isspace((unsigned char)*weight_text))
    weight_text++;
  for (const char *p = weight_text; *p; p++) {
    if (isspace((unsigned char)*p)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                  "%s:%u: expected a %s and an optional positive weight, got '%s'", path,
                  lineno, what, line);
      return FALSE;
    }
  }
  *value_end = '\0';

  GError *local = NULL;
  if (!parse_value(line, domain, FALSE, value, &local)) {
    g_propagate_prefixed_error(error, local,
                               "%s:%u: expected a %s and an optional positive weight: ", path,
                               lineno, what);
    return FALSE;
  }
  *weight = 1.0;
  if (*weight_text != '\0') {
    if (!parse_number(weight_text, weight, &local)) {
      g_propagate_prefixed_error(error, local,
                                 "%s:%u: expected a positive weight after the %s: ", path,
                                 lineno, what);
      return FALSE;
    }
    if (!(*weight > 0)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE, "%s:%u: weight '%s' must be > 0", path,
                  lineno, weight_text);
      return FALSE;
    }
  }
  return TRUE;
}

/* Reads @file (relative names under @base_dir). Costs O(size of the file). */
static EmpiricalTable *
empirical_load(const char *file, SimDistDomain domain, const char *base_dir, GError **error)
{
  g_autofree char *path = (base_dir == NULL || g_path_is_absolute(file))
                            ? g_strdup(file)
                            : g_build_filename(base_dir, file, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  GError *io = NULL;
  if (!g_file_get_contents(path, &contents, &len, &io)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot read empirical file '%s': %s", path,
                io->message);
    g_error_free(io);
    return NULL;
  }
  if (memchr(contents, '\0', len) != NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                "empirical file '%s' is not a text file (it contains a NUL byte)", path);
    return NULL;
  }

  g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(double));
  g_autoptr(GArray) cum = g_array_new(FALSE, FALSE, sizeof(double));
  double total = 0;
  guint lineno = 0;
  for (char *line = contents; line != NULL;) {
    char *next = strchr(line, '\n');
    if (next != NULL)
      *next++ = '\0';
    lineno++;
    char *hash = strchr(line, '#');
    if (hash != NULL)
      *hash = '\0';
    g_strstrip(line);
    if (*line != '\0') {
      double value, weight;
      if (!empirical_parse_line(line, domain, path, lineno, &value, &weight, error))
        return NULL;
      total += weight;
      if (!isfinite(total)) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE,
                    "%s:%u: the total weight overflows", path, lineno);
        return NULL;
      }
      g_array_append_val(values, value);
      g_array_append_val(cum, total);
    }
    line = next;
  }
  if (values->len == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                "empirical file '%s' is empty: expected one %s per line, with an optional "
                "weight", path, domain == SIM_DIST_DURATION ? "duration" : "number");
    return NULL;
  }

  EmpiricalTable *t = g_new0(EmpiricalTable, 1);
  t->file = g_strdup(file);
  t->n = values->len;
  t->values = (double *)g_array_free(g_steal_pointer(&values), FALSE);
  t->cum = (double *)g_array_free(g_steal_pointer(&cum), FALSE);
  /* weights as fractions of the total, so that no product overflows on its way to a
   * finite mean; two passes for a variance free of cancellation */
  double mean = 0, var = 0, prev = 0;
  for (size_t i = 0; i < t->n; i++) {
    mean += (t->cum[i] - prev) / total * t->values[i];
    prev = t->cum[i];
  }
  prev = 0;
  for (size_t i = 0; i < t->n; i++) {
    double dev = t->values[i] - mean;
    var += (t->cum[i] - prev) / total * dev * dev;
    prev = t->cum[i];
  }
  t->mean = mean;
  t->variance = var;
  return t;
}

static double
empirical_draw(const EmpiricalTable *t, SimRng *r)
{
  double u = sim_rng_uniform(r) * t->cum[t->n - 1];
  /* the first entry whose cumulative weight exceeds u; u * total may round up to the
   * total itself, which lands on the last entry */
  size_t lo = 0, hi = t->n - 1;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->cum[mid] > u)
      hi = mid;
    else
      lo = mid + 1;
  }
  return t->values[lo];
}

/* ---- parsing ----------------------------------------------------------------------- */

static gboolean
set_range_error(GError **error, const char *text, const char *param, SimDistKind kind,
                const char *rule, const char *token)
{
  g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE, "'%s': %s of %s must be %s, got %s", text,
              param, kinds[kind].name, rule, token);
  return FALSE;
}

/* Checks the parameters of a parsed distribution against what its kind allows; the
 * comparisons are written so that they fail on NaN too. */
static gboolean
check_ranges(const SimDist *d, const char *text, char **tokens, GError **error)
{
  const char *p0 = param_name(d->kind, d->domain, 0);
  const char *p1 = kinds[d->kind].params[1];
  switch (d->kind) {
  case SIM_DIST_CONST:
  case SIM_DIST_EMPIRICAL:
    return TRUE;
  case SIM_DIST_UNIFORM:
    if (!(d->a <= d->b)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE,
                  "'%s': uniform needs a <= b, but b (%s) is less than a (%s)", text,
                  tokens[1], tokens[0]);
      return FALSE;
    }
    if (!isfinite(d->b - d->a)) {
      /* a + (b - a) * U would be inf, or NaN when U is 0 */
      g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE,
                  "'%s': the width b - a of uniform is too large to compute", text);
      return FALSE;
    }
    return TRUE;
  case SIM_DIST_EXP:
    if (!(d->a > 0))
      return set_range_error(error, text, p0, d->kind, "> 0", tokens[0]);
    return TRUE;
  case SIM_DIST_NORMAL:
    if (!(d->b >= 0))
      return set_range_error(error, text, p1, d->kind, ">= 0", tokens[1]);
    return TRUE;
  case SIM_DIST_LOGNORMAL:
    /* a plain lognormal's mu is a logarithm and may be anything; a median may not */
    if (d->domain == SIM_DIST_DURATION && !(d->a > 0))
      return set_range_error(error, text, p0, d->kind, "> 0", tokens[0]);
    if (!(d->b >= 0))
      return set_range_error(error, text, p1, d->kind, ">= 0", tokens[1]);
    return TRUE;
  case SIM_DIST_PARETO:
    if (!(d->a > 0))
      return set_range_error(error, text, p0, d->kind, "> 0", tokens[0]);
    if (!(d->b > 0))
      return set_range_error(error, text, p1, d->kind, "> 0", tokens[1]);
    return TRUE;
  }
  g_assert_not_reached();
}

static gboolean
lookup_kind(const char *name, SimDistKind *kind)
{
  for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
    if (strcmp(name, kinds[k].name) == 0) {
      *kind = (SimDistKind)k;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
is_blank(const char *s)
{
  for (; *s; s++)
    if (!isspace((unsigned char)*s))
      return FALSE;
  return TRUE;
}

SimDist *
sim_dist_parse(const char *text_in, SimDistDomain domain, const char *base_dir,
               GError **error)
{
  g_return_val_if_fail(domain == SIM_DIST_NUMBER || domain == SIM_DIST_DURATION, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (text_in == NULL || is_blank(text_in)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                "empty distribution: expected name(parameters), e.g. %s",
                domain == SIM_DIST_DURATION ? "exp(10ms)" : "exp(2.5)");
    return NULL;
  }
  /* messages quote the text without the blanks around it */
  g_autofree char *text = g_strstrip(g_strdup(text_in));

  const char *open = strchr(text, '(');
  g_autofree char *name =
    g_strstrip(g_strndup(text, open ? (gsize)(open - text) : strlen(text)));
  if (*name == '\0') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                "'%s': missing distribution name before '('", text);
    return NULL;
  }
  SimDistKind kind;
  if (!lookup_kind(name, &kind)) {
    set_unknown_kind_error(text, name, open != NULL, domain, error);
    return NULL;
  }
  g_autofree char *usage = kind_usage(kind, domain);
  if (open == NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "'%s': missing '(': expected %s", text,
                usage);
    return NULL;
  }
  /* An empirical file name runs to the last ')', so it may hold parentheses and commas;
   * numbers end at the first one. */
  const char *close = kind == SIM_DIST_EMPIRICAL ? strrchr(open, ')') : strchr(open, ')');
  if (close == NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "'%s': missing ')': expected %s", text,
                usage);
    return NULL;
  }
  g_autofree char *inside = g_strstrip(g_strndup(open + 1, (gsize)(close - open - 1)));
  if (kind != SIM_DIST_EMPIRICAL && strchr(inside, '(') != NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "'%s': unexpected '(' inside: expected %s",
                text, usage);
    return NULL;
  }
  if (!is_blank(close + 1)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                "'%s': unexpected text '%s' after ')': expected %s", text, close + 1, usage);
    return NULL;
  }

  g_auto(GStrv) tokens = NULL;
  guint ntokens = 0;
  if (*inside != '\0') {
    if (kind == SIM_DIST_EMPIRICAL) {
      tokens = g_new0(char *, 2);
      tokens[0] = g_strdup(inside);
    } else {
      tokens = g_strsplit(inside, ",", -1);
    }
    ntokens = g_strv_length(tokens);
    for (guint i = 0; i < ntokens; i++)
      g_strstrip(tokens[i]);
  }
  if (ntokens != kinds[kind].nparams) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                "'%s': %s takes %u parameter%s (%s), got %u", text, kinds[kind].name,
                kinds[kind].nparams, kinds[kind].nparams == 1 ? "" : "s", usage, ntokens);
    return NULL;
  }

  g_autoptr(SimDist) d = g_new0(SimDist, 1);
  d->kind = kind;
  d->domain = domain;
  if (kind == SIM_DIST_EMPIRICAL) {
    d->table = empirical_load(tokens[0], domain, base_dir, error);
    return d->table ? g_steal_pointer(&d) : NULL;
  }
  double *params[2] = { &d->a, &d->b };
  for (guint i = 0; i < ntokens; i++) {
    GError *local = NULL;
    if (!parse_value(tokens[i], domain, kinds[kind].plain[i], params[i], &local)) {
      g_propagate_prefixed_error(error, local, "'%s': parameter '%s' of %s: ", text,
                                 param_name(kind, domain, i), kinds[kind].name);
      return NULL;
    }
  }
  if (!check_ranges(d, text, tokens, error))
    return NULL;
  return g_steal_pointer(&d);
}

void
sim_dist_free(SimDist *d)
{
  if (d == NULL)
    return;
  empirical_free(d->table);
  g_free(d);
}

SimDistKind
sim_dist_kind(const SimDist *d)
{
  g_return_val_if_fail(d != NULL, SIM_DIST_CONST);
  return d->kind;
}

SimDistDomain
sim_dist_domain(const SimDist *d)
{
  g_return_val_if_fail(d != NULL, SIM_DIST_NUMBER);
  return d->domain;
}

/* ---- sampling ---------------------------------------------------------------------- */

double
sim_dist_sample(const SimDist *d, SimRng *r)
{
  g_return_val_if_fail(d != NULL && r != NULL, NAN);
  switch (d->kind) {
  case SIM_DIST_CONST:
    return d->a;
  case SIM_DIST_UNIFORM:
    return d->a + (d->b - d->a) * sim_rng_uniform(r);
  case SIM_DIST_EXP:
    return sim_rng_exp(r, d->a);
  case SIM_DIST_NORMAL:
    return d->a + d->b * sim_rng_normal(r);
  case SIM_DIST_LOGNORMAL:
    if (d->domain == SIM_DIST_DURATION)
      return d->a * exp(d->b * sim_rng_normal(r));  /* median * e^(sigma Z) */
    return exp(d->a + d->b * sim_rng_normal(r));
  case SIM_DIST_PARETO:
    /* inversion; U in (0, 1] keeps the power finite except for extreme shapes, where
     * +inf is the honest answer */
    return d->a * pow(sim_rng_uniform_pos(r), -1.0 / d->b);
  case SIM_DIST_EMPIRICAL:
    return empirical_draw(d->table, r);
  }
  g_assert_not_reached();
}

SimTime
sim_dist_sample_time(const SimDist *d, SimRng *r)
{
  g_return_val_if_fail(d != NULL && r != NULL, 0);
  g_return_val_if_fail(d->domain == SIM_DIST_DURATION, 0);
  double ns = sim_dist_sample(d, r);
  if (!(ns > 0))        /* negative, zero, or a NaN no sampler should give */
    return 0;
  /* (double)SIM_TIME_MAX is 2^63, which does not fit back: converting it is UB */
  if (ns >= 0x1p63)
    return SIM_TIME_MAX;
  return (SimTime)round(ns);
}

/* ---- moments ----------------------------------------------------------------------- */

/* e^mu of a lognormal, whichever way it was written. */
static double
lognormal_median(const SimDist *d)
{
  return d->domain == SIM_DIST_DURATION ? d->a : exp(d->a);
}

double
sim_dist_mean(const SimDist *d)
{
  g_return_val_if_fail(d != NULL, NAN);
  switch (d->kind) {
  case SIM_DIST_CONST:
    return d->a;
  case SIM_DIST_UNIFORM:
    return d->a + (d->b - d->a) / 2;
  case SIM_DIST_EXP:
    return d->a;
  case SIM_DIST_NORMAL:
    return d->a;
  case SIM_DIST_LOGNORMAL:
    return lognormal_median(d) * exp(d->b * d->b / 2);
  case SIM_DIST_PARETO:
    return d->b > 1 ? d->a * d->b / (d->b - 1) : INFINITY;
  case SIM_DIST_EMPIRICAL:
    return d->table->mean;
  }
  g_assert_not_reached();
}

double
sim_dist_variance(const SimDist *d)
{
  g_return_val_if_fail(d != NULL, NAN);
  switch (d->kind) {
  case SIM_DIST_CONST:
    return 0;
  case SIM_DIST_UNIFORM:
    return (d->b - d->a) * (d->b - d->a) / 12;
  case SIM_DIST_EXP:
    return d->a * d->a;
  case SIM_DIST_NORMAL:
    return d->b * d->b;
  case SIM_DIST_LOGNORMAL: {
    double s2 = d->b * d->b;
    double m = lognormal_median(d);
    return expm1(s2) * exp(s2) * m * m;
  }
  case SIM_DIST_PARETO:
    if (d->b <= 2)
      return INFINITY;
    return d->a * d->a * d->b / ((d->b - 1) * (d->b - 1) * (d->b - 2));
  case SIM_DIST_EMPIRICAL:
    return d->table->variance;
  }
  g_assert_not_reached();
}

/* ---- printing ---------------------------------------------------------------------- */

/* The shortest decimal that reads back as exactly @x, without an exponent when the
 * number is of a size people write out ("10", not "1e+01"). */
static void
append_number(GString *s, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];
  int precision = 1;
  for (; precision < 17; precision++) {
    g_snprintf(format, sizeof format, "%%.%dg", precision);
    g_ascii_formatd(buf, sizeof buf, format, x);
    if (g_ascii_strtod(buf, NULL) == x)
      break;
  }
  g_snprintf(format, sizeof format, "%%.%dg", precision);
  g_ascii_formatd(buf, sizeof buf, format, x);
  /* %g goes to exponent form once the exponent reaches the precision; asking for
   * exponent + 1 digits writes the same value out in full */
  const char *e = strchr(buf, 'e');
  if (e != NULL) {
    int exponent = atoi(e + 1);
    if (exponent >= precision && exponent < 17) {
      g_snprintf(format, sizeof format, "%%.%dg", exponent + 1);
      g_ascii_formatd(buf, sizeof buf, format, x);
    }
  }
  g_string_append(s, buf);
}

/* A duration parameter: an integer number of ns as parsed, but a double holds only 53
 * bits of it, so clamp to the range sim_time_parse() accepts before converting. */
static void
append_duration(GString *s, double ns)
{
  SimTime t;
  if (ns >= 0x1p63)
    t = SIM_TIME_MAX;
  else if (ns <= -0x1p63)
    t = -SIM_TIME_MAX;
  else
    t = (SimTime)round(ns);
  char buf[SIM_TIME_FMT_LEN];
  g_string_append(s, sim_time_format(t, buf, sizeof buf));
}

char *
sim_dist_to_string(const SimDist *d)
{
  g_return_val_if_fail(d != NULL, NULL);
  if (d->kind == SIM_DIST_EMPIRICAL)
    return g_strdup_printf("empirical(%s)", d->table->file);
  GString *s = g_string_new(kinds[d->kind].name);
  g_string_append_c(s, '(');
  const double params[2] = { d->a, d->b };
  for (guint i = 0; i < kinds[d->kind].nparams; i++) {
    if (i > 0)
      g_string_append(s, ", ");
    if (d->domain == SIM_DIST_DURATION && !kinds[d->kind].plain[i])
      append_duration(s, params[i]);
    else
      append_number(s, params[i]);
  }
  g_string_append_c(s, ')');
  return g_string_free(s, FALSE);
}

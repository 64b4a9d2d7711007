/* exp_sweep: [sweep] read, checked and expanded into grid points (exp_sweep.h). A value
 * is checked as its key takes it by setting it alone on a scratch config and asking the
 * schema, so the sweep says exactly what a file would say of the same value. */
#include "exp_sweep.h"

#include <math.h>
#include <string.h>

#include "exp_config.h"
#include "exp_verdict.h"
#include "sim_error.h"
#include "sim_suggest.h"
#include "sim_time.h"
#include "sim_units.h"

/* How close a number range's last value must come to stop to count as reaching it, in
 * steps: 0:0.05:0.01 reaches 0.05 although 5 * 0.01 is not exactly 0.05 in binary. */
#define RANGE_TOLERANCE 1e-9

typedef struct {
  char *key;            /* "tcp.time_wait" */
  char *section, *name; /* "tcp", "time_wait" */
  char *text;           /* the values as given */
  char *origin;         /* "exp.ini:12" or "--sweep tcp.time_wait=0s,1s" */
  char *base_dir;       /* where its empirical(file) values are; NULL: here */
  SimKeyType type;
  GPtrArray *values;    /* char *, expanded */
  int axis;             /* index into axes */
} SweptKey;

typedef struct {
  GArray *keys;         /* guint indices into ExpSweep.keys */
  guint len;            /* values of each */
} Axis;

struct ExpSweep {
  const SimSchema *schema;
  GPtrArray *keys;      /* SweptKey *, column order */
  GPtrArray *axes;      /* Axis *, slowest first */
  char *zip, *zip_origin;
  char *where, *where_origin;
  ExpVerdict *where_expr;
  guint grid;           /* points before where */
};

static void
swept_key_free(SweptKey *k)
{
  g_free(k->key);
  g_free(k->section);
  g_free(k->name);
  g_free(k->text);
  g_free(k->origin);
  g_free(k->base_dir);
  if (k->values)
    g_ptr_array_free(k->values, TRUE);
  g_free(k);
}

static void
axis_free(Axis *a)
{
  g_array_free(a->keys, TRUE);
  g_free(a);
}

void
exp_sweep_free(ExpSweep *s)
{
  if (s == NULL)
    return;
  g_ptr_array_free(s->keys, TRUE);
  g_ptr_array_free(s->axes, TRUE);
  g_free(s->zip);
  g_free(s->zip_origin);
  g_free(s->where);
  g_free(s->where_origin);
  exp_verdict_free(s->where_expr);
  g_free(s);
}

/* ---- the value grammar ------------------------------------------------------------ */

/* @text split at the commas (or @sep) outside parentheses, items trimmed (owned). */
static char **
split_top(const char *text, char sep)
{
  GPtrArray *out = g_ptr_array_new();
  int depth = 0;
  const char *start = text;
  for (const char *p = text;; p++) {
    if (*p == '(')
      depth++;
    else if (*p == ')' && depth > 0)
      depth--;
    if (*p == '\0' || (*p == sep && depth == 0)) {
      g_ptr_array_add(out, g_strstrip(g_strndup(start, (gsize)(p - start))));
      if (*p == '\0')
        break;
      start = p + 1;
    }
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

static const SimUnitSet *
type_units(SimKeyType type)
{
  switch (type) {
  case SIM_KEY_DURATION: return &sim_units_duration;
  case SIM_KEY_SIZE:     return &sim_units_size;
  case SIM_KEY_RATE:     return &sim_units_rate;
  default:               return NULL;
  }
}

/* What a range can count in: whole base units (integers, durations, sizes, rates) or
 * numbers. */
typedef enum { COUNT_NONE, COUNT_INTEGER, COUNT_NUMBER } CountKind;

static CountKind
count_kind(SimKeyType type)
{
  switch (type) {
  case SIM_KEY_INT: case SIM_KEY_DURATION: case SIM_KEY_SIZE: case SIM_KEY_RATE:
    return COUNT_INTEGER;
  case SIM_KEY_DOUBLE: case SIM_KEY_PROB:
    return COUNT_NUMBER;
  default:
    return COUNT_NONE;
  }
}

static const char *
type_word(SimKeyType type)
{
  return type == SIM_KEY_ENUM ? "choice" : sim_key_type_name(type);
}

/* One bound or step of a range of @type, in base units. */
static gboolean
parse_whole(SimKeyType type, const char *text, int64_t *out, GError **error)
{
  const SimUnitSet *units = type_units(type);
  if (units != NULL) {
    g_autoptr(GError) err = NULL;
    if (sim_units_parse(units, text, TRUE, out, &err))
      return TRUE;
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s", err->message);
    return FALSE;
  }
  gint64 v;
  if (!g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &v, NULL)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s' is not an integer (the key "
                "takes integers)", text);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

static gboolean
parse_number(const char *text, double *out, GError **error)
{
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  if (text[0] == '\0' || end == text || *end != '\0' || !isfinite(v)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s' is not a number", text);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

static char *
format_whole(SimKeyType type, int64_t v)
{
  char buf[SIM_UNITS_FMT_LEN];
  if (type == SIM_KEY_DURATION)
    return g_strdup(sim_time_format(v, buf, sizeof buf));
  if (type_units(type) != NULL)
    return g_strdup(sim_units_format(type_units(type), v, buf, sizeof buf));
  return g_strdup_printf("%" G_GINT64_FORMAT, (gint64)v);
}

static char *
format_number(double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.12g", v == 0 ? 0.0 : v));
}

static gboolean
too_many(guint64 n, const char *text, GError **error)
{
  if (n <= EXP_SWEEP_MAX_POINTS)
    return FALSE;
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s' gives more than %d values",
              text, EXP_SWEEP_MAX_POINTS);
  return TRUE;
}

/* start:stop:step. */
static gboolean
expand_range(SimKeyType type, const char *text, char **parts, GPtrArray *out,
             GError **error)
{
  CountKind kind = count_kind(type);
  if (kind == COUNT_NONE) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "a range needs a key of numbers, "
                "durations, sizes or rates, not a %s: list the values instead",
                type_word(type));
    return FALSE;
  }
  if (g_strv_length(parts) != 3) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "a range is start:stop:step, got "
                "'%s'", text);
    return FALSE;
  }
  for (int i = 0; i < 3; i++)
    if (parts[i][0] == '\0') {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "the range '%s' has no %s", text,
                  i == 0 ? "start" : i == 1 ? "stop" : "step");
      return FALSE;
    }
  if (kind == COUNT_INTEGER) {
    int64_t a, b, step;
    if (!parse_whole(type, parts[0], &a, error) || !parse_whole(type, parts[1], &b, error) ||
        !parse_whole(type, parts[2], &step, error))
      return FALSE;
    if (step == 0) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "the range '%s' has a zero step",
                  text);
      return FALSE;
    }
    if ((b > a && step < 0) || (b < a && step > 0)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "the range '%s' steps away from "
                  "its stop (the step must be %s)", text, b > a ? "positive" : "negative");
      return FALSE;
    }
    /* 128-bit: start and stop may be any int64 */
    __int128 steps = ((__int128)b - a) / step;
    if (steps >= EXP_SWEEP_MAX_POINTS) {
      too_many(G_MAXUINT64, text, error);
      return FALSE;
    }
    guint n = (guint)steps + 1;
    for (guint i = 0; i < n; i++)
      g_ptr_array_add(out, format_whole(type, (int64_t)(a + (__int128)i * step)));
    return TRUE;
  }
  double a, b, step;
  if (!parse_number(parts[0], &a, error) || !parse_number(parts[1], &b, error) ||
      !parse_number(parts[2], &step, error))
    return FALSE;
  if (step == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "the range '%s' has a zero step", text);
    return FALSE;
  }
  double q = (b - a) / step;   /* steps from start to stop */
  if (q < -RANGE_TOLERANCE) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "the range '%s' steps away from its "
                "stop (the step must be %s)", text, b > a ? "positive" : "negative");
    return FALSE;
  }
  if (!isfinite(q) || q >= EXP_SWEEP_MAX_POINTS) {
    too_many(G_MAXUINT64, text, error);
    return FALSE;
  }
  guint n = (guint)floor(q + RANGE_TOLERANCE) + 1;
  for (guint i = 0; i < n; i++) {
    /* from start each time: no drift from adding the step over and over */
    double v = a + (double)i * step;
    if (fabs(v - b) <= RANGE_TOLERANCE * fabs(step))
      v = b;
    else if (fabs(v) <= RANGE_TOLERANCE * fabs(step))
      v = 0;
    g_ptr_array_add(out, format_number(v));
  }
  return TRUE;
}

/* log(a, b, n). */
static gboolean
expand_log(SimKeyType type, const char *text, GPtrArray *out, GError **error)
{
  CountKind kind = count_kind(type);
  if (kind == COUNT_NONE) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "a log range needs a key of numbers, "
                "durations, sizes or rates, not a %s: list the values instead",
                type_word(type));
    return FALSE;
  }
  g_autofree char *inner = g_strndup(text + 4, strlen(text) - 5);
  g_auto(GStrv) args = split_top(inner, ',');
  if (g_strv_length(args) != 3 || args[0][0] == '\0' || args[1][0] == '\0' ||
      args[2][0] == '\0') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "a log range is log(from, to, "
                "count), got '%s'", text);
    return FALSE;
  }
  double ends[2];
  for (int i = 0; i < 2; i++) {
    int64_t whole;
    if (type_units(type) != NULL) {
      if (!parse_whole(type, args[i], &whole, error))
        return FALSE;
      ends[i] = (double)whole;
    } else if (!parse_number(args[i], &ends[i], error)) {
      return FALSE;
    }
  }
  gint64 n;
  if (!g_ascii_string_to_signed(args[2], 10, G_MININT64, G_MAXINT64, &n, NULL)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': the count '%s' is not an "
                "integer", text, args[2]);
    return FALSE;
  }
  if (ends[0] <= 0 || ends[1] <= 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': a log range needs both ends "
                "above 0", text);
    return FALSE;
  }
  if (n < 2) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': a log range needs a count of "
                "2 or more", text);
    return FALSE;
  }
  if (too_many((guint64)n, text, error))
    return FALSE;
  double la = log(ends[0]), lb = log(ends[1]);
  for (gint64 i = 0; i < n; i++) {
    double v = i == 0 ? ends[0] : i == n - 1 ? ends[1]
                                             : exp(la + (lb - la) * (double)i / (double)(n - 1));
    char *value;
    if (kind == COUNT_INTEGER) {
      if (!(fabs(v) < 9.2e18)) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s' goes beyond 64 bits", text);
        return FALSE;
      }
      value = format_whole(type, (int64_t)llround(v));
    } else {
      value = format_number(v);
    }
    if (out->len > 0 && strcmp(value, out->pdata[out->len - 1]) == 0) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s' gives %s twice%s: use fewer "
                  "values or ends further apart", text, value,
                  kind == COUNT_INTEGER ? " once rounded" : "");
      g_free(value);
      return FALSE;
    }
    g_ptr_array_add(out, value);
  }
  return TRUE;
}

GPtrArray *
exp_sweep_expand(SimKeyType type, const char *text, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *t = g_strstrip(g_strdup(text));
  if (t[0] == '\0') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "no values: expected a list (0s, "
                "30s), a range (0s:60s:15s) or log(10, 1000, 3)");
    return NULL;
  }
  g_auto(GStrv) items = split_top(t, ',');
  if (items[1] == NULL && g_str_has_prefix(t, "log(") && g_str_has_suffix(t, ")"))
    return expand_log(type, t, out, error) ? g_steal_pointer(&out) : NULL;
  g_auto(GStrv) parts = split_top(t, ':');
  if (items[1] == NULL && parts[1] != NULL)
    return expand_range(type, t, parts, out, error) ? g_steal_pointer(&out) : NULL;
  guint n = g_strv_length(items);
  if (too_many(n, t, error))
    return NULL;
  for (guint i = 0; i < n; i++) {
    if (items[i][0] == '\0') {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "value %u of '%s' is empty", i + 1,
                  t);
      return NULL;
    }
    g_ptr_array_add(out, g_strdup(items[i]));
  }
  return g_steal_pointer(&out);
}

/* ---- keys ------------------------------------------------------------------------- */

/* Sections whose keys describe the whole experiment (as for variants). */
static gboolean
sweep_may_set(const char *section)
{
  return strcmp(section, "experiment") != 0 && strcmp(section, "metrics") != 0 &&
         strcmp(section, "verdict") != 0 && strcmp(section, "sweep") != 0 &&
         !g_str_has_prefix(section, "variant.") && !g_str_has_prefix(section, "plot.") &&
         strcmp(section, "variant") != 0 && strcmp(section, "plot") != 0;
}

static gboolean
key_chars_ok(const char *key)
{
  if (key[0] == '\0')
    return FALSE;
  for (const char *p = key; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '_' && *p != '.' && *p != '-')
      return FALSE;
  return TRUE;
}

/* The schema's word on "@section.@key = @value" alone in a config: NULL when it takes
 * it, else what is wrong, without the location ("unknown key; did you mean
 * 'time_wait'?", "'soon' is not a duration ..."). Family members the experiment does
 * not know ([link.acess]) too. */
static char *
schema_word(const SimSchema *schema, const char *section, const char *key, const char *value,
            const char *base_dir)
{
  static const char mark[] = "@";
  g_autoptr(SimConfig) scratch = sim_config_new(schema);
  sim_config_set(scratch, section, key, value, mark, base_dir);
  g_autoptr(GString) problems = g_string_new(NULL);
  exp_config_check_sections(scratch, problems);
  g_autoptr(GError) err = NULL;
  const char *msg = problems->str;
  if (problems->len == 0 && !sim_config_validate(scratch, &err))
    msg = err->message;
  if (msg[0] == '\0')
    return NULL;
  g_autofree char *with_key = g_strdup_printf("%s: [%s] %s: ", mark, section, key);
  g_autofree char *bare = g_strdup_printf("%s: [%s]: ", mark, section);
  const char *rest = g_str_has_prefix(msg, with_key) ? msg + strlen(with_key)
                     : g_str_has_prefix(msg, bare)   ? msg + strlen(bare)
                                                     : msg;
  char *word = g_strdup(rest);
  char *nl = strchr(word, '\n');
  if (nl != NULL)
    *nl = '\0';
  return word;
}

/* Checks that "@section.@key" names a setting a sweep (or where) may take; NULL, or what
 * is wrong (owned). */
static char *
key_problem(const SimSchema *schema, const char *full, char **section, char **name,
            const SimKeySpec **spec_out)
{
  const char *dot = strrchr(full, '.');
  if (!key_chars_ok(full) || dot == NULL || dot == full || dot[1] == '\0')
    return g_strdup("not a setting: expected section.key, such as tcp.time_wait or "
                    "link.access.up.hold");
  *section = g_strndup(full, (gsize)(dot - full));
  *name = g_strdup(dot + 1);
  if (!sweep_may_set(*section))
    return g_strdup_printf("[%s] cannot be swept (it describes the whole experiment)",
                           *section);
  const SimKeySpec *spec = sim_schema_lookup(schema, *section, *name);
  if (spec == NULL || strcmp(spec->key, SIM_KEY_ANY) == 0) {
    g_autofree char *word = schema_word(schema, *section, *name, "0", NULL);
    return g_strdup(word ? word : "unknown key");
  }
  /* a family member the experiment does not know, such as [link.acess] */
  g_autoptr(SimConfig) scratch = sim_config_new(schema);
  sim_config_set(scratch, *section, *name, "0", "@", NULL);
  g_autoptr(GString) problems = g_string_new(NULL);
  exp_config_check_sections(scratch, problems);
  if (problems->len > 0) {
    g_autofree char *bare = g_strdup_printf("@: [%s]: ", *section);
    g_strchomp(problems->str);
    return g_strdup(g_str_has_prefix(problems->str, bare) ? problems->str + strlen(bare)
                                                           : problems->str);
  }
  *spec_out = spec;
  return NULL;
}

static void G_GNUC_PRINTF(4, 5)
problem(GString *problems, const char *origin, const char *key, const char *fmt, ...)
{
  g_string_append_printf(problems, "%s: [sweep] %s: ", origin, key);
  va_list ap;
  va_start(ap, fmt);
  g_string_append_vprintf(problems, fmt, ap);
  va_end(ap);
  g_string_append_c(problems, '\n');
}

/* Expands and checks one swept key; FALSE after a problem. */
static gboolean
key_load(ExpSweep *s, SweptKey *k, GString *problems)
{
  const SimKeySpec *spec = NULL;
  g_autofree char *bad = key_problem(s->schema, k->key, &k->section, &k->name, &spec);
  if (bad != NULL) {
    problem(problems, k->origin, k->key, "%s", bad);
    return FALSE;
  }
  k->type = spec->type;
  g_autoptr(GError) err = NULL;
  k->values = exp_sweep_expand(spec->type, k->text, &err);
  if (k->values == NULL) {
    problem(problems, k->origin, k->key, "%s", err->message);
    return FALSE;
  }
  gboolean ok = TRUE;
  for (guint j = 0; j < k->values->len; j++) {
    g_autofree char *word = schema_word(s->schema, k->section, k->name, k->values->pdata[j],
                                        k->base_dir);
    if (word != NULL) {
      problem(problems, k->origin, k->key, "value %u of %u: %s", j + 1, k->values->len, word);
      ok = FALSE;
    }
  }
  return ok;
}

/* ---- zip and where ---------------------------------------------------------------- */

int
exp_sweep_find(const ExpSweep *s, const char *section, const char *key)
{
  g_return_val_if_fail(s != NULL && section != NULL && key != NULL, -1);
  for (guint i = 0; i < s->keys->len; i++) {
    const SweptKey *k = s->keys->pdata[i];
    if (strcmp(k->section, section) == 0 && strcmp(k->name, key) == 0)
      return (int)i;
  }
  return -1;
}

static int
find_full(const ExpSweep *s, const char *full)
{
  for (guint i = 0; i < s->keys->len; i++)
    if (strcmp(((const SweptKey *)s->keys->pdata[i])->key, full) == 0)
      return (int)i;
  return -1;
}

/* The axes: a zip group or a key alone, at its first key's place. */
static gboolean
zip_load(ExpSweep *s, GString *problems)
{
  guint n = s->keys->len;
  int *group_of = g_new(int, n);
  for (guint i = 0; i < n; i++)
    group_of[i] = -1;
  gboolean ok = TRUE;
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
  if (s->zip != NULL) {
    g_auto(GStrv) texts = g_strsplit(s->zip, ";", -1);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    for (guint i = 0; i < n; i++)
      g_ptr_array_add(names, ((SweptKey *)s->keys->pdata[i])->key);
    for (char **t = texts; *t; t++) {
      g_auto(GStrv) members = split_top(*t, ',');
      GArray *g = g_array_new(FALSE, FALSE, sizeof(guint));
      g_ptr_array_add(groups, g);
      for (char **m = members; *m; m++) {
        if ((*m)[0] == '\0') {
          problem(problems, s->zip_origin, "zip", "an empty name in '%s' (zip = a, b; c, d)",
                  g_strstrip(*t));
          ok = FALSE;
          continue;
        }
        int idx = find_full(s, *m);
        if (idx < 0) {
          const char *close = sim_suggest(*m, (const char *const *)names->pdata, names->len);
          problem(problems, s->zip_origin, "zip", "'%s' is not swept%s%s%s", *m,
                  close ? "; did you mean '" : "", close ? close : "", close ? "'?" : "");
          ok = FALSE;
          continue;
        }
        if (group_of[idx] >= 0) {
          problem(problems, s->zip_origin, "zip", "'%s' is zipped twice", *m);
          ok = FALSE;
          continue;
        }
        group_of[idx] = (int)groups->len - 1;
        guint u = (guint)idx;
        g_array_append_val(g, u);
      }
      if (ok && g->len < 2) {
        problem(problems, s->zip_origin, "zip", "a group of one key ('%s'): zip groups "
                "keys that vary together, two or more", g_strstrip(*t));
        ok = FALSE;
      }
      for (guint j = 1; ok && j < g->len; j++) {
        const SweptKey *a = s->keys->pdata[g_array_index(g, guint, 0)];
        const SweptKey *b = s->keys->pdata[g_array_index(g, guint, j)];
        if (a->values->len != b->values->len) {
          problem(problems, s->zip_origin, "zip", "%s has %u values, %s has %u: zipped "
                  "keys vary together and need as many values", a->key, a->values->len,
                  b->key, b->values->len);
          ok = FALSE;
        }
      }
    }
  }
  for (guint i = 0; ok && i < n; i++) {
    gboolean seen = FALSE;   /* the group's axis stands at its first key */
    for (guint j = 0; group_of[i] >= 0 && j < i; j++)
      seen |= group_of[j] == group_of[i];
    if (seen)
      continue;
    Axis *a = g_new0(Axis, 1);
    a->keys = g_array_new(FALSE, FALSE, sizeof(guint));
    if (group_of[i] >= 0) {
      /* in key order, whatever the order zip names them in */
      for (guint j = i; j < n; j++)
        if (group_of[j] == group_of[i])
          g_array_append_val(a->keys, j);
    } else {
      g_array_append_val(a->keys, i);
    }
    a->len = ((SweptKey *)s->keys->pdata[i])->values->len;
    for (guint j = 0; j < a->keys->len; j++)
      ((SweptKey *)s->keys->pdata[g_array_index(a->keys, guint, j)])->axis = (int)s->axes->len;
    g_ptr_array_add(s->axes, a);
  }
  g_free(group_of);
  return ok;
}

static gboolean
type_is_numeric(SimKeyType t)
{
  return t == SIM_KEY_INT || t == SIM_KEY_DOUBLE || t == SIM_KEY_DURATION ||
         t == SIM_KEY_RATE || t == SIM_KEY_SIZE || t == SIM_KEY_PROB || t == SIM_KEY_BOOL;
}

static gboolean
where_load(ExpSweep *s, GString *problems)
{
  g_autoptr(GError) err = NULL;
  s->where_expr = exp_verdict_parse_dotted(s->where, &err);
  if (s->where_expr == NULL) {
    problem(problems, s->where_origin, "where", "%s", err->message);
    return FALSE;
  }
  gboolean ok = TRUE;
  for (guint i = 0; i < exp_verdict_n_refs(s->where_expr); i++) {
    const char *sec = exp_verdict_ref_variant(s->where_expr, i);
    const char *key = exp_verdict_ref_metric(s->where_expr, i);
    g_autofree char *full = sec ? g_strconcat(sec, ".", key, NULL) : g_strdup(key);
    g_autofree char *section = NULL, *name = NULL;
    const SimKeySpec *spec = NULL;
    g_autofree char *bad = key_problem(s->schema, full, &section, &name, &spec);
    if (bad != NULL)
      problem(problems, s->where_origin, "where", "'%s': %s", full, bad);
    else if (!type_is_numeric(spec->type))
      problem(problems, s->where_origin, "where", "'%s' is a %s, not a number", full,
              type_word(spec->type));
    ok &= bad == NULL && type_is_numeric(spec->type);
  }
  return ok;
}

/* ---- the sweep -------------------------------------------------------------------- */

static SweptKey *
swept_key_new(const char *key, const char *text, const char *origin, const char *base_dir)
{
  SweptKey *k = g_new0(SweptKey, 1);
  k->key = g_strdup(key);
  k->text = g_strstrip(g_strdup(text));
  k->origin = g_strdup(origin);
  k->base_dir = g_strdup(base_dir);
  return k;
}

ExpSweep *
exp_sweep_parse(const SimSchema *schema, const SimConfig *cfg, const char *const *cli,
                const char *base_dir, GString *problems)
{
  g_return_val_if_fail(schema != NULL && cfg != NULL && problems != NULL, NULL);
  gsize before = problems->len;
  g_autoptr(ExpSweep) s = g_new0(ExpSweep, 1);
  s->schema = schema;
  s->keys = g_ptr_array_new_with_free_func((GDestroyNotify)swept_key_free);
  s->axes = g_ptr_array_new_with_free_func((GDestroyNotify)axis_free);
  g_auto(GStrv) names = sim_config_keys(cfg, "sweep");
  for (char **k = names; *k; k++) {
    const char *origin = sim_config_origin(cfg, "sweep", *k);
    const char *raw = sim_config_raw(cfg, "sweep", *k);
    if (strcmp(*k, "zip") == 0) {
      s->zip = g_strstrip(g_strdup(raw));
      s->zip_origin = g_strdup(origin);
    } else if (strcmp(*k, "where") == 0) {
      s->where = g_strstrip(g_strdup(raw));
      s->where_origin = g_strdup(origin);
    } else {
      g_ptr_array_add(s->keys, swept_key_new(*k, raw, origin, base_dir));
    }
  }
  for (const char *const *c = cli; c && *c; c++) {
    g_autofree char *origin = g_strconcat("--sweep ", *c, NULL);
    const char *eq = strchr(*c, '=');
    g_autofree char *key = eq ? g_strstrip(g_strndup(*c, (gsize)(eq - *c))) : NULL;
    if (eq == NULL || key[0] == '\0') {
      g_string_append_printf(problems, "%s: expected section.key=values: %s\n", origin,
                             eq == NULL ? "no '='" : "no key");
      continue;
    }
    SweptKey *k = swept_key_new(key, eq + 1, origin, NULL);   /* as --set: from here */
    int at = find_full(s, key);
    if (at >= 0) {
      swept_key_free(s->keys->pdata[at]);
      s->keys->pdata[at] = k;
    } else {
      g_ptr_array_add(s->keys, k);
    }
  }
  for (guint i = 0; i < s->keys->len; i++)
    key_load(s, s->keys->pdata[i], problems);
  if (problems->len > before)
    return NULL;
  if (s->keys->len == 0) {
    if (s->zip != NULL)
      problem(problems, s->zip_origin, "zip", "nothing is swept (give keys such as "
              "tcp.time_wait = 0s, 60s)");
    if (s->where != NULL)
      problem(problems, s->where_origin, "where", "nothing is swept (give keys such as "
              "tcp.time_wait = 0s, 60s)");
    return NULL;
  }
  gboolean ok = zip_load(s, problems);
  if (s->where != NULL)
    ok &= where_load(s, problems);
  if (!ok)
    return NULL;
  guint64 grid = 1;
  for (guint a = 0; a < s->axes->len; a++) {
    grid *= ((const Axis *)s->axes->pdata[a])->len;
    if (grid > EXP_SWEEP_MAX_POINTS) {
      const SweptKey *k = s->keys->pdata[g_array_index(
        ((const Axis *)s->axes->pdata[a])->keys, guint, 0)];
      problem(problems, k->origin, k->key, "the grid has more than %d points with this "
              "key: sweep fewer values", EXP_SWEEP_MAX_POINTS);
      return NULL;
    }
  }
  s->grid = (guint)grid;
  return g_steal_pointer(&s);
}

guint
exp_sweep_n_keys(const ExpSweep *s)
{
  g_return_val_if_fail(s != NULL, 0);
  return s->keys->len;
}

#define KEY(s, i) ((const SweptKey *)g_ptr_array_index((s)->keys, (i)))

const char *
exp_sweep_key(const ExpSweep *s, guint i)
{
  g_return_val_if_fail(s != NULL && i < s->keys->len, NULL);
  return KEY(s, i)->key;
}

const char *
exp_sweep_text(const ExpSweep *s, guint i)
{
  g_return_val_if_fail(s != NULL && i < s->keys->len, NULL);
  return KEY(s, i)->text;
}

const char *
exp_sweep_origin(const ExpSweep *s, guint i)
{
  g_return_val_if_fail(s != NULL && i < s->keys->len, NULL);
  return KEY(s, i)->origin;
}

guint
exp_sweep_n_values(const ExpSweep *s, guint i)
{
  g_return_val_if_fail(s != NULL && i < s->keys->len, 0);
  return KEY(s, i)->values->len;
}

const char *
exp_sweep_value(const ExpSweep *s, guint i, guint j)
{
  g_return_val_if_fail(s != NULL && i < s->keys->len && j < KEY(s, i)->values->len, NULL);
  return KEY(s, i)->values->pdata[j];
}

guint
exp_sweep_grid_size(const ExpSweep *s)
{
  g_return_val_if_fail(s != NULL, 0);
  return s->grid;
}

void
exp_sweep_grid_point(const ExpSweep *s, guint g, const char **values)
{
  g_return_if_fail(s != NULL && g < s->grid && values != NULL);
  for (guint a = s->axes->len; a-- > 0;) {
    const Axis *axis = s->axes->pdata[a];
    guint at = g % axis->len;
    g /= axis->len;
    for (guint j = 0; j < axis->keys->len; j++) {
      guint k = g_array_index(axis->keys, guint, j);
      values[k] = KEY(s, k)->values->pdata[at];
    }
  }
}

void
exp_sweep_apply(const ExpSweep *s, const char *const *values, SimConfig *cfg)
{
  g_return_if_fail(s != NULL && values != NULL && cfg != NULL);
  for (guint i = 0; i < s->keys->len; i++) {
    const SweptKey *k = KEY(s, i);
    g_autofree char *origin = g_strconcat(k->origin, " [sweep]", NULL);
    sim_config_set(cfg, k->section, k->name, values[i], origin, k->base_dir);
  }
}

typedef struct {
  const ExpSweep *s;
  const SimConfig *cfg;
} WhereCtx;

static gboolean
where_lookup(const char *section, const char *key, double *value, void *user)
{
  const WhereCtx *w = user;
  const SimKeySpec *spec = sim_schema_lookup(w->s->schema, section, key);
  g_autofree char *text = exp_sweep_effective_text(w->cfg, w->s->schema, section, key);
  if (spec == NULL || text == NULL || !exp_sweep_text_number(spec->type, text, value))
    *value = NAN;   /* not set: a comparison with it is false */
  return TRUE;
}

GPtrArray *
exp_sweep_points(const ExpSweep *s, SimConfig *cfg, GString *problems)
{
  g_return_val_if_fail(s != NULL && cfg != NULL && problems != NULL, NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  const char **values = g_new0(const char *, s->keys->len + 1);
  for (guint g = 0; g < s->grid; g++) {
    exp_sweep_grid_point(s, g, values);
    gboolean keep = TRUE;
    if (s->where_expr != NULL) {
      exp_sweep_apply(s, values, cfg);
      g_autoptr(GError) err = NULL;
      if (!sim_config_validate(cfg, &err)) {
        g_string_append_printf(problems, "%s\n", err->message);
        break;
      }
      WhereCtx w = { s, cfg };
      if (!exp_verdict_eval(s->where_expr, where_lookup, &w, &keep, NULL, &err)) {
        problem(problems, s->where_origin, "where", "%s", err->message);
        break;
      }
    }
    if (keep)
      g_ptr_array_add(out, g_strdupv((char **)values));
  }
  g_free(values);
  if (out->len == 0 && s->where_expr != NULL)
    problem(problems, s->where_origin, "where", "no point of the %u of the grid satisfies "
            "it", s->grid);
  return out;
}

void
exp_sweep_write(const ExpSweep *s, SimConfig *cfg)
{
  g_return_if_fail(s != NULL && cfg != NULL);
  for (guint i = 0; i < s->keys->len; i++)
    sim_config_set(cfg, "sweep", KEY(s, i)->key, KEY(s, i)->text, KEY(s, i)->origin, NULL);
  if (s->zip != NULL)
    sim_config_set(cfg, "sweep", "zip", s->zip, s->zip_origin, NULL);
  if (s->where != NULL)
    sim_config_set(cfg, "sweep", "where", s->where, s->where_origin, NULL);
}

/* ---- keys as numbers -------------------------------------------------------------- */

char *
exp_sweep_effective_text(const SimConfig *cfg, const SimSchema *schema, const char *section,
                         const char *key)
{
  g_return_val_if_fail(cfg != NULL && schema != NULL && section != NULL && key != NULL, NULL);
  g_autofree char *sec = g_strdup(section);
  for (;;) {
    const char *raw = sim_config_raw(cfg, sec, key);
    if (raw != NULL)
      return g_strstrip(g_strdup(raw));
    char *dot = strrchr(sec, '.');
    if (dot == NULL)
      break;
    *dot = '\0';
  }
  if (strcmp(sec, "tcp") == 0 && strcmp(key, "preset") != 0) {
    g_autoptr(GPtrArray) kv = exp_tcp_effective(cfg);
    for (guint i = 0; i + 1 < kv->len; i += 2)
      if (strcmp(kv->pdata[i], key) == 0)
        return g_strdup(kv->pdata[i + 1]);
  }
  const SimKeySpec *spec = sim_schema_lookup(schema, sec, key);
  return spec != NULL && spec->def != NULL ? g_strdup(spec->def) : NULL;
}

gboolean
exp_sweep_text_number(SimKeyType type, const char *text, double *out)
{
  g_return_val_if_fail(text != NULL && out != NULL, FALSE);
  int64_t v = 0;
  SimTime d = 0;
  char *end = NULL;
  switch (type) {
  case SIM_KEY_DURATION:
    if (!sim_time_parse(text, TRUE, &d, NULL))
      return FALSE;
    *out = sim_time_to_s(d);
    return TRUE;
  case SIM_KEY_SIZE:
    if (!sim_size_parse(text, &v, NULL))
      return FALSE;
    *out = (double)v;
    return TRUE;
  case SIM_KEY_RATE:
    if (!sim_rate_parse(text, &v, NULL))
      return FALSE;
    *out = (double)v;
    return TRUE;
  case SIM_KEY_BOOL: {
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };
    g_autofree char *lower = g_ascii_strdown(text, -1);
    for (guint i = 0; i < G_N_ELEMENTS(yes); i++)
      if (strcmp(lower, yes[i]) == 0 || strcmp(lower, no[i]) == 0) {
        *out = strcmp(lower, yes[i]) == 0;
        return TRUE;
      }
    return FALSE;
  }
  default:
    *out = g_ascii_strtod(text, &end);
    return end != text && *end == '\0' && isfinite(*out);
  }
}

/* exp_plot: an experiment's figures, from its output folder to gnuplot (exp_plot.h).
 * The numbers are computed here and written as gnuplot data blocks, one block per line
 * or bar drawn (series); the drawing is the templates' (plots/KIND.gp), which read the
 * blocks and the per-series titles, colours and dash types set at the top of the
 * generated script. */
#include "exp_plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "exp_config.h"
#include "exp_gnuplot.h"
#include "exp_run.h"
#include "sim_error.h"
#include "sim_suggest.h"
#include "sim_time.h"
#include "sim_units.h"
#include "tcp.h"

#ifndef SYNACK_PLOTS_DIR
#define SYNACK_PLOTS_DIR "plots"
#endif

G_DEFINE_QUARK(exp-plot-error-quark, exp_plot_error)

/* Paul Tol's "bright" and "muted" qualitative schemes, colour-blind safe; index i is
 * the i-th variant of the experiment (cycling past the end). */
static const char *const palette[] = {
  "#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377",
  "#332288", "#999933", "#882255", "#44aa99", "#bbbbbb", "#000000",
};

/* The kinds of samples.csv (per-connection values, in seconds). */
static const char *const sample_names[] = { "connect_time", "completion_time" };

typedef enum { PLOT_BARS, PLOT_LINES, PLOT_CDF, PLOT_STATES } PlotKind;
static const char *const kind_names[] = { "bars", "lines", "cdf", "states" };

/* ---- names, lists, numbers ------------------------------------------------------- */

static int
index_in(const char *name, const char *const *names, guint n)
{
  for (guint i = 0; i < n; i++)
    if (strcmp(name, names[i]) == 0)
      return (int)i;
  return -1;
}

static gboolean
name_is_safe(const char *name)
{
  if (name[0] == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* A comma-separated list, blanks trimmed, empty items dropped (owned). */
static char **
split_list(const char *text)
{
  g_auto(GStrv) parts = g_strsplit(text, ",", -1);
  GPtrArray *out = g_ptr_array_new();
  for (char **p = parts; *p; p++) {
    g_strstrip(*p);
    if ((*p)[0] != '\0')
      g_ptr_array_add(out, g_strdup(*p));
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

/* As runs.csv writes numbers: integers as integers, others with 10 significant digits. */
static void
append_number(GString *out, double v)
{
  if (!isfinite(v))
    g_string_append(out, "NaN");
  else if (v == floor(v) && fabs(v) < 9007199254740992.0)
    g_string_append_printf(out, "%.0f", v);
  else
    g_string_append_printf(out, "%.10g", v);
}

/* A gnuplot single-quoted string: a quote doubled, line breaks as spaces. */
static void
append_gp_string(GString *out, const char *text)
{
  g_string_append_c(out, '\'');
  for (const char *p = text; *p; p++) {
    if (*p == '\'')
      g_string_append(out, "''");
    else if (*p == '\n' || *p == '\r')
      g_string_append_c(out, ' ');
    else
      g_string_append_c(out, *p);
  }
  g_string_append_c(out, '\'');
}

static const char *const *
state_names(void)
{
  static const char *const names[TCP_NSTATES] = {
    "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
    "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
  };
  return names;
}

/* ---- keys as coordinates ---------------------------------------------------------- */

/* Splits "link.access.up.hold" into section "link.access.up" and key "hold"; FALSE when
 * there is no dot with text on both sides. */
static gboolean
key_split(const char *text, char **section, char **key)
{
  const char *dot = strrchr(text, '.');
  if (dot == NULL || dot == text || dot[1] == '\0')
    return FALSE;
  *section = g_strndup(text, (gsize)(dot - text));
  *key = g_strdup(dot + 1);
  return TRUE;
}

/* Sections whose values a variant can give: the fixed ones and the family members
 * exp_config knows (not [variant.*] nor [plot.*], whose keys are not settings). */
static gboolean
section_is_setting(const char *section)
{
  static const char *const members[] = {
    "link.access", "link.bottleneck", "link.access.up", "link.access.down",
    "link.bottleneck.up", "link.bottleneck.down", "tcp.client", "tcp.server",
  };
  if (strchr(section, '.') == NULL)
    return strcmp(section, "plot") != 0 && strcmp(section, "variant") != 0;
  return index_in(section, members, G_N_ELEMENTS(members)) >= 0;
}

static gboolean
type_is_numeric(SimKeyType t)
{
  return t == SIM_KEY_INT || t == SIM_KEY_DOUBLE || t == SIM_KEY_DURATION ||
         t == SIM_KEY_RATE || t == SIM_KEY_SIZE || t == SIM_KEY_PROB || t == SIM_KEY_BOOL;
}

/* The unit a numeric key's coordinate is in. */
static const char *
type_unit(SimKeyType t)
{
  switch (t) {
  case SIM_KEY_DURATION: return "s";
  case SIM_KEY_SIZE:     return "bytes";
  case SIM_KEY_RATE:     return "bit/s";
  case SIM_KEY_PROB:     return "probability";
  case SIM_KEY_BOOL:     return "0 or 1";
  case SIM_KEY_INT:      return "count";
  default:               return "number";
  }
}

/* A key's value as a run takes it, and as a coordinate: exp_sweep.h. */
#define effective_text exp_sweep_effective_text
#define text_number exp_sweep_text_number

/* ---- checking [plot.NAME] --------------------------------------------------------- */

static void G_GNUC_PRINTF(5, 6)
problem(GString *problems, const SimConfig *cfg, const char *section, const char *key,
        const char *fmt, ...)
{
  const char *origin = sim_config_raw(cfg, section, key) != NULL
                         ? sim_config_origin(cfg, section, key)
                         : sim_config_section_origin(cfg, section);
  g_string_append_printf(problems, "%s: [%s] %s: ", origin, section, key);
  va_list ap;
  va_start(ap, fmt);
  g_string_append_vprintf(problems, fmt, ap);
  va_end(ap);
  g_string_append_c(problems, '\n');
}

/* "; did you mean 'x'?" or "" (owned). */
static char *
suggestion(const char *word, const char *const *names, guint n)
{
  const char *close = sim_suggest(word, names, n);
  return close ? g_strdup_printf("; did you mean '%s'?", close) : g_strdup("");
}

/* The variant names of the file as written ("base" when it has none). */
static char **
variant_names(const SimConfig *base)
{
  g_auto(GStrv) sections = sim_config_sections(base, "variant.");
  if (sections[0] == NULL)
    return g_strdupv((char *[]){ "base", NULL });
  GPtrArray *out = g_ptr_array_new();
  for (char **s = sections; *s; s++)
    g_ptr_array_add(out, g_strdup(*s + strlen("variant.")));
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

/* A [metrics] number as given, else its default; FALSE when given but not a number
 * (the schema says so). */
static gboolean
metrics_value(const SimConfig *base, const char *key, SimKeyType type, double *out)
{
  const char *raw = sim_config_raw(base, "metrics", key);
  if (raw == NULL) {
    *out = 0;
    return TRUE;
  }
  g_autofree char *text = g_strstrip(g_strdup(raw));
  return text_number(type, text, out);
}

/* A metric of the report, or a problem; TRUE when it is one. */
static gboolean
check_metric(const Experiment *e, const char *section, const char *y, gboolean samples_too,
             GString *problems)
{
  int m = exp_metric_find(y);
  if (m < 0) {
    guint n = exp_metric_count();
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    for (guint i = 0; i < n; i++)
      g_ptr_array_add(names, (gpointer)exp_metric(i)->name);
    for (guint i = 0; samples_too && i < G_N_ELEMENTS(sample_names); i++)
      g_ptr_array_add(names, (gpointer)sample_names[i]);
    g_autofree char *hint = suggestion(y, (const char *const *)names->pdata, names->len);
    problem(problems, e->base, section, "y", "unknown metric '%s'%s (synack keys metrics "
            "lists them%s)", y, hint, samples_too ? "; samples: connect_time, "
            "completion_time" : "");
    return FALSE;
  }
  for (guint i = 0; e->report != NULL && i < e->report->len; i++)
    if (g_array_index(e->report, guint, i) == (guint)m)
      return TRUE;
  if (e->report != NULL)
    problem(problems, e->base, section, "y", "metric '%s' is not reported: add it to "
            "[metrics] report", y);
  return FALSE;
}

/* A key a lines figure names (x or group): known, a setting, for x numeric and set in
 * every variant. */
static void
check_key(const Experiment *e, const char *section, const char *which, gboolean numeric,
          GString *problems)
{
  const char *text = sim_config_raw(e->base, section, which);
  g_autofree char *given = g_strstrip(g_strdup(text));
  if (!numeric && strcmp(given, "variant") == 0)
    return;   /* one line per variant */
  g_autofree char *ksec = NULL, *key = NULL;
  const SimKeySpec *spec = NULL;
  if (key_split(given, &ksec, &key) && section_is_setting(ksec))
    spec = sim_schema_lookup(e->schema, ksec, key);
  if (spec == NULL || strcmp(spec->key, SIM_KEY_ANY) == 0) {
    /* the closest section.key, family sections spelt as the one given */
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < sim_schema_size(e->schema); i++) {
      const SimKeySpec *s = sim_schema_nth(e->schema, i);
      if (strcmp(s->key, SIM_KEY_ANY) == 0 || g_str_has_prefix(s->section, "plot"))
        continue;
      gboolean family = g_str_has_suffix(s->section, ".*");
      /* a family's keys are offered in the member given ([link.access.up] hold) */
      if (family && (ksec == NULL || !section_is_setting(ksec) ||
                     strncmp(ksec, s->section, strlen(s->section) - 1) != 0))
        continue;
      g_ptr_array_add(names, g_strconcat(family ? ksec : s->section, ".", s->key, NULL));
    }
    g_autofree char *hint = suggestion(given, (const char *const *)names->pdata, names->len);
    problem(problems, e->base, section, which, "'%s' is not a key (expected section.key, "
            "such as tcp.time_wait or link.access.up.hold)%s", given, hint);
    return;
  }
  if (!numeric)
    return;
  if (!type_is_numeric(spec->type)) {
    problem(problems, e->base, section, which, "'%s' is a %s, not a number: it cannot be "
            "an x coordinate (use it as group)", given,
            spec->type == SIM_KEY_ENUM ? "choice" : sim_key_type_name(spec->type));
    return;
  }
  for (guint i = 0; e->variants != NULL && i < e->variants->len; i++) {
    const ExpVariant *v = g_ptr_array_index(e->variants, i);
    for (guint pt = 0; pt < e->points->len; pt++) {
      g_autofree char *value = effective_text(experiment_config(e, i, pt), e->schema, ksec,
                                              key);
      double x;
      if (value != NULL && text_number(spec->type, value, &x))
        continue;
      if (e->sweep != NULL)
        problem(problems, e->base, section, which, "'%s' has no value in variant %s at "
                "point %u", given, v->name, pt);
      else
        problem(problems, e->base, section, which, "'%s' has no value in variant %s", given,
                v->name);
      break;
    }
  }
}

static void
check_one(const Experiment *e, const char *section, GString *problems)
{
  const char *name = section + strlen("plot.");
  if (!name_is_safe(name))
    g_string_append_printf(problems, "%s: [%s]: a figure's name is letters, digits, '_' "
                           "and '-' (it names the figure's files)\n",
                           sim_config_section_origin(e->base, section), section);
  const char *kind_raw = sim_config_raw(e->base, section, "kind");
  g_autofree char *kind_text = kind_raw ? g_strstrip(g_strdup(kind_raw)) : NULL;
  int kind = kind_text ? index_in(kind_text, kind_names, G_N_ELEMENTS(kind_names)) : -1;
  if (kind < 0)
    return;   /* missing or not a kind: the schema says so */
  const char *y_raw = sim_config_raw(e->base, section, "y");
  g_autofree char *y = y_raw ? g_strstrip(g_strdup(y_raw)) : NULL;

  if (kind == PLOT_STATES) {
    double every = 0;
    if (metrics_value(e->base, "states_every", SIM_KEY_DURATION, &every) && every <= 0)
      problem(problems, e->base, section, "kind", "a states figure draws states.csv, which "
              "needs [metrics] states_every > 0 (such as states_every = 1s)");
    g_auto(GStrv) states = y ? split_list(y) : g_new0(char *, 1);
    for (char **s = states; *s; s++)
      if (index_in(*s, state_names(), TCP_NSTATES) < 0) {
        g_autofree char *hint = suggestion(*s, state_names(), TCP_NSTATES);
        problem(problems, e->base, section, "y", "unknown state '%s'%s (states are named as "
                "in RFC 9293: ESTABLISHED, TIME-WAIT, ...)", *s, hint);
      }
  } else if (y == NULL || y[0] == '\0') {
    problem(problems, e->base, section, "y", "a %s figure needs y = the metric it draws "
            "(synack keys metrics lists them)", kind_names[kind]);
  } else if (kind == PLOT_CDF &&
             index_in(y, sample_names, G_N_ELEMENTS(sample_names)) >= 0) {
    double samples = 0;
    if (metrics_value(e->base, "samples", SIM_KEY_INT, &samples) && samples <= 0)
      problem(problems, e->base, section, "y", "'%s' is a per-connection sample of "
              "samples.csv, which needs [metrics] samples > 0 (such as samples = 1000)", y);
  } else {
    check_metric(e, section, y, kind == PLOT_CDF, problems);
  }

  if (kind == PLOT_LINES) {
    if (sim_config_raw(e->base, section, "x") == NULL)
      problem(problems, e->base, section, "x", "a lines figure needs x = section.key, the "
              "key whose value differs between the variants (such as tcp.time_wait)");
    else
      check_key(e, section, "x", TRUE, problems);
    if (sim_config_raw(e->base, section, "group") != NULL)
      check_key(e, section, "group", FALSE, problems);
  }

  const char *list = sim_config_raw(e->base, section, "variants");
  if (list != NULL) {
    g_auto(GStrv) known = variant_names(e->base);
    g_auto(GStrv) wanted = split_list(list);
    if (wanted[0] == NULL)
      problem(problems, e->base, section, "variants", "no variant named (leave it out for "
              "all)");
    for (char **w = wanted; *w; w++)
      if (index_in(*w, (const char *const *)known, g_strv_length(known)) < 0) {
        g_autofree char *hint = suggestion(*w, (const char *const *)known,
                                           g_strv_length(known));
        problem(problems, e->base, section, "variants", "no variant '%s'%s", *w, hint);
      }
  }
}

void
exp_plot_check(const Experiment *e, GString *problems)
{
  g_return_if_fail(e != NULL && e->base != NULL && problems != NULL);
  g_auto(GStrv) sections = sim_config_sections(e->base, "plot.");
  for (char **s = sections; *s; s++)
    check_one(e, *s, problems);
}

gboolean
exp_plot_declared(const Experiment *e)
{
  g_return_val_if_fail(e != NULL, FALSE);
  g_auto(GStrv) sections = sim_config_sections(e->base, "plot.");
  return sections[0] != NULL;
}

/* ---- a figure's settings ---------------------------------------------------------- */

typedef struct {
  char *name, *section;
  PlotKind kind;
  char *y;                /* NULL for states without a list */
  char *x, *group;        /* lines: "section.key", group may be NULL */
  char **variants;        /* indices into the experiment's, in the order drawn */
  guint n_variants;
  guint *vindex;
  char *title, *xlabel, *ylabel;   /* as given, or NULL */
  gboolean logx, logy, png, svg;
} PlotSpec;

static void
plot_spec_free(PlotSpec *p)
{
  if (p == NULL)
    return;
  g_free(p->name);
  g_free(p->section);
  g_free(p->y);
  g_free(p->x);
  g_free(p->group);
  g_strfreev(p->variants);
  g_free(p->vindex);
  g_free(p->title);
  g_free(p->xlabel);
  g_free(p->ylabel);
  g_free(p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PlotSpec, plot_spec_free)

static char *
raw_stripped(const SimConfig *cfg, const char *section, const char *key)
{
  const char *raw = sim_config_raw(cfg, section, key);
  return raw ? g_strstrip(g_strdup(raw)) : NULL;
}

/* The settings of [plot.@name] of @e (loaded, so checked); NULL if there is none. */
static PlotSpec *
plot_spec_new(const Experiment *e, const char *name, const char *format)
{
  g_autofree char *section = g_strconcat("plot.", name, NULL);
  if (sim_config_section_origin(e->base, section) == NULL)
    return NULL;
  PlotSpec *p = g_new0(PlotSpec, 1);
  p->name = g_strdup(name);
  p->section = g_steal_pointer(&section);
  p->kind = (PlotKind)index_in(sim_config_get_enum(e->base, p->section, "kind"), kind_names,
                               G_N_ELEMENTS(kind_names));
  p->y = raw_stripped(e->base, p->section, "y");
  p->x = raw_stripped(e->base, p->section, "x");
  p->group = raw_stripped(e->base, p->section, "group");
  p->title = raw_stripped(e->base, p->section, "title");
  p->xlabel = raw_stripped(e->base, p->section, "xlabel");
  p->ylabel = raw_stripped(e->base, p->section, "ylabel");
  p->logx = sim_config_get_bool(e->base, p->section, "logx");
  p->logy = sim_config_get_bool(e->base, p->section, "logy");
  const char *fmt = format ? format : sim_config_get_enum(e->base, p->section, "format");
  p->png = strcmp(fmt, "svg") != 0;
  p->svg = strcmp(fmt, "png") != 0;
  const char *list = sim_config_raw(e->base, p->section, "variants");
  g_auto(GStrv) wanted = list ? split_list(list) : NULL;
  p->vindex = g_new0(guint, e->variants->len + (wanted ? g_strv_length(wanted) : 0));
  GPtrArray *names = g_ptr_array_new();
  for (guint i = 0; wanted == NULL && i < e->variants->len; i++)
    p->vindex[p->n_variants++] = i;
  for (char **w = wanted; w && *w; w++)
    for (guint i = 0; i < e->variants->len; i++)
      if (strcmp(*w, ((const ExpVariant *)e->variants->pdata[i])->name) == 0)
        p->vindex[p->n_variants++] = i;
  for (guint i = 0; i < p->n_variants; i++) {
    const ExpVariant *v = g_ptr_array_index(e->variants, p->vindex[i]);
    g_ptr_array_add(names, g_strdup(v->name));
  }
  g_ptr_array_add(names, NULL);
  p->variants = (char **)g_ptr_array_free(names, FALSE);
  return p;
}

/* The names of the figures of @e, in file order. */
static char **
plot_names(const Experiment *e)
{
  g_auto(GStrv) sections = sim_config_sections(e->base, "plot.");
  GPtrArray *out = g_ptr_array_new();
  for (char **s = sections; *s; s++)
    g_ptr_array_add(out, g_strdup(*s + strlen("plot.")));
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

/* ---- reading the CSV files -------------------------------------------------------- */

typedef struct {
  char *path;
  char **header;
  guint ncol;
  GPtrArray *rows;        /* char ** of ncol fields */
} Csv;

static void
csv_free(Csv *c)
{
  if (c == NULL)
    return;
  g_free(c->path);
  g_strfreev(c->header);
  if (c->rows)
    g_ptr_array_free(c->rows, TRUE);
  g_free(c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Csv, csv_free)

/* @dir/@file, every row with as many fields as the header (no field of synack's CSV
 * files holds a comma). O(size of the file) in memory. */
static Csv *
csv_read(const char *dir, const char *file, const char *why, GError **error)
{
  g_autoptr(Csv) c = g_new0(Csv, 1);
  c->path = g_build_filename(dir, file, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(c->path, &text, NULL, &err)) {
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "cannot read %s%s%s: %s",
                c->path, why ? " " : "", why ? why : "", err->message);
    return NULL;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  if (lines[0] == NULL || lines[0][0] == '\0') {
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "%s is empty", c->path);
    return NULL;
  }
  c->header = g_strsplit(g_strchomp(lines[0]), ",", -1);
  c->ncol = g_strv_length(c->header);
  c->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  for (guint i = 1; lines[i] != NULL; i++) {
    g_strchomp(lines[i]);
    if (lines[i][0] == '\0')
      continue;
    char **fields = g_strsplit(lines[i], ",", -1);
    if (g_strv_length(fields) != c->ncol) {
      g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "%s:%u: %u fields, the "
                  "header has %u", c->path, i + 1, g_strv_length(fields), c->ncol);
      g_strfreev(fields);
      return NULL;
    }
    g_ptr_array_add(c->rows, fields);
  }
  return g_steal_pointer(&c);
}

static int
csv_column(const Csv *c, const char *name, GError **error)
{
  int i = index_in(name, (const char *const *)c->header, c->ncol);
  if (i < 0)
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "%s has no column '%s'",
                c->path, name);
  return i;
}

static const char *
csv_field(const Csv *c, guint row, int col)
{
  return ((char **)c->rows->pdata[row])[col];
}

/* A field as a number; NaN when empty or not a number. */
static double
field_number(const char *text)
{
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  return end != text && *end == '\0' ? v : NAN;
}

/* ---- the figures' data ------------------------------------------------------------ */

typedef struct {
  char *title;
  guint color;            /* index into palette */
  guint dash;             /* gnuplot dash type, 1 = solid */
  GString *rows;
} Series;

static void
series_free(Series *s)
{
  g_free(s->title);
  g_string_free(s->rows, TRUE);
  g_free(s);
}

static Series *
series_add(GPtrArray *all, const char *title, guint color, guint dash)
{
  Series *s = g_new0(Series, 1);
  s->title = g_strdup(title);
  s->color = color;
  s->dash = dash;
  s->rows = g_string_new(NULL);
  g_ptr_array_add(all, s);
  return s;
}

typedef struct {
  const PlotSpec *spec;
  char *what;             /* the .dat's first line */
  const char *columns;
  GPtrArray *series;      /* Series *, empty ones dropped before writing */
  char *title, *xlabel, *ylabel;   /* defaults, used where the spec gives none */
} Figure;

static void
figure_free(Figure *f)
{
  if (f == NULL)
    return;
  g_free(f->what);
  if (f->series)
    g_ptr_array_free(f->series, TRUE);
  g_free(f->title);
  g_free(f->xlabel);
  g_free(f->ylabel);
  g_free(f);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Figure, figure_free)

static char *
metric_label(const char *y)
{
  int m = exp_metric_find(y);
  if (m >= 0)
    return g_strdup_printf("%s (%s)", y, exp_metric((guint)m)->unit);
  return g_strdup_printf("%s (s)", y);   /* a sample: seconds */
}

/* The point of row @r: its point column, or 0 when the file has none (written before
 * sweeps: every row is at the one point). */
static guint
row_point(const Csv *c, guint r, int pcol)
{
  return pcol < 0 ? 0 : (guint)g_ascii_strtoull(csv_field(c, r, pcol), NULL, 10);
}

/* A series' name: the variant, and the point's values in a sweep. */
static char *
series_name(const Experiment *e, const char *variant, guint point)
{
  const ExpPoint *pt = g_ptr_array_index(e->points, point);
  return pt->label[0] != '\0' ? g_strdup_printf("%s %s", variant, pt->label)
                              : g_strdup(variant);
}

/* A (variant, point)'s colour: the variant's in the experiment, each point its own in a
 * sweep; the same in every figure. */
static guint
series_color(const Experiment *e, guint vindex, guint point)
{
  return vindex * e->points->len + point;
}

/* The summary.csv row of (@variant, @point, @metric): mean, ci95 (0 when empty: n < 2),
 * n. */
typedef struct {
  const Csv *csv;
  gboolean swept;
  int variant, point, metric, mean, ci95, n;
} Summary;

static gboolean
summary_open(Summary *s, const Experiment *e, const Csv *csv, GError **error)
{
  s->csv = csv;
  s->swept = e->sweep != NULL;
  s->point = index_in("point", (const char *const *)csv->header, csv->ncol);
  return (s->variant = csv_column(csv, "variant", error)) >= 0 &&
         (s->metric = csv_column(csv, "metric", error)) >= 0 &&
         (s->mean = csv_column(csv, "mean", error)) >= 0 &&
         (s->ci95 = csv_column(csv, "ci95", error)) >= 0 &&
         (s->n = csv_column(csv, "n", error)) >= 0;
}

static gboolean
summary_get(const Summary *s, const char *variant, guint point, const char *metric,
            double *mean, double *ci95, double *n, GError **error)
{
  for (guint r = 0; r < s->csv->rows->len; r++) {
    if (strcmp(csv_field(s->csv, r, s->variant), variant) != 0 ||
        row_point(s->csv, r, s->point) != point ||
        strcmp(csv_field(s->csv, r, s->metric), metric) != 0)
      continue;
    *mean = field_number(csv_field(s->csv, r, s->mean));
    *ci95 = field_number(csv_field(s->csv, r, s->ci95));
    if (!isfinite(*ci95))
      *ci95 = 0;
    *n = field_number(csv_field(s->csv, r, s->n));
    return TRUE;
  }
  if (s->swept)
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "%s has no row for variant %s, "
                "point %u, metric %s", s->csv->path, variant, point, metric);
  else
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "%s has no row for variant %s, "
                "metric %s", s->csv->path, variant, metric);
  return FALSE;
}

static gboolean
data_bars(const Experiment *e, const char *dir, Figure *f, GError **error)
{
  const PlotSpec *p = f->spec;
  g_autoptr(Csv) csv = csv_read(dir, "summary.csv", NULL, error);
  Summary s;
  if (csv == NULL || !summary_open(&s, e, csv, error))
    return FALSE;
  f->what = g_strdup_printf("%s by variant%s, mean and 95 %% CI half-width over the "
                            "replications (summary.csv)", p->y,
                            e->sweep != NULL ? " and point" : "");
  f->columns = "variant mean ci95 n";
  f->title = g_strdup_printf("%s: %s by variant (mean, 95 %% CI)", e->name, p->y);
  f->xlabel = g_strdup("variant");
  f->ylabel = metric_label(p->y);
  for (guint i = 0; i < p->n_variants; i++)
    for (guint pt = 0; pt < e->points->len; pt++) {
      double mean, ci, n;
      if (!summary_get(&s, p->variants[i], pt, p->y, &mean, &ci, &n, error))
        return FALSE;
      g_autofree char *title = series_name(e, p->variants[i], pt);
      Series *se = series_add(f->series, title, series_color(e, p->vindex[i], pt), 1);
      /* a label with spaces is one column to gnuplot when quoted */
      g_string_append_printf(se->rows, e->sweep != NULL ? "\"%s\" " : "%s ", title);
      append_number(se->rows, mean);
      g_string_append_c(se->rows, ' ');
      append_number(se->rows, ci);
      g_string_append_c(se->rows, ' ');
      append_number(se->rows, n);
      g_string_append_c(se->rows, '\n');
    }
  return TRUE;
}

typedef struct {
  double x, mean, ci;
  const char *variant;
  guint point;
  guint order;
} LinePoint;

static gint
point_cmp(gconstpointer a, gconstpointer b)
{
  const LinePoint *p = a, *q = b;
  if (p->x != q->x)
    return p->x < q->x ? -1 : 1;
  return p->order < q->order ? -1 : p->order > q->order;
}

/* Each (variant, point) of the summary is a point of the graph, at x = its config's
 * value of key x; the lines join those sharing the value of key group (or the variant). */
static gboolean
data_lines(const Experiment *e, const char *dir, Figure *f, GError **error)
{
  const PlotSpec *p = f->spec;
  g_autoptr(Csv) csv = csv_read(dir, "summary.csv", NULL, error);
  Summary s;
  if (csv == NULL || !summary_open(&s, e, csv, error))
    return FALSE;
  gboolean by_variant = p->group != NULL && strcmp(p->group, "variant") == 0;
  g_autofree char *xsec = NULL, *xkey = NULL, *gsec = NULL, *gkey = NULL;
  if (!key_split(p->x, &xsec, &xkey) ||
      (p->group && !by_variant && !key_split(p->group, &gsec, &gkey)))
    g_assert_not_reached();   /* checked when the experiment loaded */
  const SimKeySpec *xspec = sim_schema_lookup(e->schema, xsec, xkey);
  g_assert(xspec != NULL);
  guint nv = e->variants->len, np = e->points->len;
  f->what = g_strdup_printf("%s against %s%s%s, mean and 95 %% CI half-width over the "
                            "replications (summary.csv)", p->y, p->x,
                            p->group ? ", one line per " : "", p->group ? p->group : "");
  f->columns = e->sweep != NULL ? "x mean ci95 variant point" : "x mean ci95 variant";
  f->title = g_strdup_printf("%s: %s vs %s (mean, 95 %% CI)", e->name, p->y, p->x);
  f->xlabel = g_strdup_printf("%s (%s)", p->x, type_unit(xspec->type));
  f->ylabel = metric_label(p->y);

  /* the line of each (variant, point): its group value, in the order values first
   * appear among all the variants and points (their colours), or its variant */
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GArray) colors = g_array_new(FALSE, FALSE, sizeof(guint));
  guint *line_of = g_new0(guint, nv * np);
  for (guint v = 0; v < nv; v++)
    for (guint pt = 0; pt < np; pt++) {
      const ExpVariant *var = g_ptr_array_index(e->variants, v);
      char *g = by_variant ? g_strdup(var->name)
                : p->group ? effective_text(experiment_config(e, v, pt), e->schema, gsec, gkey)
                           : g_strdup("");
      if (g == NULL)
        g = g_strdup("(not set)");
      int at = index_in(g, (const char *const *)groups->pdata, groups->len);
      if (at < 0) {
        at = (int)groups->len;
        g_ptr_array_add(groups, g);
        guint color = by_variant ? v : (guint)at;
        g_array_append_val(colors, color);
      } else {
        g_free(g);
      }
      line_of[v * np + pt] = (guint)at;
    }
  GArray **points = g_new0(GArray *, groups->len);
  for (guint g = 0; g < groups->len; g++)
    points[g] = g_array_new(FALSE, FALSE, sizeof(LinePoint));
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < p->n_variants; i++)
    for (guint pt = 0; ok && pt < np; pt++) {
      const ExpVariant *var = g_ptr_array_index(e->variants, p->vindex[i]);
      LinePoint lp = { .variant = var->name, .point = pt, .order = i * np + pt };
      double n;
      g_autofree char *xtext = effective_text(experiment_config(e, p->vindex[i], pt),
                                              e->schema, xsec, xkey);
      if (xtext == NULL || !text_number(xspec->type, xtext, &lp.x)) {
        g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "variant %s has no number "
                    "for %s", var->name, p->x);
        ok = FALSE;
      } else if (!summary_get(&s, var->name, pt, p->y, &lp.mean, &lp.ci, &n, error)) {
        ok = FALSE;
      } else {
        g_array_append_val(points[line_of[p->vindex[i] * np + pt]], lp);
      }
    }
  for (guint g = 0; g < groups->len; g++) {
    if (ok && points[g]->len > 0) {
      g_array_sort(points[g], point_cmp);
      g_autofree char *title = by_variant ? g_strdup(groups->pdata[g])
                               : p->group ? g_strdup_printf("%s = %s", p->group,
                                                            (char *)groups->pdata[g])
                                          : g_strdup(p->y);
      Series *se = series_add(f->series, title, g_array_index(colors, guint, g), 1);
      for (guint k = 0; k < points[g]->len; k++) {
        const LinePoint *lp = &g_array_index(points[g], LinePoint, k);
        append_number(se->rows, lp->x);
        g_string_append_c(se->rows, ' ');
        append_number(se->rows, lp->mean);
        g_string_append_c(se->rows, ' ');
        append_number(se->rows, lp->ci);
        g_string_append_printf(se->rows, " %s", lp->variant);
        if (e->sweep != NULL)
          g_string_append_printf(se->rows, " %u", lp->point);
        g_string_append_c(se->rows, '\n');
      }
    }
    g_array_free(points[g], TRUE);
  }
  g_free(points);
  g_free(line_of);
  return ok;
}

static gint
double_cmp(gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The empirical CDF of @values: (min, 0), then for each distinct value v the fraction
 * of values <= v. Sorts @values. */
static void
append_ecdf(GString *out, GArray *values)
{
  if (values->len == 0)
    return;
  g_array_sort(values, double_cmp);
  const double *v = (const double *)(const void *)values->data;
  append_number(out, v[0]);
  g_string_append(out, " 0\n");
  for (guint i = 0; i < values->len; i++) {
    if (i + 1 < values->len && v[i + 1] == v[i])
      continue;
    append_number(out, v[i]);
    g_string_append_c(out, ' ');
    append_number(out, (double)(i + 1) / (double)values->len);
    g_string_append_c(out, '\n');
  }
}

static gboolean
data_cdf(const Experiment *e, const char *dir, Figure *f, GError **error)
{
  const PlotSpec *p = f->spec;
  gboolean sample = index_in(p->y, sample_names, G_N_ELEMENTS(sample_names)) >= 0;
  g_autoptr(Csv) csv = sample
    ? csv_read(dir, "samples.csv", "(written when [metrics] samples > 0)", error)
    : csv_read(dir, "runs.csv", NULL, error);
  if (csv == NULL)
    return FALSE;
  int vcol = csv_column(csv, "variant", error);
  int pcol = index_in("point", (const char *const *)csv->header, csv->ncol);
  int kcol = sample ? csv_column(csv, "sample", error) : 0;
  int ycol = csv_column(csv, sample ? "value" : p->y, error);
  if (vcol < 0 || kcol < 0 || ycol < 0)
    return FALSE;
  f->what = g_strdup_printf("empirical CDF of %s per variant, %s", p->y,
                            sample ? "every connection of every replication (samples.csv)"
                                   : "one value per run (runs.csv)");
  f->columns = "value fraction";
  f->title = g_strdup_printf("%s: distribution of %s (%s)", e->name, p->y,
                             sample ? "per connection" : "per run");
  f->xlabel = metric_label(p->y);
  f->ylabel = g_strdup_printf("cumulative fraction of %s (0-1)",
                              sample ? "connections" : "runs");
  for (guint i = 0; i < p->n_variants; i++)
    for (guint pt = 0; pt < e->points->len; pt++) {
      g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(double));
      for (guint r = 0; r < csv->rows->len; r++) {
        if (strcmp(csv_field(csv, r, vcol), p->variants[i]) != 0 ||
            row_point(csv, r, pcol) != pt ||
            (sample && strcmp(csv_field(csv, r, kcol), p->y) != 0))
          continue;
        double v = field_number(csv_field(csv, r, ycol));
        if (isfinite(v))
          g_array_append_val(values, v);
      }
      g_autofree char *title = series_name(e, p->variants[i], pt);
      Series *se = series_add(f->series, title, series_color(e, p->vindex[i], pt), 1);
      append_ecdf(se->rows, values);
    }
  return TRUE;
}

typedef struct {
  double t;
  double *sum;            /* per listed state */
  guint n;                /* replications sampled at t */
} StateTime;

static gint
state_time_cmp(gconstpointer a, gconstpointer b)
{
  const StateTime *p = *(StateTime *const *)a, *q = *(StateTime *const *)b;
  return p->t < q->t ? -1 : p->t > q->t;
}

static gboolean
data_states(const Experiment *e, const char *dir, Figure *f, GError **error)
{
  const PlotSpec *p = f->spec;
  g_autoptr(Csv) csv = csv_read(dir, "states.csv", "(written when [metrics] states_every "
                                "> 0)", error);
  if (csv == NULL)
    return FALSE;
  int vcol = csv_column(csv, "variant", error);
  int pcol = index_in("point", (const char *const *)csv->header, csv->ncol);
  int tcol = vcol >= 0 ? csv_column(csv, "time", error) : -1;
  if (tcol < 0)
    return FALSE;
  /* the states drawn: as listed, else every one that is ever non-zero, in RFC order */
  g_auto(GStrv) listed = p->y ? split_list(p->y) : NULL;
  g_autoptr(GArray) cols = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint s = 0; listed != NULL && listed[s] != NULL; s++) {
    int c = csv_column(csv, listed[s], error);
    if (c < 0)
      return FALSE;
    g_array_append_val(cols, c);
  }
  for (guint s = 0; listed == NULL && s < TCP_NSTATES; s++) {
    int c = csv_column(csv, state_names()[s], error);
    if (c < 0)
      return FALSE;
    gboolean used = FALSE;
    for (guint r = 0; !used && r < csv->rows->len; r++)
      used = index_in(csv_field(csv, r, vcol), (const char *const *)p->variants,
                      p->n_variants) >= 0 && field_number(csv_field(csv, r, c)) != 0;
    if (used)
      g_array_append_val(cols, c);
  }
  guint ns = cols->len;
  f->what = g_strdup_printf("connections per state over time, mean over the replications "
                            "sampled at each time (states.csv)");
  f->columns = "time connections";
  f->title = g_strdup_printf("%s: connections per state (mean over replications)", e->name);
  f->xlabel = g_strdup("time (s)");
  f->ylabel = g_strdup("connections (count)");
  guint np = e->points->len;
  for (guint k = 0; k < p->n_variants * np; k++) {
    guint i = k / np, pt = k % np;
    g_autoptr(GHashTable) by_time = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) times = g_ptr_array_new();
    for (guint r = 0; r < csv->rows->len; r++) {
      if (strcmp(csv_field(csv, r, vcol), p->variants[i]) != 0 ||
          row_point(csv, r, pcol) != pt)
        continue;
      const char *tt = csv_field(csv, r, tcol);
      StateTime *st = g_hash_table_lookup(by_time, tt);
      if (st == NULL) {
        st = g_new0(StateTime, 1);
        st->t = field_number(tt);
        st->sum = g_new0(double, ns ? ns : 1);
        g_hash_table_insert(by_time, (gpointer)tt, st);
        g_ptr_array_add(times, st);
      }
      st->n++;
      for (guint s = 0; s < ns; s++) {
        double v = field_number(csv_field(csv, r, g_array_index(cols, int, s)));
        st->sum[s] += isfinite(v) ? v : 0;
      }
    }
    g_ptr_array_sort(times, state_time_cmp);
    for (guint s = 0; s < ns; s++) {
      const char *state = csv->header[g_array_index(cols, int, s)];
      g_autofree char *name = series_name(e, p->variants[i], pt);
      g_autofree char *title = p->n_variants > 1 || np > 1 ? g_strdup_printf("%s %s", name,
                                                                             state)
                                                           : g_strdup(state);
      Series *se = series_add(f->series, title, series_color(e, p->vindex[i], pt), s + 1);
      for (guint t = 0; t < times->len; t++) {
        const StateTime *st = times->pdata[t];
        append_number(se->rows, st->t);
        g_string_append_c(se->rows, ' ');
        append_number(se->rows, st->sum[s] / st->n);
        g_string_append_c(se->rows, '\n');
      }
    }
    for (guint t = 0; t < times->len; t++) {
      g_free(((StateTime *)times->pdata[t])->sum);
      g_free(times->pdata[t]);
    }
  }
  return TRUE;
}

/* The figure's numbers, from the folder's files. */
static Figure *
figure_new(const Experiment *e, const char *dir, const PlotSpec *p, GError **error)
{
  g_autoptr(Figure) f = g_new0(Figure, 1);
  f->spec = p;
  f->series = g_ptr_array_new_with_free_func((GDestroyNotify)series_free);
  gboolean ok = FALSE;
  switch (p->kind) {
  case PLOT_BARS:   ok = data_bars(e, dir, f, error); break;
  case PLOT_LINES:  ok = data_lines(e, dir, f, error); break;
  case PLOT_CDF:    ok = data_cdf(e, dir, f, error); break;
  case PLOT_STATES: ok = data_states(e, dir, f, error); break;
  }
  if (!ok)
    return NULL;
  for (guint i = f->series->len; i-- > 0;)
    if (((Series *)f->series->pdata[i])->rows->len == 0)
      g_ptr_array_remove_index(f->series, i);
  if (f->series->len == 0) {
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "figure %s: nothing to draw "
                "(no values of %s for the variants drawn)", p->name,
                p->y ? p->y : "any state");
    return NULL;
  }
  return g_steal_pointer(&f);
}

static char *
figure_dat(const Figure *f)
{
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "# %s: %s\n# columns: %s\n", f->spec->name, f->what,
                         f->columns);
  for (guint i = 0; i < f->series->len; i++) {
    const Series *s = f->series->pdata[i];
    if (i > 0)
      g_string_append(out, "\n\n");
    g_string_append_printf(out, "# %s\n%s", s->title, s->rows->str);
  }
  return g_string_free(out, FALSE);
}

char *
exp_plot_data(const Experiment *e, const char *dir, const char *name, GError **error)
{
  g_return_val_if_fail(e != NULL && dir != NULL && name != NULL, NULL);
  g_autoptr(PlotSpec) p = plot_spec_new(e, name, NULL);
  if (p == NULL) {
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_NO_FIGURE, "%s has no figure %s "
                "([plot.%s])", e->name, name, name);
    return NULL;
  }
  g_autoptr(Figure) f = figure_new(e, dir, p, error);
  return f ? figure_dat(f) : NULL;
}

/* ---- the script ------------------------------------------------------------------- */

static void
append_gp_assign(GString *out, const char *var, const char *value)
{
  g_string_append_printf(out, "%s = ", var);
  append_gp_string(out, value);
  g_string_append_c(out, '\n');
}

static char *
figure_script(const Experiment *e, const Figure *f, const char *template_path,
              const char *template_text)
{
  const PlotSpec *p = f->spec;
  GString *o = g_string_new(NULL);
  g_string_append_printf(o, "# %s: a %s figure of experiment %s, made by synack from the "
                         "output folder above\n# this one: %s.\n# After an edit, make the "
                         "images again from this folder: gnuplot %s.gp\n\n",
                         p->name, kind_names[p->kind], e->name, f->what, p->name);
  g_autofree char *dat = g_strconcat(p->name, ".dat", NULL);
  g_autofree char *png = g_strconcat(p->name, ".png", NULL);
  g_autofree char *svg = g_strconcat(p->name, ".svg", NULL);
  append_gp_assign(o, "datafile", dat);
  g_string_append(o, "# images written ('' for none); gnuplot -e \"out_png='x.png'\" "
                  "NAME.gp writes elsewhere\n");
  g_string_append(o, "if (!exists(\"out_png\")) out_png = ");
  append_gp_string(o, p->png ? png : "");
  g_string_append(o, "\nif (!exists(\"out_svg\")) out_svg = ");
  append_gp_string(o, p->svg ? svg : "");
  g_string_append_c(o, '\n');
  append_gp_assign(o, "plot_title", p->title ? p->title : f->title);
  append_gp_assign(o, "plot_xlabel", p->xlabel ? p->xlabel : f->xlabel);
  append_gp_assign(o, "plot_ylabel", p->ylabel ? p->ylabel : f->ylabel);
  g_string_append_printf(o, "logx = %d\nlogy = %d\n", p->logx ? 1 : 0, p->logy ? 1 : 0);
  guint n = f->series->len;
  g_string_append_printf(o, "# one entry per data block of %s\nn_series = %u\n", dat, n);
  g_string_append_printf(o, "array series_title[%u] = [", n);
  for (guint i = 0; i < n; i++) {
    if (i > 0)
      g_string_append(o, ", ");
    append_gp_string(o, ((const Series *)f->series->pdata[i])->title);
  }
  g_string_append_printf(o, "]\narray series_color[%u] = [", n);
  for (guint i = 0; i < n; i++)
    g_string_append_printf(o, "%s'%s'", i > 0 ? ", " : "",
                           palette[((const Series *)f->series->pdata[i])->color %
                                   G_N_ELEMENTS(palette)]);
  g_string_append_printf(o, "]\narray series_dash[%u] = [", n);
  for (guint i = 0; i < n; i++)
    g_string_append_printf(o, "%s%u", i > 0 ? ", " : "",
                           ((const Series *)f->series->pdata[i])->dash);
  g_autofree char *base = g_path_get_basename(template_path);
  g_string_append_printf(o, "]\n\n# ---- the template plots/%s, copied in ----\n", base);
  g_string_append(o, template_text);
  if (o->len > 0 && o->str[o->len - 1] != '\n')
    g_string_append_c(o, '\n');
  return g_string_free(o, FALSE);
}

/* ---- running gnuplot -------------------------------------------------------------- */

/* The gnuplot program as a path, or NULL with EXP_PLOT_ERROR_NO_GNUPLOT. */
static char *
find_gnuplot(const ExpPlotOptions *opt, GError **error)
{
  g_autoptr(GError) err = NULL;
  char *path = exp_gnuplot_find(opt->gnuplot, &err);
  if (path == NULL)
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_NO_GNUPLOT, "%s: figures skipped "
                "(their data and scripts are in figures/); install gnuplot with apt-get "
                "install gnuplot-nox (or ./scripts/setup), then make them with synack plot "
                "DIR", err->message);
  return path;
}

/* Runs @gnuplot on NAME.gp in @figdir, writing the images under temporary names, then
 * gives them their names. */
static gboolean
run_gnuplot(const char *gnuplot, const char *figdir, const PlotSpec *p, GPtrArray *made,
            GError **error)
{
  g_autofree char *script = g_strconcat(p->name, ".gp", NULL);
  const char *ext[2] = { "png", "svg" };
  gboolean want[2] = { p->png, p->svg };
  char *tmp[2] = { NULL, NULL }, *final[2] = { NULL, NULL };
  for (int i = 0; i < 2; i++)
    if (want[i]) {
      tmp[i] = g_strdup_printf(".%s.%ld.partial.%s", p->name, (long)getpid(), ext[i]);
      final[i] = g_strconcat(p->name, ".", ext[i], NULL);
    }
  g_autofree char *vars = g_strdup_printf("out_png='%s'; out_svg='%s'", tmp[0] ? tmp[0] : "",
                                          tmp[1] ? tmp[1] : "");
  const char *args[] = { "-e", vars, script, NULL };
  g_autoptr(GError) run_err = NULL;
  gboolean ok = exp_gnuplot_run(gnuplot, figdir, args, &run_err);
  if (!ok)
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_GNUPLOT, "figure %s: %s", p->name,
                run_err->message);
  for (int i = 0; i < 2; i++) {
    if (tmp[i] == NULL)
      continue;
    g_autofree char *from = g_build_filename(figdir, tmp[i], NULL);
    g_autofree char *to = g_build_filename(figdir, final[i], NULL);
    if (ok && !g_file_test(from, G_FILE_TEST_IS_REGULAR)) {
      ok = FALSE;
      g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_GNUPLOT, "figure %s: gnuplot wrote "
                  "no %s image", p->name, ext[i]);
    } else if (ok && g_rename(from, to) != 0) {
      int errsv = errno;
      ok = FALSE;
      g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_OUTPUT, "cannot rename %s to %s: %s",
                  from, to, g_strerror(errsv));
    } else if (ok) {
      g_ptr_array_add(made, g_steal_pointer(&to));
    }
  }
  for (int i = 0; i < 2; i++) {
    if (tmp[i] != NULL) {
      g_autofree char *left = g_build_filename(figdir, tmp[i], NULL);
      g_unlink(left);   /* nothing there once renamed */
    }
    g_free(tmp[i]);
    g_free(final[i]);
  }
  return ok;
}

/* ---- the folder ------------------------------------------------------------------- */

static gboolean
write_text(const char *dir, const char *name, const char *text, GError **error)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_file_set_contents(path, text, -1, &err)) {
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_OUTPUT, "cannot write %s: %s", path,
                err->message);
    return FALSE;
  }
  return TRUE;
}

static Experiment *
folder_experiment(const char *dir, GError **error)
{
  if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "no output folder '%s'", dir);
    return NULL;
  }
  g_autofree char *ini = g_build_filename(dir, "config.resolved.ini", NULL);
  if (!g_file_test(ini, G_FILE_TEST_EXISTS)) {
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "'%s' is not an output folder "
                "of synack run: it has no config.resolved.ini", dir);
    return NULL;
  }
  g_autoptr(GError) err = NULL;
  Experiment *e = experiment_load(ini, NULL, &err);
  if (e == NULL)
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "%s is not a valid "
                "experiment:\n%s", ini, err->message);
  return e;
}

gboolean
exp_plot_folder(const char *dir, const ExpPlotOptions *opt, GPtrArray *made, GError **error)
{
  g_return_val_if_fail(dir != NULL && opt != NULL && made != NULL, FALSE);
  g_return_val_if_fail(opt->format == NULL || strcmp(opt->format, "png") == 0 ||
                       strcmp(opt->format, "svg") == 0 || strcmp(opt->format, "both") == 0,
                       FALSE);
  g_autoptr(Experiment) e = folder_experiment(dir, error);
  if (e == NULL)
    return FALSE;
  g_auto(GStrv) names = plot_names(e);
  if (opt->only != NULL && index_in(opt->only, (const char *const *)names,
                                    g_strv_length(names)) < 0) {
    g_autofree char *hint = suggestion(opt->only, (const char *const *)names,
                                       g_strv_length(names));
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_NO_FIGURE, "%s declares no figure "
                "'%s'%s", e->name, opt->only, hint);
    return FALSE;
  }
  if (names[0] == NULL)
    return TRUE;

  const char *env = g_getenv("SYNACK_PLOTS_DIR");
  const char *templates = opt->templates ? opt->templates
                          : env != NULL && env[0] != '\0' ? env : SYNACK_PLOTS_DIR;
  g_autofree char *figdir = g_build_filename(dir, "figures", NULL);
  if (g_mkdir_with_parents(figdir, 0777) != 0) {
    int errsv = errno;
    g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_OUTPUT, "cannot make folder %s: %s",
                figdir, g_strerror(errsv));
    return FALSE;
  }
  /* every figure's data and script first: they are useful without gnuplot */
  g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func((GDestroyNotify)plot_spec_free);
  for (char **n = names; *n; n++) {
    if (opt->only != NULL && strcmp(*n, opt->only) != 0)
      continue;
    g_autoptr(PlotSpec) p = plot_spec_new(e, *n, opt->format);
    g_assert(p != NULL);
    g_autoptr(Figure) f = figure_new(e, dir, p, error);
    if (f == NULL)
      return FALSE;
    g_autofree char *tfile = g_strconcat(kind_names[p->kind], ".gp", NULL);
    g_autofree char *tpath = g_build_filename(templates, tfile, NULL);
    g_autofree char *ttext = NULL;
    g_autoptr(GError) terr = NULL;
    if (!g_file_get_contents(tpath, &ttext, NULL, &terr)) {
      g_set_error(error, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT, "cannot read the template "
                  "of %s figures (SYNACK_PLOTS_DIR names their folder): %s",
                  kind_names[p->kind], terr->message);
      return FALSE;
    }
    g_autofree char *dat = figure_dat(f);
    g_autofree char *script = figure_script(e, f, tpath, ttext);
    g_autofree char *dat_name = g_strconcat(p->name, ".dat", NULL);
    g_autofree char *gp_name = g_strconcat(p->name, ".gp", NULL);
    if (!write_text(figdir, dat_name, dat, error) || !write_text(figdir, gp_name, script, error))
      return FALSE;
    g_ptr_array_add(specs, g_steal_pointer(&p));
  }
  g_autofree char *gnuplot = find_gnuplot(opt, error);
  if (gnuplot == NULL)
    return FALSE;
  for (guint i = 0; i < specs->len; i++)
    if (!run_gnuplot(gnuplot, figdir, specs->pdata[i], made, error))
      return FALSE;
  return TRUE;
}

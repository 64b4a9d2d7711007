/* sim_config: the schema (the union of the modules' SimKeySpec tables) and configs built
 * from INI text and --set overrides, checked against it as a whole. Lines are scanned
 * here so that every message can name its line; GKeyFile unescapes the values; the core
 * parsers (sim_time, sim_units, sim_dist) read them. */
#include "sim_config.h"
#include "sim_suggest.h"
#include "sim_error.h"
#include "sim_units.h"

#include <math.h>
#include <string.h>

/* ---- schema ---------------------------------------------------------------------- */

struct SimSchema {
  GPtrArray *specs;         /* const SimKeySpec *, in declaration order */
  GHashTable *exact;        /* "section\x1fkey" -> spec, sections without a wildcard */
  GPtrArray *families;      /* specs whose section is a family "prefix.*" */
  GPtrArray *sections;      /* distinct section names (families as "link.*"), in order */
  GHashTable *section_set;  /* the same names, for membership */
};

/* A family section is written "prefix.*" and matches "prefix.NAME" for any non-empty
 * NAME. */
static gboolean
section_is_family(const char *section)
{
  size_t len = strlen(section);
  return len >= 2 && section[len - 2] == '.' && section[len - 1] == '*';
}

static gboolean
family_matches(const char *family, const char *section)
{
  size_t prefix_len = strlen(family) - 1;   /* keeps the dot */
  return strncmp(section, family, prefix_len) == 0 && section[prefix_len] != '\0';
}

/* Looks up "section\x1fkey" in @table; the key is built on the stack when it fits,
 * so a getter costs no allocation. */
static gpointer
lookup_pair(GHashTable *table, const char *section, const char *key)
{
  char buf[256];
  size_t ls = strlen(section), lk = strlen(key);
  char *joined = ls + lk + 2 <= sizeof buf ? buf : g_malloc(ls + lk + 2);
  memcpy(joined, section, ls);
  joined[ls] = '\x1f';
  memcpy(joined + ls + 1, key, lk + 1);
  gpointer found = g_hash_table_lookup(table, joined);
  if (joined != buf)
    g_free(joined);
  return found;
}

SimSchema *
sim_schema_new(void)
{
  SimSchema *schema = g_new0(SimSchema, 1);
  schema->specs = g_ptr_array_new();
  schema->exact = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  schema->families = g_ptr_array_new();
  schema->sections = g_ptr_array_new();
  schema->section_set = g_hash_table_new(g_str_hash, g_str_equal);
  return schema;
}

void
sim_schema_free(SimSchema *schema)
{
  if (schema == NULL)
    return;
  g_ptr_array_free(schema->specs, TRUE);
  g_hash_table_destroy(schema->exact);
  g_ptr_array_free(schema->families, TRUE);
  g_ptr_array_free(schema->sections, TRUE);
  g_hash_table_destroy(schema->section_set);
  g_free(schema);
}

static const SimKeySpec *
schema_find_family_spec(const SimSchema *schema, const char *family, const char *key)
{
  for (guint i = 0; i < schema->families->len; i++) {
    const SimKeySpec *s = g_ptr_array_index(schema->families, i);
    if (strcmp(s->section, family) == 0 && strcmp(s->key, key) == 0)
      return s;
  }
  return NULL;
}

void
sim_schema_add(SimSchema *schema, const SimKeySpec *specs, size_t n)
{
  g_return_if_fail(schema != NULL);
  g_return_if_fail(specs != NULL || n == 0);
  for (size_t i = 0; i < n; i++) {
    const SimKeySpec *s = &specs[i];
    if (s->section == NULL || s->key == NULL || s->section[0] == '\0' || s->key[0] == '\0') {
      g_critical("sim_schema_add: spec %zu has no section or no key", i);
      continue;
    }
    if ((unsigned)s->type > SIM_KEY_ENUM) {
      g_critical("sim_schema_add: [%s] %s has an unknown type %d", s->section, s->key,
                 (int)s->type);
      continue;
    }
    if (s->type == SIM_KEY_ENUM && (s->choices == NULL || s->choices[0] == '\0')) {
      g_critical("sim_schema_add: [%s] %s is an enum without choices", s->section, s->key);
      continue;
    }
    gboolean family = section_is_family(s->section);
    gboolean dup = family ? schema_find_family_spec(schema, s->section, s->key) != NULL
                          : lookup_pair(schema->exact, s->section, s->key) != NULL;
    if (dup) {
      g_critical("sim_schema_add: [%s] %s is declared twice", s->section, s->key);
      continue;
    }
    g_ptr_array_add(schema->specs, (gpointer)s);
    if (family)
      g_ptr_array_add(schema->families, (gpointer)s);
    else
      g_hash_table_insert(schema->exact, g_strconcat(s->section, "\x1f", s->key, NULL),
                          (gpointer)s);
    if (!g_hash_table_contains(schema->section_set, s->section)) {
      g_hash_table_add(schema->section_set, (gpointer)s->section);
      g_ptr_array_add(schema->sections, (gpointer)s->section);
    }
  }
}

const SimKeySpec *
sim_schema_lookup(const SimSchema *schema, const char *section, const char *key)
{
  g_return_val_if_fail(schema != NULL && section != NULL && key != NULL, NULL);
  const SimKeySpec *spec = lookup_pair(schema->exact, section, key);
  if (spec != NULL)
    return spec;
  /* O(number of family keys); there are a handful */
  const SimKeySpec *any = NULL;
  for (guint i = 0; i < schema->families->len; i++) {
    const SimKeySpec *s = g_ptr_array_index(schema->families, i);
    if (!family_matches(s->section, section))
      continue;
    if (strcmp(s->key, key) == 0)
      return s;
    if (strcmp(s->key, SIM_KEY_ANY) == 0)
      any = s;
  }
  /* a plain section whose keys are data ([sweep]: "tcp.time_wait = 0s, 60s") */
  return any != NULL ? any : lookup_pair(schema->exact, section, SIM_KEY_ANY);
}

guint
sim_schema_size(const SimSchema *schema)
{
  g_return_val_if_fail(schema != NULL, 0);
  return schema->specs->len;
}

const SimKeySpec *
sim_schema_nth(const SimSchema *schema, guint i)
{
  g_return_val_if_fail(schema != NULL && i < schema->specs->len, NULL);
  return g_ptr_array_index(schema->specs, i);
}

static gboolean
spec_in_section(const SimKeySpec *s, const char *section)
{
  return section_is_family(s->section) ? family_matches(s->section, section)
                                       : strcmp(s->section, section) == 0;
}

static gboolean
schema_knows_section(const SimSchema *schema, const char *section)
{
  if (!section_is_family(section) && g_hash_table_contains(schema->section_set, section))
    return TRUE;
  for (guint i = 0; i < schema->sections->len; i++) {
    const char *name = g_ptr_array_index(schema->sections, i);
    if (section_is_family(name) && family_matches(name, section))
      return TRUE;
  }
  return FALSE;
}

/* The specs that apply to @section, in declaration order. O(schema size). */
static GPtrArray *
schema_section_specs(const SimSchema *schema, const char *section)
{
  GPtrArray *out = g_ptr_array_new();
  for (guint i = 0; i < schema->specs->len; i++) {
    const SimKeySpec *s = g_ptr_array_index(schema->specs, i);
    if (spec_in_section(s, section))
      g_ptr_array_add(out, (gpointer)s);
  }
  return out;
}

const char *
sim_key_type_name(SimKeyType type)
{
  switch (type) {
  case SIM_KEY_STRING:        return "string";
  case SIM_KEY_INT:           return "integer";
  case SIM_KEY_BOOL:          return "boolean";
  case SIM_KEY_DOUBLE:        return "number";
  case SIM_KEY_DURATION:      return "duration";
  case SIM_KEY_RATE:          return "rate";
  case SIM_KEY_SIZE:          return "size";
  case SIM_KEY_PROB:          return "probability";
  case SIM_KEY_DIST:          return "distribution";
  case SIM_KEY_DIST_DURATION: return "duration distribution";
  case SIM_KEY_ENUM:          return "choice";
  }
  return "?";
}

/* ---- suggestions ----------------------------------------------------------------- */

/* "; did you mean [link.access]?" for an unknown section, or "". Exact sections are
 * candidates as they are; a family "link.*" is offered completed with the name the
 * user wrote ("lnik.access" -> "link.access"), or bare ("link" -> "[link.NAME]") when
 * the user wrote no name. */
static char *
suggest_section(const SimSchema *schema, const char *section)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GArray) bare = g_array_new(FALSE, FALSE, sizeof(gboolean));
  for (guint i = 0; i < schema->sections->len; i++) {
    const char *name = g_ptr_array_index(schema->sections, i);
    gboolean is_bare = FALSE;
    if (!section_is_family(name)) {
      g_ptr_array_add(candidates, g_strdup(name));
    } else {
      size_t prefix_len = strlen(name) - 2;   /* "link" of "link.*" */
      /* the user's name is split after as many dots as the prefix has, plus one */
      guint dots = 0;
      for (size_t k = 0; k < prefix_len; k++)
        dots += name[k] == '.';
      const char *p = section;
      for (guint k = 0; p != NULL && k <= dots; k++) {
        p = strchr(p, '.');
        if (p != NULL && k < dots)
          p++;
      }
      if (p != NULL && p[1] != '\0') {
        g_ptr_array_add(candidates, g_strdup_printf("%.*s%s", (int)prefix_len, name, p));
      } else {
        g_ptr_array_add(candidates, g_strndup(name, prefix_len));
        is_bare = TRUE;
      }
    }
    g_array_append_val(bare, is_bare);
  }
  const char *best = sim_suggest(section, (const char *const *)candidates->pdata,
                                 candidates->len);
  if (best == NULL)
    return g_strdup("");
  guint idx = 0;
  while (g_ptr_array_index(candidates, idx) != best)
    idx++;
  return g_strdup_printf("; did you mean [%s%s]?", best,
                         g_array_index(bare, gboolean, idx) ? ".NAME" : "");
}

/* ---- config ---------------------------------------------------------------------- */

/* A value after validation; which member is meaningful follows the spec's type. */
typedef union {
  int64_t i;     /* INT, DURATION, RATE, SIZE */
  double d;      /* DOUBLE, PROB */
  gboolean b;    /* BOOL */
} ConfigValue;

typedef struct {
  char *key;
  char *value;          /* trimmed and, from a file, unescaped */
  gboolean bad_escape;  /* @value is as written: GKeyFile could not unescape it */
  char *origin;         /* "exp.ini:12" or "--set tcp.time_wait=30s" */
  char *base_dir;       /* where empirical(file) is looked up; NULL: current directory */
  gboolean from_override;
  guint64 seq;          /* order among values of the same kind (file or override) */
  ConfigValue parsed;   /* filled by validation */
} ConfigEntry;

typedef struct {
  char *name;
  char *origin;         /* where the section first appeared */
  gboolean from_override;
  guint64 seq;
  GHashTable *entries;  /* key -> ConfigEntry, owned */
} ConfigSection;

struct SimConfig {
  const SimSchema *schema;
  GPtrArray *sections;        /* ConfigSection *, in order of first appearance; owned */
  GHashTable *section_index;  /* name -> ConfigSection * */
  GHashTable *defaults;       /* const SimKeySpec * -> ConfigValue *, filled by validation */
  char *first_source;         /* the first file loaded: where an absent section is "at" */
  guint64 next_file_seq;
  guint64 next_override_seq;
  gboolean validated;         /* cleared by every change */
};

static void
entry_free(gpointer p)
{
  ConfigEntry *e = p;
  g_free(e->key);
  g_free(e->value);
  g_free(e->origin);
  g_free(e->base_dir);
  g_free(e);
}

static void
section_free(gpointer p)
{
  ConfigSection *s = p;
  g_free(s->name);
  g_free(s->origin);
  g_hash_table_destroy(s->entries);
  g_free(s);
}

SimConfig *
sim_config_new(const SimSchema *schema)
{
  g_return_val_if_fail(schema != NULL, NULL);
  SimConfig *cfg = g_new0(SimConfig, 1);
  cfg->schema = schema;
  cfg->sections = g_ptr_array_new_with_free_func(section_free);
  cfg->section_index = g_hash_table_new(g_str_hash, g_str_equal);
  cfg->defaults = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  return cfg;
}

void
sim_config_free(SimConfig *cfg)
{
  if (cfg == NULL)
    return;
  g_hash_table_destroy(cfg->section_index);
  g_ptr_array_free(cfg->sections, TRUE);
  g_hash_table_destroy(cfg->defaults);
  g_free(cfg->first_source);
  g_free(cfg);
}

static ConfigSection *
config_section(const SimConfig *cfg, const char *name)
{
  return g_hash_table_lookup(cfg->section_index, name);
}

static ConfigEntry *
config_entry(const SimConfig *cfg, const char *section, const char *key)
{
  ConfigSection *s = config_section(cfg, section);
  return s ? g_hash_table_lookup(s->entries, key) : NULL;
}

/* The section @name, created at @origin if absent. A section first named by an
 * override moves to the file header that names it later: the file is where a reader
 * looks. */
static ConfigSection *
config_ensure_section(SimConfig *cfg, const char *name, const char *origin,
                      gboolean from_override, guint64 seq)
{
  ConfigSection *s = config_section(cfg, name);
  if (s == NULL) {
    s = g_new0(ConfigSection, 1);
    s->name = g_strdup(name);
    s->entries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
    g_ptr_array_add(cfg->sections, s);
    g_hash_table_insert(cfg->section_index, s->name, s);
  } else if (!(s->from_override && !from_override)) {
    return s;
  }
  g_free(s->origin);
  s->origin = g_strdup(origin);
  s->from_override = from_override;
  s->seq = seq;
  return s;
}

/* Names of sections and keys: what GKeyFile can read back, and what an INI header or
 * key can spell: not empty, no brackets, no control characters. */
static gboolean
name_is_valid(const char *name)
{
  if (name[0] == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (*p == '[' || *p == ']' || (unsigned char)*p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

/* ---- loading --------------------------------------------------------------------- */

typedef struct {
  char *section;
  char *key;        /* NULL for a section header */
  char *text;       /* the value as written, trimmed */
  guint line;
} IniLine;

static void
ini_line_free(gpointer p)
{
  IniLine *l = p;
  g_free(l->section);
  g_free(l->key);
  g_free(l->text);
  g_free(l);
}

/* Scans @data line by line into @lines (headers and keys only) and writes the same
 * content to @canon in the plain form GKeyFile reads ("[s]" and "k=v"), so that
 * GKeyFile only unescapes and the line numbers are ours. */
static gboolean
ini_scan(const char *data, const char *name, GPtrArray *lines, GString *canon,
         guint *nlines, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *section = NULL;
  guint lineno = 0;
  const char *p = data;
  while (*p != '\0') {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    lineno++;
    g_autofree char *line = g_strndup(p, len);
    p += len + (nl != NULL);
    if (!g_utf8_validate(line, -1, NULL)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "%s:%u: the line is not valid UTF-8",
                  name, lineno);
      return FALSE;
    }
    g_strstrip(line);   /* also drops the \r of CRLF files */
    if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
      continue;

    size_t tl = strlen(line);
    if (line[0] == '[' && line[tl - 1] == ']') {
      g_autofree char *header = g_strndup(line + 1, tl - 2);
      g_strstrip(header);
      if (name_is_valid(header)) {
        g_free(section);
        section = g_steal_pointer(&header);
        IniLine *l = g_new0(IniLine, 1);
        l->section = g_strdup(section);
        l->line = lineno;
        g_ptr_array_add(lines, l);
        g_string_append_printf(canon, "[%s]\n", section);
        continue;
      }
    } else if (line[0] != '[') {
      const char *eq = strchr(line, '=');
      g_autofree char *key = eq ? g_strndup(line, (size_t)(eq - line)) : NULL;
      if (key != NULL && name_is_valid(g_strstrip(key))) {
        if (section == NULL) {
          g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                      "%s:%u: key '%s' comes before any [section] header", name, lineno,
                      key);
          return FALSE;
        }
        g_autofree char *pair = g_strconcat(section, "\x1f", key, NULL);
        guint first = GPOINTER_TO_UINT(g_hash_table_lookup(seen, pair));
        if (first != 0) {
          g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                      "%s:%u: [%s] %s: key given twice (first at line %u)", name, lineno,
                      section, key, first);
          return FALSE;
        }
        g_hash_table_insert(seen, g_steal_pointer(&pair), GUINT_TO_POINTER(lineno));
        IniLine *l = g_new0(IniLine, 1);
        l->section = g_strdup(section);
        l->text = g_strstrip(g_strdup(eq + 1));
        l->line = lineno;
        g_string_append_printf(canon, "%s=%s\n", key, l->text);
        l->key = g_steal_pointer(&key);
        g_ptr_array_add(lines, l);
        continue;
      }
    }
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                "%s:%u: expected 'key = value', a [section] header or a comment, got '%s'",
                name, lineno, line);
    return FALSE;
  }
  *nlines = lineno;
  return TRUE;
}

/* Loads @data (of @len bytes) named @name; @base_dir is where its empirical(file)
 * values are looked up. Everything is checked before @cfg is touched. */
static gboolean
config_load_text(SimConfig *cfg, const char *data, size_t len, const char *name,
                 const char *base_dir, GError **error)
{
  const char *nul = memchr(data, '\0', len);
  if (nul != NULL) {
    guint lineno = 1;
    for (const char *q = data; q < nul; q++)
      lineno += *q == '\n';
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "%s:%u: the line contains a NUL byte",
                name, lineno);
    return FALSE;
  }

  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(ini_line_free);
  g_autoptr(GString) canon = g_string_new(NULL);
  guint nlines = 0;
  if (!ini_scan(data, name, lines, canon, &nlines, error))
    return FALSE;

  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_autoptr(GError) kerr = NULL;
  if (!g_key_file_load_from_data(kf, canon->str, canon->len, G_KEY_FILE_NONE, &kerr)) {
    /* the scan lets through only what GKeyFile reads; kept as a safety net */
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "%s: %s", name, kerr->message);
    return FALSE;
  }

  /* nothing below can fail: commit */
  for (guint i = 0; i < lines->len; i++) {
    IniLine *l = g_ptr_array_index(lines, i);
    g_autofree char *origin = g_strdup_printf("%s:%u", name, l->line);
    guint64 seq = cfg->next_file_seq + l->line;
    if (l->key == NULL) {
      config_ensure_section(cfg, l->section, origin, FALSE, seq);
      continue;
    }
    ConfigSection *s = config_section(cfg, l->section);
    ConfigEntry *old = g_hash_table_lookup(s->entries, l->key);
    if (old != NULL && old->from_override)
      continue;   /* an override wins over any file, whichever came first */
    ConfigEntry *e = g_new0(ConfigEntry, 1);
    e->key = g_strdup(l->key);
    /* GKeyFile returns a best-effort string along with the error; its message does
     * not say what is wrong, so the problem is worded here */
    g_autoptr(GError) escape_error = NULL;
    g_autofree char *unescaped = g_key_file_get_string(kf, l->section, l->key, &escape_error);
    if (escape_error == NULL && unescaped != NULL) {
      e->value = g_steal_pointer(&unescaped);
    } else {
      e->value = g_strdup(l->text);
      e->bad_escape = TRUE;
    }
    e->origin = g_steal_pointer(&origin);
    e->base_dir = g_strdup(base_dir);
    e->seq = seq;
    g_hash_table_replace(s->entries, e->key, e);
  }
  cfg->next_file_seq += (guint64)nlines + 1;
  if (cfg->first_source == NULL)
    cfg->first_source = g_strdup(name);
  cfg->validated = FALSE;
  return TRUE;
}

gboolean
sim_config_load_file(SimConfig *cfg, const char *path, GError **error)
{
  g_return_val_if_fail(cfg != NULL && path != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) ferr = NULL;
  if (!g_file_get_contents(path, &data, &len, &ferr)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot read config file '%s': %s", path,
                ferr->message);
    return FALSE;
  }
  g_autofree char *dir = g_path_get_dirname(path);
  return config_load_text(cfg, data, len, path, dir, error);
}

gboolean
sim_config_load_data(SimConfig *cfg, const char *data, const char *name, GError **error)
{
  g_return_val_if_fail(cfg != NULL && data != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  return config_load_text(cfg, data, strlen(data), name ? name : "<data>", NULL, error);
}

gboolean
sim_config_set_override(SimConfig *cfg, const char *assignment, GError **error)
{
  g_return_val_if_fail(cfg != NULL && assignment != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  const char *problem = NULL;
  const char *eq = strchr(assignment, '=');
  g_autofree char *lhs = eq ? g_strndup(assignment, (size_t)(eq - assignment)) : NULL;
  /* the last dot: section names may contain dots ("link.access"), keys do not */
  char *dot = lhs ? strrchr(lhs, '.') : NULL;
  if (!g_utf8_validate(assignment, -1, NULL))
    problem = "not valid UTF-8";
  else if (eq == NULL)
    problem = "no '='";
  else if (dot == NULL)
    problem = "no '.' between section and key";
  if (problem == NULL) {
    *dot = '\0';
    g_strstrip(lhs);
    g_strstrip(dot + 1);
    if (lhs[0] == '\0')
      problem = "the section is empty";
    else if (dot[1] == '\0')
      problem = "the key is empty";
    else if (!name_is_valid(lhs) || !name_is_valid(dot + 1))
      problem = "brackets or control characters in the section or key";
  }
  if (problem != NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
                "--set %s: expected section.key=value: %s", assignment, problem);
    return FALSE;
  }

  g_autofree char *origin = g_strconcat("--set ", assignment, NULL);
  /* taken literally: the shell has already done the quoting */
  g_autofree char *value = g_strstrip(g_strdup(eq + 1));
  sim_config_set(cfg, lhs, dot + 1, value, origin, NULL);
  return TRUE;
}

void
sim_config_set(SimConfig *cfg, const char *section, const char *key, const char *value,
               const char *origin, const char *base_dir)
{
  g_return_if_fail(cfg != NULL && section != NULL && key != NULL && value != NULL);
  g_return_if_fail(name_is_valid(section) && name_is_valid(key));
  if (origin == NULL)
    origin = "(set)";
  guint64 seq = cfg->next_override_seq++;
  ConfigSection *s = config_ensure_section(cfg, section, origin, TRUE, seq);
  ConfigEntry *e = g_new0(ConfigEntry, 1);
  e->key = g_strdup(key);
  e->value = g_strdup(value);
  e->origin = g_strdup(origin);
  e->base_dir = g_strdup(base_dir);
  e->from_override = TRUE;
  e->seq = seq;
  g_hash_table_replace(s->entries, e->key, e);
  cfg->validated = FALSE;
}

/* ---- values ---------------------------------------------------------------------- */

static const SimUnitSet *
spec_units(SimKeyType type)
{
  switch (type) {
  case SIM_KEY_DURATION: return &sim_units_duration;
  case SIM_KEY_RATE:     return &sim_units_rate;
  case SIM_KEY_SIZE:     return &sim_units_size;
  default:               return NULL;
  }
}

/* A range bound as the user writes values of that type ("250ms", not 2.5e+08). */
static char *
format_bound(SimKeyType type, double v)
{
  const SimUnitSet *set = spec_units(type);
  if (isfinite(v) && v == floor(v) && fabs(v) < 9.2e18) {
    char buf[SIM_UNITS_FMT_LEN];
    if (type == SIM_KEY_DURATION)
      return g_strdup(sim_time_format((SimTime)v, buf, sizeof buf));
    if (set != NULL)
      return g_strdup(sim_units_format(set, (int64_t)v, buf, sizeof buf));
    return g_strdup_printf("%" G_GINT64_FORMAT, (gint64)v);
  }
  return g_strdup_printf("%g", v);
}

static gboolean
parse_bool(const char *text, gboolean *out)
{
  static const char *const truths[] = { "true", "yes", "on", "1" };
  static const char *const falsehoods[] = { "false", "no", "off", "0" };
  for (size_t i = 0; i < G_N_ELEMENTS(truths); i++) {
    if (g_ascii_strcasecmp(text, truths[i]) == 0) {
      *out = TRUE;
      return TRUE;
    }
    if (g_ascii_strcasecmp(text, falsehoods[i]) == 0) {
      *out = FALSE;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
parse_double(const char *text, double *out)
{
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  if (end == text || *end != '\0' || !isfinite(v))
    return FALSE;
  *out = v;
  return TRUE;
}

static char *
enum_problem(const SimKeySpec *spec, const char *text)
{
  g_auto(GStrv) choices = g_strsplit(spec->choices, "|", -1);
  guint n = g_strv_length(choices);
  for (guint i = 0; i < n; i++)
    if (strcmp(choices[i], text) == 0)
      return NULL;
  g_autofree char *list = g_strjoinv(", ", choices);
  const char *close = sim_suggest(text, (const char *const *)choices, n);
  if (close != NULL)
    return g_strdup_printf("'%s' is not one of %s; did you mean '%s'?", text, list, close);
  return g_strdup_printf("'%s' is not one of %s", text, list);
}

/* Parses @text as a value of @spec into @out. Returns NULL, or what is wrong with it
 * (quoting the value and naming the expected type), owned by the caller. */
static char *
value_problem(const SimKeySpec *spec, const char *text, const char *base_dir,
              ConfigValue *out)
{
  g_autoptr(GError) err = NULL;
  gboolean has_range = (spec->flags & SIM_KEY_HAS_RANGE) != 0;
  double number = 0;   /* the value in base units, for the range check */
  memset(out, 0, sizeof *out);

  switch (spec->type) {
  case SIM_KEY_STRING:
    return NULL;
  case SIM_KEY_INT: {
    gint64 v;
    if (!g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &v, &err)) {
      if (g_error_matches(err, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
        return g_strdup_printf("'%s' is not an integer: it does not fit in 64 bits", text);
      return g_strdup_printf("'%s' is not an integer", text);
    }
    out->i = v;
    number = (double)v;
    break;
  }
  case SIM_KEY_BOOL:
    if (!parse_bool(text, &out->b))
      return g_strdup_printf("'%s' is not a boolean: expected true/false, yes/no, on/off "
                             "or 1/0", text);
    return NULL;
  case SIM_KEY_DOUBLE:
    if (!parse_double(text, &out->d))
      return g_strdup_printf("'%s' is not a number: expected a finite decimal number", text);
    number = out->d;
    break;
  case SIM_KEY_PROB:
    if (!parse_double(text, &out->d))
      return g_strdup_printf("'%s' is not a probability: expected a number in [0, 1]",
                             text);
    if (out->d < 0 || out->d > 1)
      return g_strdup_printf("'%s' is out of range (expected a probability in [0, 1])",
                             text);
    number = out->d;
    break;
  case SIM_KEY_DURATION:
  case SIM_KEY_RATE:
  case SIM_KEY_SIZE: {
    /* a negative duration is meaningful only where the spec's range says so (an offset,
     * a skew); rates and sizes are never negative */
    gboolean negative_ok = spec->type == SIM_KEY_DURATION && has_range && spec->min < 0;
    if (!sim_units_parse(spec_units(spec->type), text, negative_ok, &out->i, &err))
      return g_strdup(err->message);   /* quotes the value and names the quantity */
    number = (double)out->i;
    break;
  }
  case SIM_KEY_DIST:
  case SIM_KEY_DIST_DURATION: {
    SimDistDomain domain = spec->type == SIM_KEY_DIST ? SIM_DIST_NUMBER : SIM_DIST_DURATION;
    g_autoptr(SimDist) d = sim_dist_parse(text, domain, base_dir, &err);
    if (d != NULL)
      return NULL;
    /* sim_dist's messages may open with the quoted text, which is already said here */
    const char *why = err ? err->message : "no reason given";
    g_autofree char *quoted = g_strdup_printf("'%s': ", text);
    if (g_str_has_prefix(why, quoted))
      why += strlen(quoted);
    return g_strdup_printf("'%s' is not a %s: %s", text, sim_key_type_name(spec->type), why);
  }
  case SIM_KEY_ENUM:
    return enum_problem(spec, text);
  }

  if (has_range && (number < spec->min || number > spec->max)) {
    g_autofree char *lo = format_bound(spec->type, spec->min);
    g_autofree char *hi = format_bound(spec->type, spec->max);
    return g_strdup_printf("'%s' is out of range [%s, %s]", text, lo, hi);
  }
  return NULL;
}

/* ---- validation ------------------------------------------------------------------ */

typedef struct {
  gboolean from_override;   /* file problems come first */
  guint64 seq;
  char *text;
} Problem;

static void
problem_free(gpointer p)
{
  Problem *pr = p;
  g_free(pr->text);
  g_free(pr);
}

static void G_GNUC_PRINTF(4, 5)
add_problem(GPtrArray *problems, gboolean from_override, guint64 seq, const char *fmt, ...)
{
  Problem *pr = g_new0(Problem, 1);
  pr->from_override = from_override;
  pr->seq = seq;
  va_list ap;
  va_start(ap, fmt);
  pr->text = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_ptr_array_add(problems, pr);
}

static gint
problem_cmp(gconstpointer a, gconstpointer b)
{
  const Problem *pa = *(Problem *const *)a, *pb = *(Problem *const *)b;
  if (pa->from_override != pb->from_override)
    return pa->from_override ? 1 : -1;
  return pa->seq < pb->seq ? -1 : pa->seq > pb->seq;
}

/* Parses every default once, so that getters of defaulted keys cost a lookup too. A
 * default that does not parse is a bug in a module's key table, not in the user's
 * file. */
static void
config_parse_defaults(SimConfig *cfg)
{
  g_hash_table_remove_all(cfg->defaults);
  for (guint i = 0; i < cfg->schema->specs->len; i++) {
    const SimKeySpec *spec = g_ptr_array_index(cfg->schema->specs, i);
    if (spec->def == NULL)
      continue;
    ConfigValue *v = g_new0(ConfigValue, 1);
    g_autofree char *problem = value_problem(spec, spec->def, NULL, v);
    if (problem != NULL) {
      g_critical("sim_config: the default of [%s] %s does not parse: %s", spec->section,
                 spec->key, problem);
      memset(v, 0, sizeof *v);
    }
    g_hash_table_insert(cfg->defaults, (gpointer)spec, v);
  }
}

static gint
entry_seq_cmp(gconstpointer a, gconstpointer b)
{
  const ConfigEntry *ea = *(ConfigEntry *const *)a, *eb = *(ConfigEntry *const *)b;
  if (ea->from_override != eb->from_override)
    return ea->from_override ? 1 : -1;
  return ea->seq < eb->seq ? -1 : ea->seq > eb->seq;
}

/* The entries of @s in file order, then override order. */
static GPtrArray *
section_entries_sorted(const ConfigSection *s)
{
  GPtrArray *out = g_ptr_array_new();
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, s->entries);
  while (g_hash_table_iter_next(&it, NULL, &value))
    g_ptr_array_add(out, value);
  g_ptr_array_sort(out, entry_seq_cmp);
  return out;
}

/* Checks @s and its values, storing each parsed value in its entry. */
static void
validate_section(SimConfig *cfg, ConfigSection *s, GPtrArray *problems)
{
  const SimSchema *schema = cfg->schema;
  if (!schema_knows_section(schema, s->name)) {
    g_autofree char *hint = suggest_section(schema, s->name);
    add_problem(problems, s->from_override, s->seq, "%s: [%s]: unknown section%s", s->origin,
                s->name, hint);
    return;
  }
  g_autoptr(GPtrArray) specs = schema_section_specs(schema, s->name);
  g_autoptr(GPtrArray) entries = section_entries_sorted(s);
  for (guint i = 0; i < entries->len; i++) {
    ConfigEntry *e = g_ptr_array_index(entries, i);
    const SimKeySpec *spec = sim_schema_lookup(schema, s->name, e->key);
    if (spec == NULL) {
      g_autoptr(GPtrArray) keys = g_ptr_array_new();
      for (guint k = 0; k < specs->len; k++)
        g_ptr_array_add(keys, (gpointer)((const SimKeySpec *)specs->pdata[k])->key);
      const char *close = sim_suggest(e->key, (const char *const *)keys->pdata, keys->len);
      g_autofree char *hint = close ? g_strdup_printf("; did you mean '%s'?", close)
                                    : g_strdup("");
      add_problem(problems, e->from_override, e->seq, "%s: [%s] %s: unknown key%s",
                  e->origin, s->name, e->key, hint);
      continue;
    }
    if (e->bad_escape) {
      add_problem(problems, e->from_override, e->seq,
                  "%s: [%s] %s: '%s' is not a valid %s: a backslash must start one of the "
                  "escapes \\s \\n \\t \\r \\\\", e->origin, s->name, e->key, e->value,
                  sim_key_type_name(spec->type));
      continue;
    }
    g_autofree char *problem = value_problem(spec, e->value, e->base_dir, &e->parsed);
    if (problem != NULL)
      add_problem(problems, e->from_override, e->seq, "%s: [%s] %s: %s", e->origin, s->name,
                  e->key, problem);
  }
  for (guint k = 0; k < specs->len; k++) {
    const SimKeySpec *spec = g_ptr_array_index(specs, k);
    if ((spec->flags & SIM_KEY_REQUIRED) && !g_hash_table_contains(s->entries, spec->key))
      add_problem(problems, s->from_override, s->seq,
                  "%s: [%s] %s: required key is missing", s->origin, s->name, spec->key);
  }
}

gboolean
sim_config_validate(SimConfig *cfg, GError **error)
{
  g_return_val_if_fail(cfg != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  cfg->validated = FALSE;
  config_parse_defaults(cfg);

  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(problem_free);
  for (guint i = 0; i < cfg->sections->len; i++)
    validate_section(cfg, g_ptr_array_index(cfg->sections, i), problems);

  /* Required keys of absent sections: reported against the file as a whole, after
   * the problems that have a line. A family has no required instance. */
  for (guint i = 0; i < cfg->schema->specs->len; i++) {
    const SimKeySpec *spec = g_ptr_array_index(cfg->schema->specs, i);
    if (!(spec->flags & SIM_KEY_REQUIRED) || section_is_family(spec->section) ||
        config_section(cfg, spec->section) != NULL)
      continue;
    if (cfg->first_source != NULL)
      add_problem(problems, FALSE, G_MAXUINT64, "%s: [%s] %s: required key is missing",
                  cfg->first_source, spec->section, spec->key);
    else
      add_problem(problems, FALSE, G_MAXUINT64, "[%s] %s: required key is missing",
                  spec->section, spec->key);
  }

  if (problems->len > 0) {
    g_ptr_array_sort(problems, problem_cmp);   /* stable: ties keep the order found */
    g_autoptr(GString) msg = g_string_new(NULL);
    for (guint i = 0; i < problems->len; i++) {
      const Problem *pr = g_ptr_array_index(problems, i);
      if (i > 0)
        g_string_append_c(msg, '\n');
      g_string_append(msg, pr->text);
    }
    g_set_error_literal(error, SIM_ERROR, SIM_ERROR_INVALID, msg->str);
    return FALSE;
  }
  cfg->validated = TRUE;
  return TRUE;
}

/* ---- getters --------------------------------------------------------------------- */

/* The parsed value of (@section, @key) and its text (NULL: no value and no default).
 * Returns NULL after a g_critical on misuse. A hash lookup, plus a scan of the family
 * keys for a family section. */
static const ConfigValue *
config_value(const SimConfig *cfg, const char *section, const char *key,
             gboolean (*type_ok)(SimKeyType), const char *getter, const char **text)
{
  static const ConfigValue zero;
  *text = NULL;
  const SimKeySpec *spec = sim_schema_lookup(cfg->schema, section, key);
  if (spec == NULL) {
    g_critical("%s: [%s] %s is not in the schema", getter, section, key);
    return NULL;
  }
  if (!type_ok(spec->type)) {
    g_critical("%s: [%s] %s is a %s", getter, section, key, sim_key_type_name(spec->type));
    return NULL;
  }
  if (!cfg->validated) {
    g_critical("%s: the config has not been validated", getter);
    return NULL;
  }
  const ConfigEntry *e = config_entry(cfg, section, key);
  if (e != NULL) {
    *text = e->value;
    return &e->parsed;
  }
  *text = spec->def;
  const ConfigValue *v = g_hash_table_lookup(cfg->defaults, spec);
  return v ? v : &zero;
}

#define TYPE_TEST(name, cond)                                                         \
  static gboolean name(SimKeyType t) { return cond; }
TYPE_TEST(is_string, t == SIM_KEY_STRING)
TYPE_TEST(is_int, t == SIM_KEY_INT)
TYPE_TEST(is_bool, t == SIM_KEY_BOOL)
TYPE_TEST(is_double, t == SIM_KEY_DOUBLE)
TYPE_TEST(is_prob, t == SIM_KEY_PROB)
TYPE_TEST(is_duration, t == SIM_KEY_DURATION)
TYPE_TEST(is_rate, t == SIM_KEY_RATE)
TYPE_TEST(is_size, t == SIM_KEY_SIZE)
TYPE_TEST(is_enum, t == SIM_KEY_ENUM)
TYPE_TEST(is_dist, t == SIM_KEY_DIST || t == SIM_KEY_DIST_DURATION)
#undef TYPE_TEST

#define GETTER_ARGS_OK(zero)                                                          \
  g_return_val_if_fail(cfg != NULL && section != NULL && key != NULL, zero)

const char *
sim_config_get_string(const SimConfig *cfg, const char *section, const char *key)
{
  GETTER_ARGS_OK(NULL);
  const char *text;
  return config_value(cfg, section, key, is_string, G_STRFUNC, &text) ? text : NULL;
}

int64_t
sim_config_get_int(const SimConfig *cfg, const char *section, const char *key)
{
  GETTER_ARGS_OK(0);
  const char *text;
  const ConfigValue *v = config_value(cfg, section, key, is_int, G_STRFUNC, &text);
  return v ? v->i : 0;
}

gboolean
sim_config_get_bool(const SimConfig *cfg, const char *section, const char *key)
{
  GETTER_ARGS_OK(FALSE);
  const char *text;
  const ConfigValue *v = config_value(cfg, section, key, is_bool, G_STRFUNC, &text);
  return v ? v->b : FALSE;
}

double
sim_config_get_double(const SimConfig *cfg, const char *section, const char *key)
{
  GETTER_ARGS_OK(0.0);
  const char *text;
  const ConfigValue *v = config_value(cfg, section, key, is_double, G_STRFUNC, &text);
  return v ? v->d : 0.0;
}

double
sim_config_get_prob(const SimConfig *cfg, const char *section, const char *key)
{
  GETTER_ARGS_OK(0.0);
  const char *text;
  const ConfigValue *v = config_value(cfg, section, key, is_prob, G_STRFUNC, &text);
  return v ? v->d : 0.0;
}

SimTime
sim_config_get_duration(const SimConfig *cfg, const char *section, const char *key)
{
  GETTER_ARGS_OK(0);
  const char *text;
  const ConfigValue *v = config_value(cfg, section, key, is_duration, G_STRFUNC, &text);
  return v ? v->i : 0;
}

int64_t
sim_config_get_rate(const SimConfig *cfg, const char *section, const char *key)
{
  GETTER_ARGS_OK(0);
  const char *text;
  const ConfigValue *v = config_value(cfg, section, key, is_rate, G_STRFUNC, &text);
  return v ? v->i : 0;
}

int64_t
sim_config_get_size(const SimConfig *cfg, const char *section, const char *key)
{
  GETTER_ARGS_OK(0);
  const char *text;
  const ConfigValue *v = config_value(cfg, section, key, is_size, G_STRFUNC, &text);
  return v ? v->i : 0;
}

const char *
sim_config_get_enum(const SimConfig *cfg, const char *section, const char *key)
{
  GETTER_ARGS_OK(NULL);
  const char *text;
  return config_value(cfg, section, key, is_enum, G_STRFUNC, &text) ? text : NULL;
}

SimDist *
sim_config_get_dist(const SimConfig *cfg, const char *section, const char *key,
                    GError **error)
{
  GETTER_ARGS_OK(NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  const char *text;
  if (config_value(cfg, section, key, is_dist, G_STRFUNC, &text) == NULL)
    return NULL;
  if (text == NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "[%s] %s: no distribution given and no default", section, key);
    return NULL;
  }
  const SimKeySpec *spec = sim_schema_lookup(cfg->schema, section, key);
  const ConfigEntry *e = config_entry(cfg, section, key);
  SimDistDomain domain = spec->type == SIM_KEY_DIST ? SIM_DIST_NUMBER : SIM_DIST_DURATION;
  /* parsed again so that the caller owns it; O(file size) for empirical(file) */
  return sim_dist_parse(text, domain, e ? e->base_dir : NULL, error);
}

/* ---- introspection --------------------------------------------------------------- */

gboolean
sim_config_has(const SimConfig *cfg, const char *section, const char *key)
{
  g_return_val_if_fail(cfg != NULL && section != NULL && key != NULL, FALSE);
  return config_entry(cfg, section, key) != NULL;
}

const char *
sim_config_origin(const SimConfig *cfg, const char *section, const char *key)
{
  g_return_val_if_fail(cfg != NULL && section != NULL && key != NULL, NULL);
  const ConfigEntry *e = config_entry(cfg, section, key);
  return e ? e->origin : "default";
}

static gint
section_seq_cmp(gconstpointer a, gconstpointer b)
{
  const ConfigSection *sa = *(ConfigSection *const *)a, *sb = *(ConfigSection *const *)b;
  if (sa->from_override != sb->from_override)
    return sa->from_override ? 1 : -1;
  return sa->seq < sb->seq ? -1 : sa->seq > sb->seq;
}

/* The sections in file order, then those only overrides name. Creation order is not
 * enough: an override may name a section before the file that has it is loaded. */
static GPtrArray *
config_sections_in_order(const SimConfig *cfg)
{
  GPtrArray *out = g_ptr_array_sized_new(cfg->sections->len);
  for (guint i = 0; i < cfg->sections->len; i++)
    g_ptr_array_add(out, g_ptr_array_index(cfg->sections, i));
  g_ptr_array_sort(out, section_seq_cmp);
  return out;
}

char **
sim_config_sections(const SimConfig *cfg, const char *prefix)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  g_autoptr(GPtrArray) sections = config_sections_in_order(cfg);
  GPtrArray *names = g_ptr_array_new();
  for (guint i = 0; i < sections->len; i++) {
    const ConfigSection *s = g_ptr_array_index(sections, i);
    if (prefix == NULL || g_str_has_prefix(s->name, prefix))
      g_ptr_array_add(names, g_strdup(s->name));
  }
  g_ptr_array_add(names, NULL);
  return (char **)g_ptr_array_free(names, FALSE);
}

char **
sim_config_keys(const SimConfig *cfg, const char *section)
{
  g_return_val_if_fail(cfg != NULL && section != NULL, NULL);
  GPtrArray *names = g_ptr_array_new();
  const ConfigSection *s = config_section(cfg, section);
  if (s != NULL) {
    g_autoptr(GPtrArray) entries = section_entries_sorted(s);
    for (guint i = 0; i < entries->len; i++)
      g_ptr_array_add(names, g_strdup(((const ConfigEntry *)entries->pdata[i])->key));
  }
  g_ptr_array_add(names, NULL);
  return (char **)g_ptr_array_free(names, FALSE);
}

const char *
sim_config_raw(const SimConfig *cfg, const char *section, const char *key)
{
  g_return_val_if_fail(cfg != NULL && section != NULL && key != NULL, NULL);
  const ConfigSection *s = config_section(cfg, section);
  const ConfigEntry *e = s ? g_hash_table_lookup(s->entries, key) : NULL;
  return e ? e->value : NULL;
}

const char *
sim_config_section_origin(const SimConfig *cfg, const char *section)
{
  g_return_val_if_fail(cfg != NULL && section != NULL, NULL);
  const ConfigSection *s = config_section(cfg, section);
  return s ? s->origin : NULL;
}

/* Writes @value so that GKeyFile reads it back unchanged: backslashes and control
 * characters escaped, and spaces at either end escaped so the loader's trim keeps
 * them. */
static void
append_escaped(GString *out, const char *value)
{
  size_t len = strlen(value);
  for (size_t i = 0; i < len; i++) {
    char c = value[i];
    switch (c) {
    case '\\': g_string_append(out, "\\\\"); break;
    case '\n': g_string_append(out, "\\n"); break;
    case '\t': g_string_append(out, "\\t"); break;
    case '\r': g_string_append(out, "\\r"); break;
    case ' ':
      if (i == 0 || i == len - 1)
        g_string_append(out, "\\s");
      else
        g_string_append_c(out, ' ');
      break;
    default: g_string_append_c(out, c); break;
    }
  }
}

/* "empirical(PATH)" with PATH made absolute (from @base_dir, else the current folder), so
 * the text reads the same file wherever it is saved; any other value as it is. */
static char *
value_with_absolute_file(const char *value, const char *base_dir)
{
  g_autofree char *v = g_strstrip(g_strdup(value));
  const char *prefix = "empirical(";
  size_t n = strlen(v);
  if (!g_str_has_prefix(v, prefix) || n < strlen(prefix) + 2 || v[n - 1] != ')')
    return g_strdup(value);
  g_autofree char *path = g_strstrip(g_strndup(v + strlen(prefix), n - strlen(prefix) - 1));
  if (g_path_is_absolute(path))
    return g_strdup(value);
  g_autofree char *abs = g_canonicalize_filename(path, base_dir);
  return g_strdup_printf("empirical(%s)", abs);
}

static void
append_entry(GString *out, const ConfigEntry *e)
{
  g_string_append_printf(out, "%s = ", e->key);
  if (e->bad_escape) {
    g_string_append(out, e->value);   /* kept as written, so it fails the same way */
  } else {
    g_autofree char *v = value_with_absolute_file(e->value, e->base_dir);
    append_escaped(out, v);
  }
  g_string_append_c(out, '\n');
}

static void
append_section(GString *out, const SimConfig *cfg, const char *name)
{
  g_string_append_printf(out, "\n[%s]\n", name);
  const ConfigSection *s = config_section(cfg, name);
  g_autoptr(GPtrArray) specs = schema_section_specs(cfg->schema, name);
  for (guint i = 0; i < specs->len; i++) {
    const SimKeySpec *spec = g_ptr_array_index(specs, i);
    if (strcmp(spec->key, SIM_KEY_ANY) == 0)
      continue;   /* its entries follow, as keys outside the schema */
    if (spec->doc != NULL) {
      g_auto(GStrv) doc_lines = g_strsplit(spec->doc, "\n", -1);
      for (char **l = doc_lines; *l; l++)
        g_string_append_printf(out, "# %s\n", *l);
    }
    const ConfigEntry *e = s ? g_hash_table_lookup(s->entries, spec->key) : NULL;
    if (e != NULL) {
      append_entry(out, e);
    } else if (spec->def != NULL) {
      g_string_append_printf(out, "%s = ", spec->key);
      append_escaped(out, spec->def);
      g_string_append_c(out, '\n');
    } else if (spec->flags & SIM_KEY_REQUIRED) {
      g_string_append_printf(out, "# %s = (no value, no default)\n", spec->key);
    } else {
      g_string_append_printf(out, "# %s = (not set)\n", spec->key);
    }
  }
  if (s == NULL)
    return;
  /* keys outside the schema too, so that the text is the whole config */
  g_autoptr(GPtrArray) entries = section_entries_sorted(s);
  for (guint i = 0; i < entries->len; i++) {
    const ConfigEntry *e = g_ptr_array_index(entries, i);
    const SimKeySpec *spec = sim_schema_lookup(cfg->schema, name, e->key);
    if (spec == NULL || strcmp(spec->key, SIM_KEY_ANY) == 0)
      append_entry(out, e);
  }
}

char *
sim_config_to_data(const SimConfig *cfg)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  GString *out = g_string_new("# synack configuration: every key with its effective value\n");
  g_autoptr(GPtrArray) sections = config_sections_in_order(cfg);
  for (guint i = 0; i < sections->len; i++)
    append_section(out, cfg, ((const ConfigSection *)g_ptr_array_index(sections, i))->name);
  for (guint i = 0; i < cfg->schema->sections->len; i++) {
    const char *name = g_ptr_array_index(cfg->schema->sections, i);
    if (!section_is_family(name) && config_section(cfg, name) == NULL)
      append_section(out, cfg, name);
  }
  return g_string_free(out, FALSE);
}

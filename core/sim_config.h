/* sim_config: experiment configuration over GKeyFile, checked against a schema.
 * Every key synack understands is declared once in a SimKeySpec table (section, key,
 * type, default, one-line doc); a config is loaded from an INI file and command-line
 * overrides ("--set tcp.time_wait=30s"), then validated as a whole: every problem is
 * collected, each naming file, line, section, key, what was expected and, for a
 * misspelt key or section, the closest known name. Nothing runs on a config that does
 * not validate. After validation the typed getters cannot fail. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "sim_time.h"
#include "sim_dist.h"
#include "sim_suggest.h"

G_BEGIN_DECLS

typedef enum {
  SIM_KEY_STRING,
  SIM_KEY_INT,            /* 64-bit signed integer */
  SIM_KEY_BOOL,           /* true/false, yes/no, on/off, 1/0 */
  SIM_KEY_DOUBLE,         /* finite number */
  SIM_KEY_DURATION,       /* "1.5ms"; negative only if the spec's min < 0 */
  SIM_KEY_RATE,           /* "10Mbps", bits per second */
  SIM_KEY_SIZE,           /* "64KiB", bytes */
  SIM_KEY_PROB,           /* number in [0, 1] */
  SIM_KEY_DIST,           /* distribution of plain numbers: "exp(2)" */
  SIM_KEY_DIST_DURATION,  /* distribution of durations: "exp(10ms)" */
  SIM_KEY_ENUM,           /* one of the spec's choices */
} SimKeyType;

enum {
  SIM_KEY_REQUIRED = 1 << 0,  /* must be given (no default) */
  SIM_KEY_HAS_RANGE = 1 << 1, /* value must lie in [min, max] (base units) */
};

/* The key of a spec that stands for any key of its section, for sections whose keys
 * are data, such as [variant.NAME] (keys "tcp.handshake" naming what they override) or
 * [sweep]: every key the section does not declare is accepted as a string and left for
 * the caller to check. */
#define SIM_KEY_ANY "*"

typedef struct {
  const char *section;  /* "tcp", or a family "link.*" that matches any "link.NAME" */
  const char *key;
  SimKeyType type;
  const char *def;      /* default as text (parsed like a value), or NULL: none */
  const char *doc;      /* one line */
  const char *choices;  /* SIM_KEY_ENUM: "random|clock|rfc6528|zero" */
  unsigned flags;       /* SIM_KEY_* */
  double min, max;      /* with SIM_KEY_HAS_RANGE; durations, sizes, rates in base units */
} SimKeySpec;

/* A schema: the union of key tables that the modules of a run contribute. The tables
 * are not copied and must outlive the schema (they are static const in practice). */
typedef struct SimSchema SimSchema;

SimSchema *sim_schema_new(void);
void sim_schema_free(SimSchema *schema);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimSchema, sim_schema_free)
/* Adds @n specs. A (section, key) pair declared twice is a programming error. */
void sim_schema_add(SimSchema *schema, const SimKeySpec *specs, size_t n);
/* The spec for (@section, @key), matching families: "link.access" finds "link.*". */
const SimKeySpec *sim_schema_lookup(const SimSchema *schema, const char *section,
                                    const char *key);
guint sim_schema_size(const SimSchema *schema);
const SimKeySpec *sim_schema_nth(const SimSchema *schema, guint i);
const char *sim_key_type_name(SimKeyType type);   /* "duration", "probability", ... */

typedef struct SimConfig SimConfig;

/* A config over @schema, which must outlive it. */
SimConfig *sim_config_new(const SimSchema *schema);
void sim_config_free(SimConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimConfig, sim_config_free)

/* Loads an INI file (or text, named @name in messages). Only syntax is checked here
 * (a line that is not a section, key = value, or comment: error with file and line);
 * keys and values are checked by sim_config_validate(). A key given twice is an error
 * naming both lines. On failure @cfg is unchanged. */
gboolean sim_config_load_file(SimConfig *cfg, const char *path, GError **error);
gboolean sim_config_load_data(SimConfig *cfg, const char *data, const char *name,
                              GError **error);

/* Applies "section.key=value" (the section may contain dots: "link.access.delay=5ms"
 * is section "link.access", key "delay"). Later overrides win. Only the form is checked
 * here; the value is checked by sim_config_validate() and reported as "--set ...". */
gboolean sim_config_set_override(SimConfig *cfg, const char *assignment, GError **error);
/* Sets [@section] @key = @value as an override (it wins over files; later ones win),
 * reported in messages as coming from @origin ("exp.ini:40 [variant.two_way]"), with
 * empirical(file) looked up from @base_dir (NULL: the current folder). The names must be
 * valid INI names; the value is checked by sim_config_validate(). */
void sim_config_set(SimConfig *cfg, const char *section, const char *key, const char *value,
                    const char *origin, const char *base_dir);

/* Checks every section, key and value against the schema, and that required keys are
 * present. On failure returns FALSE with one SIM_ERROR_INVALID error whose message has
 * one line per problem, in file order then override order, each like
 *   exp.ini:12: [tcp] time_wiat: unknown key; did you mean 'time_wait'?
 *   exp.ini:14: [link.access] loss: '1.5' is out of range (expected a probability in [0, 1])
 *   --set tcp.time_wait=-1s: [tcp] time_wait: '-1s' is negative: a duration here must be >= 0
 * Returns TRUE when the config may be used. */
gboolean sim_config_validate(SimConfig *cfg, GError **error);

/* Typed getters: the value given (file or override), else the spec's default. The key
 * must be in the schema with that type (else a g_critical and a zero value), and
 * sim_config_validate() must have succeeded. */
const char *sim_config_get_string(const SimConfig *cfg, const char *section, const char *key);
int64_t sim_config_get_int(const SimConfig *cfg, const char *section, const char *key);
gboolean sim_config_get_bool(const SimConfig *cfg, const char *section, const char *key);
double sim_config_get_double(const SimConfig *cfg, const char *section, const char *key);
double sim_config_get_prob(const SimConfig *cfg, const char *section, const char *key);
SimTime sim_config_get_duration(const SimConfig *cfg, const char *section, const char *key);
int64_t sim_config_get_rate(const SimConfig *cfg, const char *section, const char *key);
int64_t sim_config_get_size(const SimConfig *cfg, const char *section, const char *key);
const char *sim_config_get_enum(const SimConfig *cfg, const char *section, const char *key);
/* A new SimDist (owned by the caller). Fails only if an empirical file changed since
 * validation. */
SimDist *sim_config_get_dist(const SimConfig *cfg, const char *section, const char *key,
                             GError **error);

/* TRUE if the key was given in the file or an override (not just defaulted). */
gboolean sim_config_has(const SimConfig *cfg, const char *section, const char *key);
/* Where the value came from: "exp.ini:12", "--set tcp.time_wait=30s" or "default". */
const char *sim_config_origin(const SimConfig *cfg, const char *section, const char *key);
/* Names of the sections present whose name starts with @prefix ("variant."), in file
 * order; NULL-terminated, owned by the caller (g_strfreev). */
char **sim_config_sections(const SimConfig *cfg, const char *prefix);
/* The keys given in @section (file order, then override order); NULL-terminated, owned
 * by the caller (g_strfreev). Empty when the section is absent. */
char **sim_config_keys(const SimConfig *cfg, const char *section);
/* The value of a key as given (unescaped text), or NULL when not given. Works before
 * validation and for keys of SIM_KEY_ANY sections. */
const char *sim_config_raw(const SimConfig *cfg, const char *section, const char *key);
/* Where @section first appeared ("exp.ini:7"), or NULL when absent. */
const char *sim_config_section_origin(const SimConfig *cfg, const char *section);
/* The whole config as INI text: every section present, every schema key of those
 * sections with its effective value, defaults included. Loading it back gives the same
 * values (an empirical(file) with its path made absolute, so the text may be saved
 * anywhere). A key with neither value nor default is written as a comment ("# key = (not
 * set)"). Owned by the caller. */
char *sim_config_to_data(const SimConfig *cfg);

G_END_DECLS

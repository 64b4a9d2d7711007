/* exp_verdict: an experiment's hypothesis as data. The [verdict] section's `expect` key
 * holds one expression over the run's figures, such as
 *     two_way.wasted_connections > 0 and three_way.wasted_connections == 0
 * A reference VARIANT.METRIC is the mean of METRIC over the replications of that variant;
 * a bare METRIC is the same for the only variant (an experiment without [variant.*]
 * sections has one, named "base"). Grammar (keywords and names are case-sensitive):
 *   expr    := or
 *   or      := and ( ("or" | "||") and )*
 *   and     := not ( ("and" | "&&") not )*
 *   not     := ("not" | "!") not | cmp
 *   cmp     := sum ( ("<" | "<=" | ">" | ">=" | "==" | "!=") sum )?
 *   sum     := term ( ("+" | "-") term )*
 *   term    := unary ( ("*" | "/") unary )*
 *   unary   := "-" unary | atom
 *   atom    := NUMBER | REF | "(" expr ")"
 *   NUMBER  := decimal, optional fraction and exponent (1, 0.5, 1e-3; not .5 or 1.)
 *   REF     := NAME | NAME "." NAME      NAME := [A-Za-z_][A-Za-z0-9_]*
 * Spaces, tabs and line breaks may stand between any two tokens; a REF is one token, with
 * no space around its '.'. "and", "or" and "not" are keywords, never names.
 * A comparison yields 1 or 0, and comparisons do not chain ("a < b < c" is an error);
 * "and", "or", "not" treat non-zero as true; the whole expression holds when its value
 * is non-zero. Arithmetic is IEEE double (x / 0 is inf or NaN; every comparison with NaN
 * is false except !=). NaN counts as false wherever a truth value is taken ("and",
 * "or", "not", the whole expression): a missing figure (the mean of no runs) never
 * makes a hypothesis hold by itself. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct ExpVerdict ExpVerdict;

/* Parses @text. On a syntax error returns NULL with SIM_ERROR_SYNTAX and a message naming
 * the column (1-based) and what was expected: "column 14: expected a number, a name or
 * '(' after '>'"; "empty expression" for blank text. Parentheses, "-" and "not" may nest
 * 64 deep; deeper is a syntax error rather than a risk to the stack. A number too large
 * for a double is SIM_ERROR_RANGE. */
ExpVerdict *exp_verdict_parse(const char *text, GError **error);
/* As exp_verdict_parse, for expressions over settings ([sweep] where): a reference is
 * NAME ("." NAME)*, split at its last '.' ("link.access.up.hold": variant
 * "link.access.up", metric "hold"). */
ExpVerdict *exp_verdict_parse_dotted(const char *text, GError **error);
void exp_verdict_free(ExpVerdict *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExpVerdict, exp_verdict_free)

/* The references in order of first appearance, each once. The variant of a bare METRIC
 * is NULL. */
guint exp_verdict_n_refs(const ExpVerdict *v);
const char *exp_verdict_ref_variant(const ExpVerdict *v, guint i);
const char *exp_verdict_ref_metric(const ExpVerdict *v, guint i);

/* Gives the value of a reference; FALSE when there is none (unknown variant or
 * metric), which makes exp_verdict_eval fail naming it. */
typedef gboolean (*ExpVerdictLookup)(const char *variant, const char *metric, double *value,
                                     void *user);

/* Evaluates @v, calling @lookup once per reference, in order of first appearance. On
 * success sets *@holds and appends to @figures (if not NULL) every reference with its
 * value, in that order, "; "-separated, as
 * "two_way.wasted_connections = 12.5; three_way.wasted_connections = 0" (values printed
 * with %.6g in the C locale; NaN as "nan"). FALSE with SIM_ERROR_INVALID ("no value for
 * 'four_way.wasted_connections'") when a lookup fails; then *@holds and @figures are
 * left as they were. */
gboolean exp_verdict_eval(const ExpVerdict *v, ExpVerdictLookup lookup, void *user,
                          gboolean *holds, GString *figures, GError **error);

G_END_DECLS
